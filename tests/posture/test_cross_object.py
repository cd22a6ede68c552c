"""Cross-object posture rules on multi-file fixtures: the workload, the binding and the
role (or the namespace and its policies) each in their own file. Every location is
asserted exactly, related ones included."""

from __future__ import annotations

from pathlib import Path

import pytest

from kspm_lint.config import Config
from kspm_lint.location import Span
from kspm_lint.origin import Location
from tests.conftest import lint

FIXTURES = Path(__file__).parent / "fixtures"


def _run(monkeypatch, scenario: str, rules: list[str], paths=(".",), context: bool = False):
    monkeypatch.chdir(FIXTURES / scenario)
    return [f for f in lint(list(paths), select=rules, context=context).findings if f.rule in rules]


def test_workload_account_bound_through_an_aggregated_role_in_other_files(monkeypatch):
    [finding] = _run(monkeypatch, "account", ["workload-sa-overprivileged"])
    assert (finding.file, finding.span) == ("deploy.yaml", Span(13, 7, 13, 35))
    assert finding.path == ("spec", "template", "spec", "serviceAccountName")
    assert finding.message == (
        "Deployment 'reporter' runs as service account 'shop/reporter': RoleBinding 'reporter' grants "
        "ClusterRole 'shop-reader' in namespace 'shop', which grants get/list on secrets")
    assert finding.related == (
        Location("binding.yaml", Span(11, 5, 13, 1), "the binding subject naming this account"),
        Location("binding.yaml", Span(9, 3, 9, 20), "RoleBinding 'reporter' binds ClusterRole 'shop-reader'"),
        Location("role.yaml", Span(20, 31, 20, 40), "ClusterRole 'shop-secrets' rules[0] grants get/list on secrets"),
    )


def test_aggregate_reports_the_rule_it_aggregates_from_another_role(monkeypatch):
    findings = _run(monkeypatch, "account", ["rbac-secrets-read"])
    assert [(f.file, f.span, f.message) for f in findings] == [
        ("role.yaml", Span(7, 3, 7, 23),
         "ClusterRole 'shop-reader' aggregates rules that grant get/list on secrets (from ClusterRole 'shop-secrets')"),
        ("role.yaml", Span(20, 31, 20, 40), "ClusterRole 'shop-secrets' rules[0] grants get/list on secrets"),
    ]
    assert findings[0].related == (
        Location("role.yaml", Span(20, 31, 20, 40), "aggregated from ClusterRole 'shop-secrets' rules[0]"),)


@pytest.mark.parametrize("paths", [["deploy.yaml"], ["deploy.yaml", "role.yaml"]])
def test_a_pre_commit_run_inside_a_repository_sees_the_rest_as_context(monkeypatch, paths):
    """The fixtures sit in this git repository: the binding and the role in the files not
    given are context, and the finding is on the file given."""
    [finding] = _run(monkeypatch, "account", ["workload-sa-overprivileged"], paths, context=True)
    assert (finding.file, finding.span) == ("deploy.yaml", Span(13, 7, 13, 35))


def test_a_pre_commit_run_reports_only_on_the_files_given(monkeypatch):
    assert _run(monkeypatch, "account", ["workload-sa-overprivileged"], ["binding.yaml"], context=True) == []


@pytest.mark.parametrize("paths", [["deploy.yaml"], ["binding.yaml"], ["deploy.yaml", "role.yaml"]])
def test_without_a_repository_part_of_the_relation_reports_nothing(monkeypatch, tmp_path, paths):
    """Outside a repository the rest cannot be known: without the binding, or the role,
    or the workload, the relation cannot be seen: no finding rather than a wrong one."""
    import shutil

    shutil.copytree(FIXTURES / "account", tmp_path / "account")
    monkeypatch.chdir(tmp_path / "account")
    assert [f for f in lint(paths, select=["workload-sa-overprivileged"]).findings
            if f.rule == "workload-sa-overprivileged"] == []


def test_default_deny_per_direction_points_at_the_namespace_object(monkeypatch):
    findings = _run(monkeypatch, "network",
                    ["namespace-missing-default-deny-ingress", "namespace-missing-default-deny-egress"])
    [finding] = findings  # ingress is denied by policy.yaml
    assert finding.rule == "namespace-missing-default-deny-egress"
    assert (finding.file, finding.span) == ("namespace.yaml", Span(4, 3, 4, 13))
    assert finding.message == (
        "namespace 'shop' runs 2 workloads of this run but no NetworkPolicy denies egress by default "
        "(podSelector: {}, policyTypes: [Egress], no egress rules)")
    assert finding.related == (
        Location("workloads.yaml", Span(4, 3, 4, 12), "Deployment 'web' in this namespace"),
        Location("workloads.yaml", Span(20, 3, 20, 15), "CronJob 'report' in this namespace"),
    )


def test_without_the_namespace_file_the_finding_points_at_the_first_workload(monkeypatch):
    [finding] = _run(monkeypatch, "network", ["namespace-missing-default-deny-egress"],
                     ["policy.yaml", "workloads.yaml"])
    assert (finding.file, finding.span) == ("workloads.yaml", Span(5, 3, 5, 18))
    assert finding.related == (Location("workloads.yaml", Span(20, 3, 20, 15), "CronJob 'report' in this namespace"),)


def test_admission_violation_names_level_and_controls_and_points_at_the_label(monkeypatch):
    [finding] = _run(monkeypatch, "admission", ["pss-admission-violation"])
    assert (finding.file, finding.span) == ("deploy.yaml", Span(23, 21, 23, 30))
    assert finding.message == (
        "Deployment 'api' has its pods rejected by Pod Security admission: namespace 'payments' enforces "
        "restricted and the pod fails Capabilities (capabilities-beyond-baseline), Capabilities (v1.22+) "
        "(capabilities-not-dropped), Privilege Escalation (v1.8+) (privilege-escalation)")
    assert finding.related == (
        Location("deploy.yaml", Span(20, 13, 20, 43), "fails Privilege Escalation (v1.8+) (privilege-escalation)"),
        Location("namespace.yaml", Span(6, 5, 6, 51), "namespace 'payments' enforces restricted"),
    )


def test_admission_agrees_with_the_pod_security_rules(monkeypatch):
    """The same checks decide both: every control named fails its own rule on the file."""
    monkeypatch.chdir(FIXTURES / "admission")
    own = lint(["deploy.yaml"], select=["pss:restricted"]).findings
    assert sorted({f.rule for f in own}) == ["capabilities-beyond-baseline", "capabilities-not-dropped",
                                            "privilege-escalation"]


def test_absence_rules_say_nothing_about_a_lone_application_file(monkeypatch):
    """Without namespaces declared the run cannot tell which namespace, or which cluster
    policies, the Job will meet: no default-deny or signature-policy finding."""
    rules = ["namespace-missing-default-deny-ingress", "namespace-missing-default-deny-egress",
             "image-verification-policy-missing", "pss-admission-violation", "workload-sa-overprivileged"]
    assert _run(monkeypatch, "lone", rules) == []


def test_an_exempt_namespace_is_not_reported(monkeypatch):
    monkeypatch.chdir(FIXTURES / "network")
    rule = "namespace-missing-default-deny-egress"
    config = Config(parameters={rule: {"exempt-namespaces": ["shop"]}})
    assert [f for f in lint(["."], select=[rule], config=config).findings if f.rule == rule] == []
