"""Renders charts with helm-python-sdk in a child process (run as a script, ``python -I``).

A child gives every render a real timeout (a call into the Go library cannot be
interrupted: the child is killed) and keeps the caller's environment out of it. The
child stays up for the next render (the import costs more than a render). One JSON
request per line on stdin, one answer per line on stdout:
``{"jobs": [{"chart", "values", "name", "namespace", "crds", "kube_version", "api_versions"}]}``
-> ``{"results": [{"manifests": {...}} | {"error": "..."}]}``.
"""

import json
import sys


def _render(job):
    from helm_python import Chart

    with Chart.load(job["chart"]) as chart:
        if job.get("kube_version") or job.get("api_versions"):
            manifests = _render_with_capabilities(chart, job)
        else:
            manifests = chart.render(job["values"], name=job["name"], namespace=job["namespace"])
        if job.get("crds"):
            for crd in chart.crds:
                manifests.setdefault(crd["filename"], crd["data"])
    return manifests


def _render_with_capabilities(chart, job):
    """``Chart.render`` has no parameters for the capabilities, but the library's render
    options take them (``kube_version``, ``api_versions``): pass them the same way."""
    from helm_python import _native

    opts = {"name": job["name"], "namespace": job["namespace"]}
    if job.get("kube_version"):
        opts["kube_version"] = job["kube_version"]
    if job.get("api_versions"):
        opts["api_versions"] = job["api_versions"]
    rendered = _native.call_string("helm_render", chart._raw(), json.dumps(job["values"]), json.dumps(opts))
    return json.loads(rendered)


def answer(request):
    try:
        import helm_python  # noqa: F401
    except ImportError as exc:
        return {"unavailable": str(exc)}
    results = []
    for job in request["jobs"]:
        try:
            results.append({"manifests": _render(job)})
        except Exception as exc:  # every engine error is an answer, never a traceback
            results.append({"error": str(exc) or type(exc).__name__})
    return {"results": results}


def main():
    """One request per line on stdin, one answer per line on stdout, until stdin ends."""
    for line in sys.stdin:
        if line.strip():
            sys.stdout.write(json.dumps(answer(json.loads(line))) + "\n")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
