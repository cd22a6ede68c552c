"""Go templates outside charts: files with ``{{ }}`` actions that are not valid YAML."""

from __future__ import annotations

import re

import yaml

_ACTION = re.compile(r"\{\{-?\s*[^{}]*?\s*-?\}\}")


def is_go_template(text: str) -> bool:
    """True when ``text`` holds Go-template actions and does not parse as YAML.

    A file whose actions sit in places YAML accepts (a quoted value, a comment) parses,
    and is linted as the manifest it already is."""
    if "{{" not in text or not _ACTION.search(text):
        return False
    try:
        for _ in yaml.safe_load_all(text):
            pass
    except yaml.YAMLError:
        return True
    return False
