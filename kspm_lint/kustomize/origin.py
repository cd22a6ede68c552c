"""The Origin of one rendered object: from a rendered path to the line a person edits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kspm_lint.discovery import display_path
from kspm_lint.kustomize.kustomization import Kustomization
from kspm_lint.kustomize.semantic import concrete, semantic
from kspm_lint.kustomize.writers import WriterMap, Written
from kspm_lint.location import Path, Span, format_path, value_at
from kspm_lint.origin import FixTarget, Location, Origin
from kspm_lint.resources import Resource

_LABEL_PARENTS = (("metadata", "labels"), ("spec", "selector"), ("spec", "selector", "matchLabels"),
                  ("spec", "template", "metadata", "labels"))


@dataclass(frozen=True)
class Attribution:
    """Who wrote one path: ``kind`` is patch, json6902, base, kustomization (a transformer
    or generator entry) or fallback (no line writes it: nearest place, said so)."""

    kind: str
    location: Location
    fix: FixTarget | None
    related: tuple[Location, ...] = ()
    verified: bool = True  # False: the line writes the key, a transformer changed the value


@dataclass
class BaseMatch:
    """The object's base and who writes each of its fields (computed on first use)."""

    base: Resource | None  # the object in the base file (None: generated or not found)
    base_file: str | None  # absolute
    writers: WriterMap  # every field's last writer: base and patches
    base_writers: WriterMap  # the base's own lines only
    reason: str = ""  # why there is no base, when there is none


def no_base(reason: str) -> BaseMatch:
    return BaseMatch(None, None, WriterMap(), WriterMap(), reason)


@dataclass
class KustomizeOrigin:
    """Answers ``kspm_lint.origin.Origin`` for one object of a rendered overlay.

    Finding the base object and replaying the patches waits for the first question: a
    render's CRDs and ConfigMaps are rarely asked about, and their bases can be large."""

    rendered_object: Resource
    rendered_file: str  # display name of the rendered stream
    root: str  # the overlay root (absolute) this object was rendered from
    resolve: Callable[[], BaseMatch]
    levels: list[Kustomization] = field(default_factory=list)  # applying order, deepest first
    generated_by: tuple[str, Path] | None = None  # (kustomization file, generator entry path)
    _match: BaseMatch | None = field(default=None, repr=False)

    @property
    def match(self) -> BaseMatch:
        if self._match is None:
            self._match = self.resolve()
        return self._match

    @property
    def base(self) -> Resource | None:
        return self.match.base

    @property
    def base_file(self) -> str | None:
        return self.match.base_file

    @property
    def writers(self) -> WriterMap:
        return self.match.writers

    @property
    def base_writers(self) -> WriterMap:
        return self.match.base_writers

    @property
    def fallback_reason(self) -> str:
        return self.match.reason

    # -- Origin protocol --------------------------------------------------------------
    def locate(self, path: Path) -> Location:
        return self.attribute(path).location

    def rendered(self, path: Path) -> Location | None:
        return Location(self.rendered_file, self.rendered_object.locate(path), "in the rendered output")

    def explain(self, path: Path) -> tuple[Location, ...]:
        return self.attribute(path).related

    def fix_target(self, path: Path) -> FixTarget | None:
        return self.attribute(path).fix

    # -- attribution -------------------------------------------------------------------
    @property
    def base_location(self) -> Location | None:
        """Where the object itself is written in its base (for reporting a shared base once)."""
        if self.base is None or self.base_file is None:
            return None
        return Location(display_path(self.base_file), self.base.locate(()), None)

    def attribute(self, path: Path) -> Attribution:
        if self.generated_by is not None:
            file, entry = self.generated_by
            k = next((k for k in self.levels if k.file == file), None)
            span = k.span(entry) if k is not None else Span.point(1)
            return Attribution("kustomization", Location(display_path(file), span, "generated here"), None)
        if self.base is None or self.base_file is None:
            return self._fallback(path, self.fallback_reason or "the object's base file is not known")
        data = self.rendered_object.data
        if self.rendered_object.exists(path):
            return self._existing(path, data)
        return self._missing(path, data)

    def _existing(self, path: Path, data: Any) -> Attribution:
        sem = semantic(data, path)
        written = self.writers.entries.get(sem)
        value = value_at(data, path)
        scalar = not isinstance(value, (dict, list))
        if written is not None and (not scalar or written.value == value):
            return self._from(written, path)
        transformer = self._transformer(path, value)
        if transformer is not None:
            k, entry, what = transformer
            related = (self._from(written, path).location,) if written is not None else ()
            return Attribution(
                "kustomization",
                Location(display_path(k.file), k.span(entry), what),
                FixTarget(display_path(k.file), 0, entry),
                related,
            )
        if written is not None:
            found = self._from(written, path)
            message = f"{written.note}; the rendered value differs (set by a kustomize transformer)"
            location = Location(found.location.file, found.location.span, message)
            return Attribution(found.kind, location, found.fix, found.related, verified=False)
        return self._fallback(path, f"no base or patch line writes {format_path(path)}")

    def _missing(self, path: Path, data: Any) -> Attribution:
        """A missing setting points where a fix would add it: the deepest ancestor the base
        writes (its container or pod), else the deepest one any patch writes."""
        depth = len(path)
        while depth > 0 and not self.rendered_object.exists(path[:depth]):
            depth -= 1
        sem = semantic(data, path[:depth])
        assert self.base is not None and self.base_file is not None
        for writers in (self.base_writers, self.writers):
            found = writers.nearest(sem)
            if found is None:
                continue
            written, up = found
            ancestor = sem[: len(sem) - up]
            base_path = concrete(self.base.data, ancestor) if written.source == "base" else None
            tail = path[len(ancestor):]
            fix = None
            if base_path is not None:
                fix = FixTarget(
                    display_path(self.base_file), self.base.document.index, self.base.base + base_path + tail
                )
            elif written.path is not None:
                fix = FixTarget(display_path(written.file), written.document, written.path + tail)
            message = f"{format_path(path)} is not set; it belongs here ({written.note})"
            return Attribution(written.source, Location(display_path(written.file), written.span, message), fix)
        return self._fallback(path, f"{format_path(path)} is not set and no line writes an ancestor")

    def _from(self, written: Written, path: Path) -> Attribution:
        fix = None
        if written.path is not None:
            fix = FixTarget(display_path(written.file), written.document, written.path)
        related: tuple[Location, ...] = ()
        if written.source != "base":
            base = self.base_writers.entries.get(semantic(self.rendered_object.data, path))
            if base is not None:
                related = (Location(display_path(base.file), base.span, "the base value this patch overrides"),)
        location = Location(display_path(written.file), written.span, written.note)
        return Attribution(written.source, location, fix, related)

    def _fallback(self, path: Path, reason: str) -> Attribution:
        file = self.base_file or (self.levels[-1].file if self.levels else self.root)
        message = f"no exact line: {reason}"
        return Attribution("fallback", Location(display_path(file), Span.point(1), message), None)

    def _transformer(self, path: Path, value: Any) -> tuple[Kustomization, Path, str] | None:
        """The kustomization entry that set this rendered value, when a transformer did."""
        for k in reversed(self.levels):  # the outermost level applies last: it wins
            found = _transformer_entry(k, path, value)
            if found is not None:
                return k, found[0], found[1]
        return None


def _transformer_entry(k: Kustomization, path: Path, value: Any) -> tuple[Path, str] | None:
    data = k.data
    if path == ("metadata", "namespace") and isinstance(data.get("namespace"), str) and data["namespace"] == value:
        return ("namespace",), "namespace set by the kustomization"
    if len(path) >= 2 and path[:-1] in _LABEL_PARENTS and isinstance(path[-1], str):
        key = path[-1]
        common = data.get("commonLabels")
        if isinstance(common, dict) and key in common:
            return ("commonLabels", key), "label added by commonLabels"
        for index, entry in enumerate(data.get("labels") or []):
            if isinstance(entry, dict) and isinstance(entry.get("pairs"), dict) and key in entry["pairs"]:
                return ("labels", index, "pairs", key), "label added by labels"
    annotations = data.get("commonAnnotations")
    in_annotations = len(path) == 3 and path[:2] == ("metadata", "annotations")
    if in_annotations and isinstance(annotations, dict) and path[2] in annotations:
        return ("commonAnnotations", path[2]), "annotation added by commonAnnotations"
    if path and path[-1] == "image" and isinstance(value, str):
        found = _image_entry(data, value)
        if found is not None:
            return found, "image set by the kustomization's images"
    if path == ("spec", "replicas"):
        for index, entry in enumerate(data.get("replicas") or []):
            if isinstance(entry, dict) and entry.get("count") == value:
                return ("replicas", index), "replicas set by the kustomization"
    return None


def _image_entry(data: dict, image: str) -> Path | None:
    """The ``images`` field that produced ``image``: its digest, tag or new name."""
    name, _, digest = image.partition("@")
    tag = ""
    if ":" in name.rsplit("/", 1)[-1]:
        name, tag = name.rsplit(":", 1)
    for index, entry in enumerate(data.get("images") or []):
        if not isinstance(entry, dict) or name not in (entry.get("newName"), entry.get("name")):
            continue
        if digest and entry.get("digest") == digest:
            return ("images", index, "digest")
        if tag and str(entry.get("newTag")) == tag:
            return ("images", index, "newTag")
        if entry.get("newName") == name:
            return ("images", index, "newName")
        return ("images", index)
    return None


def as_origin(origin: KustomizeOrigin) -> Origin:
    """A KustomizeOrigin is an ``Origin`` (this function lets mypy prove it)."""
    return origin
