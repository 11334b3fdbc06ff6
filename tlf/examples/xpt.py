"""What the example generators share: checking and writing their frames as labelled SAS transport v5
files, and their command line (`python -m tlf.examples.study_a OUT_DIR [SEED]`)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Collection, Mapping
from pathlib import Path


def check_names(frames: Mapping, labels: Mapping[str, Mapping[str, str]]) -> None:
    """Every variable name fits SAS v5 (<= 8 characters) and has a label of <= 40 characters."""
    for name, df in frames.items():
        for col in df.columns:
            assert len(col) <= 8 and col in labels[name] and len(labels[name][col]) <= 40, (name, col)


def write_xpt(frames: Mapping, labels: Mapping[str, Mapping[str, str]], out_dir: Path, studyid: str, *,
              date_vars: Collection[str], datetime_vars: Collection[str]) -> dict[str, Path]:
    """Each frame as `<name>.xpt` (SAS transport v5, variable labels, DATE9./DATETIME20. formats)."""
    import pyreadstat

    paths: dict[str, Path] = {}
    for name, df in frames.items():
        path = Path(out_dir) / f"{name}.xpt"
        fmts = {c: "DATE9." for c in df.columns if c in date_vars}
        fmts.update({c: "DATETIME20." for c in df.columns if c in datetime_vars})
        pyreadstat.write_xport(df, str(path), file_format_version=5, table_name=name.upper(),
                               file_label=f"{studyid} {name.upper()} (synthetic)",
                               column_labels={c: labels[name][c] for c in df.columns}, variable_format=fmts)
        paths[name] = path
    return paths


def generator_main(module: str, generate: Callable[[Path, int], dict[str, Path]], default_seed: int,
                   argv: list[str] | None = None) -> int:
    """`python -m <module> OUT_DIR [SEED]`: generate and print the files written."""
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) not in (1, 2) or argv[0].startswith("-"):
        print(f"usage: python -m {module} OUT_DIR [SEED]", file=sys.stderr)
        return 2
    seed = int(argv[1]) if len(argv) == 2 else default_seed
    for name, path in generate(Path(argv[0]), seed).items():
        print(f"{name}: {path}")
    return 0
