"""``--diff``: a unified diff git and patch(1) accept, exact about line endings."""

from __future__ import annotations

import difflib
import os

from kspm_lint.fix.text import LineIndex

NO_NEWLINE = "\\ No newline at end of file\n"


def unified_diff(path: str, old: str, new: str, context: int = 3) -> str:
    """``--- a/path`` / ``+++ b/path`` (an absolute path is shown as it is)."""
    if old == new:
        return ""
    shown = path.replace(os.sep, "/")
    a, b = (shown, shown) if os.path.isabs(path) else (f"a/{shown}", f"b/{shown}")
    out: list[str] = []
    lines = difflib.unified_diff(LineIndex(old).lines(), LineIndex(new).lines(), a, b, n=context, lineterm="\n")
    for line in lines:
        if not line:
            continue
        out.append(line)
        if not line.endswith(("\n", "\r")) and not line.endswith(("\x85", "\u2028", "\u2029")):
            out.append("\n" + NO_NEWLINE)
    return "".join(out)
