"""Parsed files and documents, and the location model every finding stands on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from kspm_lint.location import Path, Span
from kspm_lint.parsing.nodes import effective_pairs


@dataclass(frozen=True)
class ParseProblem:
    """Something wrong with the text itself, reported as a finding of ``rule``."""

    rule: str
    message: str
    span: Span
    related: tuple[tuple[Span, str], ...] = ()  # other places involved: (where, what it is)


@dataclass
class Document:
    """One YAML document of a stream: its data and the node tree it came from."""

    index: int
    root: yaml.Node
    data: Any
    _pairs_cache: dict[int, dict] = field(default_factory=dict, repr=False)

    @property
    def start_line(self) -> int:
        return self.root.start_mark.line + 1

    @property
    def end_line(self) -> int:
        return self.root.end_mark.line + 1

    def pairs(self, node: yaml.MappingNode) -> dict:
        """key -> (key node, value node) of a mapping, merge keys resolved (cached)."""
        pairs = self._pairs_cache.get(id(node))
        if pairs is None:
            pairs = self._pairs_cache[id(node)] = effective_pairs(node)
        return pairs

    def step(self, path: Path) -> tuple[yaml.Node | None, yaml.Node]:
        """(key node, value node) of the last written step of ``path``."""
        return self._walk(path)[-1]

    def _walk(self, path: Path) -> list[tuple[yaml.Node | None, yaml.Node]]:
        """Follow ``path``; return (key node, value node) for each step that exists."""
        steps: list[tuple[yaml.Node | None, yaml.Node]] = [(None, self.root)]
        node = self.root
        for element in path:
            if isinstance(node, yaml.MappingNode) and isinstance(element, str):
                pair = self.pairs(node).get(element)
                if pair is None:
                    break
                steps.append(pair)
                node = pair[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(element, int):
                if not 0 <= element < len(node.value):
                    break
                node = node.value[element]
                steps.append((None, node))
            else:
                break
        return steps

    def exists(self, path: Path) -> bool:
        return len(self._walk(path)) == len(path) + 1

    def locate(self, path: Path) -> Span:
        """Where the field at ``path`` is written; its nearest written ancestor if absent.

        A mapping entry spans from its key to the end of its value (so the line and
        column are the key's); a sequence item spans the item.
        """
        key_node, value_node = self._walk(path)[-1]
        start = key_node if key_node is not None else value_node
        end = value_node.end_mark
        if isinstance(value_node, (yaml.MappingNode, yaml.SequenceNode)) and key_node is not None:
            # A block collection ends at the start of the next line; stop at the key line.
            end = key_node.end_mark if value_node.flow_style is False else end
        return Span.from_marks(start.start_mark, end)


@dataclass
class ParsedFile:
    """A file as read: its text, its documents and any problems with the text."""

    path: str
    text: str
    documents: list[Document]
    problems: list[ParseProblem]
    is_json: bool = False
