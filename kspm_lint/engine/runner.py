"""Run selected rules over parsed files and produce findings."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from kspm_lint.engine import suppressions as sup
from kspm_lint.engine.catalog import Rule
from kspm_lint.engine.context import CheckContext, Violation
from kspm_lint.findings import Finding, ResourceRef, Severity
from kspm_lint.parsing.document import ParsedFile
from kspm_lint.resources import Resource, resources_of
from kspm_lint.workload import pod_spec_of


@dataclass
class LintOptions:
    parameters: dict[str, dict[str, Any]] = field(default_factory=dict)
    inline_suppressions: bool = True
    config_ignores: list[dict[str, Any]] = field(default_factory=list)
    config_file: str | None = None  # where config_ignores are written (for stale reports)
    config_line: Callable[[int], int] | None = None


class Linter:
    """Holds the selected rules; lints one parsed file at a time."""

    def __init__(self, rules: Iterable[Rule], known: Iterable[str], options: LintOptions | None = None):
        self.rules = list(rules)
        self.ran = {rule.id for rule in self.rules}
        self.known = set(known)
        self.options = options or LintOptions()
        self.by_id = {rule.id: rule for rule in self.rules}
        self.checked = [r for r in self.rules if r.evaluate is not None]
        self.params = {r.id: {**r.parameters, **self.options.parameters.get(r.id, {})} for r in self.rules}
        self.config_suppressions = sup.config_suppressions(
            self.options.config_ignores, self.options.config_file, self.options.config_line)

    def severity(self, rule_id: str) -> Severity:
        return self.by_id[rule_id].severity

    def lint_file(self, parsed: ParsedFile) -> tuple[list[Finding], int, int]:
        """(findings, resources linted, non-Kubernetes documents skipped)."""
        findings: list[Finding] = []
        for problem in parsed.problems:
            if problem.rule in self.ran:
                related = [{"file": parsed.path, "span": span, "message": what} for span, what in problem.related]
                findings.append(Finding(problem.rule, self.severity(problem.rule), problem.message,
                                        parsed.path, problem.span, extra={"related": related} if related else {}))
        resources, skipped = resources_of(parsed)
        suppressions: list[sup.Suppression] = []
        inline = self.options.inline_suppressions
        if inline:
            suppressions.extend(sup.comment_suppressions(parsed))
        for resource in resources:
            findings.extend(self._lint_resource(resource))
            if inline:
                suppressions.extend(sup.annotation_suppressions(resource))
        sup.apply(findings, suppressions)
        if "unused-suppression" in self.ran:
            for suppression, rule, why in sup.unused(suppressions, self.ran, self.known):
                findings.append(Finding(
                    "unused-suppression", self.severity("unused-suppression"),
                    f"suppression of '{rule}' {why}; remove it", parsed.path, suppression.span,
                ))
        return findings, len(resources), skipped

    def _lint_resource(self, resource: Resource) -> list[Finding]:
        ref = ResourceRef(resource.kind, resource.namespace, resource.name)
        found: list[Finding] = []
        pod = pod_spec_of(resource)
        for rule in self.checked:
            ctx = CheckContext(resource, self.params[rule.id], pod, True)
            try:
                violations = list(rule.evaluate(ctx))
            except Exception as exc:  # one odd object must not end the run
                if "check-error" in self.ran:
                    found.append(self._check_error(resource, ref, rule, exc))
                continue
            for violation in violations:
                found.append(Finding(
                    rule=rule.id,
                    severity=self.severity(rule.id),
                    message=violation.message,
                    file=resource.file.path,
                    span=resource.locate(violation.at if violation.at is not None else violation.path),
                    resource=ref,
                    container=violation.container,
                    path=resource.base + violation.path,
                    document_index=resource.document.index,
                    extra=self._extra(resource, violation),
                ))
        return found

    @staticmethod
    def _extra(resource: Resource, violation: Violation) -> dict[str, Any]:
        extra: dict[str, Any] = {"base": resource.base}
        if violation.related:
            extra["related"] = [{"file": resource.file.path, "span": resource.locate(path), "message": what}
                                for path, what in violation.related]
        return extra

    def _check_error(self, resource: Resource, ref: ResourceRef, rule: Rule, exc: Exception) -> Finding:
        return Finding(
            rule="check-error", severity=self.severity("check-error"),
            message=f"rule '{rule.id}' failed on this object ({type(exc).__name__}: {exc}); "
                    "the other rules still ran. Please report this with the manifest.",
            file=resource.file.path, span=resource.locate(()), resource=ref, path=resource.base,
            document_index=resource.document.index, extra={"base": resource.base},
        )

    def finish(self, findings: list[Finding], judge_config_ignores: bool = False) -> None:
        """Apply config-side ignores across all files (they are not tied to one file).

        Stale ones are reported only when ``judge_config_ignores``: a run over a few files
        (pre-commit, --changed-since) cannot tell that an ignore matches nothing anywhere.
        """
        sup.apply(findings, self.config_suppressions)
        if not judge_config_ignores or "unused-suppression" not in self.ran:
            return
        for suppression, rule, why in sup.unused(self.config_suppressions, self.ran, self.known):
            if suppression.file is not None and suppression.span is not None:
                findings.append(Finding(
                    "unused-suppression", self.severity("unused-suppression"),
                    f"config ignore of '{rule}' {why}; remove it", suppression.file, suppression.span,
                ))
