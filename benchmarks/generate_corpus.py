"""Generate a synthetic manifest corpus: N documents spread over files, mixed kinds.

Usage: python benchmarks/generate_corpus.py DIR N [--docs-per-file K]
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

DEPLOYMENT = """\
apiVersion: apps/v1
kind: {kind}
metadata:
  name: app-{i}
  namespace: team-{team}
  labels:
    app: app-{i}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: app-{i}
  template:
    metadata:
      labels:
        app: app-{i}
    spec:
{pod_extra}      containers:
        - name: app
          image: registry.example.com/team-{team}/app-{i}:{tag}
          ports:
            - containerPort: 8080
          env:
            - name: LOG_LEVEL
              value: info
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
{limits}          securityContext:
            allowPrivilegeEscalation: {ape}
{extra_sc}        - name: sidecar
          image: envoyproxy/envoy:v1.30.1
          securityContext:
            runAsNonRoot: true
"""
SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: app-{i}
  namespace: team-{team}
spec:
  selector:
    app: app-{i}
  ports:
    - port: 80
      targetPort: 8080
"""
CRONJOB = """\
apiVersion: batch/v1
kind: CronJob
metadata:
  name: job-{i}
spec:
  schedule: "*/5 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
            - name: job
              image: busybox
              securityContext:
                privileged: {priv}
"""


def document(i: int, rng: random.Random) -> str:
    choice = rng.random()
    team = i % 17
    if choice < 0.2:
        return SERVICE.format(i=i, team=team)
    if choice < 0.3:
        return CRONJOB.format(i=i, priv=rng.choice(["true", "false"]))
    pod_extra = "      hostNetwork: true\n" if rng.random() < 0.1 else ""
    if rng.random() < 0.5:
        pod_extra += "      securityContext:\n        runAsNonRoot: true\n        seccompProfile:\n" \
                     "          type: RuntimeDefault\n"
    limits = "            limits:\n              memory: 256Mi\n" if rng.random() < 0.7 else ""
    extra_sc = "            capabilities:\n              drop: [ALL]\n" if rng.random() < 0.5 else ""
    return DEPLOYMENT.format(
        kind=rng.choice(["Deployment", "StatefulSet", "DaemonSet"]), i=i, team=team,
        tag=rng.choice(["1.2.3", "latest", "2.0.0"]), pod_extra=pod_extra, limits=limits,
        ape=rng.choice(["true", "false"]), extra_sc=extra_sc,
    )


def generate(directory: Path, count: int, per_file: int = 5, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    for start in range(0, count, per_file):
        docs = [document(i, rng) for i in range(start, min(start + per_file, count))]
        path = directory / f"team-{start % 17:02d}" / f"manifests-{start:06d}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("---\n".join(docs))
        files.append(path)
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("directory", type=Path)
    parser.add_argument("count", type=int)
    parser.add_argument("--docs-per-file", type=int, default=5)
    args = parser.parse_args()
    files = generate(args.directory, args.count, args.docs_per_file)
    print(f"wrote {args.count} documents in {len(files)} files under {args.directory}")


if __name__ == "__main__":
    main()
