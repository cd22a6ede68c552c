"""Spread a large run over the machine's cores.

Parsing dominates lint time and is CPU-bound Python, so threads do not help; forked
worker processes inherit the already-loaded rules and send back only findings.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator

MIN_FILES_PER_WORKER = 40
_linter = None  # set in the parent just before forking; read by the workers
_attach = None  # likewise: attaches fixes to a file's findings in the worker, or None


def worker_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def use_workers(targets: list) -> bool:
    return (
        worker_count() > 1
        and len(targets) >= 2 * MIN_FILES_PER_WORKER
        and "fork" in multiprocessing.get_all_start_methods()
        and not any(t.path == "-" for t in targets)
    )


def _work(target):  # runs in a worker process
    from kspm_lint.api import _lint_target

    return _lint_target(_linter, target, None, _attach)


def lint_in_workers(linter, targets: list, attach=None) -> Iterator[tuple]:
    """Yield per-file results in input order, as ``_lint_target`` returns them.

    ``attach(parsed, findings)``, when given, runs in the worker right after a file is
    linted (fixes are computed there, where the parsed file is)."""
    global _linter, _attach
    _linter, _attach = linter, attach
    context = multiprocessing.get_context("fork")
    workers = min(worker_count(), max(1, len(targets) // MIN_FILES_PER_WORKER))
    # Files computing fixes take several times longer: smaller chunks keep the last
    # worker from finishing long after the others.
    chunk = max(1, min(64 if attach is None else 16, len(targets) // (workers * 8)))
    with context.Pool(workers) as pool:
        yield from pool.imap(_work, targets, chunksize=chunk)
