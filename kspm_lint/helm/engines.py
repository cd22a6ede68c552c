"""The two Helm engines, started as users have them: the ``helm`` binary on PATH, else
the helm-python-sdk package. Each render runs in a child process with a timeout, an
empty environment (a private HOME for the binary) and no network access asked for."""

from __future__ import annotations

import atexit
import importlib.util
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from typing import Any

from kspm_lint.helm.markers import trim_documents
from kspm_lint.helm.options import EngineResult, HelmOptions

NO_ENGINE = (
    "cannot render Helm charts: the helm binary is not on PATH and the helm-python-sdk "
    "package is not installed; install Helm (https://helm.sh/docs/intro/install/) or "
    "run: pip install 'kspm-lint[helm]'"
)
_WORKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_pyworker.py")
_SOURCE = re.compile(r"^# Source: (\S.*?)\s*$", re.M)


@dataclass(frozen=True)
class RenderJob:
    """One render: a chart directory (maybe a marked copy) and the values given to it."""

    chart_dir: str
    values: dict[str, Any]
    marked: bool = False


def choose_engine(requested: str | None = None) -> str | None:
    """``helm`` when the binary is on PATH, else ``helm_python`` when installed, else None."""
    if requested in ("helm", "helm_python"):
        return requested if _available(requested) else None
    for name in ("helm", "helm_python"):
        if _available(name):
            return name
    return None


def _available(name: str) -> bool:
    if name == "helm":
        return shutil.which("helm") is not None
    return importlib.util.find_spec("helm_python") is not None


def run_jobs(engine: str, jobs: list[RenderJob], options: HelmOptions) -> list[EngineResult]:
    """Render every job with ``engine``; one result per job, in order."""
    if engine == "helm":
        return [_run_binary(job, options) for job in jobs]
    return _run_python(jobs, options)


def _run_python(jobs: list[RenderJob], options: HelmOptions) -> list[EngineResult]:
    request = {
        "jobs": [
            {"chart": job.chart_dir, "values": job.values, "name": options.release,
             "namespace": options.namespace or "default", "crds": options.include_crds,
             "kube_version": options.kube_version, "api_versions": list(options.api_versions)}
            for job in jobs
        ]
    }
    started = time.perf_counter()
    answer, failure = _WORKER_PROCESS.ask(request, options.timeout)
    seconds = (time.perf_counter() - started) / max(1, len(jobs))
    if answer is None:
        return [EngineResult(error=failure) for _ in jobs]
    if "unavailable" in answer:
        return [EngineResult(error=NO_ENGINE) for _ in jobs]
    results = []
    for item in answer["results"]:
        if "error" in item:
            results.append(EngineResult(error=item["error"], seconds=seconds))
        else:
            results.append(EngineResult(manifests=dict(item["manifests"]), seconds=seconds))
    return results


class _PythonWorker:
    """The helm-python-sdk child, started on first use and kept for later renders; killed
    and started afresh when a render overruns its timeout or the child dies."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None
        self._stderr: Any = None  # a file, not a pipe: a chatty child must never block
        self._owner = os.getpid()
        self._lock = threading.Lock()

    def ask(self, request: dict[str, Any], timeout: float) -> tuple[dict[str, Any] | None, str]:
        with self._lock:
            for _ in range(2):  # a child that died since the last render is restarted once
                process = self._start()
                try:
                    assert process.stdin is not None and process.stdout is not None
                    process.stdin.write(json.dumps(request) + "\n")
                    process.stdin.flush()
                    ready, _, _ = select.select([process.stdout], [], [], timeout)
                    if not ready:
                        self.stop()
                        return None, f"helm-python-sdk did not finish within {timeout:g} s"
                    line = process.stdout.readline()
                except (BrokenPipeError, OSError):
                    line = ""
                if line:
                    try:
                        return json.loads(line), ""
                    except ValueError:
                        break
                self.stop()
            detail = self._stderr_tail()
            self.stop()
            return None, f"helm-python-sdk failed: {detail}"

    def _start(self) -> subprocess.Popen[str]:
        if self._owner != os.getpid():
            # A forked process inherited the parent's child: leave it to the parent.
            self._process, self._stderr, self._owner = None, None, os.getpid()
        if self._process is None or self._process.poll() is not None:
            self.stop()
            self._stderr = tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace")  # noqa: SIM115 (lives as long as the child)
            self._process = subprocess.Popen(
                [sys.executable, "-I", _WORKER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=self._stderr, text=True, env={}, close_fds=True,
            )
        return self._process

    def _stderr_tail(self) -> str:
        process = self._process
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()
        if self._stderr is None:
            return "no output"
        self._stderr.seek(0)
        lines = self._stderr.read().strip().splitlines()
        return lines[-1] if lines else "no output"

    def stop(self) -> None:
        if self._owner != os.getpid():
            return
        process, self._process = self._process, None
        if process is not None:
            if process.poll() is None:
                process.kill()
            process.wait()
            for stream in (process.stdin, process.stdout):
                if stream is not None:
                    stream.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None


_WORKER_PROCESS = _PythonWorker()
atexit.register(_WORKER_PROCESS.stop)


def _run_binary(job: RenderJob, options: HelmOptions) -> EngineResult:
    helm = shutil.which("helm") or "helm"
    with tempfile.TemporaryDirectory(prefix="kspm-helm-") as home:
        values_file = os.path.join(home, "values.json")
        with open(values_file, "w", encoding="utf-8") as handle:
            json.dump(job.values, handle)
        command = [helm, "template", options.release, job.chart_dir, "-f", values_file]
        if options.namespace:
            command += ["--namespace", options.namespace]
        if options.kube_version:
            command += ["--kube-version", options.kube_version]
        for api in options.api_versions:
            command += ["--api-versions", api]
        if options.include_crds:
            command.append("--include-crds")
        env = {"HOME": home, "HELM_CACHE_HOME": home, "HELM_CONFIG_HOME": home,
               "HELM_DATA_HOME": home, "PATH": os.path.dirname(helm)}
        started = time.perf_counter()
        try:
            done = subprocess.run(command, capture_output=True, text=True, env=env,
                                  timeout=options.timeout, check=False, cwd=home)
        except subprocess.TimeoutExpired:
            return EngineResult(error=f"helm template did not finish within {options.timeout:g} s")
        seconds = time.perf_counter() - started
    if done.returncode != 0:
        message = done.stderr.strip().removeprefix("Error: ") or f"helm exited {done.returncode}"
        return EngineResult(error=message, seconds=seconds)
    manifests = split_sources(done.stdout)
    if job.marked:
        manifests = {name: trim_documents(text) for name, text in manifests.items()}
    return EngineResult(manifests=manifests, seconds=seconds)


def split_sources(stream: str) -> dict[str, str]:
    """``helm template`` output as ``{template name: its documents}``."""
    manifests: dict[str, str] = {}
    matches = list(_SOURCE.finditer(stream))
    for number, match in enumerate(matches):
        end = matches[number + 1].start() if number + 1 < len(matches) else len(stream)
        body = stream[match.end() + 1:end]
        body = re.sub(r"(^|\n)---[ \t]*\n?\Z", r"\1", body)
        name = match.group(1)
        manifests[name] = manifests[name] + "---\n" + body if name in manifests else body
    return manifests
