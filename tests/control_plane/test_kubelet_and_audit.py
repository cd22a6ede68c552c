"""KubeletConfiguration defaults of the v1beta1 file format, and audit Policy
first-match semantics."""

from __future__ import annotations

KUBELET = """\
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  webhook:
    enabled: true
authorization:
  mode: AlwaysAllow
readOnlyPort: 10255
streamingConnectionIdleTimeout: 0h0m0s
"""


def test_kubelet_findings_at_the_field_or_its_nearest_written_ancestor(lint_text):
    findings = lint_text(KUBELET, select=["control-plane"])
    assert sorted((f.rule, f.span.line, f.span.column) for f in findings) == [
        ("kubelet-authorization-always-allow", 7, 3),
        ("kubelet-client-ca-missing", 3, 1),      # authentication: is written, x509 is not
        ("kubelet-pod-pids-unlimited", 1, 1),     # absent, defaults to -1: the document
        ("kubelet-protect-kernel-defaults", 1, 1),
        ("kubelet-read-only-port", 8, 1),
        ("kubelet-streaming-idle-timeout", 9, 1),
        ("kubelet-tls-certificate-missing", 1, 1),
    ]
    by_rule = {f.rule: f.message for f in findings}
    assert by_rule["kubelet-read-only-port"] == (
        "KubeletConfiguration readOnlyPort is set to 10255 (expected 0): pod details are served without "
        "authentication")
    assert by_rule["kubelet-pod-pids-unlimited"] == (
        "KubeletConfiguration podPidsLimit is not set, so it defaults to -1 (at least 1 expected): one pod can "
        "exhaust the node's PIDs")


def test_kubelet_file_defaults_are_secure_where_the_kubelet_makes_them_so(lint_text):
    # anonymous auth off, Webhook authorization and read-only port 0 are the v1beta1 file defaults
    text = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"
    rules = ["kubelet-anonymous-auth", "kubelet-authorization-always-allow", "kubelet-read-only-port",
             "kubelet-streaming-idle-timeout", "kubelet-iptables-util-chains", "kubelet-rotate-certificates-disabled",
             "kubelet-server-certificate-rotation-disabled", "kubelet-weak-tls-ciphers"]
    assert lint_text(text, select=rules) == []


POLICY = """\
apiVersion: audit.k8s.io/v1
kind: Policy
rules:
  - level: None
    resources:
      - group: ""
        resources: ["secrets"]
  - level: RequestResponse
    namespaces: ["kube-system"]
    resources:
      - group: ""
        resources: ["configmaps"]
        resourceNames: ["kubeadm-config"]
  - level: RequestResponse
    resources:
      - group: ""
      - group: authentication.k8s.io
        resources: ["tokenreviews/*"]
"""


def test_audit_body_rule_reports_the_first_reachable_rule_per_resource(lint_text):
    findings = lint_text(POLICY, select=["audit-policy-secrets-body", "audit-policy-no-catch-all"])
    assert sorted((f.rule, f.span.line, f.span.column, f.message) for f in findings) == [
        ("audit-policy-no-catch-all", 3, 1,
         "no audit rule matches every remaining request: requests that no rule matches are not recorded; end the "
         "rules with '- level: Metadata'"),
        ("audit-policy-secrets-body", 8, 5,
         "audit rule 2 records configmaps (contents) at level RequestResponse: the request and response bodies are "
         "written into the audit log"),
        ("audit-policy-secrets-body", 14, 5,
         "audit rule 3 records authentication.k8s.io/tokenreviews (bearer tokens) at level RequestResponse: the "
         "request and response bodies are written into the audit log"),
    ]
