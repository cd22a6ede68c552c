"""The format registry: each format declared once, what --help and --format take from
it, lazy imports, and no import cycle inside kspm_lint.report."""

from __future__ import annotations

import ast
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from kspm_lint.cli import main
from kspm_lint.report import RenderOptions
from kspm_lint.report.formats import FORMATS, Format, declare, get, render
from tests.conftest import ROOT


def test_every_format_is_declared_once_and_renders():
    assert list(FORMATS) == ["text", "json", "sarif", "github", "junit", "rdjson"]
    assert [name for name, f in FORMATS.items() if f.needs_fixes] == ["json", "sarif", "rdjson"]
    assert {name: sorted(f.accepts) for name, f in FORMATS.items() if f.accepts} == {
        "text": ["color", "quiet", "sort"], "sarif": ["sarif_category"]}
    for fmt in FORMATS.values():
        assert fmt.name and "\n" not in fmt.description and len(fmt.description) <= 80
        assert callable(fmt.renderer)


def test_format_option_choices_are_the_registry():
    option = next(p for p in main.params if p.name == "fmt")
    assert isinstance(option.type, click.Choice) and list(option.type.choices) == list(FORMATS)


def test_help_lists_the_formats_with_their_descriptions():
    result = CliRunner().invoke(main, ["--help"], terminal_width=100)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    start = lines.index("  Formats (for --format and --report FORMAT=PATH):")
    assert lines[start + 1:start + 1 + len(FORMATS)] == [
        f"    {name:<6}  {fmt.description}" for name, fmt in FORMATS.items()]
    assert "  --report FORMAT=PATH" in result.output


def test_a_format_sees_only_the_options_it_accepts():
    everything = RenderOptions(color=True, quiet=True, sarif_category="k8s")
    assert FORMATS["json"].options(everything) == RenderOptions()
    assert FORMATS["text"].options(everything) == RenderOptions(color=True, quiet=True)
    assert FORMATS["sarif"].options(everything) == RenderOptions(sarif_category="k8s")


def test_a_declaration_naming_no_render_option_is_refused():
    with pytest.raises(ValueError, match="format x: no render option colour"):
        declare(Format("x", "d", "kspm_lint.report.text", accepts=frozenset({"colour"})))


def test_unknown_format_names_the_known_ones():
    with pytest.raises(ValueError, match=r"^unknown format 'xml' \(choose from text, json, sarif, github, junit, "
                                         r"rdjson\)$"):
        get("xml")


def test_text_options_reach_the_renderer(lint_repo):
    report = lint_repo({"pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostNetwork: true\n"
                                    "  containers:\n    - name: app\n      image: nginx:1.25\n"})
    assert render(report, "text", RenderOptions(quiet=True)) == (
        "  pod.yaml:6:3: high     host-namespaces: pod shares the host's namespace: hostNetwork: true [Pod/p]\n")
    colored = render(report, "text", RenderOptions(color=True, quiet=True))
    assert colored == ("  pod.yaml:6:3: \x1b[1;31mhigh    \x1b[0m host-namespaces: pod shares the host's namespace: "
                       "hostNetwork: true \x1b[2m[Pod/p]\x1b[0m\n")
    # color means nothing to json: the same bytes either way.
    assert render(report, "json", RenderOptions(color=True)) == render(report, "json")


def test_format_modules_are_imported_only_when_rendered(tmp_path):
    """A single-file text run imports the text module and no other format's."""
    (tmp_path / "pod.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: []\n")
    script = (
        "import sys\n"
        "from kspm_lint.cli import main\n"
        "before = sorted(m for m in sys.modules if m.startswith('kspm_lint.report.'))\n"
        "try:\n"
        "    main([sys.argv[1]], standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        "after = sorted(m for m in sys.modules if m.startswith('kspm_lint.report.'))\n"
        "print(before, after, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "pod.yaml")], capture_output=True,
                          text=True, timeout=60, cwd=ROOT)
    assert done.stderr.splitlines()[-1] == (
        "['kspm_lint.report.formats'] ['kspm_lint.report.formats', 'kspm_lint.report.text']")


def _module_level_imports(path) -> set[str]:
    """The kspm_lint modules a file imports when it is imported (not inside functions,
    not under ``if TYPE_CHECKING``)."""
    names: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in names if name.startswith("kspm_lint")}


def _all_imports(path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("kspm_lint."):
            names.add(node.value)  # a module named for import_module (the registry's)
    return {name for name in names if name.startswith("kspm_lint")}


def test_no_module_of_the_report_package_is_imported_back():
    """No module of kspm_lint.report imports (at any level, import_module included) a
    module that imports it back when imported."""
    package = ROOT / "kspm_lint" / "report"
    modules = {("kspm_lint.report" if p.name == "__init__.py" else f"kspm_lint.report.{p.stem}"): p
               for p in package.glob("*.py")}
    assert {"kspm_lint.report", "kspm_lint.report.formats", "kspm_lint.report.text"} <= set(modules)
    back = [(name, other) for name, path in modules.items() for other in _all_imports(path)
            if other in modules and other != name and name in _module_level_imports(modules[other])]
    assert back == []
    assert "kspm_lint.report.text" in _all_imports(modules["kspm_lint.report.formats"])
