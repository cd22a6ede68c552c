"""SARIF relatedLocations: the first occurrence of a duplicate key, the mounts of a hostPath."""

from __future__ import annotations

from kspm_lint.report.formats import render

MANIFEST = """\
apiVersion: v1
kind: Pod
metadata:
  name: agent
  namespace: ops
spec:
  containers:
    - name: agent
      image: agent:1.0
      volumeMounts:
        - name: sock
          mountPath: /var/run/docker.sock
  volumes:
    - name: sock
      hostPath:
        path: /var/run/docker.sock
  volumes: []
"""


def test_duplicate_key_and_host_path_point_at_related_places(lint_repo, validate_sarif):
    report = lint_repo({"pod.yaml": MANIFEST}, select=["duplicate-key", "container-runtime-socket"])
    data = validate_sarif(render(report, "sarif"))
    results = {r["ruleId"]: r for r in data["runs"][0]["results"]}
    related = results["duplicate-key"]["relatedLocations"]
    assert [(loc["physicalLocation"]["region"]["startLine"], loc["message"]["text"]) for loc in related] == [
        (13, "first 'volumes'")]
    assert related[0]["physicalLocation"]["artifactLocation"]["uri"] == "pod.yaml"

    report = lint_repo({"pod2.yaml": MANIFEST.replace("  volumes: []\n", "")},
                       select=["container-runtime-socket", "host-path-volume"])
    data = validate_sarif(render(report, "sarif"))
    for result in data["runs"][0]["results"]:
        (location,) = result["relatedLocations"]
        assert location["physicalLocation"]["region"]["startLine"] == 11
        assert location["message"]["text"] == "mounted by container 'agent' at /var/run/docker.sock"
