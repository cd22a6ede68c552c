"""The Pod Security Admission reference fixtures (../shared/conformance), level by level.

With only a level's rules selected, every ``pass`` Pod gets no finding and every
``fail`` Pod gets the rule its file name exercises.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import SHARED, lint, shared_path

VERSION_DIR = ("conformance", "pod-security-admission", "v1.37")

CONTROL_TO_RULE = {
    "allowprivilegeescalation": "privilege-escalation",
    "apparmorprofile": "apparmor-unconfined",
    "capabilities_baseline": "capabilities-beyond-baseline",
    "capabilities_restricted": "capabilities-not-dropped",
    "hostnamespaces": "host-namespaces",
    "hostpathvolumes": "host-path-volume",
    "hostports": "host-port",
    "hostprobesandhostlifecycle": "probe-host",
    "privileged": "privileged-container",
    "procmount": "proc-mount",
    "procmount_restricted": "proc-mount-restricted",
    "restrictedvolumes": "restricted-volume-types",
    "runasnonroot": "run-as-non-root",
    "runasuser": "run-as-root-user",
    "seccompprofile_baseline": "seccomp-unconfined",
    "seccompprofile_restricted": "seccomp-profile-missing",
    "selinuxoptions": "selinux-options",
    "sysctls": "unsafe-sysctls",
    "windowshostprocess": "windows-host-process",
}


def _fixtures(level: str, outcome: str) -> list[str]:
    folder = SHARED.joinpath(*VERSION_DIR, level, outcome)
    if not folder.is_dir():
        return ["<absent>"]
    return sorted(p.name for p in folder.glob("*.yaml"))


def _expected_rule(name: str) -> str:
    control = re.sub(r"\d+\.yaml$", "", name)
    return CONTROL_TO_RULE[control]


@pytest.mark.parametrize("level", ["baseline", "restricted"])
def test_fixture_set_is_complete(level):
    folder = shared_path(*VERSION_DIR, level)
    assert len(list(folder.glob("fail/*.yaml"))) > 30
    assert len(list(folder.glob("pass/*.yaml"))) > 10


@pytest.mark.parametrize(
    ("level", "name"),
    [(lvl, n) for lvl in ("baseline", "restricted") for n in _fixtures(lvl, "fail")],
)
def test_fail_fixture_reports_its_control(level, name):
    path = shared_path(*VERSION_DIR, level, "fail", name)
    report = lint([path], select=[f"pss:{level}"])
    rules = {f.rule for f in report.findings}
    assert _expected_rule(name) in rules, f"{name}: got {sorted(rules)}"
    assert all(f.span.line >= 1 and f.resource is not None for f in report.findings)


@pytest.mark.parametrize(
    ("level", "name"),
    [(lvl, n) for lvl in ("baseline", "restricted") for n in _fixtures(lvl, "pass")],
)
def test_pass_fixture_has_no_finding(level, name):
    path = shared_path(*VERSION_DIR, level, "pass", name)
    report = lint([path], select=[f"pss:{level}"])
    assert report.findings == [], [f"{f.rule}: {f.message}" for f in report.findings]
