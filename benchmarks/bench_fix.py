"""How many findings ``kspm-lint --fix --unsafe-fixes`` clears, and how long it takes.

Usage: python benchmarks/bench_fix.py [N ...]   (generated corpus sizes; default: 1000 10000)

Corpora: a copy of examples/, ../shared/corpus/real when present, and generated corpora
of N documents (benchmarks/generate_corpus.py). For each, the real CLI runs in fresh
subprocesses on a temporary copy:

  lint      wall time of a plain lint (text report), for comparison
  json      wall time of ``--format json``, which also computes every finding's fix edits
  before    findings (all rules), and those of rules with an automatic fix
  fix       wall time of ``--fix --unsafe-fixes`` (lint + fix + check + write + re-lint)
  after     findings of a plain lint of the fixed copy
  again     a second ``--diff --unsafe-fixes`` must print nothing (idempotence)
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))
from generate_corpus import generate  # noqa: E402

from kspm_lint.fix.generators import GENERATORS  # noqa: E402


def kspm(directory: Path, config: Path, *args: str) -> tuple[subprocess.CompletedProcess, float]:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "kspm_lint", "--config", str(config), *args, "."],
                            cwd=directory, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode not in (0, 1):
        raise SystemExit(f"kspm-lint {' '.join(args)} failed ({result.returncode}): {result.stderr}")
    return result, elapsed


def findings(directory: Path, config: Path) -> tuple[list[dict], float, dict]:
    result, elapsed = kspm(directory, config, "--format", "json")
    report = json.loads(result.stdout)
    return [f for f in report["findings"] if not f["suppressed"]], elapsed, report["summary"]


def measure(name: str, source: Path | None, size: int | None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "corpus"
        if source is not None:
            shutil.copytree(source, work)
        else:
            generate(work, size)
        config = Path(tmp) / "empty-config.yaml"
        config.write_text("{}\n")
        _, lint_seconds = kspm(work, config, "-q")
        before, json_seconds, summary = findings(work, config)
        fixed_run, fix_seconds = kspm(work, config, "--fix", "--unsafe-fixes", "-q")
        after, _, _ = findings(work, config)
        again, _ = kspm(work, config, "--diff", "--unsafe-fixes")
        match = re.search(r"fixed (\d+) finding\(s\) in (\d+) file\(s\)", fixed_run.stderr)
        fixable = sum(f["rule"] in GENERATORS for f in before)
        return {
            "corpus": name, "files": summary["files"], "resources": summary["resources"],
            "before": len(before), "fixable": fixable, "after": len(after),
            "fixable_after": sum(f["rule"] in GENERATORS for f in after),
            "reported_fixed": int(match.group(1)) if match else 0,
            "files_changed": int(match.group(2)) if match else 0,
            "not_applied": fixed_run.stderr.count("fix not applied"),
            "lint_s": lint_seconds, "json_s": json_seconds, "fix_s": fix_seconds,
            "idempotent": again.stdout == "" and again.returncode == 0,
        }


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 10000]
    corpora: list[tuple[str, Path | None, int | None]] = [("examples/", ROOT / "examples", None)]
    real = ROOT.parent / "shared" / "corpus" / "real"
    if real.is_dir():
        corpora.append(("shared/corpus/real", real, None))
    corpora += [(f"generated {size}", None, size) for size in sizes]
    header = (f"{'corpus':<20} {'files':>6} {'objects':>7} {'before':>7} {'fixable':>7} {'cleared':>7} "
              f"{'after':>6} {'left*':>5} {'n/a':>4} {'lint s':>7} {'json s':>7} {'fix s':>7} {'fix/obj':>8} idem")
    print(header)
    for name, source, size in corpora:
        row = measure(name, source, size)
        per_object = row["fix_s"] / max(row["resources"], 1) * 1000
        print(f"{row['corpus']:<20} {row['files']:>6} {row['resources']:>7} {row['before']:>7} {row['fixable']:>7} "
              f"{row['before'] - row['after']:>7} {row['after']:>6} {row['fixable_after']:>5} "
              f"{row['not_applied']:>4} {row['lint_s']:>7.2f} {row['json_s']:>7.2f} {row['fix_s']:>7.2f} "
              f"{per_object:>6.2f}ms "
              f"{'yes' if row['idempotent'] else 'NO'}")
    print("* findings of rules that have an automatic fix still reported after --fix --unsafe-fixes "
          "(n/a: fixes refused, with the reason on stderr)")


if __name__ == "__main__":
    main()
