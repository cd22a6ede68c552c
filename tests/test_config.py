"""Config discovery and validation."""

from __future__ import annotations

import pytest

from kspm_lint.config import ConfigError, find_config, load_config
from kspm_lint.findings import Severity


def test_yaml_config_found_upward_and_loaded(tmp_path):
    (tmp_path / ".kspm-lint.yaml").write_text(
        "select: [pss:baseline]\nignore: [host-port]\nfail-on: high\nexclude: ['vendor/**']\n"
        "severity:\n  host-path-volume: critical\nparameters:\n  unsafe-sysctls:\n    safe-sysctls: [a.b]\n"
        "ignores:\n  - rules: [privileged-container]\n    namespace: kube-system\n    reason: CNI\n"
        "rules-dirs: [policies]\n"
    )
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    found = find_config(str(nested))
    assert found == str(tmp_path / ".kspm-lint.yaml")
    config = load_config(found)
    assert config.select == ["pss:baseline"]
    assert config.fail_on is Severity.HIGH
    assert config.severity == {"host-path-volume": Severity.CRITICAL}
    assert config.parameters == {"unsafe-sysctls": {"safe-sysctls": ["a.b"]}}
    assert config.ignores[0]["reason"] == "CNI"
    assert config.rules_dirs == [str(tmp_path / "policies")]


def test_pyproject_table(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.kspm-lint]\nignore = ["image-not-digest-pinned"]\n')
    config = load_config(find_config(str(tmp_path)))
    assert config.ignore == ["image-not-digest-pinned"]


def test_unknown_key_names_key_and_line(tmp_path):
    path = tmp_path / ".kspm-lint.yaml"
    path.write_text("select: [all]\nfail_on: high\n")
    with pytest.raises(ConfigError, match=r":2: unknown config key 'fail_on'"):
        load_config(str(path))


def test_bad_severity_is_an_error(tmp_path):
    path = tmp_path / ".kspm-lint.yaml"
    path.write_text("fail-on: severe\n")
    with pytest.raises(ConfigError, match="unknown severity 'severe'"):
        load_config(str(path))


def test_bad_ignore_entry_key(tmp_path):
    path = tmp_path / ".kspm-lint.yaml"
    path.write_text("ignores:\n  - rule: [x]\n")
    with pytest.raises(ConfigError, match=":2: unknown key 'rule' in ignores entry"):
        load_config(str(path))


def _checked(tmp_path, text):
    from kspm_lint.engine.catalog import load_rules

    path = tmp_path / ".kspm-lint.yaml"
    path.write_text(text)
    load_config(str(path)).check_against(load_rules())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("parameters:\n  hardcoded-credential-in-env:\n    name-patern: x\n",
         r":3: rule 'hardcoded-credential-in-env' has no parameter 'name-patern'"),
        ("parameters:\n  unsafe-sysctls:\n    safe-sysctls: kernel.msgmax\n",
         r":3: parameter 'safe-sysctls' of 'unsafe-sysctls' must be a list"),
        ("parameters:\n  hardcoded-credential-in-env:\n    name-pattern: '(unclosed'\n",
         r":3: .*not a valid regular expression"),
        # the same schema as the rule files: the template's types, not the default's Python type
        ("fail-on: low\nparameters:\n  container-runtime-socket:\n    paths: [run/docker.sock]\n",
         r":4: parameter 'paths' of 'container-runtime-socket' must list absolute paths; 'run/docker.sock'"),
        ("parameters:\n  sensitive-host-path:\n    inside: 1\n",
         r":3: parameter 'inside' of 'sensitive-host-path' must be true or false, not int \(1\)"),
        ("parameters:\n  sensitive-host-path:\n    message: '{volume} {name}'\n",
         r":3: parameter 'message' of 'sensitive-host-path' is not a valid message \(KeyError: 'name'\)"),
        ("parameters:\n  container-runtime-socket:\n    sockets: [/run/x.sock]\n",
         r":3: rule 'container-runtime-socket' has no parameter 'sockets' \(known: paths, message, inside, allowed\)"),
        ("parameters:\n  read-only-root-filesystem:\n    x: 1\n",
         r":3: rule 'read-only-root-filesystem' has no parameter 'x' \(known: none\)"),
        ("severity:\n  no-such-rule: high\n", r":2: 'severity' names unknown rule 'no-such-rule'"),
        ("ignores:\n  - rules: [privileged-containers]\n", r":2: 'ignores' entry names unknown rule"),
    ],
)
def test_config_checked_against_rules(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message):
        _checked(tmp_path, text)


def test_valid_parameters_pass(tmp_path):
    _checked(tmp_path, "parameters:\n  unsafe-sysctls:\n    safe-sysctls: [kernel.shm_rmid_forced]\n")


def test_config_override_reaches_the_check(tmp_path):
    """A validated override replaces the rule file's value for that rule only."""
    from tests.conftest import lint

    config_path = tmp_path / ".kspm-lint.yaml"
    config_path.write_text("parameters:\n  sensitive-host-path:\n    allowed: [/var/lib/kubelet]\n")
    pod = tmp_path / "pod.yaml"
    pod.write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: 'a:1'}]\n"
                   "  volumes:\n    - {name: k, hostPath: {path: /var/lib/kubelet/pods}}\n"
                   "    - {name: e, hostPath: {path: /etc}}\n")
    before = lint([pod], select=["sensitive-host-path"]).findings
    assert [(f.span.line, f.span.column, f.message) for f in before] == [
        (7, 28, "volume 'k' mounts sensitive host path '/var/lib/kubelet/pods'"),
        (8, 28, "volume 'e' mounts sensitive host path '/etc'")]
    after = lint([pod], select=["sensitive-host-path"], config=load_config(str(config_path))).findings
    assert [(f.span.line, f.message) for f in after] == [(8, "volume 'e' mounts sensitive host path '/etc'")]
