"""Render one Kustomize root and pair every rendered object with its Origin."""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from kspm_lint.discovery import display_path
from kspm_lint.kustomize.engine import (
    DEFAULT_TIMEOUT,
    EngineMissing,
    build_with_origins,
    split_tracking,
)
from kspm_lint.kustomize.kustomization import Kustomization
from kspm_lint.kustomize.layout import KustomizeLayout, find_roots
from kspm_lint.kustomize.levels import Kustomizations, applying, chain_to
from kspm_lint.kustomize.origin import BaseMatch, KustomizeOrigin, no_base
from kspm_lint.kustomize.patches import PatchDocument, read_patch
from kspm_lint.kustomize.simulate import strategic_merge
from kspm_lint.kustomize.writers import WriterMap, apply_json6902, apply_strategic_merge, base_writers, selects
from kspm_lint.location import Span
from kspm_lint.origin import Location
from kspm_lint.parsing.document import ParsedFile
from kspm_lint.parsing.loader import parse_bytes, parse_file
from kspm_lint.resources import Resource, resources_of

RENDER_FAILED = "render-failed"
_PATCH_ORDER = ("patchesStrategicMerge", "patches", "patchesJson6902")
_REMOTE_KIND = {"resources": "base", "components": "component"}
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class RenderOptions:
    timeout: float = DEFAULT_TIMEOUT
    layout: KustomizeLayout | None = None  # from find_roots, to reuse what it parsed


@dataclass(frozen=True)
class RenderProblem:
    rule: str
    message: str
    location: Location


@dataclass
class KustomizeRender:
    """One root's render: the objects (parsed by our parser) with their origins, the
    problems, and the source files whose suppression comments may apply."""

    root: str  # absolute
    root_display: str
    parsed: ParsedFile | None
    objects: list[tuple[Resource, KustomizeOrigin]] = field(default_factory=list)
    problems: list[RenderProblem] = field(default_factory=list)
    source_files: list[str] = field(default_factory=list)  # display paths: bases, patches, kustomizations
    seconds: float = 0.0
    command: tuple[str, ...] = ()


def render_overlay(root: str, options: RenderOptions | None = None) -> KustomizeRender:
    options = options or RenderOptions()
    root = os.path.abspath(root)
    shown = display_path(root)
    layout = options.layout or find_roots([root])
    ks = Kustomizations(layout.kustomizations)
    result = KustomizeRender(root, shown, None)
    top = ks.get(root)
    if top is None:
        result.problems.append(_problem(f"{shown} has no kustomization file", shown, Span.point(1)))
        return result
    if top.error:
        result.problems.append(_problem(f"cannot read the kustomization: {top.error}", display_path(top.file),
                                        top.error_span))
        return result
    remote = layout.remote_of_root(root)
    if remote:
        for file, ref in remote:
            result.problems.append(_problem(
                f"remote {_REMOTE_KIND.get(ref.field, ref.field)} '{ref.value}' is not fetched "
                "(kspm-lint renders offline): "
                f"{shown} is not rendered; vendor the base into the repository to lint it",
                display_path(file), ref.span))
        return result
    try:
        run = build_with_origins(root, options.timeout)
    except EngineMissing as exc:
        result.problems.append(_problem(str(exc), display_path(top.file), Span.point(1)))
        return result
    result.seconds, result.command = run.seconds, run.command
    if run.error:
        result.problems.append(_engine_problem(run.error, layout, root, top))
        return result
    plain, notes = split_tracking(run.output)
    parsed = parse_bytes(plain.encode("utf-8"), f"{shown} (kustomize build)")
    result.parsed = parsed
    rendered, _ = resources_of(parsed)
    if not rendered:
        result.problems.append(_problem(f"kustomize rendered no objects from {shown}", display_path(top.file),
                                        Span.point(1)))
        return result
    wrapper = os.path.realpath(run.wrapper)
    sources: set[str] = {top.file}
    cache = _Cache()
    for resource in rendered:
        index = resource.document.index
        origin_note = _origin_of(notes[index] if index < len(notes) else None)
        origin = _build_origin(resource, origin_note, wrapper, root, parsed.path, ks, cache, sources)
        result.objects.append((resource, origin))
    result.source_files = sorted(display_path(f) for f in sources)
    return result


def _problem(message: str, file: str, span: Span) -> RenderProblem:
    return RenderProblem(RENDER_FAILED, message, Location(file, span, None))


_ENGINE_PREFIX = re.compile(r'^E\d{4} [\d:.]+\s+\d+ \S+\] "command failed" err="(.*)"$', re.S)
# The wrapper's own layer of the message: kustomize tried the root as a file, then as a directory.
_WRAPPER_LAYER = re.compile(
    r"^accumulating resources: accumulation err='accumulating resources from '[^']*': '[^']*' must resolve to "
    r"a file': recursed accumulation of path '[^']*': "
)


def _engine_problem(error: str, layout: KustomizeLayout, root: str, top: Kustomization) -> RenderProblem:
    """The engine's error, at the kustomization line it is about when that can be found."""
    text = error.strip().splitlines()[-1] if error.strip() else error
    match = _ENGINE_PREFIX.match(text)
    if match:
        text = match.group(1).replace('\\"', '"')
    text = _WRAPPER_LAYER.sub("", text.replace("Error: ", "", 1))
    message = f"kustomize could not render {display_path(root)}: {text}"
    members = {k.file for k in layout.chain_members(root)}
    for file, ref in layout.missing:
        if file in members:
            return _problem(f"{message} ('{ref.value}' does not exist)", display_path(file), ref.span)
    for k in layout.chain_members(root):
        for ref in k.references:
            if f"'{ref.value}'" in text or f"'{ref.path}'" in text or _names_plugin(ref, text):
                return _problem(message, display_path(k.file), ref.span)
        for entry in k.patches:
            for patch in read_patch(k, entry):
                meta = patch.data.get("metadata") if isinstance(patch.data, dict) else None
                name = meta.get("name") if isinstance(meta, dict) else None
                if isinstance(name, str) and f"/{name}." in text:
                    return _problem(message, display_path(k.file), k.span(entry.entry_path[:2]))
    return _problem(f"{message} (the engine's error names no line)", display_path(top.file), Span.point(1))


def _names_plugin(ref, text: str) -> bool:
    """A plugin error names the plugin's kind ('external plugins disabled; ... 'Runner'')."""
    if ref.field not in ("generators", "transformers", "validators") or not os.path.isfile(ref.path):
        return False
    kinds = {r.kind for r in resources_of(parse_file(ref.path))[0]}
    return any(f"'{kind}'" in text for kind in kinds)


def _origin_of(text: str | None) -> dict[str, Any]:
    if text is None:
        return {}
    try:
        loaded = yaml.load(text, Loader=_SafeLoader)
    except yaml.YAMLError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


class _Cache:
    def __init__(self) -> None:
        self.files: dict[str, ParsedFile] = {}
        self.patches: dict[tuple[str, str, int], list[PatchDocument]] = {}

    def parsed(self, file: str) -> ParsedFile:
        if file not in self.files:
            self.files[file] = parse_file(file)
        return self.files[file]

    def patch(self, k: Kustomization, entry) -> list[PatchDocument]:
        key = (k.file, entry.field, entry.index)
        if key not in self.patches:
            self.patches[key] = read_patch(k, entry)
        return self.patches[key]


def _build_origin(resource: Resource, note: dict, wrapper: str, root: str, rendered_file: str,
                  ks: Kustomizations, cache: _Cache, sources: set[str]) -> KustomizeOrigin:
    def origin(resolve: Callable[[], BaseMatch], **kwargs: Any) -> KustomizeOrigin:
        return KustomizeOrigin(resource, rendered_file, root, resolve, **kwargs)

    def without_base(reason: str, **kwargs: Any) -> KustomizeOrigin:
        return origin(lambda: no_base(reason), **kwargs)

    if "repo" in note:
        return without_base(f"the object comes from remote {note.get('repo')}")
    if "configuredIn" in note:
        file = os.path.realpath(os.path.join(wrapper, str(note["configuredIn"])))
        k = ks.get(os.path.dirname(file))
        generator = (note.get("configuredBy") or {}).get("kind", "")
        entry = _generator_entry(k, str(generator), resource.name) if k is not None else None
        if k is None or entry is None:
            return without_base(f"generated by {generator or 'a generator'}")
        return without_base("generated", levels=[k], generated_by=(k.file, entry))
    if "path" not in note:
        return without_base("kustomize recorded no origin for this object")
    file = os.path.realpath(os.path.join(wrapper, str(note["path"])))
    levels = applying(ks, chain_to(ks, root, file) or [])
    # Suppression comments may apply from the base, every kustomization on the way and
    # each of their patch files (a superset: mapping decides which lines findings reach).
    sources.add(file)
    for k in levels:
        sources.add(k.file)
        sources.update(entry.file for entry in k.patches if entry.file is not None)

    def resolve() -> BaseMatch:
        base = _base_object(cache.parsed(file), resource, levels)
        if base is None:
            return no_base(f"no {resource.kind} in {display_path(file)} matches")
        note_text = f"{base.kind} {base.name} in the base"
        base_map = base_writers(base, file, note_text)
        writers = base_writers(base, file, note_text)
        try:
            _replay(writers, base, _selected(base, resource, levels, cache))
        except (KeyError, IndexError, TypeError, ValueError, AttributeError, RecursionError) as exc:
            # A patch shape we do not model: keep the base lines (the origin's value check
            # still marks a field a patch changed as not verified) rather than fail.
            writers = base_writers(base, file, f"{note_text} (patches not evaluated: {type(exc).__name__})")
        return BaseMatch(base, file, writers, base_map)

    return origin(resolve, levels=levels)


def _generator_entry(k: Kustomization, generator: str, name: str) -> tuple | None:
    key = "secretGenerator" if generator == "SecretGenerator" else "configMapGenerator"
    best: tuple | None = None
    best_length = -1
    for index, entry in enumerate(k.data.get(key) or []):
        named = isinstance(entry, dict) and isinstance(entry.get("name"), str) and entry["name"] in name
        if named and len(entry["name"]) > best_length:
                best, best_length = (key, index), len(entry["name"])
    return best


def _renamed(name: str, levels: list[Kustomization]) -> str:
    for k in levels:
        name = f"{k.name_prefix}{name}{k.name_suffix}"
    return name


def _base_object(parsed: ParsedFile, rendered: Resource, levels: list[Kustomization]) -> Resource | None:
    """Match by kind and original name: the name with every level's prefix and suffix."""
    candidates = [r for r in resources_of(parsed)[0] if r.kind == rendered.kind]
    for candidate in candidates:
        if _renamed(candidate.name, levels) == rendered.name:
            return candidate
    named = [c for c in candidates if c.name and c.name in rendered.name]
    if named:
        return max(named, key=lambda c: len(c.name))
    return candidates[0] if len(candidates) == 1 else None


def _selected(base: Resource, rendered: Resource, levels: list[Kustomization],
              cache: _Cache) -> list[tuple[PatchDocument, bool]]:
    """The patches that select this object, in kustomize's order, each with whether it is
    JSON 6902. A patch names the object as it is at its level: with the prefixes, suffixes
    and namespace of the levels below, not its own."""
    chosen: list[tuple[PatchDocument, bool]] = []
    name, namespace = base.name, base.namespace
    labels = rendered.metadata.get("labels")
    labels = labels if isinstance(labels, dict) else {}
    annotations = rendered.metadata.get("annotations")
    annotations = annotations if isinstance(annotations, dict) else {}
    for k in levels:
        for field_name in _PATCH_ORDER:
            for entry in (e for e in k.patches if e.field == field_name):
                for patch in cache.patch(k, entry):
                    if selects(patch, entry.target, rendered.kind, rendered.api_version, name, namespace,
                               labels, annotations):
                        chosen.append((patch, field_name == "patchesJson6902" or patch.is_json6902))
        name = f"{k.name_prefix}{name}{k.name_suffix}"
        if isinstance(k.data.get("namespace"), str) and k.data["namespace"]:
            namespace = k.data["namespace"]
    return chosen


def _replay(writers: WriterMap, base: Resource, selected: list[tuple[PatchDocument, bool]]) -> None:
    """Apply the selected patches over the base's writers."""
    current = copy.deepcopy(base.data)  # the object as each patch finds it
    for patch, json6902 in selected:
        if json6902:
            current = apply_json6902(writers, patch, current)
        else:
            apply_strategic_merge(writers, patch)
            current = strategic_merge(current, patch.data)
