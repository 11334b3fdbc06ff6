"""Bundled example studies: synthetic ADaM data generators and the data they wrote.

Study A (CC-220-SLE-001, iberdomide in SLE): `tlf.examples.study_a.generate(out_dir)` writes
adsl.xpt, adae.xpt, adex.xpt and adpc.xpt (concentrations, `study_a_pk`); the committed copy lives in `STUDY_A_DATA`.
"""

from __future__ import annotations

from pathlib import Path

STUDY_A_DATA = Path(__file__).resolve().parent / "data" / "study_a"

__all__ = ["STUDY_A_DATA"]
