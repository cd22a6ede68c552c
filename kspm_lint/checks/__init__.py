"""Python check templates: posture checks a declarative path check cannot express.

Each check is a function ``(ctx: CheckContext) -> Iterable[Violation]`` declared with
``@template(name, scope, description, *parameters)``. Rule files instantiate it with
``check: {template: NAME}`` and give its parameters under ``parameters:``; one
template can serve several rules (``host-path``: container-runtime-socket and
sensitive-host-path).

This package imports the engine's check-facing types (``kspm_lint.engine.context``);
the engine has no import statement for it: ``engine.catalog`` loads it by its name
(``TEMPLATE_PACKAGE``) as the built-in template package, so the dependency runs one way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from kspm_lint.engine.context import CheckFunction, CheckTemplate
from kspm_lint.engine.parameters import Parameter

REGISTRY: dict[str, CheckFunction] = {}  # function name -> function (what the templates run)
TEMPLATES: dict[str, CheckTemplate] = {}  # template name -> declaration (the one template registry)


Check = TypeVar("Check", bound=Callable[..., Any])


def template(name: str, scope: str, description: str, *parameters: Parameter) -> Callable[[Check], Check]:
    """Register a check function as the template ``name``. A ``run`` scope template is a
    run-wide check, ``(inventory, params) -> CrossViolations`` (the runner tells them
    apart by scope); the others take a ``CheckContext``."""

    def register(function: Check) -> Check:
        if name in TEMPLATES:
            raise ValueError(f"template '{name}' is declared twice")
        REGISTRY[function.__name__] = cast(CheckFunction, function)
        TEMPLATES[name] = CheckTemplate(name, scope, description, function.__name__,
                                        function.__module__, tuple(parameters))
        return function

    return register


def load_builtin_checks() -> dict[str, CheckFunction]:
    """Import the modules that register checks (once) and return the function registry."""
    from kspm_lint.checks import (  # noqa: F401
        audit_policy,
        control_plane,
        deprecated_api,
        hardening,
        kubelet_config,
        namespaces,
        network,
        pss_baseline,
        pss_restricted,
        rbac,
        schema,
        secrets_posture,
        supply_chain,
    )

    return REGISTRY


def load_templates() -> tuple[dict[str, CheckTemplate], dict[str, CheckFunction]]:
    """(template registry, function registry), with every built-in module imported."""
    load_builtin_checks()
    return TEMPLATES, REGISTRY
