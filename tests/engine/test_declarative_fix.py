"""Fixes named in rule files: declarative ``ops`` (checked at load time with the line,
applied by the same splice engine and verification as the built-in fixes) and named
generators (unknown ones, and fixes claimed without one, are load errors)."""

from __future__ import annotations

import json
import os
import textwrap

import pytest
from click.testing import CliRunner

from kspm_lint.cli import main
from kspm_lint.engine.catalog import RuleError, load_rules

HEAD = ("id: custom\ntitle: A custom rule\nseverity: medium\ncategory: workload-hardening\n"
        "description: Something.\nremediation: Fix it.\n")  # lines 1-6
CONTAINER_CHECK = ("check:\n  scope: container\n  when:\n    - path: imagePullPolicy\n      op: not-equals\n"
                   "      value: Always\n  message: \"container '{container}' may run a stale image\"\n")  # 7-13


def load_error(tmp_path, body: str) -> str:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "custom.yaml").write_text(HEAD + body)
    with pytest.raises(RuleError) as caught:
        load_rules([str(folder)])
    return str(caught.value).replace(str(folder) + "/", "")


FIX = "fix:\n  safety: safe\n  description: Pull the image every time.\n"  # lines 14-16


@pytest.mark.parametrize(("fix", "message"), [
    ("  ops:\n    - {op: replace, path: imagePullPolicy, value: Always}\n",
     "custom.yaml:18: unknown fix op 'replace' (one of: set, remove, append)"),
    ("  ops:\n    - op: set\n      path: image..policy\n      value: Always\n",
     "custom.yaml:19: bad path 'image..policy' at character 6 (write keys as a.b, list items as a[0], "
     "other keys as a['x.y'])"),
    ("  ops:\n    - op: set\n      path: imagePullPolicy\n",
     "custom.yaml:18: 'set' needs a 'value'"),
    ("  ops:\n    - op: set\n      path: imagePullPolicy\n      value: null\n",
     "custom.yaml:20: the value of 'set' must be a string, number, boolean, list or mapping, not null"),
    ("  ops:\n    - op: append\n      path: args\n      value: [a, b]\n",
     "custom.yaml:20: 'append' adds one item: its value cannot be a list"),
    ("  ops:\n    - op: remove\n      path: imagePullPolicy\n      value: Always\n",
     "custom.yaml:20: 'remove' takes no 'value'"),
    ("  ops:\n    - op: set\n      path: imagePullPolicy\n      value: Always\n      prune: true\n",
     "custom.yaml:21: 'prune' is true or false, and only for 'remove'"),
    ("  ops:\n    - op: set\n      pth: imagePullPolicy\n",
     "custom.yaml:19: unknown key 'pth' in fix op (known: op, path, value, prune)"),
    ("  ops: []\n", "custom.yaml:17: 'ops' must be a non-empty list of {op, path, value} entries"),
    ("  generator: pull-always\n",
     "custom.yaml:17: unknown fix generator 'pull-always' (one of: apparmor-unconfined, capabilities, "
     "host-port, privilege-escalation, privileged-container, proc-mount, read-only-root-filesystem, "
     "remove-field, run-as-non-root, run-as-root-user, seccomp-profile, seccomp-unconfined)"),
    ("  generator: privileged-container\n",
     "custom.yaml:15: fix generator 'privileged-container' is unsafe (it can change how the workload "
     "runs); declare 'safety: unsafe'"),
    ("", "custom.yaml:14: a 'safe' fix names its 'generator' (one of: apparmor-unconfined, capabilities, "
         "host-port, privilege-escalation, privileged-container, proc-mount, read-only-root-filesystem, "
         "remove-field, run-as-non-root, run-as-root-user, seccomp-profile, seccomp-unconfined) or, in a "
         "declarative rule, lists its 'ops'; it needs exactly one of them"),
    ("  generator: remove-field\n  ops:\n    - {op: remove, path: imagePullPolicy}\n",
     "custom.yaml:14: a 'safe' fix names its 'generator' (one of: apparmor-unconfined, capabilities, "
     "host-port, privilege-escalation, privileged-container, proc-mount, read-only-root-filesystem, "
     "remove-field, run-as-non-root, run-as-root-user, seccomp-profile, seccomp-unconfined) or, in a "
     "declarative rule, lists its 'ops'; it needs exactly one of them"),
    ("  how: by hand\n", "custom.yaml:17: unknown key 'how' in fix (known: safety, description, generator, ops)"),
])
def test_bad_fixes_are_load_errors_with_the_line(tmp_path, fix, message):
    assert load_error(tmp_path, CONTAINER_CHECK + FIX + fix) == message


def test_fix_errors_outside_ops(tmp_path):
    no_description = "fix:\n  safety: unsafe\n  generator: remove-field\n"
    assert load_error(tmp_path, CONTAINER_CHECK + no_description) == (
        "custom.yaml:14: a fix needs a 'description' saying what it changes and why it is safe or not")


def test_safety_none_names_no_generator(tmp_path):
    body = CONTAINER_CHECK + "fix:\n  safety: none\n  description: By hand.\n  generator: remove-field\n"
    assert load_error(tmp_path, body) == "custom.yaml:17: a fix with 'safety: none' has no 'generator'"


def test_template_rules_name_a_generator_not_ops(tmp_path):
    body = ("check:\n  template: privileged-container\n" + FIX
            + "  ops:\n    - {op: remove, path: securityContext.privileged}\n")
    assert load_error(tmp_path, body) == (
        "custom.yaml:12: fix 'ops' are for declarative checks; a template rule names a 'generator'")


MANIFEST = """\
apiVersion: v1
kind: List
items:
  - apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web   # the team label goes below
    spec:
      template:
        spec:
          shareProcessNamespace: true
          containers:
            - name: web
              image: "web:1.2"
              imagePullPolicy: IfNotPresent   # stale images
            - name: sidecar
              image: "proxy:3"
"""

RULES = {
    "pull-always.yaml": HEAD.replace("id: custom", "id: pull-always") + CONTAINER_CHECK + FIX
    + "  ops:\n    - {op: set, path: imagePullPolicy, value: Always}\n",
    "no-shared-pids.yaml": HEAD.replace("id: custom", "id: no-shared-pids") + textwrap.dedent("""\
        check:
          scope: pod
          when:
            - {path: shareProcessNamespace, op: equals, value: true}
          message: pod shares its process namespace
        fix:
          safety: unsafe
          description: Stops sharing the process namespace.
          ops:
            - {op: remove, path: shareProcessNamespace}
        """),
    "team-label.yaml": HEAD.replace("id: custom", "id: team-label") + textwrap.dedent("""\
        check:
          scope: workload
          when:
            - {path: metadata.labels.team, op: absent}
          message: "{kind} '{name}' has no team label"
        fix:
          safety: safe
          description: Labels the workload with a placeholder team.
          ops:
            - {op: set, path: "metadata.labels['team']", value: unowned}
            - {op: append, path: "metadata.finalizers", value: example.com/audit}
        """),
}
FIXED = """\
apiVersion: v1
kind: List
items:
  - apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web   # the team label goes below
      labels:
        team: unowned
      finalizers:
        - example.com/audit
    spec:
      template:
        spec:
          containers:
            - name: web
              image: "web:1.2"
              imagePullPolicy: Always   # stale images
            - name: sidecar
              image: "proxy:3"
              imagePullPolicy: Always
"""


@pytest.fixture
def project(tmp_path):
    (tmp_path / "rules").mkdir()
    for name, text in RULES.items():
        (tmp_path / "rules" / name).write_text(text)
    (tmp_path / "list.yaml").write_text(MANIFEST)
    before = os.getcwd()
    os.chdir(tmp_path)
    yield tmp_path
    os.chdir(before)


SELECT = ["--select", "pull-always,no-shared-pids,team-label", "--rules-dir", "rules"]


def test_declarative_fix_ops_in_json_are_rebased_on_the_scope(project):
    result = CliRunner().invoke(main, [*SELECT, "--format", "json", "list.yaml"])
    findings = json.loads(result.output)["findings"]
    got = [(f["rule"], f["line"], f["column"], f["fix"]["safety"], f["fix"]["applicable"], f["fix"]["ops"])
           for f in findings]
    assert got == [
        ("team-label", 6, 5, "safe", True, [  # metadata: the nearest written ancestor
            {"op": "set", "path": "items[0].metadata.labels.team", "value": "unowned", "prune": False},
            {"op": "append", "path": "items[0].metadata.finalizers", "value": "example.com/audit", "prune": False}]),
        ("no-shared-pids", 11, 11, "unsafe", True, [
            {"op": "remove", "path": "items[0].spec.template.spec.shareProcessNamespace", "value": None,
             "prune": False}]),
        ("pull-always", 15, 15, "safe", True, [
            {"op": "set", "path": "items[0].spec.template.spec.containers[0].imagePullPolicy",
             "value": "Always", "prune": False}]),
        ("pull-always", 16, 15, "safe", True, [
            {"op": "set", "path": "items[0].spec.template.spec.containers[1].imagePullPolicy",
             "value": "Always", "prune": False}]),
    ]


def test_declarative_fixes_are_applied_and_verified(project):
    result = CliRunner().invoke(main, [*SELECT, "--fix", "list.yaml"])
    assert (project / "list.yaml").read_text() == MANIFEST.replace(
        "      name: web   # the team label goes below\n",
        "      name: web   # the team label goes below\n      labels:\n        team: unowned\n"
        "      finalizers:\n        - example.com/audit\n").replace(
        "              imagePullPolicy: IfNotPresent   # stale images\n",
        "              imagePullPolicy: Always   # stale images\n").replace(
        '              image: "proxy:3"\n', '              image: "proxy:3"\n              imagePullPolicy: Always\n')
    # the unsafe one waits for --unsafe-fixes
    assert result.exit_code == 1 and "no-shared-pids" in result.output
    result = CliRunner().invoke(main, [*SELECT, "--fix", "--unsafe-fixes", "list.yaml"])
    assert result.exit_code == 0, result.output
    assert (project / "list.yaml").read_text() == FIXED
    again = CliRunner().invoke(main, [*SELECT, "--diff", "--unsafe-fixes", "list.yaml"])
    assert (again.exit_code, again.output) == (0, "")
