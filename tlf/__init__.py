"""tlf: tables, listings and figures for clinical-trial submissions, from YAML specs.

Public API (imports nothing heavy until called):

    from tlf import load_study, build
    study = load_study("specs")
    report = build("specs", "output", ["all"])
"""

from __future__ import annotations


def load_study(specs_dir="specs"):
    from tlf.spec.validate import load_study as _load

    return _load(specs_dir)


def build(specs_dir="specs", out_dir="output", ids=None, **kwargs):
    from tlf.build import build as _build

    return _build(specs_dir, out_dir, ids, **kwargs)


__all__ = ["load_study", "build"]
