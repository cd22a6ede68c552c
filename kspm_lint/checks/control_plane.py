"""Control-plane static Pods: recognise kube-apiserver, kube-controller-manager,
kube-scheduler and etcd by their container command, read their flags, and judge one
flag per rule (the rule file says which flag and what is wrong with it).

Flags are read the way the components read them (spf13/pflag, and Go's flag package
for etcd): ``--flag=value`` and ``--flag value`` (but a boolean flag never takes the
next word: ``--profiling false`` turns profiling on), a bare ``--flag`` for a boolean,
the last occurrence wins, list flags (``--enable-admission-plugins``) accumulate, and
etcd also reads ``ETCD_<FLAG>`` environment variables (a flag wins over the variable).
A ``sh -c`` script is split into words; its findings point at the script.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kspm_lint.checks import template
from kspm_lint.checks.settings import judge
from kspm_lint.engine.context import CheckContext, Violation
from kspm_lint.engine.parameters import Parameter
from kspm_lint.location import Path
from kspm_lint.workload import Container

COMPONENTS = ("kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd")
_HYPERKUBE = {"apiserver": "kube-apiserver", "controller-manager": "kube-controller-manager",
              "scheduler": "kube-scheduler", **{name: name for name in COMPONENTS}}
_SHELLS = {"sh", "bash", "ash", "dash", "zsh"}
_SCRIPT_ENDS = {"&&", "||", ";", "|", "&"}


@dataclass(frozen=True)
class Word:
    """One word of the command line and the command/args item it is written in."""

    text: str
    path: Path


@dataclass(frozen=True)
class Written:
    """A flag as the component reads it: its value (None for a bare flag) and where."""

    value: Any
    path: Path
    source: str  # "flag" or "env"


@dataclass
class Invocation:
    """A control-plane component started by a container."""

    component: str
    container: Container
    words: list[Word]  # the arguments after the binary
    anchor: Path  # the command or args list: where a missing flag would be added

    def lookup(self, flag: str, boolean: bool = False, accumulate: bool = False,
               env: bool = False) -> Written | None:
        """The flag's effective setting, or None when it is not written."""
        found: list[Written] = []
        words = self.words
        index = 0
        while index < len(words):
            word = words[index]
            index += 1
            name, value = _flag_of(word.text, single_dash=self.component == "etcd")
            if name != flag:
                continue
            if value is None and not boolean and index < len(words) and not words[index].text.startswith("-"):
                value = words[index].text
                index += 1
            if value is None and boolean:
                value = "true"
            found.append(Written(value, word.path, "flag"))
        if found:
            if accumulate:
                items = [str(w.value) for w in found if w.value is not None]
                return Written(",".join(items), found[-1].path, "flag")
            return found[-1]
        if env:
            return self._env(flag)
        return None

    def _env(self, flag: str) -> Written | None:
        wanted = "ETCD_" + flag.upper().replace("-", "_")
        entries = self.container.data.get("env")
        if not isinstance(entries, list):
            return None
        for index, entry in enumerate(entries):
            if isinstance(entry, dict) and entry.get("name") == wanted:
                path = self.container.path + ("env", index)
                if "value" in entry:
                    return Written(entry.get("value"), path + ("value",), "env")
                return Written(None, path, "env")  # valueFrom: not known here
        return None


def _flag_of(text: str, single_dash: bool) -> tuple[str | None, str | None]:
    if text.startswith("--"):
        body = text[2:]
    elif single_dash and text.startswith("-") and len(text) > 2:
        body = text[1:]
    else:
        return None, None
    if "=" in body:
        name, value = body.split("=", 1)
        return name, value
    return body, None


def _words(container: Container, key: str) -> list[Word]:
    items = container.data.get(key)
    if not isinstance(items, list):
        return []
    return [Word(str(item), container.path + (key, index)) for index, item in enumerate(items)
            if isinstance(item, (str, int, float))]


def _basename(text: str) -> str:
    return text.rsplit("/", 1)[-1]


def invocation_of(container: Container) -> Invocation | None:
    """The control-plane component ``container`` runs, if it runs one."""
    command, args = _words(container, "command"), _words(container, "args")
    words = command + args
    anchor = container.path + ("args",) if args else container.path + ("command",)
    if not words:
        return None
    first = _basename(words[0].text)
    if first in COMPONENTS:
        return Invocation(first, container, words[1:], anchor)
    if first == "hyperkube" and len(words) > 1 and _basename(words[1].text) in _HYPERKUBE:
        return Invocation(_HYPERKUBE[_basename(words[1].text)], container, words[2:], anchor)
    if first in _SHELLS and len(words) > 2 and words[1].text == "-c":
        return _from_script(container, words[2])
    return None


def _from_script(container: Container, script: Word) -> Invocation | None:
    try:
        parts = shlex.split(script.text, comments=True)
    except ValueError:
        return None
    for index, part in enumerate(parts):
        if _basename(part) in COMPONENTS:
            tail: list[Word] = []
            for word in parts[index + 1:]:
                if word in _SCRIPT_ENDS:
                    break
                tail.append(Word(word, script.path))
            return Invocation(_basename(part), container, tail, script.path)
    return None


_last: tuple[Any, list[Invocation]] | None = None  # (pod data, its invocations): ~45 rules read one pod


def invocations(ctx: CheckContext) -> list[Invocation]:
    global _last
    if ctx.pod is None:
        return []
    if _last is not None and _last[0] is ctx.pod.data:
        return _last[1]
    found = [i for i in (invocation_of(c) for c in ctx.pod.containers()) if i is not None]
    _last = (ctx.pod.data, found)
    return found


@template('control-plane-flag', 'pod',
          'A flag of a control-plane static Pod judged against its secure values.',
          Parameter('component', 'string', 'The binary the rule is about (kube-apiserver, etcd, ...).', None),
          Parameter('flag', 'value', 'The flag (or flags, first found wins) the rule judges.', None),
          Parameter('required', 'boolean', 'The setting must be given.', None),
          Parameter('env', 'boolean', 'Also read ETCD_* environment variables (etcd).', None),
          Parameter('config-flag', 'value', 'A flag naming a config file that may set this one instead.', None),
          Parameter('why', 'string', 'Why the setting matters, appended to the message.', None),
          Parameter('default', 'value', 'The value the component applies when the setting is absent.', None),
          Parameter('allowed', 'value', 'The only values allowed.', None),
          Parameter('boolean', 'boolean', 'The flag is a boolean (never takes the next word).', None),
          Parameter('forbidden', 'value', 'Values that are findings.', None),
          Parameter('list', 'boolean', 'The flag is a list that accumulates over repeats.', None),
          Parameter('only-items', 'value', 'The only items a list value may hold.', None),
          Parameter('must-include', 'value', 'Items a list value must hold.', None),
          Parameter('must-not-include', 'value', 'Items a list value must not hold.', None),
          Parameter('min', 'integer', 'The smallest acceptable number.', None),
          Parameter('zero-means-unlimited', 'boolean', '0 means no limit, which passes a minimum.', None),
          Parameter('only-with', 'value', 'Judge only when this other flag is set.', None),
          Parameter('forbid-set', 'boolean', 'Setting it at all is a finding.', None))
def control_plane_flag(ctx: CheckContext) -> Iterator[Violation]:
    """Flags of one component, judged by the rule's parameters (see checks.settings).

    ``flag`` is one flag or a list (each judged alone); ``config-flag`` names flags
    (a configuration file) that may set a missing one, and ``only-with`` flags without
    which the setting does not matter (audit log rotation without an audit log)."""
    params = ctx.params
    component = params["component"]
    flags = _names(params["flag"])
    for found in invocations(ctx):
        if found.component != component:
            continue
        if any(found.lookup(other) is None for other in _names(params.get("only-with", []))):
            continue
        configured = any(found.lookup(other) is not None for other in _names(params.get("config-flag", [])))
        for flag in flags:
            violation = _judge_flag(found, flag, configured, params)
            if violation is not None:
                yield violation


def _judge_flag(found: Invocation, flag: str, configured: bool, params: dict[str, Any]) -> Violation | None:
    written = found.lookup(flag, boolean=bool(params.get("boolean")),
                           accumulate=bool(params.get("list")), env=bool(params.get("env")))
    if written is not None and written.value is None:
        return None  # set from elsewhere (valueFrom): not decidable here
    if written is None and configured:
        return None  # a configuration file may set it
    verdict = judge(f"--{flag}", written.value if written else None, written is not None, params)
    if verdict is None:
        return None
    where = written.path if written is not None else found.anchor
    via = f" (through {_env_name(flag)})" if written is not None and written.source == "env" else ""
    return Violation(where, f"{found.component} {verdict.reason}{via}: {params['why']}", found.container.name)


def _names(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)] if value else []


def _env_name(flag: str) -> str:
    return "ETCD_" + flag.upper().replace("-", "_")
