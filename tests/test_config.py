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
        ("severity:\n  no-such-rule: high\n", r":2: 'severity' names unknown rule 'no-such-rule'"),
        ("ignores:\n  - rules: [privileged-containers]\n", r":2: 'ignores' entry names unknown rule"),
    ],
)
def test_config_checked_against_rules(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message):
        _checked(tmp_path, text)


def test_valid_parameters_pass(tmp_path):
    _checked(tmp_path, "parameters:\n  unsafe-sysctls:\n    safe-sysctls: [kernel.shm_rmid_forced]\n")
