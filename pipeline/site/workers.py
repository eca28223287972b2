"""Slow, independent build jobs (static SVG charts, Excel workbooks) run in worker processes, on every core.

Rendering an SVG with vl-convert takes about 0.1 s and an Excel workbook up to a second; a county has a hundred
or more of each, and none depends on another. The workers are started with `spawn` (a clean interpreter, never a
fork of a process that already runs threads), import only what their job needs, and return bytes or text; the
build waits for every result before it writes a single file, so a failed job fails the build as before.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path


def render_svg(spec: dict, font_dir: str | None = None) -> str:
    """`font_dir`: the folder of the chart-font subset, used once it is complete (see chartfont)."""
    from .chartfont import render

    return render(spec, font_dir)


def make_chart_font(weight: str, path: Path, chars: str, out: str) -> str:
    """One face of the chart-font subset (see chartfont); the characters it covers, also stored beside it."""
    from .chartfont import make_subset

    covered = make_subset(weight, path, chars, Path(out))
    store(Path(out) / f"covered-{weight}.txt", covered)
    return covered


def vega_bundle() -> str:
    import vl_convert

    return vl_convert.javascript_bundle()


def make_xlsx(*args) -> bytes:
    from .downloads import _xlsx

    return _xlsx(*args)


def _exit_with_parent() -> None:
    """Each worker's initializer: end the worker when the build's process ends. A worker holds both ends of the pool's
    job queue, so it would never see the queue close; after a SIGKILL of the build it would wait for jobs for ever."""
    import threading
    from multiprocessing.connection import wait

    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=lambda: (wait([parent.sentinel]), os._exit(1)), daemon=True).start()


def configured() -> int:
    """How many worker processes a build may start: JUNHENG_WORKERS, else one a core. 0 means none at all: every job,
    and the English edition too, made in the build's own process (for a machine already busy, such as a test run)."""
    env = os.environ.get("JUNHENG_WORKERS")
    return int(env) if env and env.isdigit() else (os.cpu_count() or 1)


class Pool:
    """A process pool started on first use; `workers=0` (or `JUNHENG_WORKERS=0`) runs every job in this process."""

    def __init__(self, workers: int | None = None):
        self._ex: ProcessPoolExecutor | None = None
        self.workers = configured() if workers is None else workers

    def submit(self, fn, *args) -> Future:
        if self.workers < 1:
            f: Future = Future()
            try:
                f.set_result(fn(*args))
            except Exception as e:  # noqa: BLE001 — delivered to whoever asks for the result
                f.set_exception(e)
            return f
        if self._ex is None:
            self._ex = ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                                           initializer=_exit_with_parent)
        return self._ex.submit(fn, *args)

    def close(self) -> None:
        if self._ex is not None:
            self._ex.shutdown(wait=True, cancel_futures=True)
            self._ex = None


INLINE = Pool(workers=0)   # for callers given no pool: the same jobs, run at once in this process


def store(path: Path, value: str | bytes) -> None:
    """Write a build-cache entry atomically (a killed build never leaves half a file under the final name)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")        # builds at once may share a cache (JUNHENG_CACHE)
    if isinstance(value, str):
        tmp.write_text(value, encoding="utf-8")
    else:
        tmp.write_bytes(value)
    tmp.replace(path)


class Pending:
    """A job's future result, stored in the build cache once it arrives."""

    def __init__(self, future: Future, cache_path: Path | None = None):
        self.future, self.cache_path = future, cache_path

    def result(self):
        value = self.future.result()
        if self.cache_path is not None:
            store(self.cache_path, value)
        return value


def result(value):
    """A value as it is, or a pending job's result."""
    return value.result() if isinstance(value, Pending) else value


def resolve(files: dict) -> dict:
    """The same mapping with every pending job replaced by its result."""
    return {k: result(v) for k, v in files.items()}
