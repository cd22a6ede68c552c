# ruff: noqa: E501  (expected messages are kept whole, one per line)
"""Exact location (line, column) and message of every finding of the posture rules'
failing cases, and of every related location (all in the same file here; the
multi-file relations are in test_cross_object.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import lint
from tests.rules.test_rule_cases import case_config

CASES = Path(__file__).resolve().parent.parent / "rules" / "cases"

EXPECTED = {
    'rbac-wildcard': [
        ((10, 17), "ClusterRole 'operator' rules[1] grants '*' in resources and verbs (apiGroups: example.com)",
         ()),
        ((12, 17), "ClusterRole 'operator' rules[2] grants '*' in apiGroups",
         ()),
        ((20, 55), "Role 'everything' rules[0] grants '*' in verbs (apiGroups: '')",
         ()),
        ((28, 3), "ClusterRole 'monitoring-admin' aggregates rules that grant '*' in verbs (apiGroups: metrics.k8s.io) (from ClusterRole 'metrics-all')",
         ((42, 13, "aggregated from ClusterRole 'metrics-all' rules[0]"),)),
        ((42, 13), "ClusterRole 'metrics-all' rules[0] grants '*' in verbs (apiGroups: metrics.k8s.io)",
         ()),
    ],
    'cluster-admin-binding': [
        ((10, 5), "ClusterRoleBinding 'ci-admin' gives ServiceAccount 'ci/default' cluster-admin cluster-wide",
         ((8, 3, 'the cluster-admin ClusterRole it binds'),)),
        ((15, 5), "ClusterRoleBinding 'ci-admin' gives User 'alice@example.com' cluster-admin cluster-wide",
         ((8, 3, 'the cluster-admin ClusterRole it binds'),)),
        ((24, 5), "RoleBinding 'team-admin' gives Group 'shop-team' cluster-admin in namespace 'shop'",
         ((22, 67, 'the cluster-admin ClusterRole it binds'),)),
        ((31, 5), "ClusterRoleBinding 'tiller' gives ServiceAccount 'kube-system/tiller' cluster-admin cluster-wide",
         ((29, 67, 'the cluster-admin ClusterRole it binds'),)),
    ],
    'rbac-secrets-read': [
        ((9, 9), "ClusterRole 'secret-reader' rules[0] grants get/list/watch on secrets",
         ()),
        ((12, 17), "ClusterRole 'secret-reader' rules[1] grants list on '*' (which includes secrets)",
         ()),
        ((19, 35), "Role 'watcher' rules[0] grants get/list/watch on secrets",
         ()),
    ],
    'rbac-escalation-verbs': [
        ((6, 5), "ClusterRole 'risky' rules[0] grants escalate/bind on clusterroles",
         ()),
        ((9, 5), "ClusterRole 'risky' rules[1] grants impersonate on users, impersonate on groups",
         ()),
        ((12, 5), "ClusterRole 'risky' rules[2] grants create on pods/exec, create on pods/attach",
         ()),
        ((15, 5), "ClusterRole 'risky' rules[3] grants create on serviceaccounts/token",
         ()),
        ((18, 5), "ClusterRole 'risky' rules[4] grants get on nodes/proxy",
         ()),
        ((21, 5), "ClusterRole 'risky' rules[5] grants approve on signers",
         ()),
        ((24, 5), "ClusterRole 'risky' rules[6] grants patch on mutatingwebhookconfigurations",
         ()),
        ((32, 5), "Role 'debugger' rules[0] grants create/get on pods/exec",
         ()),
    ],
    'rbac-anonymous-subject': [
        ((11, 5), "ClusterRoleBinding 'open-dashboard' grants ClusterRole 'view' to 'system:anonymous' (unauthenticated requests)",
         ((8, 3, 'the role it grants'),)),
        ((13, 5), "ClusterRoleBinding 'open-dashboard' grants ClusterRole 'view' to 'system:authenticated' (every authenticated user and service account)",
         ((8, 3, 'the role it grants'),)),
        ((20, 19), "RoleBinding 'public' grants Role 'reader' to 'system:unauthenticated' (unauthenticated requests)",
         ((18, 60, 'the role it grants'),)),
    ],
    'workload-sa-overprivileged': [
        ((9, 7), "Deployment 'deployer' runs as service account 'ci/deployer': ClusterRoleBinding 'deployer-admin' grants cluster-admin (every verb on every resource) cluster-wide; RoleBinding 'ci-accounts' grants built-in ClusterRole 'edit' (reads Secrets, execs into pods) in namespace 'ci'",
         ((40, 5, 'the binding subject naming this account'), (38, 67, "ClusterRoleBinding 'deployer-admin' binds ClusterRole 'cluster-admin'"), (47, 5, 'the binding subject naming this account'), (45, 67, "RoleBinding 'ci-accounts' binds ClusterRole 'edit'"))),
        ((17, 1), "Pod 'shell' runs as service account 'ci/default': RoleBinding 'ci-accounts' grants built-in ClusterRole 'edit' (reads Secrets, execs into pods) in namespace 'ci'",
         ((47, 5, 'the binding subject naming this account'), (45, 67, "RoleBinding 'ci-accounts' binds ClusterRole 'edit'"))),
        ((31, 11), "CronJob 'cleanup' runs as service account 'shop/cleaner': RoleBinding 'cleaner' grants Role 'cleaner' in namespace 'shop', which grants list on secrets",
         ((54, 5, 'the binding subject naming this account'), (52, 60, "RoleBinding 'cleaner' binds Role 'cleaner'"), (60, 35, "Role 'cleaner' rules[0] grants list on secrets"))),
    ],
    'networkpolicy-allow-all': [
        ((8, 7), "NetworkPolicy 'web' ingress rule 0 is empty: it allows all ingress traffic from anywhere on every port",
         ()),
        ((12, 13), "NetworkPolicy 'web' egress rule 0 allows egress to 0.0.0.0/0 (any address) on the listed ports",
         ()),
        ((24, 21), "NetworkPolicy 'api' egress rule 0 allows egress to ::/0 (any address) on every port",
         ()),
    ],
    'service-exposed': [
        ((5, 3), "Service 'web' is of type LoadBalancer: it is reachable through a cloud load balancer from outside the cluster",
         ()),
        ((13, 3), "Service 'debug' is of type NodePort: it is reachable through a port on every node from outside the cluster",
         ()),
    ],
    'secret-committed': [
        ((6, 3), "Secret 'db-credentials' commits 2 values to the repository (data: username, password); base64 is an encoding, not encryption",
         ()),
        ((14, 3), "Secret 'api-token' commits 1 value to the repository (stringData: token); stringData is plain text",
         ()),
        ((24, 3), "Secret 'deployer-token' commits 1 value to the repository (data: token); base64 is an encoding, not encryption",
         ()),
    ],
    'encryption-at-rest-disabled': [
        ((10, 9), "EncryptionConfiguration writes Secrets with the 'identity' provider first: new and updated Secrets are stored in etcd in plain text",
         ()),
        ((16, 1), 'EncryptionConfiguration does not cover secrets: they are stored in etcd in plain text',
         ()),
    ],
    'image-registry-not-allowed': [
        ((11, 11), "container 'init' image 'busybox:1.36' (docker.io/library/busybox) is not from an allowed registry (registry.example.com, ghcr.io/acme)",
         ()),
        ((16, 11), "container 'proxy' image 'ghcr.io/acme-mirror/envoy:1.30' (ghcr.io/acme-mirror/envoy) is not from an allowed registry (registry.example.com, ghcr.io/acme)",
         ()),
        ((18, 11), "container 'metrics' image 'quay.io/prometheus/node-exporter:v1.8.0' (quay.io/prometheus/node-exporter) is not from an allowed registry (registry.example.com, ghcr.io/acme)",
         ()),
        ((20, 11), "container 'sidecar' image 'registry.example.com:5000/tools/sidecar' (registry.example.com:5000/tools/sidecar) is not from an allowed registry (registry.example.com, ghcr.io/acme)",
         ()),
    ],
    'image-verification-policy-missing': [
        ((15, 11), 'this run deploys 1 workload but holds no image-signature admission policy (a Kyverno verifyImages rule or a sigstore policy-controller ClusterImagePolicy): unsigned or substituted images are admitted',
         ()),
    ],
    'namespace-pss-enforce-missing': [
        ((3, 1), "Namespace 'shop' sets no pod-security.kubernetes.io/enforce label: Pod Security admission applies the cluster default, privileged unless configured",
         ()),
        ((10, 3), "Namespace 'tools' sets no pod-security.kubernetes.io/enforce label: Pod Security admission applies the cluster default, privileged unless configured",
         ()),
        ((18, 5), "Namespace 'agents' enforces the privileged Pod Security level: any pod is admitted",
         ()),
        ((25, 5), "Namespace 'typo' pod-security.kubernetes.io/enforce label 'restriced' is not a level (privileged, baseline or restricted)",
         ()),
    ],
    'pss-admission-violation': [
        ((17, 11), "Deployment 'web' has its pods rejected by Pod Security admission: namespace 'shop' enforces restricted and the pod fails Capabilities (v1.22+) (capabilities-not-dropped), Privilege Escalation (v1.8+) (privilege-escalation), Running as Non-root (run-as-non-root), Seccomp (v1.19+) (seccomp-profile-missing)",
         ((15, 5, 'fails Running as Non-root (run-as-non-root)'), (15, 5, 'fails Seccomp (v1.19+) (seccomp-profile-missing)'), (6, 5, "namespace 'shop' enforces restricted"))),
        ((30, 3), "Pod 'probe' is rejected by Pod Security admission: namespace 'agents' enforces baseline and the pod fails Host Namespaces (host-namespaces)",
         ((24, 12, "namespace 'agents' enforces baseline"),)),
    ],
    'namespace-missing-default-deny-ingress': [
        ((5, 3), "namespace 'shop' runs 1 workload of this run but no NetworkPolicy denies ingress by default (podSelector: {}, policyTypes: [Ingress], no ingress rules)",
         ((9, 12, "Deployment 'web' in this namespace"),)),
        ((19, 1), "namespace 'default' runs 1 workload of this run but no NetworkPolicy denies ingress by default (podSelector: {}, policyTypes: [Ingress], no ingress rules)",
         ()),
    ],
    'namespace-missing-default-deny-egress': [
        ((5, 3), "namespace 'shop' runs 2 workloads of this run but no NetworkPolicy denies egress by default (podSelector: {}, policyTypes: [Egress], no egress rules)",
         ((15, 12, "StatefulSet 'db' in this namespace"),)),
    ],
}


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_findings_and_related_locations_are_exact(rule, monkeypatch):
    monkeypatch.chdir(CASES)
    path = f"{rule}/fail.yaml"
    findings = [f for f in lint([path], select=[rule], config=case_config(rule)).findings if f.rule == rule]
    assert [((f.span.line, f.span.column), f.message,
             tuple((r.span.line, r.span.column, r.message) for r in f.related)) for f in findings] == EXPECTED[rule]
    assert {f.file for f in findings} == {path}
    assert all(r.file == path for f in findings for r in f.related)
