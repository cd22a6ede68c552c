"""The real rules on the rendered example chart, every finding mapped back through its
object's origin: the exact file, line and column a person edits, and where a fix goes."""

from __future__ import annotations

import pytest

from kspm_lint.engine.catalog import load_rules
from kspm_lint.engine.runner import Linter
from kspm_lint.sources.rendered import rendered_unit
from tests.helm.conftest import CHART, ENGINES, render

T = f"{CHART}/templates/deployment.yaml"
H = f"{CHART}/templates/_helpers.tpl"
S = f"{CHART}/charts/cache/templates/statefulset.yaml"
V = f"{CHART}/values.yaml"
P = f"{CHART}/values-prod.yaml"
SV = f"{CHART}/charts/cache/values.yaml"

DEFAULT = [
    ("capabilities-not-dropped", T, 27, 11, f"{V}:securityContext.capabilities.drop"),
    ("capabilities-not-dropped", T, 32, 11, None),
    ("capabilities-not-dropped", H, 17, 3, None),
    ("capabilities-not-dropped", S, 17, 9, None),
    ("default-service-account", S, 14, 5, None),
    ("host-namespaces", S, 15, 7, f"{SV}:hostNetwork"),
    ("image-not-digest-pinned", T, 24, 11, None),
    ("image-not-digest-pinned", T, 30, 11, None),
    ("image-not-digest-pinned", H, 15, 3, None),
    ("image-not-digest-pinned", S, 18, 11, f"{V}:cache.image"),
    ("memory-limit-missing", T, 23, 9, None),
    ("memory-limit-missing", T, 29, 9, None),
    ("memory-limit-missing", H, 14, 1, None),
    ("memory-limit-missing", S, 17, 9, None),
    ("privilege-escalation", V, 16, 3, f"{V}:securityContext.allowPrivilegeEscalation"),
    ("privilege-escalation", T, 32, 11, None),
    ("privilege-escalation", H, 17, 3, None),
    ("privilege-escalation", S, 17, 9, None),
    ("privileged-container", T, 33, 13, None),
    ("read-only-root-filesystem", V, 17, 3, f"{V}:securityContext.readOnlyRootFilesystem"),
    ("read-only-root-filesystem", T, 32, 11, None),
    ("read-only-root-filesystem", H, 17, 3, None),
    ("read-only-root-filesystem", S, 17, 9, None),
    ("resource-requests-missing", T, 23, 9, None),
    ("resource-requests-missing", T, 29, 9, None),
    ("resource-requests-missing", H, 14, 1, None),
    ("resource-requests-missing", S, 17, 9, None),
    ("run-as-non-root", S, 14, 5, None),
    ("run-as-root-user", V, 18, 3, f"{V}:securityContext.runAsUser"),
    ("run-as-root-user", H, 19, 5, None),
    ("seccomp-profile-missing", S, 14, 5, None),
    ("service-account-token-automount", T, 16, 5, None),
    ("service-account-token-automount", S, 14, 5, None),
]


def mapped_findings(values_files=(), engine="helm_python"):
    rules = load_rules()
    result = render(engine=engine, values_files=values_files)
    unit = rendered_unit(result.parsed.path, result.parsed, result.objects,
                         ((p.rule, p.message, p.location) for p in result.problems), result.suppression_files)
    findings = Linter(rules.values(), rules.keys()).lint_unit(unit).findings
    origins = {(resource.document.index, resource.base): origin for resource, origin in result.objects}
    rows = []
    for finding in findings:
        assert finding.address is not None
        base = finding.address.base
        origin = origins[(finding.address.document, base)]
        path = finding.path[len(base):]
        where, fix = origin.locate(path), origin.fix_target(path)
        target = f"{fix.file}:{'.'.join(map(str, fix.path))}" if fix else None
        rows.append((finding.rule, where.file, where.span.line, where.span.column, target))
    return sorted(rows)


@pytest.mark.parametrize("engine", ENGINES)
def test_every_finding_of_the_default_values_maps_to_its_source(engine):
    assert mapped_findings(engine=engine) == sorted(DEFAULT)


@pytest.mark.parametrize("engine", ENGINES)
def test_prod_values_move_findings_and_fixes_to_values_prod(engine):
    rows = mapped_findings((P,), engine=engine)
    gone = {row for row in DEFAULT if row[1] == V}  # values-prod.yaml hardens the web container
    gone |= {("capabilities-not-dropped", T, 27, 11, f"{V}:securityContext.capabilities.drop"),
             ("image-not-digest-pinned", S, 18, 11, f"{V}:cache.image")}
    added = {("image-latest-tag", S, 18, 11, f"{P}:cache.image"),
             ("image-not-digest-pinned", S, 18, 11, f"{P}:cache.image")}
    assert rows == sorted((set(DEFAULT) - gone) | added)
