"""The peer catalogue: every check of the peer tools, one data file per peer.

``docs/peers/<peer>.yaml`` lists each check of one peer (Checkov, Trivy, kube-linter,
Polaris, Kubescape) with a one-line description and what kspm-lint does about it::

    peer: checkov                 # a key of EQUIVALENT_KEYS
    name: Checkov (Kubernetes framework)
    source: https://...           # where the ids were read, pinned to a commit
    scope: Every check of ...     # optional: what the list includes
    checks:
      - {id: CKV_K8S_16, what: "Container runs privileged", covered-by: [privileged-container]}
      - {id: CKV_K8S_49, what: "...", not-covered: planned, rule: rbac-wildcard}
      - {id: CKV_K8S_8, what: "...", not-covered: not-security, note: "availability"}

A check is either ``covered-by`` kspm-lint rules (which must list it in their
``equivalents``; see ``kspm_lint.report.coverage``) or ``not-covered`` for one of the
fixed ``REASONS``. A ``planned`` check names the rule (or rules) it should become, and
``gap`` says what that rule must do beyond its current description before it covers the
check (such checks are never adopted automatically).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kspm_lint.engine.catalog import EQUIVALENT_KEYS, RULE_ID

# Why a check is not covered. The first two are the checks no file-based linter can decide.
REASONS: dict[str, str] = {
    "needs-live-cluster": "reads a running cluster or node (file modes, versions, process flags)",
    "needs-external-data": "needs data that is not in the manifests (image scan results, registry signatures)",
    "planned": "statically decidable and not built yet; names the kspm-lint rule it should become",
    "declined": "statically decidable, but kspm-lint deliberately does not report it (the note says why)",
    "not-security": "not a security property (availability, style, consistency between objects)",
    "obsolete": "checks an API, flag or tool that Kubernetes or the peer has removed or deprecated",
    "out-of-scope": "specific to a cloud provider or a product, or an image scanner's job",
    "peer-specific": "checks the peer's own configuration",
    "manual": "a review item the peer lists for a person; the peer checks nothing automatically",
}
NOT_DECIDABLE = ("needs-live-cluster", "needs-external-data")
_KEYS = {"id", "what", "covered-by", "not-covered", "rule", "gap", "note"}
MAX_WHAT = 100


class CatalogueError(Exception):
    """A peer file that cannot be used; says which file, which line and why."""

    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}")
        self.file, self.line, self.message = file, line, message


@dataclass(frozen=True)
class PeerCheck:
    id: str
    what: str
    covered_by: tuple[str, ...]      # empty when not covered
    reason: str | None               # a key of REASONS when not covered
    planned: tuple[str, ...]         # the rule ids a planned check should become
    note: str
    line: int                        # where the entry is written in its peer file
    gap: str = ""                    # what the planned rule still lacks to cover the check


@dataclass(frozen=True)
class Peer:
    key: str                         # the rules' equivalents key, e.g. "checkov"
    name: str
    source: str
    path: str
    checks: tuple[PeerCheck, ...]
    scope: str = ""

    def find(self, check_id: str) -> PeerCheck | None:
        return next((c for c in self.checks if c.id == check_id), None)


def _ids(value: Any) -> tuple[str, ...] | None:
    """A rule id or a list of them, as a tuple; None when malformed."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        return None
    if not all(isinstance(i, str) and RULE_ID.match(i) for i in items):
        return None
    return tuple(items)


def load_peer(path: str) -> Peer:
    from kspm_lint.parsing.loader import parse_file

    parsed = parse_file(path)
    if parsed.problems:
        raise CatalogueError(path, parsed.problems[0].span.line, parsed.problems[0].message)
    if len(parsed.documents) != 1 or not isinstance(parsed.documents[0].data, dict):
        raise CatalogueError(path, 1, "a peer file holds exactly one mapping")
    document = parsed.documents[0]
    raw: dict[str, Any] = document.data

    def fail(message: str, *where: Any) -> CatalogueError:
        return CatalogueError(path, document.locate(tuple(where)).line, message)

    for key in ("peer", "name", "source", "checks"):
        if key not in raw:
            raise fail(f"missing required key '{key}'")
    if raw["peer"] not in EQUIVALENT_KEYS:
        raise fail(f"unknown peer '{raw['peer']}' (one of the rules' equivalents keys: "
                   f"{', '.join(EQUIVALENT_KEYS)})", "peer")
    scope = raw.get("scope", "")
    if not isinstance(scope, str):
        raise fail("'scope' must be text", "scope")
    unknown = sorted(set(raw) - {"peer", "name", "source", "scope", "checks"})
    if unknown:
        raise fail(f"unknown key '{unknown[0]}' (known: checks, name, peer, scope, source)", unknown[0])
    if not isinstance(raw["checks"], list) or not raw["checks"]:
        raise fail("'checks' must be a non-empty list", "checks")
    checks: list[PeerCheck] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(raw["checks"]):
        line = document.locate(("checks", index)).line
        check = _check(entry, line, lambda message, *where, i=index: fail(message, "checks", i, *where))
        if check.id in seen:
            raise fail(f"check '{check.id}' is listed twice (first on line {seen[check.id]})", "checks", index)
        seen[check.id] = line
        checks.append(check)
    return Peer(key=raw["peer"], name=str(raw["name"]), source=str(raw["source"]), path=path,
                checks=tuple(checks), scope=scope.strip())


def _check(entry: Any, line: int, fail: Any) -> PeerCheck:
    if not isinstance(entry, dict):
        raise fail("a check is a mapping with 'id', 'what' and 'covered-by' or 'not-covered'")
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise fail(f"unknown key '{unknown[0]}' (known: {', '.join(sorted(_KEYS))})", unknown[0])
    check_id, what = entry.get("id"), entry.get("what")
    if not isinstance(check_id, str) or not check_id.strip():
        raise fail("'id' must be the peer's check id")
    if not isinstance(what, str) or not what.strip() or len(what) > MAX_WHAT:
        raise fail(f"'what' must be a one-line description of at most {MAX_WHAT} characters", "what")
    note, gap = entry.get("note", ""), entry.get("gap", "")
    if not isinstance(note, str):
        raise fail("'note' must be text", "note")
    if not isinstance(gap, str):
        raise fail("'gap' must be text", "gap")
    if ("covered-by" in entry) == ("not-covered" in entry):
        raise fail(f"check '{check_id}' needs exactly one of 'covered-by' and 'not-covered'")
    if "covered-by" in entry:
        rules = _ids(entry["covered-by"])
        if rules is None:
            raise fail("'covered-by' must be a list of kspm-lint rule ids", "covered-by")
        for key in ("rule", "gap"):
            if key in entry:
                raise fail(f"'{key}' is only for planned checks; a covered check has none", key)
        return PeerCheck(check_id, what.strip(), rules, None, (), note, line)
    reason = entry["not-covered"]
    if reason not in REASONS:
        raise fail(f"unknown reason '{reason}' (one of: {', '.join(REASONS)})", "not-covered")
    planned: tuple[str, ...] = ()
    if reason == "planned":
        planned = _ids(entry.get("rule")) or ()
        if not planned:
            raise fail(f"planned check '{check_id}' needs 'rule': the kspm-lint rule id it should become", "rule")
    else:
        for key in ("rule", "gap"):
            if key in entry:
                raise fail(f"'{key}' is only for planned checks", key)
    return PeerCheck(check_id, what.strip(), (), reason, planned, note, line, gap)


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _rule_ids(ids: tuple[str, ...], single_bare: bool) -> str:
    return ids[0] if single_bare and len(ids) == 1 else "[" + ", ".join(ids) + "]"


def format_check(check: PeerCheck) -> str:
    """The entry as one canonical line of its peer file (how the shipped files are written)."""
    parts = [f"id: {check.id}", f"what: {_quoted(check.what)}"]
    if check.covered_by:
        parts.append(f"covered-by: {_rule_ids(check.covered_by, single_bare=False)}")
    else:
        parts.append(f"not-covered: {check.reason}")
        if check.planned:
            parts.append(f"rule: {_rule_ids(check.planned, single_bare=True)}")
        if check.gap:
            parts.append(f"gap: {_quoted(check.gap)}")
    if check.note:
        parts.append(f"note: {_quoted(check.note)}")
    return "  - {" + ", ".join(parts) + "}"


def load_catalogue(directory: str | Path) -> list[Peer]:
    """Every ``*.yaml`` peer file of ``directory``, in file-name order; one file per peer."""
    folder = Path(directory)
    if not folder.is_dir():
        raise CatalogueError(str(directory), 1, "peer catalogue directory does not exist")
    peers: list[Peer] = []
    for path in sorted(folder.glob("*.yaml")):
        peer = load_peer(str(path))
        other = next((p for p in peers if p.key == peer.key), None)
        if other is not None:
            raise CatalogueError(str(path), 1, f"peer '{peer.key}' is already catalogued in {other.path}")
        peers.append(peer)
    return peers
