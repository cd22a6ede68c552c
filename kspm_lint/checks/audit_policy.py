"""Audit Policy files (audit.k8s.io/v1 Policy). The API server applies the first rule
that matches a request, so a rule only matters when no earlier rule already matches
every request it could match."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kspm_lint.checks import template
from kspm_lint.engine.context import CheckContext, Violation
from kspm_lint.engine.parameters import Parameter

_BODY_LEVELS = ("Request", "RequestResponse")
_RECORDING = ("Metadata", "Request", "RequestResponse")
_CONDITIONS = ("users", "userGroups", "verbs", "namespaces")


def is_audit_policy(data: dict[str, Any]) -> bool:
    return data.get("kind") == "Policy" and str(data.get("apiVersion", "")).startswith("audit.k8s.io/")


def _rules(data: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    rules = data.get("rules")
    if not isinstance(rules, list):
        return []
    return [(index, rule) for index, rule in enumerate(rules) if isinstance(rule, dict)]


def _selects(rule: dict[str, Any], group: str, resource: str) -> tuple[bool, bool]:
    """(the rule can match requests on the resource, it matches all of them)."""
    if rule.get("nonResourceURLs") and "resources" not in rule:
        return False, False
    unconditional = not any(rule.get(key) for key in _CONDITIONS)
    selectors = rule.get("resources")
    if not selectors:  # no resources: every resource
        return True, unconditional
    can = every = False
    for selector in selectors if isinstance(selectors, list) else []:
        if not isinstance(selector, dict) or str(selector.get("group") or "") not in (group, "*"):
            continue
        names = selector.get("resources")
        if names and not any(name in (resource, "*", "*/*") or str(name).startswith(resource + "/")
                             for name in names):
            continue
        can = True
        whole = not names or any(name in (resource, "*", "*/*") for name in names)
        every = every or (whole and not selector.get("resourceNames"))
    return can, can and every and unconditional


@template('audit-policy-secrets-body', 'resource',
          'Audit Policy rules that log request or response bodies of sensitive resources.',
          Parameter('resources', 'value', 'Resources whose bodies must not be logged.', None))
def audit_policy_sensitive_body(ctx: CheckContext) -> Iterator[Violation]:
    data = ctx.resource.data
    if not is_audit_policy(data):
        return
    rules = _rules(data)
    leaks: dict[int, list[str]] = {}  # rule index -> what it leaks
    for entry in ctx.params.get("resources", []):
        group, resource = str(entry.get("group") or ""), str(entry["resource"])
        shown = f"{group}/{resource}" if group else resource
        for index, rule in rules:
            can, every = _selects(rule, group, resource)
            if not can:
                continue
            if rule.get("level") in _BODY_LEVELS:
                leaks.setdefault(index, []).append(f"{shown} ({entry['what']})")
                break
            if every:
                break  # every later rule is unreachable for this resource
    by_index = dict(rules)
    for index in sorted(leaks):
        level = by_index[index]["level"]
        yield Violation(("rules", index, "level"),
                        f"audit rule {index + 1} records {', '.join(leaks[index])} at level {level}: "
                        "the request and response bodies are written into the audit log")


@template('audit-policy-no-catch-all', 'resource',
          'Audit Policy without a final rule recording every other request.')
def audit_policy_catch_all(ctx: CheckContext) -> Iterator[Violation]:
    data = ctx.resource.data
    if not is_audit_policy(data):
        return
    for index, rule in _rules(data):
        if any(rule.get(key) for key in (*_CONDITIONS, "resources", "nonResourceURLs")):
            continue
        level = rule.get("level")
        if level not in _RECORDING:
            yield Violation(("rules", index, "level"),
                            f"audit rule {index + 1} matches every remaining request at level {level}: "
                            "requests no earlier rule matched leave no audit record")
        return
    yield Violation(("rules",), "no audit rule matches every remaining request: requests that no rule "
                                "matches are not recorded; end the rules with '- level: Metadata'")
