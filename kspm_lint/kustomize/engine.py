"""Run the real Kustomize engine on a root, with origin tracking, offline and bounded."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass

DEFAULT_TIMEOUT = 60.0
ORIGIN_ANNOTATION = "config.kubernetes.io/origin"
TRANSFORM_ANNOTATION = "alpha.config.kubernetes.io/transformations"
_TRACKING = (ORIGIN_ANNOTATION, TRANSFORM_ANNOTATION)


class EngineMissing(Exception):
    """Neither ``kustomize`` nor ``kubectl`` is on PATH."""


@dataclass(frozen=True)
class EngineRun:
    """What the engine printed for one root: annotated output, or the error text."""

    command: tuple[str, ...]
    output: str  # with the tracking annotations
    error: str  # stderr when the build failed ('' on success)
    seconds: float
    wrapper: str  # the temporary directory: the annotations' paths are relative to it
    timed_out: bool = False


def engine_command() -> tuple[str, ...]:
    """``kustomize build`` when on PATH, otherwise ``kubectl kustomize``."""
    kustomize = shutil.which("kustomize")
    if kustomize:
        return (kustomize, "build")
    kubectl = shutil.which("kubectl")
    if kubectl:
        return (kubectl, "kustomize")
    raise EngineMissing(
        "cannot render Kustomize overlays: neither 'kustomize' nor 'kubectl' is on PATH; "
        "install kubectl (it includes kustomize) or kustomize"
    )


def _environment() -> dict[str, str]:
    """Only PATH and HOME reach the engine: no proxies, no plugin or config switches."""
    return {key: os.environ[key] for key in ("PATH", "HOME") if key in os.environ}


def build_with_origins(root: str, timeout: float = DEFAULT_TIMEOUT) -> EngineRun:
    """Build ``root`` through a temporary wrapper kustomization that turns on
    ``buildMetadata: [originAnnotations, transformerAnnotations]``: the user's files are
    never edited. kustomize refuses an absolute path as a resource root, so the wrapper
    names the root by a path relative to the temporary directory. No exec/alpha plugins,
    no Helm inflation, the default load restrictor."""
    command = engine_command()
    with tempfile.TemporaryDirectory(prefix="kspm-kustomize-") as wrapper:
        relative = os.path.relpath(os.path.abspath(root), wrapper)
        with open(os.path.join(wrapper, "kustomization.yaml"), "w", encoding="utf-8") as handle:
            handle.write(
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                f"resources:\n  - {json.dumps(relative)}\n"
                "buildMetadata: [originAnnotations, transformerAnnotations]\n"
            )
        full = (*command, wrapper)
        started = time.monotonic()
        try:
            result = subprocess.run(
                full,
                capture_output=True,
                text=True,
                timeout=timeout,
                env=_environment(),
                cwd=wrapper,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return EngineRun(full, "", f"the render did not finish within {timeout:g} s", timeout, wrapper, True)
        seconds = time.monotonic() - started
    if result.returncode != 0:
        return EngineRun(full, "", result.stderr.strip() or f"exit status {result.returncode}", seconds, wrapper)
    return EngineRun(full, result.stdout, "", seconds, wrapper)


def strip_tracking(text: str) -> str:
    """kustomize's output without the tracking annotations: the plain render."""
    return split_tracking(text)[0]


def split_tracking(text: str) -> tuple[str, list[str | None]]:
    """Remove the two tracking annotations from kustomize's output (and an annotations
    map they leave empty), keeping every other byte; also return each document's origin
    annotation text (None when it has none), in document order.

    kustomize prints each object with two-space indentation and sorted keys, so the
    annotations of an object are the ``  annotations:`` line under ``metadata:`` and the
    entries below it at four spaces; a block-scalar value continues at six or more.
    """
    out: list[str] = []
    origins: list[str | None] = [None]
    lines = text.splitlines(keepends=True)
    index = 0
    in_metadata = False
    while index < len(lines):
        line = lines[index]
        if line.startswith("---") and line.rstrip() == "---":
            origins.append(None)
        if not line.startswith(" "):
            in_metadata = line.rstrip() == "metadata:"
        if in_metadata and line.rstrip("\n") == "  annotations:":
            block: list[str] = []
            index += 1
            while index < len(lines) and (lines[index].startswith("    ") or lines[index].strip() == ""):
                block.append(lines[index])
                index += 1
            kept: list[str] = []
            for entry in _entries(block):
                key = entry[0].strip().split(":", 1)[0].strip("'\"")
                if key == ORIGIN_ANNOTATION:
                    origins[-1] = "".join(item[6:] if item.startswith(" " * 6) else item.lstrip() for item in entry[1:])
                if key not in _TRACKING:
                    kept.extend(entry)
            if kept:
                out.append(line)
                out.extend(kept)
            continue
        out.append(line)
        index += 1
    return "".join(out), origins


def _entries(block: list[str]) -> list[list[str]]:
    """The annotation entries of a block: a key line at four spaces and its continuation."""
    entries: list[list[str]] = []
    for item in block:
        if entries and item.startswith("     "):
            entries[-1].append(item)
        else:
            entries.append([item])
    return entries
