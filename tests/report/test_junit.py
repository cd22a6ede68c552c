"""``--format junit``: well-formed JUnit XML, a testcase per resource, failures per finding."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from kspm_lint.findings import Severity
from kspm_lint.report.formats import render
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


def test_testcase_per_resource_and_rule_with_one_failure_each(lint_repo):
    report = lint_repo({"a.yaml": INSECURE_POD + "---\n" + PLAIN, "bad.yaml": "a: [\x01\n"},
                       select=["privileged-container", "host-namespaces", "yaml-syntax", "image-not-digest-pinned"],
                       fail_on=Severity.HIGH)
    root = ET.fromstring(render(report, "junit"))
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    cases = suite.findall("testcase")
    assert [(c.get("classname"), c.get("name"), len(c.findall("failure"))) for c in cases] == [
        ("a.yaml", "Pod/plain: image-not-digest-pinned", 0),
        ("a.yaml", "Pod/shop/web: host-namespaces", 1),
        ("a.yaml", "Pod/shop/web: image-not-digest-pinned", 0),
        ("a.yaml", "Pod/shop/web: privileged-container", 1),
        ("bad.yaml", "bad.yaml: yaml-syntax", 1),
    ]
    assert "image-not-digest-pinned" in cases[0].find("system-out").text  # below --fail-on: listed, passes
    assert [f.get("type") for f in cases[4].findall("failure")] == ["yaml-syntax"]
    assert suite.get("tests") == "5" and suite.get("failures") == "3"
    assert int(suite.get("tests")) >= int(suite.get("failures"))
    assert {p.get("name"): p.get("value") for p in suite.find("properties")}["fail-on"] == "high"


def test_clean_resources_are_one_passing_case(lint_repo):
    report = lint_repo({"a.yaml": INSECURE_POD + "---\n" + PLAIN}, select=["privileged-container"])
    cases = ET.fromstring(render(report, "junit")).find("testsuite").findall("testcase")
    assert [c.get("name") for c in cases] == ["Pod/shop/web: privileged-container",
                                              "1 of 2 resource(s) in 1 file(s): no findings"]


def test_clean_run_is_one_passing_test(lint_repo):
    root = ET.fromstring(render(lint_repo({"p.yaml": PLAIN}, select=["privileged-container"]), "junit"))
    suite = root.find("testsuite")
    assert suite.get("tests") == "1" and suite.get("failures") == "0"
    assert len(suite.findall("testcase")) == 1
