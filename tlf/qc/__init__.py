"""Double programming: compare results by key (`tlf compare`), keep a validation tracker, verify builds.

    sources.py   read what is compared: an ARD, a rendered XLSX output, or a data set -> Source
    keys.py      ID variables: check, infer, and match the rows of two frames
    compare.py   the comparison itself (numbers only) -> a frozen CompareResult
    report.py    CompareResult -> terminal text, DOCX, XLSX
    tracker.py   `tlf compare --all`: every output of a study, and the XLSX validation tracker
    verify.py    `tlf verify`: recompute the hashes of output/manifest.json
    commands.py  the CLI commands compare, ard and verify
"""
