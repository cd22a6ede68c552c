"""What a Helm render is asked for, and the problems it reports."""

from __future__ import annotations

from dataclasses import dataclass, field

from kspm_lint.origin import Location

DEFAULT_TIMEOUT = 60.0
DEFAULT_RELEASE = "release-name"  # what `helm template` calls a release when none is given


@dataclass(frozen=True)
class HelmOptions:
    """One value set of one chart: the flags a user would give `helm template`."""

    values_files: tuple[str, ...] = ()
    set_values: tuple[str, ...] = ()  # "a.b=c" pairs, as --set takes them
    release: str = DEFAULT_RELEASE
    namespace: str | None = None
    kube_version: str | None = None
    api_versions: tuple[str, ...] = ()
    include_crds: bool = False
    engine: str | None = None  # "helm" or "helm_python"; None picks the binary when on PATH
    timeout: float = DEFAULT_TIMEOUT  # seconds for one value set (its plain and marked renders)


@dataclass(frozen=True)
class HelmProblem:
    """A problem with the chart as a whole, reported as a finding of ``rule``."""

    rule: str
    message: str
    location: Location


@dataclass
class EngineResult:
    """What an engine gave back for one render: manifests by template name, or an error."""

    manifests: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    seconds: float = 0.0
