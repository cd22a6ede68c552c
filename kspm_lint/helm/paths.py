"""Displayed file paths: relative to the working directory when the file is below it."""

from __future__ import annotations

import os


def display_path(path: str) -> str:
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute)
    return absolute if relative.startswith("..") else relative.replace(os.sep, "/")
