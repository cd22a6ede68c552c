"""The text engine on small, exact cases: every expected output is spelled out in full."""

from __future__ import annotations

import copy

import pytest

from kspm_lint.fix.model import PatchOp
from kspm_lint.fix.patcher import FileText, order_ops
from kspm_lint.fix.splice import Unpatchable
from kspm_lint.fix.style import detect_style
from kspm_lint.parsing.loader import parse_text


def patch(text: str, *ops: PatchOp, path: str = "x.yaml", document: int = 0) -> str:
    return patch_file(text, {document: list(ops)}, path)[0]


def patch_file(text: str, ops: dict[int, list[PatchOp]], path: str = "x.yaml") -> tuple[str, list]:
    """(new text, new data of the patched documents), as ``--fix`` computes them."""
    parsed = parse_text(text, path)
    assert not parsed.problems
    file = FileText(text, [d.root for d in parsed.documents], detect_style(parsed), parsed.is_json)
    pieces, data = {}, []
    for number, document_ops in ops.items():
        pieces[number], new_data = file.patch_document(number, parsed.documents[number].data,
                                                       order_ops(document_ops))
        data.append(new_data)
    return file.assemble(pieces), data


def test_replace_scalar_keeps_quotes_and_comment():
    assert patch("a:\n  b: 'x'  # why\n", PatchOp("set", ("a", "b"), "y")) == "a:\n  b: 'y'  # why\n"
    assert patch('a: "x"\n', PatchOp("set", ("a",), "y")) == 'a: "y"\n'


def test_strings_that_yaml_11_reads_as_other_types_are_quoted():
    assert patch("a: 1\n", PatchOp("set", ("b",), "yes")) == 'a: 1\nb: "yes"\n'
    assert patch("a: 1\n", PatchOp("set", ("b",), "1.0")) == 'a: 1\nb: "1.0"\n'


def test_remove_last_line_of_a_file_without_final_newline():
    assert patch("a: 1\nb: 2", PatchOp("remove", ("b",))) == "a: 1"


def test_remove_first_key_of_a_list_item_moves_the_next_key_beside_the_dash():
    text = "l:\n- hostPort: 80  # gone\n  containerPort: 80\n"
    assert patch(text, PatchOp("remove", ("l", 0, "hostPort"))) == "l:\n- containerPort: 80\n"


def test_remove_the_only_key_leaves_an_empty_mapping_unless_pruned():
    text = "c:\n  sc:\n    privileged: true\n  x: 1\n"
    assert patch(text, PatchOp("remove", ("c", "sc", "privileged"))) == "c:\n  sc: {}\n  x: 1\n"
    assert patch(text, PatchOp("remove", ("c", "sc", "privileged"), prune=True)) == "c:\n  x: 1\n"


def test_remove_items_of_block_and_flow_lists():
    text = "add:\n  - A  # a\n  # note\n  - B\n  - C\nflow: [A, B, C]\n"
    ops = [PatchOp("remove", ("add", 0)), PatchOp("remove", ("add", 2)), PatchOp("remove", ("flow", 2)),
           PatchOp("remove", ("flow", 0))]
    assert patch(text, *ops) == "add:\n  # note\n  - B\nflow: [B]\n"


def test_json_removals_keep_commas_valid():
    text = '{\n  "a": 1,\n  "b": 2,\n  "c": {"d": 3}\n}\n'
    assert patch(text, PatchOp("remove", ("a",)), path="x.json") == '{\n  "b": 2,\n  "c": {"d": 3}\n}\n'
    assert patch(text, PatchOp("remove", ("c",)), path="x.json") == '{\n  "a": 1,\n  "b": 2\n}\n'
    assert patch(text, PatchOp("remove", ("c", "d")), path="x.json") == '{\n  "a": 1,\n  "b": 2,\n  "c": {}\n}\n'


def test_json_insertions_follow_the_file_layout():
    text = '{\n    "a": 1,\n    "b": {"c": []}\n}'
    assert patch(text, PatchOp("set", ("z",), {"k": True}), PatchOp("append", ("b", "c"), "x"),
                 path="x.json") == '{\n    "a": 1,\n    "b": {"c": ["x"]},\n    "z": {"k": true}\n}'


def test_append_to_non_indented_block_list_and_flow_list():
    text = "spec:\n  volumes:\n  - name: a\n    emptyDir: {}\n  args: [x]\n"
    new = patch(text, PatchOp("append", ("spec", "volumes"), {"name": "tmp", "emptyDir": {}}),
                PatchOp("append", ("spec", "args"), "z"))
    assert new == "spec:\n  volumes:\n  - name: a\n    emptyDir: {}\n  - name: tmp\n    emptyDir: {}\n  args: [x, z]\n"


def test_append_skips_an_item_already_there():
    text = "l:\n- a\n"
    assert patch(text, PatchOp("append", ("l",), "a")) == text


def test_new_list_follows_the_files_sequence_style():
    flush = "a:\n  b:\n  - 1\n"
    assert patch(flush, PatchOp("set", ("c", "d"), ["x"])) == "a:\n  b:\n  - 1\nc:\n  d:\n  - x\n"
    indented = "a:\n    b:\n        - 1\n"
    assert patch(indented, PatchOp("set", ("c", "d"), ["x"])) == "a:\n    b:\n        - 1\nc:\n    d:\n        - x\n"


def test_pod_keys_go_before_containers_and_container_keys_after_env():
    text = ("spec:\n  containers:\n  - name: a\n    image: a\n    env: []\n    volumeMounts: []\n"
            "  volumes: []\n")
    new = patch(text, PatchOp("set", ("spec", "securityContext", "runAsNonRoot"), True),
                PatchOp("set", ("spec", "containers", 0, "securityContext", "privileged"), False),
                PatchOp("set", ("spec", "containers", 0, "resources"), {}))
    assert new == ("spec:\n  securityContext:\n    runAsNonRoot: true\n  containers:\n  - name: a\n    image: a\n"
                   "    env: []\n    resources: {}\n    volumeMounts: []\n    securityContext:\n"
                   "      privileged: false\n  volumes: []\n")


def test_insert_before_the_first_key_of_a_list_item():
    text = "containers:\n- image: a  # app\n"
    assert patch(text, PatchOp("set", ("containers", 0, "name"), "x")) == "containers:\n- name: x\n  image: a  # app\n"
    expected = "serviceAccountName: x\ncontainers:\n- image: a\n"
    assert patch("containers:\n- image: a\n", PatchOp("set", ("serviceAccountName",), "x")) == expected


def test_comments_indented_under_the_previous_entry_stay_with_it():
    text = "containers:\n- name: a\n  env:\n    - name: A\n    # - name: B\n  # mounts\n  volumeMounts: []\n"
    assert patch(text, PatchOp("set", ("containers", 0, "resources"), {})) == (
        "containers:\n- name: a\n  env:\n    - name: A\n    # - name: B\n  resources: {}\n"
        "  # mounts\n  volumeMounts: []\n")


def test_multi_document_edits_land_in_their_document():
    text = "a: 1\n---\nb: 2\n...\n---\nc: 3\n"
    assert patch(text, PatchOp("set", ("d",), 4), document=1) == "a: 1\n---\nb: 2\nd: 4\n...\n---\nc: 3\n"


def test_ops_in_several_documents_of_one_file_in_one_pass():
    text = "a: 1\n---\nb:\n  c: 2\n---\nd: [1]\n"
    new, data = patch_file(text, {0: [PatchOp("set", ("z",), True)], 2: [PatchOp("append", ("d",), 2)],
                                  1: [PatchOp("set", ("b", "e"), "f")]})
    assert new == "a: 1\nz: true\n---\nb:\n  c: 2\n  e: f\n---\nd: [1, 2]\n"
    assert data == [{"a": 1, "z": True}, {"d": [1, 2]}, {"b": {"c": 2, "e": "f"}}]


def test_keys_created_together_are_written_as_one_block_in_conventional_order():
    text = "containers:\n- name: a\n"
    new = patch(text, PatchOp("set", ("containers", 0, "securityContext", "capabilities", "drop"), ["ALL"]),
                PatchOp("set", ("containers", 0, "securityContext", "allowPrivilegeEscalation"), False),
                PatchOp("set", ("containers", 0, "securityContext", "runAsNonRoot"), True))
    assert new == ("containers:\n- name: a\n  securityContext:\n    runAsNonRoot: true\n"
                   "    allowPrivilegeEscalation: false\n    capabilities:\n      drop:\n      - ALL\n")


def test_non_ascii_text_keeps_columns_right():
    text = "a:\n  é: 'ü'\n  b: x\n"
    assert patch(text, PatchOp("set", ("a", "b"), "z")) == "a:\n  é: 'ü'\n  b: z\n"
    assert patch(text, PatchOp("set", ("a", "b"), "y")) == "a:\n  é: 'ü'\n  b: \"y\"\n"  # y is true in YAML 1.1


def test_crlf_insertions_use_crlf():
    text = "a:\r\n  b: 1\r\n"
    assert patch(text, PatchOp("set", ("a", "c", "d"), True)) == "a:\r\n  b: 1\r\n  c:\r\n    d: true\r\n"


def test_edit_through_an_alias_is_refused():
    text = "p: &sc\n  a: 1\nq: *sc\n"
    with pytest.raises(Unpatchable, match="anchor or alias"):
        patch(text, PatchOp("set", ("q", "b"), 2))
    with pytest.raises(Unpatchable, match="anchor or alias"):
        patch(text, PatchOp("set", ("p", "b"), 2))


def test_key_from_a_merge_is_refused_but_siblings_of_aliases_are_fine():
    text = "base: &b\n  sc:\n    a: 1\nc:\n  <<: *b\n  name: c\n"
    with pytest.raises(Unpatchable, match="merge key"):
        patch(text, PatchOp("set", ("c", "sc", "b"), 2))
    assert patch("d: &b {a: 1}\nc:\n  m: *b\n", PatchOp("set", ("c", "z"), 1)) == "d: &b {a: 1}\nc:\n  m: *b\n  z: 1\n"


def test_anchored_but_unused_node_can_be_patched():
    assert patch("a: &x\n  b: 1\n", PatchOp("set", ("a", "c"), 2)) == "a: &x\n  b: 1\n  c: 2\n"


def test_keep_chomped_block_scalar_keeps_its_trailing_blank_line():
    text = "a:\n  b: |+\n    x\n\n  c: 1\n"
    assert patch(text, PatchOp("set", ("a", "bb"), 1)) == "a:\n  b: |+\n    x\n\n  c: 1\n  bb: 1\n"
    assert patch("a:\n  b: |+\n    x\n\n", PatchOp("set", ("a", "z"), 1)) == "a:\n  b: |+\n    x\n\n  z: 1\n"


def test_replacing_a_whole_mapping_is_refused():
    with pytest.raises(Unpatchable, match="replace whole"):
        patch("a:\n  b: 1\n", PatchOp("set", ("a",), {"c": 2}))


def test_insert_before_a_key_goes_above_its_own_comments_only():
    text = ("spec:\n  env:\n    - name: A\n    # - name: B\n  # the containers\n"
            "  containers:\n  - name: c\n")
    assert patch(text, PatchOp("set", ("spec", "securityContext"), {"runAsNonRoot": True})) == (
        "spec:\n  env:\n    - name: A\n    # - name: B\n  securityContext:\n    runAsNonRoot: true\n"
        "  # the containers\n  containers:\n  - name: c\n")


def test_patching_never_changes_the_data_it_was_given():
    text = "spec:\n  volumes:\n  - name: a\n  sc:\n    p: true\n    q: 1\n  l: [1, 2]\n"
    parsed = parse_text(text, "x.yaml")
    before = copy.deepcopy(parsed.documents[0].data)
    file = FileText(text, [parsed.documents[0].root], detect_style(parsed), False)
    ops = [PatchOp("append", ("spec", "volumes"), {"name": "b"}), PatchOp("remove", ("spec", "sc", "p")),
           PatchOp("set", ("spec", "sc", "r"), 2), PatchOp("remove", ("spec", "l", 0))]
    file.patch_document(0, parsed.documents[0].data, order_ops(ops))
    assert parsed.documents[0].data == before
