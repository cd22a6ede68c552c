"""Spread a large run over the machine's cores.

Parsing dominates lint time and is CPU-bound Python, so threads do not help; forked
worker processes inherit the already-loaded rules and send back only plain results.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any

MIN_FILES_PER_WORKER = 40
_job: Callable[[Any], Any] | None = None  # set in the parent just before forking; run by the workers


def worker_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def use_workers(targets: Sequence[Any]) -> bool:
    return (
        worker_count() > 1
        and len(targets) >= 2 * MIN_FILES_PER_WORKER
        and "fork" in multiprocessing.get_all_start_methods()
        and not any(getattr(t, "path", None) == "-" for t in targets)
    )


def _work(item: Any) -> Any:  # runs in a worker process
    assert _job is not None
    return _job(item)


def map_in_workers(job: Callable[[Any], Any], items: Sequence[Any], heavy: bool = False) -> Iterator[Any]:
    """Yield ``job(item)`` for every item, in input order, computed in forked workers.

    ``job`` need not be picklable (the workers inherit it); its results must be.
    ``heavy`` items (files computing fixes take several times longer) get smaller
    chunks, so the last worker does not finish long after the others."""
    global _job
    _job = job
    context = multiprocessing.get_context("fork")
    workers = min(worker_count(), max(1, len(items) // MIN_FILES_PER_WORKER))
    chunk = max(1, min(16 if heavy else 64, len(items) // (workers * 8)))
    with context.Pool(workers) as pool:
        yield from pool.imap(_work, items, chunksize=chunk)
