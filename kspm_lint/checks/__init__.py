"""Python checks: posture rules a declarative path check cannot express.

Each check is a function ``(ctx: CheckContext) -> Iterable[Violation]`` registered
under the name that rule files refer to (``check: {python: NAME}``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from kspm_lint.engine.context import CheckContext, Violation

CheckFunction = Callable[[CheckContext], Iterable[Violation]]
REGISTRY: dict[str, CheckFunction] = {}


def check(name: str) -> Callable[[CheckFunction], CheckFunction]:
    def register(function: CheckFunction) -> CheckFunction:
        REGISTRY[name] = function
        return function

    return register


def load_builtin_checks() -> dict[str, CheckFunction]:
    """Import the modules that register checks (once) and return the registry."""
    from kspm_lint.checks import (  # noqa: F401
        audit_policy,
        control_plane,
        deprecated_api,
        hardening,
        kubelet_config,
        pss_baseline,
        pss_restricted,
        schema,
    )

    return REGISTRY
