"""Golden files: each fix on a file full of formatting quirks, byte for byte.

Each ``golden/<case>/`` holds ``input.*``, the exact ``expected.*`` after
``kspm-lint --fix`` with the arguments in ``args.txt`` (one per line), and optionally
``stderr.txt``: lines the run must print. A second ``--fix`` must change nothing.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kspm_lint.fix.generators import GENERATORS

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir())


def _case(name: str) -> tuple[Path, Path, list[str]]:
    folder = GOLDEN / name
    source = next(folder.glob("input.*"))
    expected = folder / f"expected{source.suffix}"
    args = (folder / "args.txt").read_text().split()
    return source, expected, args


@pytest.mark.parametrize("name", CASES)
def test_fix_output_is_exactly_the_golden_file(name, cli, tmp_path):
    source, expected, args = _case(name)
    target = tmp_path / f"{name}{source.suffix}"
    shutil.copyfile(source, target)

    first = cli("--fix", *args, target.name)
    assert first.exit_code in (0, 1), first.output
    assert target.read_bytes() == expected.read_bytes()
    notes = GOLDEN / name / "stderr.txt"
    if notes.exists():
        for line in notes.read_text().splitlines():
            assert line in first.stderr

    again = cli("--fix", *args, target.name)
    assert target.read_bytes() == expected.read_bytes(), "a second --fix changed the file"
    assert "fixed" not in again.stderr


def _selected(args: list[str]) -> list[str]:
    rules = args[args.index("--select") + 1].split(",") if "--select" in args else sorted(GENERATORS)
    return rules if "--unsafe-fixes" in args else [r for r in rules if GENERATORS[r][1] == "safe"]


@pytest.mark.parametrize("name", CASES)
def test_relint_after_fix_reports_no_fixed_rule(name, cli, tmp_path):
    """Only the findings the run said it could not fix (stderr.txt) may remain."""
    source, _, args = _case(name)
    target = tmp_path / f"{name}{source.suffix}"
    shutil.copyfile(source, target)
    cli("--fix", *args, target.name)
    result = cli("--format", "json", "--select", ",".join(_selected(args)), target.name)
    notes = GOLDEN / name / "stderr.txt"
    expected_left = notes.read_text() if notes.exists() else ""
    remaining = [f"{f['rule']} at line {f['line']}:" for f in json.loads(result.stdout)["findings"]]
    assert [r for r in remaining if r not in expected_left] == []
    assert len(remaining) == expected_left.count("fix not applied")


def test_golden_inputs_keep_their_quirks():
    """Guard against an editor or a hook normalising the very bytes the cases test."""
    assert b"\r\n" in (GOLDEN / "proc-mount-crlf" / "input.yaml").read_bytes()
    assert not (GOLDEN / "privileged-no-final-newline" / "input.yaml").read_bytes().endswith(b"\n")
    assert (GOLDEN / "bom-seccomp-pod" / "input.yaml").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (GOLDEN / "bom-seccomp-pod" / "expected.yaml").read_bytes().startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in (GOLDEN / "proc-mount-crlf" / "expected.yaml").read_bytes()
    assert b"\n" not in (GOLDEN / "proc-mount-crlf" / "expected.yaml").read_bytes().replace(b"\r\n", b"")


def test_every_shipped_fix_has_its_own_golden_case():
    covered = set()
    for name in CASES:
        _, _, args = _case(name)
        if "--select" in args:
            covered |= set(args[args.index("--select") + 1].split(","))
    assert set(GENERATORS) <= covered
