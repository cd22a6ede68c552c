"""Python check templates: the registry, typed parameters checked at load time with the
rule file's line, one template serving several rules, and the listings."""

from __future__ import annotations

import ast
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from kspm_lint.checks import TEMPLATES, load_templates
from kspm_lint.cli import main
from kspm_lint.engine.catalog import RuleError, load_rules
from kspm_lint.engine.context import TEMPLATE_SCOPES
from tests.conftest import ROOT, lint

HEAD = ("id: custom\ntitle: A custom rule\nseverity: high\ncategory: workload-hardening\n"
        "description: Something.\nremediation: Fix it.\n")  # lines 1-6


def rule_error(tmp_path, body: str) -> str:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "custom.yaml").write_text(HEAD + body)
    with pytest.raises(RuleError) as caught:
        load_rules([str(folder)])
    return str(caught.value).replace(str(folder) + "/", "")


@pytest.mark.parametrize(("body", "message"), [
    ("check:\n  template: host-paht\n",
     "custom.yaml:8: unknown check template 'host-paht' (did you mean: host-path, host-port, host-path-volume?)"),
    ("check:\n  template: host-path\n",  # no parameters block: the check line
     "custom.yaml:7: rule 'custom' needs parameter(s) paths, message (add them under 'parameters:')"),
    ("parameters:\n  paths: [/var/log]\ncheck:\n  template: host-path\n",
     "custom.yaml:7: rule 'custom' needs parameter(s) message (add them under 'parameters:')"),
    ("parameters:\n  paths: [/var/log]\n  message: m\n  insde: true\ncheck:\n  template: host-path\n",
     "custom.yaml:10: rule 'custom' has no parameter 'insde' (known: paths, message, inside, allowed)"),
    ("parameters:\n  paths: /var/log\n  message: m\ncheck:\n  template: host-path\n",
     "custom.yaml:8: parameter 'paths' of 'custom' must be a list of absolute paths (strings starting "
     "with /), not str ('/var/log')"),
    ("parameters:\n  paths: [var/log]\n  message: m\ncheck:\n  template: host-path\n",
     "custom.yaml:8: parameter 'paths' of 'custom' must list absolute paths; 'var/log' does not start with /"),
    ("parameters:\n  paths: [/var/log]\n  message: m\n  inside: 'no'\ncheck:\n  template: host-path\n",
     "custom.yaml:10: parameter 'inside' of 'custom' must be true or false, not str ('no')"),
    ("parameters:\n  paths: [/var/log]\n  message: '{container} mounts {path}'\ncheck:\n  template: host-path\n",
     "custom.yaml:9: parameter 'message' of 'custom' is not a valid message (KeyError: 'container'); "
     "placeholders: {volume} {path}"),
    ("parameters:\n  name-pattern: '(TOKEN'\n  not-secret-pattern: x\n"
     "check:\n  template: hardcoded-credential-in-env\n",
     "custom.yaml:8: parameter 'name-pattern' of 'custom' is not a valid regular expression: "
     "missing ), unterminated subpattern at position 0"),
    ("parameters:\n  resources: [cpu, 2]\ncheck:\n  template: resource-requests-missing\n",
     "custom.yaml:8: parameter 'resources' of 'custom' must be a list of strings, not a list"),
    ("parameters:\n  x: 1\ncheck:\n  template: privileged-container\n",
     "custom.yaml:8: rule 'custom' has no parameter 'x' (known: none)"),
    ("check:\n  template: privileged-container\n  scope: pod\n",
     "custom.yaml:9: unknown key 'scope' in a template check: a template takes its values from 'parameters:'"),
])
def test_bad_template_parameters_are_load_errors_with_the_line(tmp_path, body, message):
    assert rule_error(tmp_path, body) == message


HOST_LOG = """\
apiVersion: v1
kind: Pod
metadata: {name: logs}
spec:
  containers:
    - name: shipper
      image: "shipper:1"
  volumes:
    - name: varlog
      hostPath: {path: /var/log}
    - name: journal
      hostPath: {path: /var/log/journal/}
    - name: var
      hostPath: {path: /var}
    - name: audit
      hostPath: {path: /var/log/audit}
"""


def test_a_custom_rule_instantiates_the_host_path_template(tmp_path):
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "custom.yaml").write_text(HEAD + "parameters:\n  paths: [/var/log]\n  allowed: [/var/log/audit]\n"
                                        "  message: \"{volume} shares the node's logs ({path})\"\n"
                                        "check:\n  template: host-path\n")
    manifest = tmp_path / "pod.yaml"
    manifest.write_text(HOST_LOG)
    findings = lint([manifest], select=["custom"], rules_dirs=[str(folder)]).findings
    assert [(f.span.line, f.span.column, f.message, f.path) for f in findings] == [
        (10, 18, "varlog shares the node's logs (/var/log)", ("spec", "volumes", 0, "hostPath", "path")),
        (12, 18, "journal shares the node's logs (/var/log/journal/)", ("spec", "volumes", 1, "hostPath", "path")),
        (14, 18, "var shares the node's logs (/var)", ("spec", "volumes", 2, "hostPath", "path")),
    ]
    (folder / "custom.yaml").write_text(HEAD + "parameters:\n  paths: [/var/log]\n  inside: false\n"
                                        "  message: \"{volume}\"\ncheck:\n  template: host-path\n")
    findings = lint([manifest], select=["custom"], rules_dirs=[str(folder)]).findings
    assert [(f.span.line, f.message) for f in findings] == [(10, "varlog"), (14, "var")]


def test_runtime_socket_and_sensitive_paths_are_one_template():
    rules = load_rules()
    users = sorted(r.id for r in rules.values() if r.template is TEMPLATES["host-path"])
    assert users == ["container-runtime-socket", "sensitive-host-path"]
    assert rules["container-runtime-socket"].parameters["inside"] is False
    assert rules["sensitive-host-path"].parameters["inside"] is True
    assert rules["sensitive-host-path"].parameters["allowed"][0] == "/etc/ssl/certs"


def test_every_template_is_declared_completely_and_used():
    templates, functions = load_templates()
    used = {r.template.name for r in load_rules().values() if r.template is not None}
    assert used == set(templates), "a template no rule instantiates, or the reverse"
    for template in templates.values():
        assert template.scope in TEMPLATE_SCOPES
        assert template.description.endswith(".") and template.module.startswith("kspm_lint.checks.")
        assert functions[template.function].__module__ == template.module
        for parameter in template.parameters:
            assert parameter.description.endswith("."), (template.name, parameter.name)


def test_rule_parameters_are_complete_after_loading():
    """Template defaults fill what a rule file leaves out, so a check never meets a missing key."""
    rules = load_rules()
    assert rules["capabilities-not-dropped"].parameters == {"allowed-add": ["NET_BIND_SERVICE"]}
    assert list(rules["container-runtime-socket"].parameters) == ["paths", "message", "inside", "allowed"]
    assert rules["container-runtime-socket"].parameters["allowed"] == []


def _imports(folder: str) -> dict[str, set[str]]:
    """Module file -> every module it imports (top level or inside a function)."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / "kspm_lint" / folder).glob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                names.add(node.module or "")
        found[f"{folder}/{path.name}"] = names
    return found


def test_the_engine_never_imports_the_checks():
    """checks -> engine and engine -> fix, never back: no cycle, not even a deferred import."""
    for module, names in _imports("engine").items():
        assert not [n for n in names if n.startswith("kspm_lint.checks")], module
    for module, names in _imports("fix").items():
        assert not [n for n in names if n.startswith(("kspm_lint.engine", "kspm_lint.checks"))], module
    assert any(n.startswith("kspm_lint.engine") for n in _imports("checks")["checks/__init__.py"])
    code = ("import sys, kspm_lint.engine.catalog, kspm_lint.engine.runner, kspm_lint.engine.declarative; "
            "print(sorted(m for m in sys.modules if m.startswith('kspm_lint.checks')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.stdout == "[]\n", result.stderr


def test_list_templates_text_and_json():
    result = CliRunner().invoke(main, ["--list-templates"])
    assert result.exit_code == 0
    text = result.output
    block = text[text.index("host-path  "):text.index("host-path-volume  ")]
    assert block == (
        "host-path  (scope: pod; kspm_lint.checks.hardening)\n"
        "  hostPath volumes that mount a listed path or a parent of one (optionally anything inside one), "
        "minus the allowed paths.\n"
        "  - paths (path-list, default: required): Host paths to report: a mount of one of them or of a "
        "directory holding one.\n"
        "  - message (message ({volume}, {path}), default: required): The finding's message.\n"
        "  - inside (boolean, default: true): Also report a mount of anything inside a listed path "
        "('/' still matches only itself).\n"
        "  - allowed (path-list, default: []): Host paths (and what is inside them) never reported.\n"
        "  rules: container-runtime-socket, sensitive-host-path\n\n")
    rows = json.loads(CliRunner().invoke(main, ["--list-templates", "--format", "json"]).output)
    assert [r["name"] for r in rows] == sorted(TEMPLATES)
    (row,) = [r for r in rows if r["name"] == "capabilities-not-dropped"]
    assert row == {"name": "capabilities-not-dropped", "scope": "container",
                   "description": "Containers that do not drop ALL, or add a capability outside the allowed list.",
                   "module": "kspm_lint.checks.pss_restricted",
                   "parameters": [{"name": "allowed-add", "type": "string-list", "placeholders": [],
                                   "required": False, "default": ["NET_BIND_SERVICE"],
                                   "description": "Capabilities a container may add."}],
                   "rules": ["capabilities-not-dropped"]}


@pytest.mark.parametrize(("rule", "check", "fix"), [
    ("sensitive-host-path", "template host-path (kspm_lint.checks.hardening)", "none"),
    ("capabilities-not-dropped", "template capabilities-not-dropped (kspm_lint.checks.pss_restricted)",
     "generator capabilities (kspm_lint.fix.generators)"),
    ("service-account-token-automount", "declarative in {source}", "declarative in {source}"),
    ("yaml-syntax", "the engine itself (parsing, suppressions and the runner report it)", "none"),
])
def test_explain_says_where_check_and_fix_are_defined(rule, check, fix):
    source = load_rules()[rule].source
    output = CliRunner().invoke(main, ["--explain", rule]).output
    assert output.endswith(f"Defined in {source}\n  check: {check.format(source=source)}\n"
                           f"  fix: {fix.format(source=source)}\n")


def test_explain_lists_typed_parameters():
    output = CliRunner().invoke(main, ["--explain", "capabilities-not-dropped"]).output
    assert ("Parameters (override in config under parameters.<rule>):\n"
            "  allowed-add (string-list): [\"NET_BIND_SERVICE\"]\n"
            "      Capabilities a container may add.\n\n") in output
