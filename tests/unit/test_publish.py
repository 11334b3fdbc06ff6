"""Issue 15 item 5: an output's files and its manifest entry are published together (a journal replayed or
rolled back by the next build); stale temporary files of a killed build are removed; a lock keeps a
second build out of a folder a build is writing."""

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import DEMOG_YAML, write_study
from tlf.build import build
from tlf.cli import main
from tlf.errors import OutputError
from tlf.qc.publish import JOURNAL, LOCK, BuildLock, recover
from tlf.qc.verify import sha256_file, verify_build

ROOT = Path(__file__).resolve().parents[2]
FILES = ["t-demog.ard.csv", "t-demog.docx", "t-demog.xlsx"]


def retitle(specs: Path, title: str) -> None:
    (specs / "t-demog.yaml").write_text(DEMOG_YAML.replace("title: Demographics", f"title: {title}"))


def hashes(out: Path) -> dict[str, str]:
    return {n: sha256_file(out / n) for n in FILES}


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.startswith((".tlf-", ".manifest-")))


def fail_renames_after(monkeypatch, n: int, exc: BaseException) -> None:
    """os.replace of a file out of an output's temporary folder raises `exc` after the first `n`."""
    real, done = os.replace, []

    def replace(src, dst, *a, **k):
        if Path(src).parent.name.startswith(".tlf-tmp-"):
            if len(done) >= n:
                raise exc
            done.append(dst)
        return real(src, dst, *a, **k)

    monkeypatch.setattr(os, "replace", replace)


@pytest.fixture
def built(tmp_path):
    specs = write_study(tmp_path, outputs={"t-demog": DEMOG_YAML})
    out = tmp_path / "out"
    assert build(specs, out, ["t-demog"]).ok
    return specs, out, hashes(out)


def test_a_failure_between_two_files_is_rolled_forward_by_the_next_build(built, monkeypatch, capsys):
    specs, out, old = built
    retitle(specs, "Demographics (new)")
    fail_renames_after(monkeypatch, 2, OSError(5, "Input/output error"))  # ARD, DOCX moved; XLSX not
    report = build(specs, out, ["t-demog"])
    assert not report.ok and "Input/output error" in str(report.outputs[0].error)
    monkeypatch.undo()
    # the journal and the new files' temporary folder are kept: the old XLSX sits next to the new DOCX
    assert (out / JOURNAL).exists()
    now = hashes(out)
    assert now["t-demog.docx"] != old["t-demog.docx"] and now["t-demog.xlsx"] == old["t-demog.xlsx"]
    # `tlf verify` replays the journal: the new set and its manifest entry, nothing reported as changed
    assert main(["verify", "--out", str(out)]) == 0
    assert "ok:" in capsys.readouterr().out
    new = hashes(out)
    assert new["t-demog.xlsx"] != old["t-demog.xlsx"]
    assert json.loads((out / "manifest.json").read_text())["outputs"]["t-demog"]["files"] == new
    assert leftovers(out) == []
    assert build(specs, out, ["t-demog"]).ok  # no --force needed


def test_the_next_build_replays_the_journal(built, monkeypatch):
    specs, out, old = built
    retitle(specs, "Demographics (new)")
    fail_renames_after(monkeypatch, 1, KeyboardInterrupt())  # Ctrl-C / SIGTERM between two files
    with pytest.raises(KeyboardInterrupt):
        build(specs, out, ["t-demog"])
    monkeypatch.undo()
    assert (out / JOURNAL).exists() and not (out / LOCK).exists()
    report = build(specs, out, ["t-demog"])
    assert report.ok, [str(o.error) for o in report.outputs]
    assert any("interrupted by a killed build was completed" in w for w in report.warnings)
    assert leftovers(out) == [] and verify_build(out).ok


def test_a_journal_whose_new_files_are_lost_is_rolled_back(built, monkeypatch):
    specs, out, old = built
    retitle(specs, "Demographics (new)")
    fail_renames_after(monkeypatch, 2, OSError(5, "Input/output error"))
    build(specs, out, ["t-demog"])
    monkeypatch.undo()
    journal = json.loads((out / JOURNAL).read_text())
    (out / journal["tmp"] / "t-demog.xlsx").unlink()  # the new XLSX is gone: roll back to the old set
    assert "rolled back" in recover(out)
    assert hashes(out) == old
    res = verify_build(out)  # the old files, as the manifest lists them (the spec changed since: a finding)
    assert leftovers(out) == [] and [f.kind for f in res.findings] == ["spec changed"]


KILLER = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    real, done = os.replace, []
    def replace(src, dst, *a, **k):
        if Path(src).parent.name.startswith(".tlf-tmp-"):
            if len(done) == int(os.environ["KILL_AFTER"]):
                os.kill(os.getpid(), signal.SIGKILL)
            done.append(dst)
        return real(src, dst, *a, **k)
    os.replace = replace
    from tlf.cli import main
    sys.exit(main(sys.argv[1:]))
""")


def tlf_process(*args: str, script: str | None = None, env: dict | None = None) -> subprocess.Popen:
    cmd = [sys.executable, "-c", script, *args] if script else [sys.executable, "-m", "tlf", *args]
    return subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_kill_between_two_files_of_an_output(built):
    specs, out, old = built
    retitle(specs, "Demographics (new)")
    p = tlf_process("build", "t-demog", "--specs", str(specs), "--out", str(out), script=KILLER,
                    env={"KILL_AFTER": "2"})
    p.communicate(timeout=300)
    assert p.returncode == -signal.SIGKILL
    assert (out / JOURNAL).exists() and (out / LOCK).exists()  # the killed build left its journal and lock
    assert any(n.startswith(".tlf-tmp-") for n in leftovers(out))
    report = build(specs, out, ["t-demog"])  # the dead build's lock is taken over, its journal replayed
    assert report.ok, [str(o.error) for o in report.outputs]
    assert any("took over the lock" in w for w in report.warnings)
    assert any("was completed" in w for w in report.warnings)
    assert leftovers(out) == [] and not (out / LOCK).exists()
    assert main(["verify", "--out", str(out)]) == 0


def test_a_kill_before_the_first_rename_is_rolled_forward(built):
    specs, out, old = built
    retitle(specs, "Demographics (new)")
    p = tlf_process("build", "t-demog", "--specs", str(specs), "--out", str(out), script=KILLER,
                    env={"KILL_AFTER": "0"})
    p.communicate(timeout=300)
    assert p.returncode == -signal.SIGKILL
    assert hashes(out) == old and (out / JOURNAL).exists()  # the old set, and the journal of the new one
    assert verify_build(out).ok  # replayed (the dead build's lock taken over): the new set
    new = hashes(out)
    assert all(new[n] != old[n] for n in ("t-demog.docx", "t-demog.xlsx"))
    assert build(specs, out, ["t-demog"]).ok
    assert leftovers(out) == []


SLOW = textwrap.dedent("""
    import sys, time
    import tlf.build as b
    one = b.render_output  # computing an output (serial, or in a worker process of `-j N`)
    def slow(*a, **k):
        time.sleep(3)
        return one(*a, **k)
    b.render_output = slow
    from tlf.cli import main
    sys.exit(main(sys.argv[1:]))
""")


def test_two_builds_at_once(tmp_path):
    specs = write_study(tmp_path)
    out = tmp_path / "out"
    procs = [tlf_process("build", "all", "--specs", str(specs), "--out", str(out), script=SLOW) for _ in range(2)]
    results = [(p.wait(timeout=300), *p.communicate()) for p in procs]
    codes = sorted(r[0] for r in results)
    assert codes[0] == 0 and codes[1] != 0, results
    loser = next(r for r in results if r[0] != 0)
    other = next(p for p, r in zip(procs, results, strict=True) if r[0] == 0)
    assert "another build is writing to" in loser[2] and f"process {other.pid} on" in loser[2]
    assert "[OUT006]" in loser[2]
    res = verify_build(out)
    assert res.ok and res.outputs == 2 and not res.unlisted
    assert leftovers(out) == []


def test_a_live_lock_names_its_process(tmp_path, mini):
    out = tmp_path / "out"
    out.mkdir()
    with BuildLock(out):
        with pytest.raises(OutputError, match=rf"process {os.getpid()} on {socket.gethostname()}") as e:
            build(mini, out, ["all"])
        assert e.value.code == "OUT006"
    assert build(mini, out, ["all"]).ok


def test_a_lock_of_another_host_is_not_taken_over(tmp_path, mini):
    out = tmp_path / "out"
    out.mkdir()
    (out / LOCK).write_text(json.dumps({"pid": 1, "host": "elsewhere", "started_at": "2026-01-01"}))
    with pytest.raises(OutputError, match="process 1 on elsewhere"):
        build(mini, out, ["all"])


def test_stale_temporary_files_are_removed(tmp_path, mini):
    out = tmp_path / "out"
    (out / ".tlf-tmp-abc123").mkdir(parents=True)
    (out / ".tlf-tmp-abc123" / "t-demog.docx").write_text("half")
    (out / ".manifest-xyz").write_text("{")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (out / LOCK).write_text(json.dumps({"pid": dead.pid, "host": socket.gethostname(), "started_at": "x"}))
    report = build(mini, out, ["all"])
    assert report.ok
    assert leftovers(out) == []
    assert any(f"process {dead.pid}" in w and "took over" in w for w in report.warnings)


def test_an_unreadable_lock_of_a_build_starting_now_is_respected(tmp_path, mini):
    out = tmp_path / "out"
    out.mkdir()
    (out / LOCK).write_text("")
    with pytest.raises(OutputError, match="OUT006|another build|keeps changing"):
        build(mini, out, ["all"])
    old = time.time() - 60
    os.utime(out / LOCK, (old, old))
    assert build(mini, out, ["all"]).ok  # an old unreadable lock is stale


def test_a_full_disk_while_the_manifest_is_written_is_exit_2_and_the_next_build_recovers(built, monkeypatch,
                                                                                            capsys):
    import errno

    import tlf.qc.publish as publish_module

    specs, out, before = built
    real = json.dump

    def full_disk(obj, f, *a, **k):  # the manifest (with its `build` record) no longer fits on the disk
        if isinstance(obj, dict) and "build" in obj and "outputs" in obj:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(obj, f, *a, **k)

    retitle(specs, "Demographics, second run")
    monkeypatch.setattr(publish_module.json, "dump", full_disk)
    assert main(["build", "all", "--specs", str(specs), "--out", str(out)]) == 2  # the machine's, not a bug
    err = capsys.readouterr().err
    assert f"cannot write {out / 'manifest.json'}" in err and "No space left on device" in err and "[OUT015]" in err
    assert "internal error" not in err and not list(out.glob("tlf-error-*.log"))
    monkeypatch.setattr(publish_module.json, "dump", real)
    assert main(["build", "all", "--specs", str(specs), "--out", str(out)]) == 0  # disk freed: no --force needed
    res = verify_build(out)
    assert res.ok and leftovers(out) == []
    assert hashes(out) != before


@pytest.mark.parametrize("command", ["bundle", "ard", "compare"])
def test_commands_writing_into_a_build_folder_wait_for_no_build(command, built, capsys):
    specs, out, before = built
    args = {"bundle": ["bundle", "--specs", str(specs), "--out", str(out)],
            "ard": ["ard", "t-demog", "--specs", str(specs), "--out", str(out / "qc.ard.csv")],
            "compare": ["compare", str(out / "t-demog.ard.csv"), str(out / "t-demog.ard.csv"),
                        "--xlsx", str(out / "t-demog.compare.xlsx")]}[command]
    with BuildLock(out):  # a build is writing this folder
        assert main(args) == 2
        err = capsys.readouterr().err
        assert f"process {os.getpid()} on" in err and "[OUT006]" in err
    assert sorted(p.name for p in out.iterdir() if p.suffix in (".docx", ".xlsx", ".csv")) == FILES  # nothing new
    assert main(args) == 0  # no build running: written
    assert verify_build(out).ok


def test_an_interrupt_just_after_the_journal_is_written_is_rolled_at_once(built, monkeypatch):
    """SIGTERM/Ctrl-C while the journal's folder is fsynced (the journal in place, no file moved yet): the
    publication is rolled forward or back before the interrupt ends the build, leaving no journal and no
    temporary folder (it used to leave both, for the next build to replay)."""
    import tlf.qc.publish as publish_module

    specs, out, before = built
    real, hit = publish_module.fsync_dir, []

    def interrupted(path):
        if not hit and (Path(path) / JOURNAL).exists():
            hit.append(path)
            raise KeyboardInterrupt
        return real(path)

    retitle(specs, "Demographics, interrupted")
    monkeypatch.setattr(publish_module, "fsync_dir", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(specs, out, ["t-demog"])
    assert hit and leftovers(out) == [] and not (out / JOURNAL).exists()
    assert verify_build(out).ok  # the files and the manifest agree: the old set or the new one, whole
