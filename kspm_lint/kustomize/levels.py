"""Which kustomizations a base file passes through on its way to a root's output."""

from __future__ import annotations

import os

from kspm_lint.kustomize.kustomization import Kustomization, read_kustomization


class Kustomizations:
    """Parsed kustomizations by directory, read once per render."""

    def __init__(self, known: dict[str, Kustomization] | None = None) -> None:
        self._known: dict[str, Kustomization | None] = dict(known or {})

    def get(self, directory: str) -> Kustomization | None:
        directory = os.path.abspath(directory)
        if directory not in self._known:
            self._known[directory] = read_kustomization(directory)
        return self._known[directory]


def chain_to(ks: Kustomizations, root: str, file: str) -> list[Kustomization] | None:
    """Kustomizations from ``root`` down to the one listing ``file`` as a resource."""
    seen: set[str] = set()

    def search(directory: str) -> list[Kustomization] | None:
        if directory in seen:
            return None
        seen.add(directory)
        k = ks.get(directory)
        if k is None:
            return None
        for ref in k.references:
            if ref.field == "resources" and not ref.remote and os.path.realpath(ref.path) == file:
                return [k]
        for ref in k.references:
            if ref.field in ("resources", "components") and not ref.remote and os.path.isdir(ref.path):
                below = search(ref.path)
                if below is not None:
                    return [k, *below]
        return None

    return search(os.path.abspath(root))


def applying(ks: Kustomizations, chain: list[Kustomization]) -> list[Kustomization]:
    """The kustomizations whose transformers apply, in the order kustomize applies them:
    the deepest first; at each level its components (in order) before itself."""
    ordered: list[Kustomization] = []
    done: set[str] = set()

    def with_components(k: Kustomization) -> None:
        for ref in k.references:
            if ref.field == "components" and not ref.remote:
                component = ks.get(ref.path)
                if component is not None and component.directory not in done:
                    with_components(component)
        if k.directory not in done:
            done.add(k.directory)
            ordered.append(k)

    for k in reversed(chain):
        with_components(k)
    return ordered
