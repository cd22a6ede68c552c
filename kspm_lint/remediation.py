"""Fixes that must not break what the manifests show a workload needs.

Turning off the service-account token of a workload whose account the repository binds
to a role breaks it: it calls the API. Such a finding says so and offers no automatic fix.
"""

from __future__ import annotations

from collections.abc import Iterable

from kspm_lint import relations as rel
from kspm_lint.findings import Finding
from kspm_lint.inventory import Inventory

TOKEN_RULE = "service-account-token-automount"
BINDING_KINDS = ("RoleBinding", "ClusterRoleBinding")


def withhold_breaking_fixes(findings: Iterable[Finding], inventory: Inventory) -> None:
    """Set ``finding.no_fix`` (and say why in the message) where a fix would break the app."""
    token = [f for f in findings if f.rule == TOKEN_RULE and f.address is not None and not f.suppressed]
    if not token:
        return
    objects = {obj.address: obj for obj in inventory.objects}
    bindings = inventory.of_kind(*BINDING_KINDS)
    namespaces = rel.Namespaces.of(inventory)
    for finding in token:
        obj = objects.get(finding.address) if finding.address is not None else None
        pod = rel.pod_of(obj) if obj is not None else None
        if obj is None or pod is None:
            continue
        account, _ = rel.service_account_of(pod)
        namespace = namespaces.of_object(obj)
        for binding in bindings:
            if any(rel.subject_is_account(binding, subject, namespaces, account, namespace)
                   for _, subject in rel.subjects(binding)):
                role = binding.data.get("roleRef", {}) if isinstance(binding.data.get("roleRef"), dict) else {}
                why = (f"service account '{account}' is bound to {role.get('kind', 'a role')} "
                       f"'{role.get('name', '?')}' by {binding.ref.kind} '{binding.ref.name}': the workload "
                       "calls the API, so its token stays; no automatic fix")
                finding.message += f" ({why})"
                finding.no_fix = why
                if finding.fix is not None:  # attached while the file was linted: withdraw it
                    finding.fix.applicable, finding.fix.reason, finding.fix.edits = False, why, []
                break
