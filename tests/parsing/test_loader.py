"""Parsing: documents, values as the API server reads them, exact locations, bad input."""

from __future__ import annotations

import time

from kspm_lint.location import Span
from kspm_lint.parsing.loader import parse_bytes, parse_text
from kspm_lint.resources import resources_of

POD = """\
# leading comment
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: nginx:1.25
      securityContext:
        privileged: yes
"""


def test_locates_keys_and_list_items_one_based():
    document = parse_text(POD, "pod.yaml").documents[0]
    privileged = ("spec", "containers", 0, "securityContext", "privileged")
    assert document.locate(privileged) == Span(11, 9, 11, 24)
    assert document.locate(("spec", "containers", 0)).line == 8
    assert document.locate(("spec", "containers", 0)).column == 7
    assert document.locate(("metadata", "name")) == Span(5, 3, 5, 12)


def test_missing_path_points_at_nearest_written_ancestor():
    document = parse_text(POD, "pod.yaml").documents[0]
    span = document.locate(("spec", "containers", 0, "securityContext", "runAsNonRoot"))
    assert (span.line, span.column) == (10, 7)
    assert not document.exists(("spec", "securityContext"))
    assert document.exists(("spec", "containers", 0, "image"))


def test_yaml_11_booleans_as_the_api_server_reads_them():
    text = "a: yes\nb: on\nc: y\nd: 'true'\ne: \"yes\"\nf: No\ng: off\nh: 0755\ni: ~\n"
    data = parse_text(text, "x.yaml").documents[0].data
    assert data == {"a": True, "b": True, "c": True, "d": "true", "e": "yes", "f": False,
                    "g": False, "h": 493, "i": None}


def test_multi_document_stream_empty_documents_and_lists():
    text = (
        "---\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n...\n---\n"
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: p}\n"
        "  spec: {containers: []}\n- not-an-object\n"
    )
    parsed = parse_text(text, "x.yaml")
    resources, skipped = resources_of(parsed)
    assert [r.identity for r in resources] == ["ConfigMap//a", "Pod//p"]
    assert resources[1].base == ("items", 0)
    assert resources[1].locate(("metadata", "name")).line == 13
    assert skipped == 0


def test_non_kubernetes_yaml_is_counted_not_linted():
    parsed = parse_text("name: chart\nversion: 1.0\n", "values.yaml")
    assert resources_of(parsed) == ([], 1)


def test_json_manifest_locations():
    text = '{\n  "apiVersion": "v1",\n  "kind": "Pod",\n  "metadata": {"name": "j"},\n  "spec": {}\n}\n'
    document = parse_text(text, "pod.json").documents[0]
    assert document.data["metadata"]["name"] == "j"
    assert document.locate(("metadata", "name")) == Span(4, 16, 4, 27)


def test_bom_and_crlf():
    raw = b"\xef\xbb\xbfapiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: crlf\r\n"
    parsed = parse_bytes(raw, "crlf.yaml")
    assert parsed.problems == []
    assert parsed.documents[0].data["metadata"]["name"] == "crlf"
    assert parsed.documents[0].locate(("metadata", "name")).line == 4


def test_utf16_with_bom():
    raw = "apiVersion: v1\nkind: Pod\nmetadata: {name: u16}\n".encode("utf-16")
    parsed = parse_bytes(raw, "u16.yaml")
    assert parsed.documents[0].data["metadata"]["name"] == "u16"


def test_syntax_error_is_a_problem_with_line_and_later_documents_survive():
    text = "a: 1\n---\nb: [1, 2\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: after}\n"
    parsed = parse_text(text, "broken.yaml")
    assert [p.rule for p in parsed.problems] == ["yaml-syntax"]
    assert parsed.problems[0].span.line == 4
    assert [d.data for d in parsed.documents][-1]["metadata"]["name"] == "after"
    assert parsed.documents[-1].start_line == 5


def test_duplicate_key_reported_at_second_occurrence():
    text = "spec:\n  securityContext:\n    privileged: true\n  securityContext:\n    runAsUser: 1\n"
    parsed = parse_text(text, "dup.yaml")
    assert [(p.rule, p.span.line, p.span.column) for p in parsed.problems] == [("duplicate-key", 4, 3)]
    assert "first at line 2" in parsed.problems[0].message


def test_billion_laughs_fails_fast():
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 10):
        refs = ",".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    started = time.perf_counter()
    parsed = parse_text("\n".join(lines) + "\n", "bomb.yaml")
    assert time.perf_counter() - started < 2
    assert parsed.documents == []
    assert parsed.problems[0].rule == "yaml-syntax"
    assert "alias bomb" in parsed.problems[0].message


def test_recursive_alias_is_refused():
    parsed = parse_text("a: &x [*x]\n", "loop.yaml")
    assert "recursive alias" in parsed.problems[0].message


def test_merge_keys_are_applied_and_located_at_their_source():
    text = "base: &b\n  privileged: true\nsc:\n  <<: *b\n  runAsUser: 1\n"
    document = parse_text(text, "merge.yaml").documents[0]
    assert document.data["sc"] == {"privileged": True, "runAsUser": 1}
    assert document.locate(("sc", "privileged")).line == 2


def test_custom_tags_never_build_objects():
    text = "a: !!python/object/apply:os.system ['echo pwned']\nb: !Ref thing\n"
    parsed = parse_text(text, "tags.yaml")
    assert parsed.problems == []
    assert parsed.documents[0].data == {"a": ["echo pwned"], "b": "thing"}


def test_binary_and_non_text_input_rejected():
    parsed = parse_bytes(b"\x7fELF\x00\x00\x01", "a.out.yaml")
    assert parsed.problems[0].rule == "input-rejected"
    assert "binary" in parsed.problems[0].message
    parsed = parse_bytes(b"a: \xff\xfe\xfa\n", "latin.yaml")
    assert parsed.problems[0].rule == "input-rejected"


def test_deep_nesting_is_a_problem_not_a_crash():
    depth = 5000
    parsed = parse_text("[" * depth + "]" * depth + "\n", "deep.yaml")
    assert parsed.problems and parsed.problems[0].rule == "yaml-syntax"


def test_control_character_is_located():
    parsed = parse_text("apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\fb\n", "ff.yaml")
    problem = parsed.problems[0]
    assert (problem.rule, problem.span.line, problem.span.column) == ("yaml-syntax", 4, 10)
    assert "U+000C" in problem.message and "\n" not in problem.message


def test_unclosed_flow_names_where_it_started():
    parsed = parse_text("a: 1\nb: [1, 2\nc: 3\n", "x.yaml")
    assert "starts at line 2" in parsed.problems[0].message
