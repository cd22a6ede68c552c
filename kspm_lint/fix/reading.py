"""Read patched text back as the linter reads it: root nodes, and one document's data."""

from __future__ import annotations

from typing import Any

import yaml

from kspm_lint.fix.splice import Unpatchable
from kspm_lint.parsing.loader import _Loader as Loader  # the linter's own: same tags, fast resolution
from kspm_lint.parsing.loader import _plain_scalar_tag
from kspm_lint.parsing.nodes import Builder, NodeError


class _ReadLoader(Loader):
    """The linter's loader, with the resolver's answers for what is not a plain scalar
    given directly (no path resolvers are ever registered): re-reads are many and small."""

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            return _plain_scalar_tag(value) if implicit[0] else self.DEFAULT_SCALAR_TAG
        if kind is yaml.MappingNode:
            return self.DEFAULT_MAPPING_TAG
        return self.DEFAULT_SEQUENCE_TAG

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


def compose_roots(text: str) -> list[yaml.Node]:
    """The root node of every non-empty document (the same ones the linter keeps)."""
    loader = Loader(text) if Loader.yaml_path_resolvers else _ReadLoader(text)
    try:
        roots = []
        while loader.check_node():
            root = loader.get_node()
            if root is not None:
                roots.append(root)
        return roots
    except yaml.YAMLError as exc:
        raise Unpatchable(f"the patched text does not parse: {str(exc).splitlines()[0]}") from None
    finally:
        loader.dispose()


def read_back(text: str) -> Any:
    """The data of ``text``, which must be exactly one document."""
    roots = compose_roots(text)
    if len(roots) != 1:
        raise Unpatchable(f"a patched document reads back as {len(roots)} documents")
    try:
        return Builder(may_alias="*" in text).build(roots[0])
    except NodeError as exc:
        raise Unpatchable(f"the patched document does not read back: {exc}") from None
