"""The real-world manifest corpus in ../shared: every file lints, nothing crashes,
and known problems in it are found where they are."""

from __future__ import annotations

from tests.conftest import lint, shared_path


def test_whole_corpus_lints_without_input_errors():
    corpus = shared_path("corpus", "real")
    report = lint([corpus])
    # Kustomize roots are rendered: their patches and bases are not objects of their own.
    assert report.files > 250 and report.resources > 380
    rules = {f.rule for f in report.findings}
    assert "input-rejected" not in rules and "check-error" not in rules
    assert {"privileged-container", "host-path-volume", "run-as-non-root", "duplicate-key"} <= rules
    for finding in report.findings:
        assert finding.span.line >= 1 and finding.span.column >= 1
        assert (finding.span.end_line, finding.span.end_column) >= (finding.span.line, finding.span.column)


def test_known_duplicate_key_in_corpus():
    path = shared_path("corpus", "real", "kubernetes-examples", "_archived", "openshift-origin",
                       "etcd-controller.yaml")
    findings = [f for f in lint([path]).findings if f.rule == "duplicate-key"]
    assert [(f.span.line, f.span.column) for f in findings] == [(12, 3)]
    assert "'selector'" in findings[0].message
