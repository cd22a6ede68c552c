"""Read a file's bytes into text, refusing what is not a manifest (binary, huge)."""

from __future__ import annotations

import codecs
from dataclasses import dataclass

MAX_FILE_BYTES = 20 * 1024 * 1024

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class SourceError(Exception):
    """The file cannot be read as text; the message says why and what to do."""


@dataclass(frozen=True)
class SourceText:
    text: str
    encoding: str
    had_bom: bool


def decode(raw: bytes, max_bytes: int = MAX_FILE_BYTES) -> SourceText:
    """Decode manifest bytes. BOMs are honoured and removed; NUL bytes mean binary."""
    if len(raw) > max_bytes:
        raise SourceError(
            f"file is {len(raw) / 1048576:.1f} MiB, over the {max_bytes // 1048576} MiB limit "
            "for a manifest; exclude it or split it"
        )
    encoding, had_bom = "utf-8", False
    for bom, name in _BOMS:
        if raw.startswith(bom):
            raw, encoding, had_bom = raw[len(bom):], name, True
            break
    if encoding == "utf-8" and b"\x00" in raw:
        raise SourceError("binary file (contains NUL bytes); not a manifest")
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"not valid {encoding} text (byte {exc.start}); save the file as UTF-8"
        ) from None
    return SourceText(text=text, encoding=encoding, had_bom=had_bom)


def read_source(path: str) -> SourceText:
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise SourceError(f"cannot read file: {exc.strerror or exc}") from None
    return decode(raw)
