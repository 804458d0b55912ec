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
import time
import traceback
from collections.abc import Callable, Iterable
from queue import Empty

# The work of the current pool, inherited by its forked workers (never pickled).
_task: Callable | None = None
RECYCLE_AFTER = 32  # chunks a forked worker takes before a fresh fork replaces it


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


def _outcome(chunk):
    try:
        return True, _task(chunk)
    except Exception as error:
        text = traceback.format_exc()
        try:
            pickle.dumps(error)
        except Exception:  # sent back as text, not lost in a pickling error
            error = WorkerError(f"{type(error).__name__}: {error}")
        return False, (error, text)


class _Bounds:
    """The chunks not yet taken, [low, high): forked workers take from the low end, the build
    process from the high end, so each side mostly keeps to one kind of work (article pages
    first, list pages last when writing)."""

    def __init__(self, count: int):
        self.shared = multiprocessing.get_context("fork").Array("i", [0, count])

    def take(self, low: bool) -> int | None:
        with self.shared.get_lock():
            start, end = self.shared[0], self.shared[1]
            if start >= end:
                return None
            if low:
                self.shared[0] = start + 1
                return start
            self.shared[1] = end - 1
            return end - 1

    def left(self) -> bool:
        with self.shared.get_lock():
            return self.shared[0] < self.shared[1]

    def stop(self) -> None:
        with self.shared.get_lock():
            self.shared[1] = self.shared[0]


def _work(bounds: _Bounds, chunks: list, results) -> None:
    """A worker: take up to RECYCLE_AFTER chunks from the low end, send back (index, ok,
    result) for each, then None."""
    for _ in range(RECYCLE_AFTER):
        if (index := bounds.take(low=True)) is None:
            break
        results.put((index, *_outcome(chunks[index])))
    results.put(None)


def run(task: Callable, chunks: Iterable, workers: int, each=None, share=False) -> list:
    """`task(chunk)` for every chunk in forked processes; the results in chunk order, or given
    to `each` as they come (then not kept: the build process need not hold them all).

    A forked worker copies, little by little, the memory it inherited (reading an object writes
    its reference count; its allocations land in the parent's half-used pages): 40 MB after
    2,000 pages. So a worker hands over to a fresh fork after RECYCLE_AFTER chunks, and with
    `share` this process takes chunks too, beside `workers - 1` forked ones (not for reading,
    where a content error must be found only once, by Pelican). An exception in a worker is
    raised here again, with the worker's traceback as its cause."""
    global _task
    chunks = list(chunks)
    _task, bounds, kept = task, _Bounds(len(chunks)), {}
    context = multiprocessing.get_context("fork")
    queue, processes = context.Queue(), []

    def start() -> None:
        # Objects that exist now are not scanned by the worker's garbage collector: its passes
        # would otherwise write to (and so copy) every page of memory it inherits.
        gc.freeze()
        processes.append(context.Process(target=_work, args=(bounds, chunks, queue)))
        processes[-1].start()

    def receive(item) -> int:
        """1 when a worker ended and none replaced it."""
        if item is None:
            if bounds.left():
                start()
                return 0
            return 1
        index, ok, result = item
        if not ok:
            bounds.stop()
            error, text = result
            raise error from WorkerError(text)
        if each is None:
            kept[index] = result
        else:
            each(result)
        return 0

    try:
        if share and (index := bounds.take(low=True)) is not None:
            # First a chunk of the workers' kind here: what the work loads on first use
            # (Babel's locale data, templates rendered from Python) is then loaded once.
            receive((index, *_outcome(chunks[index])))
        for _ in range(workers - 1 if share else workers):
            start()
        running = len(processes)
        while share and (index := bounds.take(low=False)) is not None:
            receive((index, *_outcome(chunks[index])))
            while running and (item := _get(queue, processes, wait=False)) is not False:
                running -= receive(item)
        while running:
            running -= receive(_get(queue, processes, wait=True))
        return [kept[index] for index in sorted(kept)]
    finally:
        bounds.stop()
        while any(process.is_alive() for process in processes):
            _get(queue, processes, wait=False)  # a worker cannot end with its results unread
            time.sleep(0.005)
        for process in processes:
            process.join()
        _task = None
        gc.unfreeze()


def _get(queue, processes, wait: bool):
    """A worker's next message; False if none is waiting (and `wait` is false)."""
    while True:
        try:
            return queue.get(timeout=0.1 if wait else 0)
        except Empty:
            if not wait:
                return False
            if not any(process.is_alive() for process in processes) and queue.empty():
                raise WorkerError("a build worker ended without finishing its work") from None


def chunked(count: int, workers: int, size: int) -> list[range]:
    """Index ranges of at most `size` items, at least four per worker, to balance the load."""
    size = max(1, min(size, -(-count // (workers * 4))))
    return [range(start, min(start + size, count)) for start in range(0, count, size)]
