"""Reading a file again for writing, and writing it back exactly as it was encoded.

The lint read decoded the bytes (BOM removed, UTF-16 decoded); the fix must write the
same encoding and BOM back, and must not overwrite a file someone changed since.
"""

from __future__ import annotations

import codecs

from kspm_lint.fsutil import atomic_write_bytes
from kspm_lint.parsing.source import SourceError, read_source

_BOMS = {
    "utf-8": codecs.BOM_UTF8,
    "utf-16-le": codecs.BOM_UTF16_LE,
    "utf-16-be": codecs.BOM_UTF16_BE,
    "utf-32-le": codecs.BOM_UTF32_LE,
    "utf-32-be": codecs.BOM_UTF32_BE,
}


class WriteRefused(Exception):
    """The file cannot be written back; the message says why."""


def write_back(path: str, old_text: str, new_text: str) -> None:
    """Write ``new_text`` atomically in the file's own encoding, if it still holds ``old_text``."""
    try:
        source = read_source(path)
    except SourceError as exc:
        raise WriteRefused(str(exc)) from None
    if source.text != old_text:
        raise WriteRefused("the file changed since it was linted; run again")
    data = new_text.encode(source.encoding)
    if source.had_bom:
        data = _BOMS[source.encoding] + data
    try:
        atomic_write_bytes(path, data)
    except OSError as exc:
        raise WriteRefused(f"cannot write: {exc.strerror or exc}") from None
