"""Every kind of rendered field mapped back to its template line or values key, with
the real engines: exact file, line and column."""

from __future__ import annotations

import pytest

from kspm_lint.helm.origin import CALL_SITE, NO_LINE, PASTED, VALUES_KEY, VALUES_PART
from kspm_lint.location import Span
from kspm_lint.origin import FixTarget, Location
from tests.helm.conftest import CHART, ENGINES, render

DEPLOYMENT = f"{CHART}/templates/deployment.yaml"
HELPERS = f"{CHART}/templates/_helpers.tpl"
VALUES = f"{CHART}/values.yaml"
PROD = f"{CHART}/values-prod.yaml"
SUB_TEMPLATE = f"{CHART}/charts/cache/templates/statefulset.yaml"
SUB_VALUES = f"{CHART}/charts/cache/values.yaml"
POD = ("spec", "template", "spec")
WEB, DEBUG, SHIPPER = POD + ("containers", 0), POD + ("containers", 1), POD + ("containers", 2)


def objects(result):
    return {resource.identity: (resource, origin) for resource, origin in result.objects}


@pytest.fixture(scope="module", params=ENGINES)
def engine(request):
    return request.param


@pytest.fixture(scope="module")
def default(engine):
    return objects(render(engine=engine, namespace="shop"))


@pytest.fixture(scope="module")
def prod(engine):
    return objects(render(engine=engine, values_files=(f"{CHART}/values-prod.yaml",)))


def origin(found, identity):
    return found[identity][1]


def at(file, line, column, end_line=None, end_column=None, message=None):
    return Location(file, Span(line, column, end_line or line, end_column or column), message)


def test_render_lists_objects_and_label(engine):
    result = render(engine=engine, values_files=(f"{CHART}/values-prod.yaml",))
    assert result.problems == []
    assert result.engine == engine
    assert result.value_set == "values-prod.yaml"
    assert result.unmarked_templates == []
    assert sorted(objects(result)) == [
        "Deployment//release-name-shop", "Service//release-name-shop", "StatefulSet//release-name-cache",
    ]
    assert result.suppression_files == [
        f"{CHART}/values.yaml", SUB_VALUES, SUB_TEMPLATE, HELPERS, DEPLOYMENT,
        f"{CHART}/templates/service.yaml", PROD,
    ]


def test_privileged_written_in_template(default):
    shop = origin(default, "Deployment/shop/release-name-shop")
    path = DEBUG + ("securityContext", "privileged")
    assert shop.locate(path) == at(DEPLOYMENT, 33, 13, end_column=23)
    assert shop.explain(path) == ()
    assert shop.fix_target(path) is None


def test_field_pasted_from_values_points_at_values_key(default, prod):
    path = WEB + ("securityContext", "allowPrivilegeEscalation")
    shop = origin(default, "Deployment/shop/release-name-shop")
    assert shop.locate(path) == at(VALUES, 16, 3, end_column=33)
    assert shop.explain(path) == (at(DEPLOYMENT, 28, 13, message=CALL_SITE),)
    assert shop.fix_target(path) == FixTarget(VALUES, 0, ("securityContext", "allowPrivilegeEscalation"))
    shop_prod = origin(prod, "Deployment//release-name-shop")
    assert shop_prod.locate(path) == at(PROD, 4, 3, end_column=34)
    assert shop_prod.fix_target(path) == FixTarget(PROD, 0, ("securityContext", "allowPrivilegeEscalation"))
    # the last pasted line carries the call site's marker: still the values key
    last = WEB + ("securityContext", "runAsUser")
    assert shop.locate(last) == at(VALUES, 18, 3, end_column=15)
    # with/toYaml . of the pod security context
    pod = POD + ("securityContext", "seccompProfile", "type")
    assert shop.locate(pod) == at(VALUES, 13, 5, end_column=25)
    assert shop.fix_target(pod) == FixTarget(VALUES, 0, ("podSecurityContext", "seccompProfile", "type"))
    # a list item only values-prod.yaml writes
    drop = WEB + ("securityContext", "capabilities", "drop", 0)
    assert shop_prod.locate(drop) == at(PROD, 8, 12, end_column=15)


def test_key_in_template_value_from_values(default, prod):
    shop = origin(default, "Deployment/shop/release-name-shop")
    replicas = ("spec", "replicas")
    assert shop.locate(replicas) == at(DEPLOYMENT, 8, 3, end_column=11)
    assert shop.explain(replicas) == (at(VALUES, 1, 1, end_column=16, message=VALUES_KEY),)
    assert shop.fix_target(replicas) == FixTarget(VALUES, 0, ("replicaCount",))
    assert origin(prod, "Deployment//release-name-shop").fix_target(replicas) == FixTarget(PROD, 0, ("replicaCount",))
    # the pasted mapping's own key is written in the template
    context = WEB + ("securityContext",)
    assert shop.locate(context) == at(DEPLOYMENT, 27, 11, end_column=26)
    assert shop.explain(context) == (at(VALUES, 15, 1, end_column=16, message=VALUES_KEY),)
    # a value composed of two values keys: both explain it, no fix is written there
    image = WEB + ("image",)
    assert shop.locate(image) == at(DEPLOYMENT, 24, 11, end_column=16)
    assert shop.explain(image) == (at(VALUES, 4, 3, end_column=44, message=VALUES_PART),)
    assert shop.fix_target(image) is None


def test_field_from_helper_maps_to_helper_file(default):
    shop = origin(default, "Deployment/shop/release-name-shop")
    assert shop.locate(SHIPPER + ("securityContext", "runAsUser")) == at(HELPERS, 19, 5, end_column=14)
    assert shop.locate(SHIPPER) == at(HELPERS, 14, 1, end_column=2)
    assert shop.locate(("metadata", "labels", "app.kubernetes.io/name")) == at(HELPERS, 8, 1, end_column=23)
    assert shop.fix_target(SHIPPER + ("securityContext", "runAsUser")) is None


def test_field_in_subchart(default, prod):
    cache = origin(default, "StatefulSet/shop/release-name-cache")
    host = POD + ("hostNetwork",)
    assert cache.locate(host) == at(SUB_TEMPLATE, 15, 7, end_column=18)
    assert cache.explain(host) == (at(SUB_VALUES, 2, 1, end_column=18, message=VALUES_KEY),)
    assert cache.fix_target(host) == FixTarget(SUB_VALUES, 0, ("hostNetwork",))
    image = POD + ("containers", 0, "image")
    assert cache.explain(image) == (at(VALUES, 24, 3, end_column=19, message=VALUES_KEY),)
    prod_cache = origin(prod, "StatefulSet//release-name-cache")
    assert prod_cache.fix_target(image) == FixTarget(PROD, 0, ("cache", "image"))


def test_missing_setting_locates_at_its_container_or_pod(default):
    shop = origin(default, "Deployment/shop/release-name-shop")
    missing = DEBUG + ("securityContext", "runAsNonRoot")
    assert shop.locate(missing) == at(DEPLOYMENT, 32, 11, end_column=26)
    assert shop.fix_target(missing) is None
    # missing under a mapping pasted from values: the fix goes to the values file
    pasted = WEB + ("securityContext", "runAsNonRoot")
    assert shop.locate(pasted) == at(DEPLOYMENT, 27, 11, end_column=26)
    assert shop.fix_target(pasted) == FixTarget(VALUES, 0, ("securityContext", "runAsNonRoot"))
    cache = origin(default, "StatefulSet/shop/release-name-cache")
    no_context = POD + ("containers", 0, "securityContext", "privileged")
    assert cache.locate(no_context) == at(SUB_TEMPLATE, 17, 9, end_column=10)
    assert cache.locate(POD + ("securityContext",)) == at(SUB_TEMPLATE, 14, 5, end_column=9)


def test_release_namespace(default, prod):
    resource, _ = default["Deployment/shop/release-name-shop"]
    assert resource.namespace == "shop"
    assert "namespace" not in resource.document.data["metadata"]
    assert prod["Deployment//release-name-shop"][0].namespace == ""


def test_set_value_has_no_file_to_fix(engine):
    found = objects(render(engine=engine, set_values=("securityContext.runAsUser=5",)))
    shop = origin(found, "Deployment//release-name-shop")
    path = WEB + ("securityContext", "runAsUser")
    assert found["Deployment//release-name-shop"][0].data["spec"]["template"]["spec"]["containers"][0][
        "securityContext"]["runAsUser"] == 5
    assert shop.locate(path) == at(DEPLOYMENT, 28, 13, message=PASTED)
    assert shop.fix_target(path) is None


def test_a_value_that_differs_between_renders_keeps_its_line(engine):
    found = objects(render("tests/helm/charts/measured", engine=engine))
    config = origin(found, "ConfigMap//release-name-measured")
    template = "tests/helm/charts/measured/templates/configmap.yaml"
    # the marked helper makes the measured length differ: the key is still on its line
    assert found["ConfigMap//release-name-measured"][0].data["data"]["size"] == "15"
    assert config.locate(("data", "size")) == at(template, 9, 3, end_column=7)
    assert config.locate(("data", "mode")) == at(template, 10, 3, end_column=7)


def test_markers_that_change_the_render_fall_back_to_line_one(engine):
    result = render("tests/helm/charts/counted", engine=engine)
    template = "tests/helm/charts/counted/templates/configmap.yaml"
    assert result.unmarked_templates == [template]
    config = origin(objects(result), "ConfigMap//release-name-counted")
    assert config.locate(("data", "mode")) == at(template, 1, 1, message=NO_LINE)
    assert config.fix_target(("data", "mode")) is None


def test_values_a_helper_pastes_are_found_by_the_probe_render(engine):
    chart = "tests/helm/charts/probed"
    found = objects(render(chart, engine=engine))
    app = origin(found, "Deployment//app")
    template, values = f"{chart}/templates/deployment.yaml", f"{chart}/values.yaml"
    account = POD + ("serviceAccountName",)
    assert app.locate(account) == at(template, 8, 7, end_column=25)
    assert app.explain(account) == (at(values, 7, 3, end_column=19, message=VALUES_KEY),)
    assert app.fix_target(account) == FixTarget(values, 0, ("serviceAccount", "name"))
    image = POD + ("containers", 0, "image")
    assert app.explain(image) == (
        at(values, 3, 3, end_column=33, message=VALUES_PART),
        at(values, 4, 3, end_column=23, message=VALUES_PART),
        at(values, 5, 3, end_column=12, message=VALUES_PART),
    )
    assert app.fix_target(image) is None
    # a compared value keeps its text in the probe: the same branch is rendered
    assert app.locate(POD + ("containers", 0, "securityContext", "runAsNonRoot")) == at(template, 14, 13, end_column=25)


def test_crds_map_line_for_line_when_included(engine):
    chart = "tests/helm/charts/with-crd"
    assert sorted(objects(render(chart, engine=engine))) == ["Widget//release-name"]
    found = objects(render(chart, engine=engine, include_crds=True))
    crd = origin(found, "CustomResourceDefinition//widgets.example.com")
    assert crd.locate(("spec", "scope")) == at(f"{chart}/crds/widgets.yaml", 10, 3, end_column=8)
    assert crd.fix_target(("spec", "scope")) is None
