"""The output formats, each declared once: its name, a line for ``--help``, whether it
shows every finding's automatic fix, which ``RenderOptions`` it reads, and the module
whose ``render(report, options) -> str`` makes it.

A format module is imported only when that format is rendered: the start-up of a
single-file run pays for none of them.
"""

from __future__ import annotations

from importlib import import_module
from typing import NamedTuple, Protocol

from kspm_lint.report import RenderOptions, Report


class Renderer(Protocol):
    def __call__(self, report: Report, options: RenderOptions) -> str: ...


_DEFAULTS = RenderOptions()


class Format(NamedTuple):
    """One output format. (A NamedTuple: declared at start-up, cheaper than a dataclass.)"""

    name: str
    description: str  # one line, shown by --help
    module: str  # dotted name of the module holding ``render``
    needs_fixes: bool = False  # shows each finding's fix: the lint must attach them
    accepts: frozenset[str] = frozenset()  # RenderOptions fields it reads

    @property
    def renderer(self) -> Renderer:
        renderer: Renderer = import_module(self.module).render
        return renderer

    def options(self, options: RenderOptions) -> RenderOptions:
        """``options`` with what this format does not read reset to the defaults, so two
        outputs of one format that differ only there are rendered once."""
        return options._replace(**{name: getattr(_DEFAULTS, name)
                                   for name in RenderOptions._fields if name not in self.accepts})

    def render(self, report: Report, options: RenderOptions | None = None) -> str:
        return self.renderer(report, self.options(options or _DEFAULTS))


def declare(*formats: Format) -> dict[str, Format]:
    """The registry: formats by name, each checked to read only options that exist."""
    for fmt in formats:
        unknown = fmt.accepts - set(RenderOptions._fields)
        if unknown:
            raise ValueError(f"format {fmt.name}: no render option {', '.join(sorted(unknown))}")
    return {fmt.name: fmt for fmt in formats}


FORMATS: dict[str, Format] = declare(
    Format("text", "findings grouped by file, then a summary (colour on a terminal)",
           "kspm_lint.report.text", accepts=frozenset({"color", "quiet", "sort"})),
    Format("json", "the stable machine interface, fixes included",
           "kspm_lint.report.json_report", needs_fixes=True),
    Format("sarif", "SARIF 2.1.0 for GitHub code scanning, fixes included",
           "kspm_lint.report.sarif_report", needs_fixes=True, accepts=frozenset({"sarif_category"})),
    Format("github", "workflow-command annotations; the full table in $GITHUB_STEP_SUMMARY",
           "kspm_lint.report.github_report"),
    Format("junit", "JUnit XML for CI test reports (GitLab, Jenkins, Azure Pipelines)",
           "kspm_lint.report.junit_report"),
    Format("rdjson", "reviewdog diagnostics; fixes become suggested changes",
           "kspm_lint.report.rdjson_report", needs_fixes=True),
)


def get(name: str) -> Format:
    """The format called ``name``; a ``ValueError`` names the known ones."""
    try:
        return FORMATS[name]
    except KeyError:
        raise ValueError(f"unknown format '{name}' (choose from {', '.join(FORMATS)})") from None


def render(report: Report, name: str, options: RenderOptions | None = None) -> str:
    """``report`` in the format called ``name``."""
    return get(name).render(report, options)
