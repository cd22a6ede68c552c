"""Lint throughput: documents/second and peak memory for generated corpora.

Usage: python benchmarks/bench_lint.py [N ...]   (default: 1000 10000)

Each size and output format runs the real CLI in a fresh subprocess (so start-up and
imports count) and reports wall time, docs/s, findings and peak RSS. ``text`` is the
plain report; ``json`` and ``sarif`` also compute every finding's automatic fix.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_corpus import generate

FORMATS = ("text", "json", "sarif")
def run_once(directory: Path, fmt: str) -> tuple[float, int, float]:
    """(seconds, findings, peak MiB of the kspm-lint process tree)."""
    out = directory.parent / f"out.{fmt}"
    command = [sys.executable, "-m", "kspm_lint", "--format", fmt, "--output", str(out), str(directory)]
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    stderr = child.stderr.read() if child.stderr else ""
    _, _, usage = os.wait4(child.pid, 0)  # peak RSS as the kernel reports it for this child
    elapsed = time.perf_counter() - started
    child.returncode = 0
    text = out.read_text()
    if fmt == "text":
        findings = sum(1 for line in text.splitlines() if line.startswith("  ") and ": " in line)
    elif fmt == "json":
        findings = len(json.loads(text)["findings"])
    else:
        findings = len(json.loads(text)["runs"][0]["results"])
    if not text:
        raise SystemExit(f"kspm-lint wrote nothing: {stderr}")
    return elapsed, findings, usage.ru_maxrss / 1024


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 10000]
    print(f"{'docs':>7} {'files':>6} {'format':>6} {'seconds':>8} {'docs/s':>8} {'findings':>9} {'peak MiB':>9}")
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            corpus = Path(tmp) / "corpus"
            files = generate(corpus, size)
            for fmt in FORMATS:
                elapsed, findings, peak = run_once(corpus, fmt)
                print(f"{size:>7} {len(files):>6} {fmt:>6} {elapsed:>8.2f} {size / elapsed:>8.0f} {findings:>9} "
                      f"{peak:>9.1f}")


if __name__ == "__main__":
    main()
