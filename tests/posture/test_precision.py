"""Precision found on real repositories: OpenShift DeploymentConfig pods are checked
like any controller's, even when the file carries no containers (they come from an
image trigger or a patch), as a Deployment's are."""

from __future__ import annotations

from tests.conftest import rule_lines

DEPLOYMENT_CONFIG = """\
apiVersion: apps.openshift.io/v1
kind: DeploymentConfig
metadata:
  name: legacy
  namespace: shop
spec:
  replicas: 1
  template:
    metadata:
      labels: {app: legacy}
    spec:
      hostNetwork: true
"""


def test_deployment_config_pods_are_checked(lint_text):
    findings = lint_text(DEPLOYMENT_CONFIG, select=["host-namespaces"])
    assert rule_lines(findings, "host-namespaces") == [12]
    [finding] = findings
    assert (finding.span.line, finding.span.column) == (12, 7)
    assert finding.path == ("spec", "template", "spec", "hostNetwork")
