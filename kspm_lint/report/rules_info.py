"""``--list-rules``, ``--list-templates`` and ``--explain``: what each rule checks, why,
how to fix it, and where its check and fix are defined."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable

from kspm_lint.engine.catalog import Rule
from kspm_lint.engine.context import CheckTemplate
from kspm_lint.engine.parameters import Parameter


def fix_label(rule: Rule) -> str:
    safety = rule.fix_safety
    return safety if safety in ("safe", "unsafe") else "-"


def list_rules(rules: list[Rule], fmt: str = "text") -> str:
    if fmt == "json":
        rows = [
            {"id": r.id, "severity": r.severity.label, "category": r.category, "fix": fix_label(r),
             "title": r.title, "pss": r.pss_level}
            for r in rules
        ]
        return json.dumps(rows, indent=2) + "\n"
    width = max((len(r.id) for r in rules), default=10)
    lines = [f"{'RULE':<{width}}  {'SEVERITY':<8}  {'CATEGORY':<18}  {'FIX':<6}  TITLE"]
    for rule in rules:
        lines.append(f"{rule.id:<{width}}  {rule.severity.label:<8}  {rule.category:<18}  "
                     f"{fix_label(rule):<6}  {rule.title}")
    return "\n".join(lines) + "\n"


def _framework_lines(rule: Rule) -> list[str]:
    lines: list[str] = []
    pss = rule.frameworks.get("pss")
    if isinstance(pss, dict):
        lines.append(f"  Pod Security Standards: {pss.get('level')} ({pss.get('control', '')})")
    labels = {"cis": "CIS Kubernetes Benchmark", "nsa": "NSA/CISA hardening guide", "mitre": "MITRE ATT&CK"}
    for key, label in labels.items():
        value = rule.frameworks.get(key)
        if value:
            lines.append(f"  {label}: {', '.join(map(str, value)) if isinstance(value, list) else value}")
    for tool, ids in rule.equivalents.items():
        if ids:
            lines.append(f"  {tool}: {', '.join(map(str, ids)) if isinstance(ids, list) else ids}")
    return lines


def explain(rule: Rule) -> str:
    def block(text: str) -> str:
        paragraphs = text.strip().split("\n\n")
        out = []
        for paragraph in paragraphs:
            if paragraph.startswith((" ", "-", "`")) or "\n " in paragraph or ":\n" in paragraph:
                out.append(textwrap.indent(paragraph, "  "))
            else:
                out.append(textwrap.fill(" ".join(paragraph.split()), width=88,
                                         initial_indent="  ", subsequent_indent="  "))
        return "\n\n".join(out)

    lines = [f"{rule.id}: {rule.title}", "",
             f"  severity: {rule.severity.label}    category: {rule.category}    check: {rule.check_kind}",
             "", "What and why:", block(rule.description), "", "How to fix:", block(rule.remediation), ""]
    if rule.fix:
        safety = rule.fix.get("safety")
        heading = {"safe": "Automatic fix (safe: applied by --fix)",
                   "unsafe": "Automatic fix (unsafe: applied by --fix --unsafe-fixes)",
                   "none": "Automatic fix: none"}.get(str(safety), "Automatic fix")
        lines += [heading + ":", block(rule.fix.get("description", "")), ""]
    if rule.parameters:
        lines.append("Parameters (override in config under parameters.<rule>):")
        described = {p.name: p for p in rule.schema}
        for key, value in rule.parameters.items():
            parameter = described.get(key)
            kind = f" ({parameter.type_label()})" if parameter else ""
            lines.append(f"  {key}{kind}: {json.dumps(value)}")
            if parameter and rule.template is not None:
                lines.append(f"      {parameter.description}")
        lines.append("")
    framework = _framework_lines(rule)
    if framework:
        lines += ["Mappings:", *framework, ""]
    if rule.references:
        lines += ["References:", *(f"  {ref}" for ref in rule.references), ""]
    lines.append(f"Defined in {rule.source}")
    lines.append(f"  check: {rule.check_origin}")
    lines.append(f"  fix: {rule.fixer.defined_in if rule.fixer else 'none'}")
    return "\n".join(lines) + "\n"


def default_text(parameter: Parameter) -> str:
    return "required" if parameter.required else json.dumps(parameter.default)


def parameter_row(parameter: Parameter) -> dict[str, object]:
    return {"name": parameter.name, "type": parameter.type, "placeholders": list(parameter.placeholders),
            "required": parameter.required, "default": None if parameter.required else parameter.default,
            "description": parameter.description}


def list_templates(templates: Iterable[CheckTemplate], rules: Iterable[Rule], fmt: str = "text") -> str:
    """Each Python check template: scope, parameters and the rules that instantiate it."""
    templates = sorted(templates, key=lambda t: t.name)
    used: dict[str, list[str]] = {}
    for rule in rules:
        if rule.template is not None:
            used.setdefault(rule.template.name, []).append(rule.id)
    if fmt == "json":
        rows = [{"name": t.name, "scope": t.scope, "description": t.description, "module": t.module,
                 "parameters": [parameter_row(p) for p in t.parameters], "rules": sorted(used.get(t.name, []))}
                for t in templates]
        return json.dumps(rows, indent=2) + "\n"
    lines: list[str] = []
    for t in templates:
        lines.append(f"{t.name}  (scope: {t.scope}; {t.module})")
        lines.append(f"  {t.description}")
        for p in t.parameters:
            lines.append(f"  - {p.name} ({p.type_label()}, default: {default_text(p)}): {p.description}")
        lines.append(f"  rules: {', '.join(sorted(used.get(t.name, []))) or 'none'}")
        lines.append("")
    return "\n".join(lines)
