"""Lint throughput: documents/second and peak memory for generated corpora.

Usage: python benchmarks/bench_lint.py [N ...]   (default: 1000 10000)

Each size runs the real CLI in a fresh subprocess (so start-up and imports count)
and reports wall time, docs/s, findings and the child's peak RSS.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_corpus import generate


def run_once(directory: Path) -> tuple[float, int, int]:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "kspm_lint", "--format", "json", str(directory)],
        capture_output=True, text=True, check=False,
    )
    elapsed = time.perf_counter() - started
    if result.returncode not in (0, 1):
        raise SystemExit(f"kspm-lint failed ({result.returncode}): {result.stderr}")
    data = json.loads(result.stdout)
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, len(data["findings"]), peak_kib


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 10000]
    print(f"{'docs':>7} {'files':>6} {'seconds':>8} {'docs/s':>8} {'findings':>9} {'peak MiB':>9}")
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            files = generate(Path(tmp), size)
            elapsed, findings, peak_kib = run_once(Path(tmp))
            print(f"{size:>7} {len(files):>6} {elapsed:>8.2f} {size / elapsed:>8.0f} {findings:>9} "
                  f"{peak_kib / 1024:>9.1f}")


if __name__ == "__main__":
    main()
