"""Kubernetes semantics of the shared relations: label selectors, RBAC matching,
NetworkPolicy types, where an object without a namespace lands, image names, digests."""

from __future__ import annotations

import pytest

from kspm_lint import relations as rel
from kspm_lint.checks.hardening import digest_problem, is_placeholder
from kspm_lint.checks.network import policy_types
from kspm_lint.checks.supply_chain import allowed, image_name
from kspm_lint.findings import ObjectAddress, ObjectRef
from kspm_lint.inventory import Inventory, InventoryObject
from kspm_lint.location import Span
from kspm_lint.origin import Location

LABELS = {"app": "web", "tier": "front", "canary": True}


@pytest.mark.parametrize(("selector", "expected"), [
    ({}, True),
    (None, True),
    ({"matchLabels": {"app": "web"}}, True),
    ({"matchLabels": {"app": "web", "tier": "back"}}, False),
    ({"matchLabels": {"canary": "true"}}, True),  # a YAML boolean label reads as "true"
    ({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["front", "edge"]}]}, True),
    ({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["back"]}]}, False),
    ({"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["back"]}]}, True),
    ({"matchExpressions": [{"key": "zone", "operator": "NotIn", "values": ["a"]}]}, True),  # absent key
    ({"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["front"]}]}, False),
    ({"matchExpressions": [{"key": "app", "operator": "Exists"}]}, True),
    ({"matchExpressions": [{"key": "zone", "operator": "Exists"}]}, False),
    ({"matchExpressions": [{"key": "zone", "operator": "DoesNotExist"}]}, True),
    ({"matchExpressions": [{"key": "app", "operator": "DoesNotExist"}]}, False),
    # matchLabels AND matchExpressions: both must hold.
    ({"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "tier", "operator": "In", "values": ["back"]}]},
     False),
    ({"matchExpressions": [{"key": "app", "operator": "Near", "values": ["web"]}]}, False),
])
def test_label_selector(selector, expected):
    assert rel.selector_matches(selector, LABELS) is expected


def test_only_an_empty_selector_selects_everything():
    assert rel.selects_everything({}) and rel.selects_everything(None)
    assert rel.selects_everything({"matchLabels": {}, "matchExpressions": []})
    assert not rel.selects_everything({"matchLabels": {"app": "web"}})


@pytest.mark.parametrize(("resources", "wanted", "index"), [
    (["pods", "pods/exec"], "pods/exec", 1),
    (["*"], "pods/exec", 0),
    (["*/exec"], "pods/exec", 0),
    (["pods/*"], "pods/exec", None),  # the authorizer has no prefix wildcard
    (["pods"], "pods/exec", None),
    (["configmaps", "secrets"], "secrets", 1),
])
def test_rbac_resource_matching(resources, wanted, index):
    assert rel.resource_index({"resources": resources}, wanted) == index


def test_rbac_grants_need_group_resource_and_verb():
    rule = {"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "delete"]}
    assert rel.grants(rule, ("get", "list", "watch"), "", "secrets") == ["get"]
    assert rel.grants(rule, ("get",), "apps", "secrets") == []
    assert rel.grants({**rule, "verbs": ["*"]}, ("get", "list"), "", "secrets") == ["get", "list"]
    assert rel.grants({**rule, "apiGroups": ["*"]}, ("get",), "example.com", "secrets") == ["get"]
    assert rel.narrowed({**rule, "resourceNames": ["tls"]}) and not rel.narrowed({**rule, "resourceNames": []})


@pytest.mark.parametrize(("spec", "types"), [
    ({}, {"Ingress"}),
    ({"egress": [{}]}, {"Ingress", "Egress"}),
    ({"egress": []}, {"Ingress"}),
    ({"policyTypes": ["Egress"], "ingress": [{}]}, {"Egress"}),
])
def test_policy_types_default_as_the_api_server_does(spec, types):
    assert policy_types({"spec": spec}) == types


def _obj(kind: str, name: str, namespace: str = "") -> InventoryObject:
    metadata = {"name": name, "namespace": namespace} if namespace else {"name": name}
    data = {"apiVersion": "v1", "kind": kind, "metadata": metadata}
    return InventoryObject(ObjectRef(kind, namespace, name, "v1"), data, ObjectAddress("x.yaml", 0),
                           {(): Location("x.yaml", Span(1, 1, 1, 1))})


def test_an_object_without_namespace_is_in_default_only_when_the_run_declares_namespaces():
    job = _obj("Job", "migrate")
    assert rel.Namespaces.of(Inventory((job,))).of_object(job) is None
    assert rel.Namespaces.of(Inventory((job, _obj("Namespace", "shop")))).of_object(job) == "default"
    assert rel.Namespaces.of(Inventory((_obj("Job", "x", "shop"),))).of_object(_obj("Job", "x", "shop")) == "shop"


def test_service_account_subjects():
    spaces = rel.Namespaces({})
    binding = _obj("RoleBinding", "b", "shop")
    cluster_binding = _obj("ClusterRoleBinding", "c")
    account = {"kind": "ServiceAccount", "name": "web"}
    assert rel.subject_is_account(binding, account, spaces, "web", "shop")  # the binding's namespace
    assert not rel.subject_is_account(binding, account, spaces, "web", "staging")
    assert not rel.subject_is_account(binding, {**account, "namespace": "ci"}, spaces, "web", "shop")
    assert rel.subject_is_account(cluster_binding, {**account, "namespace": "ci"}, spaces, "web", None)
    default = {"kind": "ServiceAccount", "name": "default", "namespace": "ci"}
    assert not rel.subject_is_account(cluster_binding, default, spaces, "default", None)
    assert rel.subject_is_account(cluster_binding, default, spaces, "default", "ci")
    everyone = {"kind": "Group", "name": "system:serviceaccounts"}
    assert rel.subject_is_account(cluster_binding, everyone, spaces, "web", "shop")
    group = {"kind": "Group", "name": "system:serviceaccounts:ci"}
    assert rel.subject_is_account(cluster_binding, group, spaces, "web", "ci")
    assert not rel.subject_is_account(cluster_binding, group, spaces, "web", "shop")
    assert not rel.subject_is_account(cluster_binding, {"kind": "User", "name": "web"}, spaces, "web", "shop")


@pytest.mark.parametrize(("image", "name"), [
    ("nginx", "docker.io/library/nginx"),
    ("nginx:1.27@sha256:" + "a" * 64, "docker.io/library/nginx"),
    ("bitnami/redis:7", "docker.io/bitnami/redis"),
    ("localhost/tools/x", "localhost/tools/x"),
    ("registry.example.com:5000/a/b:1", "registry.example.com:5000/a/b"),
])
def test_image_names_resolve_as_a_runtime_does(image, name):
    assert image_name(image) == name


def test_allow_list_prefixes_match_whole_components():
    assert allowed("ghcr.io/acme/api", ["ghcr.io/acme"])
    assert allowed("ghcr.io/acme", ["ghcr.io/acme/"])
    assert not allowed("ghcr.io/acme-mirror/api", ["ghcr.io/acme"])


@pytest.mark.parametrize(("digest", "problem"), [
    ("sha256:" + "0" * 64, None),
    ("sha512:" + "f" * 128, None),
    ("sha256:" + "0" * 63, "a sha256 digest is 64 lowercase hex characters"),
    ("sha256:" + "A" * 64, "a sha256 digest is 64 lowercase hex characters"),
    ("sha512:" + "f" * 64, "a sha512 digest is 128 lowercase hex characters"),
    ("md5:" + "0" * 32, "unknown digest algorithm 'md5' (sha256 or sha512)"),
    ("sha256", "a sha256 digest is 64 lowercase hex characters"),
])
def test_digests_follow_the_oci_spec(digest, problem):
    assert digest_problem(digest) == problem


@pytest.mark.parametrize(("value", "expected"), [
    ("<Client Secret>", True), ("${API_TOKEN}", True), ("{{ .Values.token }}", True),
    ("INSERT_KEY_HERE", True), ("your_token", True), ("hunter2", False), ("s3cr3t<>x", False),
])
def test_placeholders(value, expected):
    assert is_placeholder(value) is expected
