"""Measure how well a chart's pod-spec fields map back: ``python -m kspm_lint.helm.measure CHART...``.

For every field under each pod spec (``spec``, ``spec.template.spec``,
``spec.jobTemplate.spec.template.spec``) it counts where ``locate`` points: the
template line that writes the key, a values key, the template line of the action that
pasted the field (include/toYaml/range with no values key found), or the line-1
fallback; and how many fields have a values key behind them (primary or related).
Also prints the render time, cold (first render in this process) and warm.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from typing import Any

from kspm_lint.helm.options import HelmOptions
from kspm_lint.helm.origin import NO_LINE, PASTED, VALUES_KEY
from kspm_lint.helm.render import render_chart
from kspm_lint.location import Path, value_at

POD_SPECS: dict[str, Path] = {
    "Pod": ("spec",), "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}


def pod_spec_path(kind: str) -> Path:
    return POD_SPECS.get(kind, ("spec", "template", "spec"))


def _fields(data: Any, path: Path) -> list[Path]:
    found = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _fields(value, path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _fields(value, path + (index,))
    return found


def measure(chart: str, options: HelmOptions) -> tuple[Counter, float, float, list[str]]:
    started = time.perf_counter()
    render_chart(chart, options)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    result = render_chart(chart, options)
    warm = time.perf_counter() - started
    counts: Counter = Counter()
    for resource, origin in result.objects:
        base = pod_spec_path(resource.kind)
        spec = value_at(resource.data, base)
        if not isinstance(spec, dict) or "containers" not in spec:
            continue
        for path in _fields(spec, base)[1:]:
            where = origin.locate(path)
            if "/templates/" not in where.file or any(e.message == VALUES_KEY for e in origin.explain(path)):
                counts["from values"] += 1
            if where.message == NO_LINE:
                counts["fallback"] += 1
            elif where.message == PASTED:
                counts["call-site"] += 1
            elif "/templates/" in where.file:
                counts["template"] += 1
            else:
                counts["values"] += 1
    problems = [f"{p.rule}: {p.message}" for p in result.problems]
    return counts, cold, warm, problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("charts", nargs="+")
    parser.add_argument("--values", action="append", default=[])
    args = parser.parse_args()
    options = HelmOptions(values_files=tuple(args.values))
    print("chart | fields | template line | values line | call-site line | fallback"
          " | value traced to a values key | cold s | warm s")
    for chart in args.charts:
        counts, cold, warm, problems = measure(chart, options)
        fields = sum(counts[k] for k in ("template", "values", "call-site", "fallback"))
        shares = " | ".join(f"{100 * counts[k] / (fields or 1):.1f}%"
                            for k in ("template", "values", "call-site", "fallback", "from values"))
        print(f"{chart} | {fields} | {shares} | {cold:.3f} | {warm:.3f}")
        for problem in problems:
            print(f"  {problem}")


if __name__ == "__main__":
    main()
