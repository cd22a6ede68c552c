"""Renders that fail or give nothing are problems naming the place to look."""

from __future__ import annotations

import shutil

import pytest

from kspm_lint.helm import HelmProblem
from kspm_lint.helm.engines import NO_ENGINE
from kspm_lint.location import Span
from kspm_lint.origin import Location
from tests.helm.conftest import CHARTS, ENGINES, render


@pytest.mark.parametrize("engine", ENGINES)
def test_template_syntax_error_names_template_line(engine):
    result = render(f"{CHARTS}/broken", engine=engine)
    assert result.objects == []
    assert [(p.rule, p.location) for p in result.problems] == [
        ("render-failed", Location(f"{CHARTS}/broken/templates/configmap.yaml", Span.point(7))),
    ]
    assert "broken-chart/templates/configmap.yaml:7" in result.problems[0].message
    assert "unexpected EOF" in result.problems[0].message


@pytest.mark.parametrize("engine", ENGINES)
def test_execution_error_names_template_line_and_column(engine):
    result = render(f"{CHARTS}/fails", engine=engine)
    assert [(p.rule, p.location) for p in result.problems] == [
        ("render-failed", Location(f"{CHARTS}/fails/templates/pod.yaml", Span.point(8, 16))),
    ]
    assert result.problems[0].message.endswith("image is required")


@pytest.mark.parametrize("engine", ENGINES)
def test_missing_dependency_is_named(engine):
    result = render(f"{CHARTS}/needs-dep", engine=engine)
    assert result.objects == []
    assert result.problems == [HelmProblem(
        "render-failed",
        "dependency chart 'postgresql' from https://charts.example.com/stable is missing from "
        "charts/: the chart renders nothing without it; run helm dependency build (kspm-lint "
        "never fetches charts)",
        Location(f"{CHARTS}/needs-dep/Chart.yaml", Span(5, 5, 5, 21)),
    )]


def test_helm_python_says_nothing_about_the_missing_dependency():
    """Why kspm-lint checks dependencies itself: the SDK renders the parent's templates
    without a word (the dependency's objects are silently absent), while the binary
    refuses the chart. Both engines must give the same answer."""
    from helm_python import Chart

    with Chart.load(f"{CHARTS}/needs-dep") as chart:
        assert sorted(chart.render({}, name="x")) == ["needs-dep/templates/pod.yaml"]


@pytest.mark.parametrize("engine", ENGINES)
def test_values_switching_everything_off_is_an_empty_render(engine, tmp_path):
    values = tmp_path / "off.yaml"
    values.write_text("enabled: false\n")
    result = render(f"{CHARTS}/switchable", engine=engine, values_files=(str(values),))
    assert result.objects == []
    assert result.problems == [HelmProblem(
        "render-failed",
        f"{CHARTS}/switchable renders no Kubernetes objects with off.yaml: every template is "
        "empty or switched off by these values",
        Location(f"{CHARTS}/switchable/Chart.yaml", Span.point(1)),
    )]


def test_bad_values_file_is_a_problem_at_its_line(tmp_path):
    values = tmp_path / "bad.yaml"
    values.write_text("enabled: [true\n")
    result = render(f"{CHARTS}/switchable", values_files=(str(values),))
    assert [(p.rule, p.location.span.line) for p in result.problems] == [("render-failed", 2)]
    assert result.problems[0].message.startswith(f"values file {values}: YAML syntax error")


def test_missing_values_file(tmp_path):
    result = render(f"{CHARTS}/switchable", values_files=(str(tmp_path / "nope.yaml"),))
    assert [p.message for p in result.problems] == [f"values file {tmp_path / 'nope.yaml'} does not exist"]


def test_not_a_chart(tmp_path):
    result = render(str(tmp_path))
    assert [p.message for p in result.problems] == [f"{tmp_path} has no Chart.yaml"]


@pytest.mark.skipif(shutil.which("helm") is not None, reason="the helm binary is on PATH")
def test_asking_for_an_absent_engine_names_both_ways():
    result = render(engine="helm")
    assert result.engine is None
    assert result.problems == [HelmProblem(
        "render-failed", NO_ENGINE, Location("examples/helm/shop/Chart.yaml", Span.point(1)))]
    assert "pip install 'kspm-lint[helm]'" in NO_ENGINE and "helm binary" in NO_ENGINE


@pytest.mark.parametrize("engine", ENGINES)
def test_kube_version_and_api_versions_reach_the_engine(engine):
    plain = render(f"{CHARTS}/capabilities", engine=engine)
    given = render(f"{CHARTS}/capabilities", engine=engine, kube_version="v1.25.0",
                   api_versions=("example.com/v1",))
    assert plain.problems == given.problems == []
    assert given.objects[0][0].data["data"] == {"kube": "v1.25.0", "api": "true"}
    assert plain.objects[0][0].data["data"]["api"] == "false"


def test_a_render_that_never_ends_is_stopped_and_the_next_one_works():
    result = render(f"{CHARTS}/endless", engine="helm_python", timeout=0.5)
    assert result.objects == []
    assert [(p.rule, p.message, p.location) for p in result.problems] == [(
        "render-failed", "helm template failed (helm_python): helm-python-sdk did not finish within 0.5 s",
        Location(f"{CHARTS}/endless/Chart.yaml", Span.point(1), "the engine named no template line"),
    )]
    assert render(f"{CHARTS}/switchable", engine="helm_python").problems == []


def test_a_set_pair_without_value_is_a_problem_at_the_chart():
    result = render(f"{CHARTS}/switchable", set_values=("enabled",))
    assert result.problems == [HelmProblem(
        "render-failed", "--set 'enabled' is not key=value",
        Location(f"{CHARTS}/switchable/Chart.yaml", Span.point(1), "the --set value is given on the command line"),
    )]


def test_a_null_in_a_values_file_deletes_the_default(tmp_path):
    values = tmp_path / "null.yaml"
    values.write_text("enabled: null\n")
    result = render(f"{CHARTS}/switchable", values_files=(str(values),))
    assert result.objects == []  # enabled is gone, so the if is false
    assert [p.message.split(":")[0] for p in result.problems] == [
        f"{CHARTS}/switchable renders no Kubernetes objects with null.yaml"]


def test_a_forked_process_starts_its_own_renderer():
    """The runner lints in worker processes: a fork must not talk to its parent's child."""
    import multiprocessing

    assert render(f"{CHARTS}/switchable").problems == []  # the parent's child is up
    context = multiprocessing.get_context("fork")
    with context.Pool(1) as pool:
        assert pool.apply(_objects_in_child, (f"{CHARTS}/switchable",)) == ["Pod//release-name"]
    assert render(f"{CHARTS}/switchable").problems == []  # and the parent's still works


def _objects_in_child(chart):
    return [resource.identity for resource, _ in render(chart).objects]
