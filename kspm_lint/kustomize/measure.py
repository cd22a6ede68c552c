"""Measure how exactly a render's pod-spec fields are attributed (for the issue's note).

``python -m kspm_lint.kustomize.measure ROOT...`` prints, per root, the render time and
how many pod-spec fields point at a patch line, a base line, a kustomization line (a
transformer or generator entry) or a fallback.
"""

from __future__ import annotations

import sys
from collections import Counter

from kspm_lint.kustomize.render import KustomizeRender, render_overlay
from kspm_lint.kustomize.semantic import leaves
from kspm_lint.location import Path, value_at

POD_SPEC: dict[str, Path] = {
    "Pod": ("spec",),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}


def pod_spec_attribution(render: KustomizeRender) -> Counter[str]:
    """Attribution kind of every path under each object's pod spec (the spec itself included)."""
    counts: Counter[str] = Counter()
    for resource, origin in render.objects:
        spec_path = POD_SPEC.get(resource.kind)
        if spec_path is None:
            continue
        spec = value_at(resource.data, spec_path)
        if spec is None:
            continue
        for sub in leaves(spec):
            attribution = origin.attribute(spec_path + sub)
            kind = "patch" if attribution.kind in ("patch", "json6902") else attribution.kind
            counts[kind if attribution.verified else f"{kind} (value transformed)"] += 1
    return counts


def main(argv: list[str]) -> int:
    total: Counter[str] = Counter()
    for root in argv:
        render = render_overlay(root)
        counts = pod_spec_attribution(render)
        total.update(counts)
        problems = "; ".join(p.message[:100] for p in render.problems)
        print(f"{render.root_display}: {render.seconds * 1000:.0f} ms, {len(render.objects)} objects, "
              f"pod-spec fields {dict(sorted(counts.items()))}{'  PROBLEM ' + problems if problems else ''}")
    fields = sum(total.values()) or 1
    shares = ", ".join(f"{kind} {count} ({100 * count / fields:.1f}%)" for kind, count in sorted(total.items()))
    print(f"total: {shares}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
