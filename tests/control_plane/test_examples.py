"""The control-plane examples show every kind of problem the new rules catch."""

from __future__ import annotations

from tests.conftest import ROOT, lint

EXAMPLES = ROOT / "examples" / "control-plane"


def test_control_plane_examples_report_exact_locations():
    findings = lint([EXAMPLES], select=["control-plane"]).findings
    assert sorted((f.file.rsplit("/", 1)[-1], f.span.line, f.span.column, f.rule) for f in findings) == [
        ("audit-policy.yaml", 7, 1, "audit-policy-no-catch-all"),
        ("audit-policy.yaml", 11, 5, "audit-policy-secrets-body"),
        ("kube-apiserver.yaml", 18, 7, "apiserver-audit-log-disabled"),
        ("kube-apiserver.yaml", 18, 7, "apiserver-audit-policy-missing"),
        ("kube-apiserver.yaml", 18, 7, "apiserver-encryption-disabled"),
        ("kube-apiserver.yaml", 18, 7, "apiserver-kubelet-certificate-authority"),
        ("kube-apiserver.yaml", 18, 7, "apiserver-profiling-enabled"),
        ("kube-apiserver.yaml", 22, 11, "apiserver-anonymous-auth"),
        ("kube-apiserver.yaml", 25, 11, "apiserver-always-admit"),
        ("kube-apiserver.yaml", 25, 11, "apiserver-always-pull-images"),
        ("kube-apiserver.yaml", 25, 11, "apiserver-deny-service-external-ips"),
        ("kube-apiserver.yaml", 25, 11, "apiserver-event-rate-limit"),
        ("kube-apiserver.yaml", 27, 11, "apiserver-static-token-file"),
        ("kubelet-config.yaml", 4, 1, "kubelet-pod-pids-unlimited"),
        ("kubelet-config.yaml", 4, 1, "kubelet-protect-kernel-defaults"),
        ("kubelet-config.yaml", 8, 5, "kubelet-anonymous-auth"),
        ("kubelet-config.yaml", 14, 3, "kubelet-authorization-always-allow"),
        ("kubelet-config.yaml", 15, 1, "kubelet-read-only-port"),
        ("kubelet-config.yaml", 16, 1, "kubelet-streaming-idle-timeout"),
    ]
