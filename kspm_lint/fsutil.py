"""Atomic file writes: a temp file beside the target, then rename (keeping its mode)."""

from __future__ import annotations

import os
import stat
import tempfile


def atomic_write_bytes(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` all at once. A symlink is followed: its target gets the
    new content and the link stays a link (GitOps repos share bases through links)."""
    path = os.path.realpath(path)
    if os.path.exists(path) and not os.path.isfile(path):
        # /dev/null, a FIFO, /dev/stdout: write through; never rename over a device.
        with open(path, "wb") as stream:
            stream.write(data)
        return
    directory = os.path.dirname(path)
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        mode = None
    handle, temp = tempfile.mkstemp(prefix=".kspm-lint-", dir=directory)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if mode is not None:
            os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def atomic_write_text(path: str, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))
