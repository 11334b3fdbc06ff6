"""`tlf build` progress lines reach a redirected log or pipe as they are written, not at the end."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# The build is replaced by one that reports progress and then waits for the test: the test can only
# read the line if the CLI flushed it into the pipe.
CHILD = textwrap.dedent("""
    import sys
    import tlf.build
    from tlf.build import BuildReport
    from tlf.cli import main

    def build(*args, progress, **kw):
        progress("[1/2] t-long ...")
        sys.stdin.readline()
        print("stdout line written mid-build")
        sys.stdin.readline()
        progress("[1/2] t-long built (1.0 s)")
        return BuildReport()

    tlf.build.build = build
    sys.exit(main(["build", "specs", "--out", sys.argv[1]]))
""")


def _lines(stream) -> queue.Queue:
    """The lines of ``stream`` as they arrive, read by a thread (a test must not hang on a line that
    never comes)."""
    out: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [out.put(line) for line in stream], daemon=True).start()
    return out


def test_progress_and_output_lines_reach_a_pipe_as_they_are_written(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("PYTHONUNBUFFERED", None)
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path / "out")], cwd=REPO, env=env,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = _lines(child.stdout), _lines(child.stderr)
    try:
        assert err.get(timeout=60) == "[1/2] t-long ...\n"
        child.stdin.write("\n")
        child.stdin.flush()
        assert out.get(timeout=60) == "stdout line written mid-build\n"
        child.stdin.write("\n")
        child.stdin.flush()
        assert err.get(timeout=60) == "[1/2] t-long built (1.0 s)\n"
        assert child.wait(timeout=60) == 0
    finally:
        child.kill()
        child.wait()
