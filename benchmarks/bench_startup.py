"""Wall time of ``kspm-lint one-file.yaml``: what a pre-commit hook adds to every commit.

Uses hyperfine when it is on PATH (``apt-get install hyperfine``), otherwise a plain
timing loop. Usage: ``python benchmarks/bench_startup.py [--runs N] [FILE]``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILE = ROOT / "examples" / "insecure" / "web-deployment.yaml"


def kspm_lint_command() -> list[str]:
    script = Path(sys.executable).parent / "kspm-lint"
    return [str(script)] if script.exists() else [sys.executable, "-m", "kspm_lint"]


def with_hyperfine(command: list[str], runs: int) -> dict[str, float]:
    with tempfile.NamedTemporaryFile(suffix=".json") as export:
        subprocess.run(["hyperfine", "--shell=none", "--warmup", "3", "--runs", str(runs), "--ignore-failure",
                        "--style", "none", "--export-json", export.name, " ".join(command)],
                       check=True, capture_output=True)
        result = json.loads(Path(export.name).read_text())["results"][0]
    return {"mean_ms": result["mean"] * 1000, "median_ms": result["median"] * 1000,
            "min_ms": result["min"] * 1000, "stddev_ms": result["stddev"] * 1000}


def with_loop(command: list[str], runs: int) -> dict[str, float]:
    times: list[float] = []
    for number in range(runs + 3):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True)
        if number >= 3:  # warm-up runs fill the page cache
            times.append(time.perf_counter() - start)
    return {"mean_ms": statistics.mean(times) * 1000, "median_ms": statistics.median(times) * 1000,
            "min_ms": min(times) * 1000, "stddev_ms": statistics.pstdev(times) * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=str(DEFAULT_FILE))
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    command = [*kspm_lint_command(), "--no-color", args.file]
    tool = "hyperfine" if shutil.which("hyperfine") and " " not in "".join(command) else "loop"
    stats = with_hyperfine(command, args.runs) if tool == "hyperfine" else with_loop(command, args.runs)
    print(f"kspm-lint {Path(args.file).name}: mean {stats['mean_ms']:.1f} ms, median {stats['median_ms']:.1f} ms, "
          f"min {stats['min_ms']:.1f} ms, stddev {stats['stddev_ms']:.1f} ms ({args.runs} runs, {tool})")


if __name__ == "__main__":
    main()
