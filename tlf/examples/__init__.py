"""Bundled example studies: synthetic ADaM data generators and the data they wrote.

Study A (CC-220-SLE-001, iberdomide in SLE): `tlf.examples.study_a.generate(out_dir)` writes
adsl.xpt, adae.xpt, adex.xpt, adeff.xpt and adpd.xpt (`study_a_efficacy`) and adpc.xpt (concentrations,
`study_a_pk`); its parts are the other `study_a_*` modules (see study_a's docstring). The committed copy
lives in `STUDY_A_DATA`.

Study B (CC-220-CP-001, single ascending dose in healthy volunteers): `tlf.examples.study_b.generate(out_dir)`
(or `python -m tlf.examples.study_b OUT_DIR`) writes adsl.xpt, adae.xpt, adpd.xpt and adpc.xpt; the committed
copy lives in `STUDY_B_DATA`, and its specs in examples/study_b/specs/.

Shared by both: `xpt` (checking and writing the files, the command line) and `rounding`.
"""

from __future__ import annotations

from pathlib import Path

STUDY_A_DATA = Path(__file__).resolve().parent / "data" / "study_a"
STUDY_B_DATA = Path(__file__).resolve().parent / "data" / "study_b"

__all__ = ["STUDY_A_DATA", "STUDY_B_DATA"]
