"""Building outputs in parallel worker processes (`tlf build -j N`).

The parent process reads the data and derives the populations once (tlf.build.prepare), reads every
dataset the selected outputs name, and imports the renderers; then it forks N worker processes, which
inherit all of it (copy-on-write: nothing is pickled or read again). A worker computes one output and
writes its files into a temporary folder the parent made for it (tlf.build.render_output); the parent
publishes the outputs one by one in their order (build_parallel.publish_output: the journal and
manifest.json, tlf/qc/publish.py) and prints the progress lines, so the files and the manifest are those
of a serial build.

- An error in one output (a TlfError, or a bug: an unexpected exception, whose traceback the parent
  writes to the build's crash log) fails that output only, as in a serial build.
- Ctrl-C (or SIGTERM) in the parent stops every worker (they ignore SIGINT themselves and are
  terminated) and removes the temporary folders of the outputs not yet published.
- A worker that dies (killed, out of memory) breaks the pool: the outputs not yet received are then built
  in the parent, one after the other.
- Where processes cannot be forked (Windows), the build is serial.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import signal
import tempfile
import traceback
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from tlf.errors import TlfError

# What the workers inherit from the parent at fork time (set just before the pool starts).
_STATE: dict = {}


@dataclass
class Rendered:
    """One output's files written into its temporary folder `tmp` (tlf.build.render_output), not yet
    published: `moves` (file in `tmp` -> its final path, in the order written), the output's notes
    (strings and Findings) and its manifest key (the output id; id.shell for a shell)."""

    tmp: Path
    moves: dict[Path, Path]
    notes: list
    key: str


def publish_output(out: Path, entry, rendered: Rendered, publish=None) -> tuple[Path, ...]:
    """Publish a rendered output's files with its manifest entry (`publish`: (manifest key, record_of,
    write_manifest), tlf/qc/publish.py), all or nothing; the final paths. In the build's own process."""
    from tlf.errors import OutputError
    from tlf.qc.publish import JOURNAL
    from tlf.qc.publish import publish as publish_files

    tmp = rendered.tmp
    keep_tmp = False
    try:
        key, record_of, write_manifest = publish or (rendered.key, lambda files: {"files": files}, lambda k, r: None)
        keep_tmp = True  # from here on the journal may name it: the publication removes it, or the next build
        publish_files(out, tmp, key, dict(rendered.moves), record_of, write_manifest)
    except OSError as e:
        raise OutputError(f"cannot write {entry.id} to '{out}': {e.strerror or e}", code="OUT002") from None
    finally:
        if not keep_tmp or not (out / JOURNAL).exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return tuple(rendered.moves.values())


def default_jobs() -> int:
    """The number of cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


class RemoteTraceback(Exception):
    """The traceback of an exception raised in a worker process, as text: set as the `__cause__` of the
    exception the parent re-raises, so the crash log shows where it happened."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text

    def __str__(self) -> str:
        return self.text


def _init_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which stops the workers
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _work(index: int, tmp: str):
    """In a worker: render output `index` into `tmp`. Returns (rendered or None, exception or None,
    traceback text, the data findings and notes this output added)."""
    s = _STATE
    data = s["data"]
    before = {str(f) for f in getattr(data, "findings", [])}
    notes_before = set(data.notes) if data is not None else set()
    rendered, error, tb = None, None, ""
    try:
        rendered = s["render"](s["study"], s["entries"][index], data, s["pops"], s["out"], s["formats"],
                                 s["manifest"], s["force"], s["when"], s["shell"], tmp=Path(tmp))
    except Exception as e:
        error, tb = e, "".join(traceback.format_exception(e))
    found = [f for f in getattr(data, "findings", []) if str(f) not in before]
    notes = [n for n in data.notes if n not in notes_before] if data is not None else []
    return rendered, _picklable(error), tb, found, notes


def _picklable(error: BaseException | None) -> BaseException | None:
    if error is None:
        return None
    import pickle

    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:  # an exception that cannot cross processes: its type and message
        return RuntimeError(f"{type(error).__name__}: {error}")


def preload(study, entries, data, datasets) -> None:
    """Read every dataset the outputs name (`datasets(study, entry)`), so the workers inherit them; a
    dataset that cannot be read fails the outputs that use it, in their own build, as in a serial build."""
    if data is None:
        return
    for entry in entries:
        for name in datasets(study, entry):
            try:
                data.dataset(name)
            except TlfError:
                pass


MODEL_TYPES = {"ancova", "power_model", "time_to_event"}  # analyses whose statistics use scipy.stats's models
STATSMODELS_TYPES = {"time_to_event"}  # ... and statsmodels (survdiff; the linear models are fitted by numpy)


def warm(entries) -> None:
    """Import (and set up) what the outputs use before forking, once for all workers instead of once in
    each: the renderers, scipy.stats (and statsmodels) when a model is fitted, matplotlib with its fonts
    when a figure is drawn."""
    import importlib

    kinds = {e.spec.type for e in entries}
    types = {getattr(a, "type", None) for e in entries for a in getattr(e.spec, "analyses", ())}
    names = ["tlf.render.docx", "tlf.render.xlsx", "tlf.analyses.run", "tlf.tables.layout",
             "tlf.format.numbers", "tlf.ard.schema"]
    if "listing" in kinds:
        names += ["tlf.listings.compute", "tlf.render.listing_docx", "tlf.render.listing_xlsx"]
    if types & MODEL_TYPES:
        names += ["scipy.stats"]
    if types & STATSMODELS_TYPES:
        names += ["statsmodels.duration.survfunc"]
    if "figure" in kinds:
        names += ["tlf.figures.layout", "matplotlib.figure", "matplotlib.backends.backend_agg"]
    for n in names:
        importlib.import_module(n)
    if "figure" in kinds:  # the font list and the fonts (matplotlib caches them)
        from matplotlib import font_manager

        font_manager.findfont("DejaVu Sans")


@contextlib.contextmanager
def parallel_outputs(study, entries, data, pops, out: Path, formats, force: bool, when, shell: bool, jobs: int,
                     steps: dict):
    """A ParallelOutputs for a build of `entries` with `jobs` processes, or None (a serial build: one job,
    one output, or no fork on this platform). `steps`: the orchestrator's functions {render, datasets}
    (tlf.build.render_output, analysis_datasets). Leaving the context stops the
    workers and removes the temporary folders of the outputs not published."""
    jobs = min(jobs, len(entries))
    if jobs <= 1 or not can_fork():
        yield None
        return
    pool = ParallelOutputs(dict(study=study, entries=list(entries), data=data, pops=pops, out=Path(out),
                                formats=formats, force=force, when=when, shell=shell, **steps), jobs)
    try:
        yield pool
    except BaseException:
        pool.close(stop=True)
        raise
    pool.close(stop=False)


class ParallelOutputs:
    """The outputs of a build computed by `jobs` worker processes, started at the first `publish` (after
    the build has replayed the journal and removed stale temporary folders); `publish(k, ...)` waits for
    output k and publishes it in the parent."""

    def __init__(self, args: dict, jobs: int) -> None:
        self.args = args
        self.jobs = jobs
        self.pool: ProcessPoolExecutor | None = None
        self.futures: list = []
        self.tmps: list[Path] = []
        self.handed: set[int] = set()
        self.broken = False
        self.notes: list[str] = []  # notes of datasets the workers read (the parent read the others)

    def _start(self, manifest: dict) -> None:
        from tlf.qc.publish import TMP_PREFIX

        a = self.args
        preload(a["study"], a["entries"], a["data"], a["datasets"])
        warm(a["entries"])
        _STATE.clear()
        _STATE.update(a, manifest=manifest)
        self.pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=multiprocessing.get_context("fork"),
                                        initializer=_init_worker)
        for k in range(len(a["entries"])):
            tmp = Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=a["out"]))
            self.tmps.append(tmp)
            self.futures.append(self.pool.submit(_work, k, str(tmp)))

    def close(self, stop: bool) -> None:
        pool, self.pool = self.pool, None
        if pool is not None:
            if stop:
                _stop(pool)
            else:
                pool.shutdown(wait=True)
        for k, tmp in enumerate(self.tmps):
            if k not in self.handed:
                shutil.rmtree(tmp, ignore_errors=True)
        _STATE.clear()

    def rendered(self, k: int):
        """Output k rendered (raises its error, as render_output would: its folder is then removed)."""
        a = self.args
        if not self.broken:
            try:
                rendered, error, tb, found, notes = self.futures[k].result()
            except BrokenProcessPool:
                self.broken = True  # a worker died: the rest is built here
            else:
                for f in found:
                    a["data"].add_finding(f)
                self.notes += [n for n in notes if n not in self.notes]
                if error is not None:
                    if tb:
                        error.__cause__ = RemoteTraceback(tb)
                    raise error
                return rendered
        return a["render"](a["study"], a["entries"][k], a["data"], a["pops"], a["out"], a["formats"],
                             _STATE["manifest"], a["force"], a["when"], a["shell"], tmp=self.tmps[k])

    def publish(self, k: int, manifest: dict, publish) -> tuple:
        """(files, notes) of output k once published, as tlf.build._build_one returns them."""
        if self.pool is None and not self.futures:
            self._start(manifest)
        rendered = self.rendered(k)
        self.handed.add(k)  # its temporary folder is the publication's now
        return publish_output(self.args["out"], self.args["entries"][k], rendered, publish), rendered.notes


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop a pool at once: cancel what has not started, terminate the workers."""
    processes = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        try:
            p.terminate()
        except (OSError, ValueError):
            pass
    for p in processes:
        try:
            p.join(timeout=5)
        except (OSError, ValueError, AssertionError):
            pass
