"""``--format junit``: well-formed JUnit XML, a testcase per resource, failures per finding."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from kspm_lint.findings import Severity
from kspm_lint.report import render
from tests.report.conftest import INSECURE_POD

PLAIN = """\
apiVersion: v1
kind: Pod
metadata:
  name: plain
spec:
  containers:
    - name: app
      image: nginx:1.25
"""


def test_testcase_per_resource_and_failure_per_finding(lint_repo):
    report = lint_repo({"a.yaml": INSECURE_POD + "---\n" + PLAIN, "bad.yaml": "a: [\x01\n"},
                       select=["privileged-container", "host-namespaces", "yaml-syntax", "image-not-digest-pinned"],
                       fail_on=Severity.HIGH)
    root = ET.fromstring(render(report, "junit"))
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    cases = suite.findall("testcase")
    assert [(c.get("classname"), c.get("name")) for c in cases] == [
        ("a.yaml", "Pod/plain"), ("a.yaml", "Pod/shop/web"), ("bad.yaml", "bad.yaml")]
    web = cases[1]
    assert sorted(f.get("type") for f in web.findall("failure")) == ["host-namespaces", "privileged-container"]
    assert "image-not-digest-pinned" in web.find("system-out").text  # below --fail-on: listed, not failed
    assert cases[0].findall("failure") == [] and cases[0].find("system-out") is not None
    assert [f.get("type") for f in cases[2].findall("failure")] == ["yaml-syntax"]
    assert suite.get("tests") == "3" and suite.get("failures") == "3"
    assert {p.get("name"): p.get("value") for p in suite.find("properties")}["fail-on"] == "high"


def test_clean_run_is_one_passing_test(lint_repo):
    root = ET.fromstring(render(lint_repo({"p.yaml": PLAIN}, select=["privileged-container"]), "junit"))
    suite = root.find("testsuite")
    assert suite.get("tests") == "1" and suite.get("failures") == "0"
    assert len(suite.findall("testcase")) == 1
