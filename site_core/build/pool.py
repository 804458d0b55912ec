"""A pool of forked worker processes, and the pickling that crosses it.

Fork, not spawn: a worker starts as a copy of the build process (settings, plugins, Jinja
environments, every content read so far) in a few milliseconds, and only results travel back.
Results are pickled with the build's settings and shared context replaced by a token, so they
are neither copied once per object nor detached from the build that receives them.
"""

import gc
import io
import multiprocessing
import pickle
import traceback
from collections.abc import Callable, Iterable

# The work of the current pool, inherited by its forked workers (never pickled).
_task: Callable | None = None


class Shared:
    """Objects pickled by reference between the build process and its workers."""

    def __init__(self, **objects):
        self.by_id = {id(value): name for name, value in objects.items()}
        self.by_name = objects

    def dumps(self, value) -> bytes:
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.persistent_id = lambda obj: self.by_id.get(id(obj))
        pickler.dump(value)
        return buffer.getvalue()

    def loads(self, data: bytes):
        unpickler = pickle.Unpickler(io.BytesIO(data))
        unpickler.persistent_load = self.by_name.__getitem__
        return unpickler.load()


class WorkerError(RuntimeError):
    """An exception raised in a worker, with its traceback as text."""


def _run(chunk):
    try:
        return True, _task(chunk)
    except Exception as error:
        text = traceback.format_exc()
        try:
            pickle.dumps(error)
        except Exception:  # sent back as text, not lost in a pickling error
            error = WorkerError(f"{type(error).__name__}: {error}")
        return False, (error, text)


def run(task: Callable, chunks: Iterable, workers: int) -> list:
    """`task(chunk)` for every chunk, in `workers` forked processes; results in chunk order.

    An exception in a worker is raised again here, with the worker's traceback as its cause."""
    global _task
    _task = task
    # Objects that exist now are not scanned by the workers' garbage collector: its passes
    # would otherwise write to (and so copy) every page of memory they inherit.
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = []
            for ok, result in pool.imap(_run, chunks):
                if not ok:
                    error, text = result
                    raise error from WorkerError(text)
                results.append(result)
            return results
    finally:
        _task = None
        gc.unfreeze()


def chunked(count: int, workers: int, size: int) -> list[range]:
    """Index ranges of at most `size` items, at least four per worker, to balance the load."""
    size = max(1, min(size, -(-count // (workers * 4))))
    return [range(start, min(start + size, count)) for start in range(0, count, size)]
