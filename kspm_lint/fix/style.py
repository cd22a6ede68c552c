"""Detect how a file is indented, so inserted blocks look like the author wrote them.

Measured per file from its own block collections: the step of nested mappings
(2 or 4...), whether sequences under a key are indented or written flush with the
key, and how far an item's content sits from its dash. Defaults are the most common
Kubernetes style when a file gives no evidence.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import yaml

from kspm_lint.fix.text import LineIndex, dominant_eol
from kspm_lint.parsing.document import ParsedFile


@dataclass(frozen=True)
class Style:
    eol: str = "\n"
    map_step: int = 2  # child key column minus parent key column
    seq_offset: int = 2  # dash column minus the column of the key that holds the list (0: flush)
    item_offset: int = 2  # column of an item's content minus its dash column


def _most_common(counter: Counter, default: int) -> int:
    return counter.most_common(1)[0][0] if counter else default


def detect_style(parsed: ParsedFile) -> Style:
    steps: Counter = Counter()
    seq_offsets: Counter = Counter()
    item_offsets: Counter = Counter()
    index = LineIndex(parsed.text)
    seen: set[int] = set()

    def dash_column(item: yaml.Node) -> int | None:
        head = index.line_text(item.start_mark.line)[:item.start_mark.column].rstrip()
        return len(head) - 1 if head.endswith("-") else None

    def visit(node: yaml.Node) -> None:
        if id(node) in seen or isinstance(node, yaml.ScalarNode) or getattr(node, "flow_style", False):
            return
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(value, yaml.MappingNode) and not value.flow_style and value.value:
                    first_key = value.value[0][0]
                    if first_key.start_mark.line > key.start_mark.line:
                        steps[first_key.start_mark.column - key.start_mark.column] += 1
                elif isinstance(value, yaml.SequenceNode) and not value.flow_style and value.value \
                        and value.start_mark.line > key.start_mark.line:
                    seq_offsets[value.start_mark.column - key.start_mark.column] += 1
                visit(value)
        else:
            for item in node.value:
                if isinstance(item, yaml.MappingNode) and not item.flow_style and item.value:
                    dash = dash_column(item)
                    if dash is not None:
                        item_offsets[item.start_mark.column - dash] += 1
                visit(item)

    for document in parsed.documents:
        visit(document.root)
    step = _most_common(Counter({k: v for k, v in steps.items() if k > 0}), 2)
    seq_offset = _most_common(Counter({k: v for k, v in seq_offsets.items() if k >= 0}), step)
    item_offset = _most_common(Counter({k: v for k, v in item_offsets.items() if k >= 2}), 2)
    return Style(dominant_eol(parsed.text), step, seq_offset, item_offset)
