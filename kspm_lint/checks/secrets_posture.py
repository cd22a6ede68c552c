"""Secrets at rest: Secret values committed to Git, and an EncryptionConfiguration that
leaves Secrets in etcd in plain text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kspm_lint.checks import template
from kspm_lint.checks.hardening import is_placeholder
from kspm_lint.engine.context import CheckContext, Violation

WHY = {"stringData": "stringData is plain text", "data": "base64 is an encoding, not encryption"}


def sops_encrypted(data: dict[str, Any]) -> bool:
    """SOPS writes a top-level ``sops`` block with the MAC and the time it encrypted."""
    block = data.get("sops")
    return isinstance(block, dict) and ("mac" in block or "lastmodified" in block)


def _filled(values: Any) -> list[str]:
    """Keys with a value; a placeholder is none (and cannot be base64: it has <, $, { or _)."""
    if not isinstance(values, dict):
        return []
    return [str(key) for key, value in values.items()
            if value not in (None, "") and not (isinstance(value, str) and is_placeholder(value))]


@template("secret-committed", "resource", "Secret values committed to the repository.")
def secret_committed(ctx: CheckContext) -> Iterator[Violation]:
    resource = ctx.resource
    if resource.kind != "Secret" or resource.api_version != "v1" or sops_encrypted(resource.data):
        return
    for field in ("stringData", "data"):
        keys = _filled(resource.data.get(field))
        if not keys:
            continue
        others = _filled(resource.data.get("data")) if field == "stringData" else []
        total = len(dict.fromkeys(keys + others))
        shown = ", ".join(keys[:5]) + (", ..." if len(keys) > 5 else "")
        yield Violation((field, keys[0]),
                        f"Secret '{resource.name}' commits {total} value{'s' if total != 1 else ''} to the "
                        f"repository ({field}: {shown}); {WHY[field]}",
                        at=(field, keys[0]))
        return


def _covers_secrets(entry: dict[str, Any]) -> bool:
    resources = entry.get("resources")
    return isinstance(resources, list) and any(r in ("secrets", "*.", "*.*") for r in resources)


@template("encryption-at-rest-disabled", "resource", "Secrets not encrypted at rest.")
def encryption_at_rest_disabled(ctx: CheckContext) -> Iterator[Violation]:
    resource = ctx.resource
    if resource.kind != "EncryptionConfiguration":
        return
    entries = resource.data.get("resources")
    entries = entries if isinstance(entries, list) else []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or not _covers_secrets(entry):
            continue
        providers = entry.get("providers")
        first = providers[0] if isinstance(providers, list) and providers else None
        if isinstance(first, dict) and "identity" in first:
            yield Violation(("resources", index, "providers", 0),
                            "EncryptionConfiguration writes Secrets with the 'identity' provider first: "
                            "new and updated Secrets are stored in etcd in plain text")
        return  # the first entry that matches secrets is the one the API server uses
    yield Violation(("resources",), "EncryptionConfiguration does not cover secrets: they are stored in etcd "
                                    "in plain text", at=("resources",) if "resources" in resource.data else ())
