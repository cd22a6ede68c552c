"""What a check sees, and what it returns."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from kspm_lint.engine.parameters import Parameter
from kspm_lint.location import Path
from kspm_lint.resources import Resource
from kspm_lint.workload import PodSpec, pod_spec_of


@dataclass(frozen=True)
class Violation:
    """One problem a check found.

    ``path`` is the field at fault, relative to the resource (it may not be written:
    a missing setting). ``at`` is where to point when that differs from ``path``.
    """

    path: Path
    message: str
    container: str | None = None
    at: Path | None = None
    related: tuple[tuple[Path, str], ...] = ()  # other fields involved: (path, what it is)


@dataclass
class CheckContext:
    resource: Resource
    params: dict[str, Any] = field(default_factory=dict)
    _pod: PodSpec | None = None
    _pod_done: bool = False

    @property
    def pod(self) -> PodSpec | None:
        if not self._pod_done:
            self._pod, self._pod_done = pod_spec_of(self.resource), True
        return self._pod


CheckFunction = Callable[[CheckContext], Iterable[Violation]]
# "run": the check reads the whole run's inventory (phase 2) instead of one object.
TEMPLATE_SCOPES = ("resource", "pod", "container", "run")


@dataclass(frozen=True)
class CheckTemplate:
    """A Python check as rule files see it: a name, what it looks at, its parameters.

    Several rules can instantiate one template with different parameters.
    ``function`` names the check function in its registry (kspm_lint.checks.REGISTRY);
    ``module`` is where it is written, for ``--explain`` and the reference docs.
    """

    name: str
    scope: str  # one of TEMPLATE_SCOPES: what the template iterates over
    description: str
    function: str
    module: str
    parameters: tuple[Parameter, ...] = ()

    def __post_init__(self) -> None:
        if self.scope not in TEMPLATE_SCOPES:
            raise ValueError(f"template '{self.name}': unknown scope '{self.scope}'")
