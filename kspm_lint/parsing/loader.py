"""Parse a YAML or JSON stream into located documents, never raising on bad input."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import yaml

from kspm_lint.location import Span
from kspm_lint.parsing.document import Document, ParsedFile, ParseProblem
from kspm_lint.parsing.nodes import Builder, NodeError, next_document_offset
from kspm_lint.parsing.source import SourceError, decode, read_source

if TYPE_CHECKING:
    _BaseLoader = yaml.SafeLoader  # the stubs cannot say which one this PyYAML build has
else:
    _BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's when PyYAML was built with it
_resolver = yaml.resolver.Resolver()


@lru_cache(maxsize=65536)
def _plain_scalar_tag(value: str) -> str:
    return _resolver.resolve(yaml.ScalarNode, value, (True, False))


class _Loader(_BaseLoader):
    """The C loader with tag resolution of plain scalars memoised: manifests repeat the
    same keys and values endlessly, and resolution is the composer's Python hot spot."""

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode and implicit[0]:
            return _plain_scalar_tag(value)
        return super().resolve(kind, value, implicit)
MAX_RESYNCS = 50


def _syntax_problem(exc: yaml.YAMLError, text: str) -> ParseProblem:
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        character = exc.character if isinstance(exc.character, str) else chr(exc.character)
        message = f"YAML syntax error: character U+{ord(character):04X} is not allowed in YAML ({exc.reason})"
        return ParseProblem("yaml-syntax", message, Span.point(line, column))
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = f"YAML syntax error: {problem}"
    if context:
        context_mark = getattr(exc, "context_mark", None)
        if context_mark is not None and context_mark.line + 1 != line:
            context += f" that starts at line {context_mark.line + 1}"
        message += f" ({context})"
    return ParseProblem("yaml-syntax", message, Span.point(line, column))


def parse_text(text: str, path: str) -> ParsedFile:
    """Parse every document of ``text``. A syntax error ends one document, not the file:
    parsing resumes at the next ``---`` line, keeping line numbers exact."""
    documents: list[Document] = []
    problems: list[ParseProblem] = []
    chunk, chunk_offset = text, 0
    for _ in range(MAX_RESYNCS):
        error_line = _parse_chunk(chunk, documents, problems)
        if error_line is None:
            break
        offset = next_document_offset(text, error_line, chunk_offset + 1)
        if offset is None:
            break
        chunk_offset = offset
        chunk = "\n" * text.count("\n", 0, offset) + text[offset:]
    is_json = path.endswith(".json")
    return ParsedFile(path=path, text=text, documents=documents, problems=problems, is_json=is_json)


def _parse_chunk(text: str, documents: list[Document], problems: list[ParseProblem]) -> int | None:
    """Append this chunk's documents; return the 0-based error line if parsing stopped."""
    loader = _Loader(text)
    try:
        while loader.check_node():
            root = loader.get_node()
            if root is None:
                continue
            builder = Builder(may_alias="*" in text)
            try:
                data = builder.build(root)
            except NodeError as exc:
                problems.append(ParseProblem("yaml-syntax", str(exc), exc.span))
                continue
            for dup in builder.duplicates:
                problems.append(
                    ParseProblem(
                        "duplicate-key",
                        f"key '{dup.key}' is repeated (first at line {dup.first.line}); "
                        "the later value silently replaces the earlier one",
                        dup.span,
                        ((dup.first, f"first '{dup.key}'"),),
                    )
                )
            documents.append(Document(index=len(documents), root=root, data=data))
        return None
    except yaml.YAMLError as exc:
        problem = _syntax_problem(exc, text)
        problems.append(problem)
        return problem.span.line - 1
    except RecursionError:
        problems.append(ParseProblem("yaml-syntax", "document is nested too deeply", Span.point(1)))
        return None
    finally:
        loader.dispose()


def parse_bytes(raw: bytes, path: str) -> ParsedFile:
    try:
        source = decode(raw)
    except SourceError as exc:
        return ParsedFile(path, "", [], [ParseProblem("input-rejected", str(exc), Span.point(1))])
    return parse_text(source.text, path)


def parse_file(path: str, display_path: str | None = None) -> ParsedFile:
    shown = display_path or path
    try:
        source = read_source(path)
    except SourceError as exc:
        return ParsedFile(shown, "", [], [ParseProblem("input-rejected", str(exc), Span.point(1))])
    return parse_text(source.text, shown)
