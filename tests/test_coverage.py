"""The peer catalogue (docs/peers) and the rules' equivalents agree, and docs/coverage.md is current."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kspm_lint.engine.catalog import load_rules
from kspm_lint.report.coverage import (
    DEFAULT_PEERS,
    Totals,
    adopt,
    build,
    cross_check,
    main,
    render,
    sync,
    totals,
)
from kspm_lint.report.peer_catalogue import CatalogueError, format_check, load_catalogue, load_peer
from tests.conftest import ROOT

ID_FORMS = {
    "checkov": r"CKV2?_K8S_\d+",
    "trivy": r"(KSV|KCV)-\d{4,5}",
    "kube-linter": r"[a-z0-9]+(-[a-z0-9]+)*",
    "polaris": r"[a-z][A-Za-z0-9]+",
    "kubescape": r"C-\d{4}",
}


def test_the_catalogue_and_the_rules_agree_both_ways():
    problems = cross_check(load_catalogue(DEFAULT_PEERS), load_rules())
    assert [str(p) for p in problems] == []


def test_committed_coverage_page_is_current():
    text, problems = build()
    assert problems == []
    assert (ROOT / "docs" / "coverage.md").read_text(encoding="utf-8") == text, (
        "docs/coverage.md is stale: run `python -m kspm_lint.report.coverage docs/coverage.md`"
    )


def test_every_peer_is_catalogued_with_ids_in_its_own_form():
    peers = load_catalogue(DEFAULT_PEERS)
    assert sorted(p.key for p in peers) == sorted(ID_FORMS)
    for peer in peers:
        wrong = [c.id for c in peer.checks if not re.fullmatch(ID_FORMS[peer.key], c.id)]
        assert wrong == [], f"{peer.path}: ids not in {peer.key}'s form"


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _line_of(path: str, text: str) -> int:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.startswith(text))


CHECKOV = """\
peer: checkov
name: Checkov
source: https://example.invalid/checkov
checks:
  - {id: CKV_K8S_16, what: "privileged", covered-by: [privileged-container]}
  - {id: CKV_K8S_17, what: "host PID", covered-by: [no-such-rule]}
  - {id: CKV_K8S_26, what: "host port", covered-by: [host-namespaces]}
  - {id: CKV_K8S_43, what: "digest", not-covered: planned, rule: image-not-digest-pinned}
  - {id: CKV_K8S_8, what: "liveness", not-covered: planned, rule: host-port}
"""


def test_cross_check_reports_each_disagreement_where_to_edit_it(tmp_path):
    peer_file = str(_write(tmp_path / "peers", "checkov.yaml", CHECKOV))
    every = load_rules()
    rules = {r: every[r] for r in ("privileged-container", "host-namespaces", "host-port", "image-not-digest-pinned")}
    namespaces, port = rules["host-namespaces"].source, rules["host-port"].source
    problems = cross_check(load_catalogue(tmp_path / "peers"), rules)
    assert [str(p) for p in problems] == [
        f"{peer_file}:6: CKV_K8S_17: covered-by names 'no-such-rule', which is not a kspm-lint rule",
        f"{peer_file}:7: CKV_K8S_26 is covered-by host-namespaces, but host-namespaces's equivalents do not "
        f"list it under 'checkov': add it in {namespaces}",
        f"{peer_file}:8: CKV_K8S_43 is planned as image-not-digest-pinned, which exists now: it lists CKV_K8S_43 "
        f"in its equivalents: mark the check covered-by: [image-not-digest-pinned]",
        f"{peer_file}:9: CKV_K8S_8 is planned as host-port, which exists now: list CKV_K8S_8 in its equivalents "
        f"and mark the check covered-by, or plan another rule",
        f"{namespaces}:{_line_of(namespaces, '  checkov:')}: host-namespaces lists checkov check CKV_K8S_17, "
        f"but {peer_file}:6 does not say covered-by host-namespaces",
        f"{namespaces}:{_line_of(namespaces, '  checkov:')}: host-namespaces lists checkov check 'CKV_K8S_18', "
        f"which {peer_file} does not catalogue: fix the id, or add the check there",
        f"{namespaces}:{_line_of(namespaces, '  checkov:')}: host-namespaces lists checkov check 'CKV_K8S_19', "
        f"which {peer_file} does not catalogue: fix the id, or add the check there",
        f"{port}:{_line_of(port, '  checkov:')}: host-port lists checkov check CKV_K8S_26, "
        f"but {peer_file}:7 does not say covered-by host-port",
    ]


def test_a_rule_listing_a_trivy_id_the_catalogue_lacks_is_reported(tmp_path):
    rule = _write(tmp_path / "rules", "extra-trivy.yaml", """\
id: extra-trivy
title: A custom rule that claims a Trivy check
severity: low
category: workload-hardening
description: Test rule.
remediation: Nothing.
equivalents:
  trivy: [KSV-0017, KSV-9999]
check:
  python: privileged_container
""")
    _write(tmp_path / "peers", "trivy.yaml", """\
peer: trivy
name: Trivy
source: https://example.invalid/trivy
checks:
  - {id: KSV-0017, what: "privileged", covered-by: [extra-trivy]}
""")
    rules = {"extra-trivy": load_rules([str(tmp_path / "rules")])["extra-trivy"]}
    problems = cross_check(load_catalogue(tmp_path / "peers"), rules)
    assert [str(p) for p in problems] == [
        f"{rule}:8: extra-trivy lists trivy check 'KSV-9999', which {tmp_path / 'peers' / 'trivy.yaml'} does not "
        f"catalogue: fix the id, or add the check there",
    ]


HEADER = "peer: polaris\nname: Polaris\nsource: https://example.invalid/polaris\nchecks:\n"


@pytest.mark.parametrize("entries, line, message", [
    ('  - {id: a, what: "w", covered-by: [x], not-covered: planned}\n', 5,
     "check 'a' needs exactly one of 'covered-by' and 'not-covered'"),
    ('  - {id: a, what: "w", not-covered: because}\n', 5,
     "unknown reason 'because' (one of: needs-live-cluster, needs-external-data, planned, declined, "
     "not-security, obsolete, out-of-scope, peer-specific, manual)"),
    ('  - {id: a, what: "w", not-covered: planned}\n', 5,
     "planned check 'a' needs 'rule': the kspm-lint rule id it should become"),
    ('  - {id: a, what: "w", not-covered: obsolete, rule: x}\n', 5, "'rule' is only for planned checks"),
    ('  - {id: a, what: "w", covered-by: [x], gap: "g"}\n', 5,
     "'gap' is only for planned checks; a covered check has none"),
    ('  - {id: a, what: "w", covered-by: [Not_A_Rule]}\n', 5, "'covered-by' must be a list of kspm-lint rule ids"),
    ('  - {id: a, what: "w", covered-by: [x], colour: red}\n', 5,
     "unknown key 'colour' (known: covered-by, gap, id, not-covered, note, rule, what)"),
    ('  - {id: a, what: "", covered-by: [x]}\n', 5, "'what' must be a one-line description of at most 100 characters"),
    ('  - {id: a, what: "w", covered-by: [x]}\n  - {id: b, what: "w", covered-by: [x]}\n'
     '  - {id: a, what: "w", covered-by: [zz]}\n', 7, "check 'a' is listed twice (first on line 5)"),
])
def test_a_malformed_peer_file_names_the_file_and_line(tmp_path, entries, line, message):
    path = _write(tmp_path, "polaris.yaml", HEADER + entries)
    with pytest.raises(CatalogueError) as caught:
        load_peer(str(path))
    assert (caught.value.file, caught.value.line, caught.value.message) == (str(path), line, message)


def test_an_unknown_peer_is_refused(tmp_path):
    path = _write(tmp_path, "x.yaml", HEADER.replace("peer: polaris", "peer: kubesec"))
    with pytest.raises(CatalogueError) as caught:
        load_peer(str(path))
    assert str(caught.value) == (f"{path}:1: unknown peer 'kubesec' (one of the rules' equivalents keys: "
                                 f"kube-linter, polaris, checkov, kubescape, kubeaudit, kube-score, trivy)")


TINY = HEADER + """\
  - {id: runAsPrivileged, what: "Container runs privileged", covered-by: [privileged-container]}
  - {id: clusterrolePodExecAttach, what: "Role allows exec | attach", not-covered: planned, rule: rbac-escalation-verbs}
  - {id: nodeFileModes, what: "Modes of files on the node", not-covered: needs-live-cluster, note: "node files"}
  - {id: livenessProbeMissing, what: "No liveness probe", not-covered: not-security}
"""


def test_render_counts_and_rows(tmp_path):
    _write(tmp_path, "polaris.yaml", TINY)
    peers = load_catalogue(tmp_path)
    assert totals(peers[0]) == Totals(checks=4, covered=1, planned=1, not_decidable=1, other=1)
    lines = render(peers).splitlines()
    assert "| [Polaris](#polaris) | 4 | 1 | 1 | 1 | 1 |" in lines
    assert "| all | 4 | 1 | 1 | 1 | 1 |" in lines
    assert "| `rbac-escalation-verbs` | polaris `clusterrolePodExecAttach` |" in lines
    rows = lines[lines.index("## Polaris") + 6:]
    assert rows == [
        "| `runAsPrivileged` | Container runs privileged | `privileged-container` |",
        "| `clusterrolePodExecAttach` | Role allows exec \\| attach "
        "| not covered: planned as `rbac-escalation-verbs` |",
        "| `nodeFileModes` | Modes of files on the node | not covered: needs-live-cluster (node files) |",
        "| `livenessProbeMissing` | No liveness probe | not covered: not-security |",
    ]


def test_render_orders_peers_by_a_fixed_order_not_by_input(tmp_path):
    _write(tmp_path, "polaris.yaml", TINY)
    _write(tmp_path, "checkov.yaml", CHECKOV)
    peers = load_catalogue(tmp_path)
    assert render(peers) == render(list(reversed(peers)))
    text = render(peers)
    assert text.index("## Checkov") < text.index("## Polaris")


def test_cli_writes_checks_and_refuses_a_disagreeing_catalogue(tmp_path, capsys):
    peers = tmp_path / "peers"
    _write(peers, "kube-score.yaml", "peer: kube-score\nname: kube-score\nsource: https://example.invalid\nchecks:\n"
           '  - {id: pod-probes, what: "No probes", not-covered: not-security}\n')
    output = tmp_path / "coverage.md"
    assert main([str(output), "--peers", str(peers)]) == 0
    assert output.read_text(encoding="utf-8") == render(load_catalogue(peers))
    assert main([str(output), "--peers", str(peers), "--check"]) == 0
    output.write_text("old\n", encoding="utf-8")
    assert main([str(output), "--peers", str(peers), "--check"]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == f"{output}: stale"

    _write(peers, "checkov.yaml", CHECKOV)
    assert main([str(output), "--peers", str(peers)]) == 1
    assert output.read_text(encoding="utf-8") == "old\n"
    err = capsys.readouterr().err.splitlines()
    assert err[0] == (f"{peers / 'checkov.yaml'}:6: CKV_K8S_17: covered-by names 'no-such-rule', "
                      f"which is not a kspm-lint rule")
    assert err[-1].endswith("disagreement(s) between the peer catalogue and the rules; nothing written")

    _write(peers, "checkov.yaml", "peer: checkov\nname: x\nsource: y\nchecks: []\n")
    assert main([str(output), "--peers", str(peers)]) == 2
    assert capsys.readouterr().err == f"error: {peers / 'checkov.yaml'}:4: 'checks' must be a non-empty list\n"


def test_the_shipped_peer_files_are_in_the_canonical_one_line_form():
    """``--sync`` rewrites entries line by line; it relies on this form."""
    for peer in load_catalogue(DEFAULT_PEERS):
        lines = Path(peer.path).read_text(encoding="utf-8").split("\n")
        assert [lines[c.line - 1] for c in peer.checks] == [format_check(c) for c in peer.checks], peer.path


def test_sync_marks_what_the_rules_now_claim_as_covered(tmp_path):
    path = _write(tmp_path / "peers", "checkov.yaml", """\
peer: checkov
name: Checkov
source: https://example.invalid/checkov
checks:
  - {id: CKV_K8S_43, what: "digest", not-covered: planned, rule: image-not-digest-pinned}
  - {id: CKV_K8S_26, what: "host port", not-covered: declined, note: "no longer true"}
  - {id: CKV_K8S_16, what: "privileged", covered-by: [privileged-container], note: "kept"}
""")
    every = load_rules()
    rules = {r: every[r] for r in ("image-not-digest-pinned", "host-port", "privileged-container")}
    texts, changes = sync(load_catalogue(tmp_path / "peers"), rules)
    assert changes == [
        f"{path}:5: CKV_K8S_43 is now covered-by image-not-digest-pinned",
        f"{path}:6: CKV_K8S_26 is now covered-by host-port",
    ]
    assert texts == {str(path): """\
peer: checkov
name: Checkov
source: https://example.invalid/checkov
checks:
  - {id: CKV_K8S_43, what: "digest", covered-by: [image-not-digest-pinned]}
  - {id: CKV_K8S_26, what: "host port", covered-by: [host-port]}
  - {id: CKV_K8S_16, what: "privileged", covered-by: [privileged-container], note: "kept"}
"""}
    path.write_text(texts[str(path)], encoding="utf-8")
    assert cross_check(load_catalogue(tmp_path / "peers"), rules) == []


def test_sync_leaves_an_entry_it_cannot_rewrite_safely_to_a_person(tmp_path):
    path = _write(tmp_path / "peers", "checkov.yaml", HEADER.replace("polaris", "checkov")
                  + "  - {id: CKV_K8S_26, what: 'host port', not-covered: declined}\n")
    texts, changes = sync(load_catalogue(tmp_path / "peers"), {"host-port": load_rules()["host-port"]})
    assert texts == {}
    assert changes == [f"{path}:5: CKV_K8S_26 is not written in the canonical one-line form: "
                       f"mark it covered-by host-port by hand"]


def _rule_file(folder: Path, rule_id: str, equivalents: str) -> Path:
    return _write(folder, f"{rule_id}.yaml", f"""\
id: {rule_id}
title: A custom rule
severity: low
category: workload-hardening
description: Test rule.
remediation: Nothing.
{equivalents}check:
  python: privileged_container
""")


def test_adopt_planned_writes_each_plan_into_the_rule_that_now_exists(tmp_path):
    rules_dir = tmp_path / "rules"
    flow = _rule_file(rules_dir, "flow-rule", "equivalents:\n  checkov: [CKV_K8S_99]  # why\n")
    block = _rule_file(rules_dir, "block-rule", "equivalents:\n  polaris: [x]\n  checkov:\n    - CKV_K8S_98\n\n")
    flush = _rule_file(rules_dir, "flush-rule", "equivalents:\n  checkov:\n  - CKV_K8S_97\n  polaris: [y]\n")
    bare = _rule_file(rules_dir, "bare-rule", "")
    peer = _write(tmp_path / "peers", "checkov.yaml", HEADER.replace("polaris", "checkov") + """\
  - {id: CKV_K8S_99, what: "a", covered-by: [flow-rule]}
  - {id: CKV_K8S_98, what: "b", covered-by: [block-rule]}
  - {id: CKV_K8S_97, what: "h", covered-by: [flush-rule]}
  - {id: CKV_K8S_6, what: "i", not-covered: planned, rule: flush-rule}
  - {id: CKV_K8S_1, what: "c", not-covered: planned, rule: flow-rule}
  - {id: CKV_K8S_2, what: "d", not-covered: planned, rule: block-rule, note: "kept"}
  - {id: CKV_K8S_3, what: "e", not-covered: planned, rule: [bare-rule, flow-rule]}
  - {id: CKV_K8S_4, what: "f", not-covered: planned, rule: flow-rule, gap: "must also do g"}
  - {id: CKV_K8S_5, what: "g", not-covered: planned, rule: [flow-rule, not-built-yet]}
""")

    def custom_rules():
        every = load_rules([str(rules_dir)])
        return {r: every[r] for r in ("flow-rule", "block-rule", "flush-rule", "bare-rule")}

    texts, changes = adopt(load_catalogue(tmp_path / "peers"), custom_rules())
    assert changes == [
        f"{peer}:8: CKV_K8S_6 is now covered-by flush-rule (added to {flush})",
        f"{peer}:9: CKV_K8S_1 is now covered-by flow-rule (added to {flow})",
        f"{peer}:10: CKV_K8S_2 is now covered-by block-rule (added to {block})",
        f"{peer}:11: CKV_K8S_3 is now covered-by bare-rule, flow-rule (added to {bare}, {flow})",
        f"{peer}:12: CKV_K8S_4 is planned as flow-rule, which exists, but has a gap (must also do g): decide by hand",
    ]
    assert texts[str(flush)].split("\n")[6:11] == ["equivalents:", "  checkov:", "  - CKV_K8S_97", "  - CKV_K8S_6",
                                                   "  polaris: [y]"]
    assert texts[str(flow)].split("\n")[6:8] == ["equivalents:", "  checkov: [CKV_K8S_99, CKV_K8S_1, CKV_K8S_3]  # why"]
    assert texts[str(block)].split("\n")[6:11] == ["equivalents:", "  polaris: [x]", "  checkov:", "    - CKV_K8S_98",
                                                   "    - CKV_K8S_2"]
    assert texts[str(bare)].split("\n")[6:9] == ["equivalents:", "  checkov: [CKV_K8S_3]", "check:"]
    assert texts[str(peer)].split("\n")[8:13] == [
        '  - {id: CKV_K8S_1, what: "c", covered-by: [flow-rule]}',
        '  - {id: CKV_K8S_2, what: "d", covered-by: [block-rule], note: "kept"}',
        '  - {id: CKV_K8S_3, what: "e", covered-by: [bare-rule, flow-rule]}',
        '  - {id: CKV_K8S_4, what: "f", not-covered: planned, rule: flow-rule, gap: "must also do g"}',
        '  - {id: CKV_K8S_5, what: "g", not-covered: planned, rule: [flow-rule, not-built-yet]}',
    ]
    for path, text in texts.items():
        Path(path).write_text(text, encoding="utf-8")
    left = cross_check(load_catalogue(tmp_path / "peers"), custom_rules())
    assert [(p.file, p.line) for p in left] == [(str(peer), 13)]  # the gap on line 12 is a known state


def test_an_unknown_top_level_key_is_refused(tmp_path):
    path = _write(tmp_path, "polaris.yaml", HEADER.replace("checks:\n", "version: 9\nchecks:\n")
                  + '  - {id: a, what: "w", covered-by: [x]}\n')
    with pytest.raises(CatalogueError) as caught:
        load_peer(str(path))
    assert str(caught.value) == f"{path}:4: unknown key 'version' (known: checks, name, peer, scope, source)"
