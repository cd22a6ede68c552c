"""Hardening checks beyond the Pod Security Standards."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kspm_lint.checks import template
from kspm_lint.engine.context import CheckContext, Violation
from kspm_lint.engine.parameters import Parameter
from kspm_lint.workload import Container


def split_image(image: str) -> tuple[str, str | None, str | None]:
    """(repository, tag, digest) of an image reference; a registry port is not a tag."""
    digest = None
    if "@" in image:
        image, digest = image.split("@", 1)
    tag = None
    last = image.rsplit("/", 1)[-1]
    if ":" in last:
        image, tag = image.rsplit(":", 1)
    return image, tag, digest


# OCI image-spec digests: a registered algorithm and its exact lowercase hex encoding.
_DIGESTS = {"sha256": re.compile(r"^[a-f0-9]{64}$"), "sha512": re.compile(r"^[a-f0-9]{128}$")}
_PLACEHOLDER = re.compile(r"^(<[^<>]*>|\$\{[^}]*\}|\{\{.*\}\}|(INSERT|REPLACE|YOUR|ENTER)_[A-Z0-9_]*)$", re.IGNORECASE)
_NOT_A_CREDENTIAL = {"yes", "no", "true", "false", "on", "off", "0", "1", "enabled", "disabled"}


def digest_problem(digest: str) -> str | None:
    """Why ``algorithm:hex`` is not a digest the OCI spec accepts (None when it is)."""
    algorithm, _, encoded = digest.partition(":")
    pattern = _DIGESTS.get(algorithm)
    if pattern is None:
        return f"unknown digest algorithm '{algorithm}' (sha256 or sha512)"
    if not pattern.match(encoded):
        size = 64 if algorithm == "sha256" else 128
        return f"a {algorithm} digest is {size} lowercase hex characters"
    return None


def is_placeholder(value: str) -> bool:
    """A template slot or instruction (``<Client Secret>``, ``INSERT_KEY``), not a value."""
    return bool(_PLACEHOLDER.match(value.strip()))


def _images(ctx: CheckContext) -> Iterator[tuple[Container, str]]:
    if ctx.pod is None:
        return
    for container in ctx.pod.containers():
        image = container.data.get("image")
        if isinstance(image, str):
            yield container, image


@template("image-latest-tag", "container", "Container images that use the latest tag or no tag.")
def image_latest_tag(ctx: CheckContext) -> Iterator[Violation]:
    for container, image in _images(ctx):
        _, tag, digest = split_image(image.strip())
        if digest:
            continue
        if tag is None:
            why = "has no tag, so it pulls ':latest'"
        elif tag == "latest":
            why = "uses the ':latest' tag"
        else:
            continue
        yield Violation(container.path + ("image",),
                        f"container '{container.name}' image '{image}' {why}; pin a version",
                        container.name)


@template("image-not-digest-pinned", "container", "Container images not pinned by an @sha256 digest.")
def image_not_digest_pinned(ctx: CheckContext) -> Iterator[Violation]:
    for container, image in _images(ctx):
        _, _, digest = split_image(image.strip())
        if not digest:
            yield Violation(container.path + ("image",),
                            f"container '{container.name}' image '{image}' is not pinned by digest",
                            container.name)
        elif (problem := digest_problem(digest)) is not None:
            yield Violation(container.path + ("image",),
                            f"container '{container.name}' image '{image}' has a malformed digest: {problem}",
                            container.name)


@template("resource-requests-missing",
          "container",
          "Containers (not ephemeral ones) that do not request every listed resource.",
          Parameter("resources", "string-list", "Resource names every container must request.", ["cpu", "memory"]))
def resource_requests_missing(ctx: CheckContext) -> Iterator[Violation]:
    if ctx.pod is None:
        return
    wanted = ctx.params["resources"]
    for container in ctx.pod.containers():
        if container.list_name == "ephemeralContainers":
            continue  # ephemeral containers cannot have resources
        resources = container.data.get("resources")
        requests = resources.get("requests") if isinstance(resources, dict) else None
        requests = requests if isinstance(requests, dict) else {}
        missing = [name for name in wanted if requests.get(name) in (None, "")]
        if missing:
            yield Violation(container.path + ("resources", "requests"),
                            f"container '{container.name}' sets no {' or '.join(missing)} request",
                            container.name, at=container.path)


@template("memory-limit-missing", "container", "Containers (not ephemeral ones) without a memory limit.")
def memory_limit_missing(ctx: CheckContext) -> Iterator[Violation]:
    if ctx.pod is None:
        return
    for container in ctx.pod.containers():
        if container.list_name == "ephemeralContainers":
            continue
        resources = container.data.get("resources")
        limits = resources.get("limits") if isinstance(resources, dict) else None
        if not isinstance(limits, dict) or limits.get("memory") in (None, ""):
            yield Violation(container.path + ("resources", "limits", "memory"),
                            f"container '{container.name}' has no memory limit",
                            container.name, at=container.path)


@template("default-service-account", "pod", "Pods that name no service account, or the default one.")
def default_service_account(ctx: CheckContext) -> Iterator[Violation]:
    pod = ctx.pod
    if pod is None:
        return
    for field in ("serviceAccountName", "serviceAccount"):
        if field in pod.data and pod.data[field] not in (None, ""):
            if pod.data[field] == "default":
                yield Violation(pod.path + (field,), "pod runs as the 'default' service account")
            return
    yield Violation(pod.path + ("serviceAccountName",),
                    "pod sets no serviceAccountName, so it runs as the 'default' service account",
                    at=pod.path)


@template("secret-in-env",
          "container",
          "Secrets read into environment variables (env secretKeyRef, envFrom secretRef).")
def secret_in_env(ctx: CheckContext) -> Iterator[Violation]:
    if ctx.pod is None:
        return
    for container in ctx.pod.containers():
        env = container.data.get("env")
        for index, item in enumerate(env if isinstance(env, list) else []):
            source = item.get("valueFrom") if isinstance(item, dict) else None
            ref = source.get("secretKeyRef") if isinstance(source, dict) else None
            if isinstance(ref, dict):
                yield Violation(container.path + ("env", index, "valueFrom", "secretKeyRef"),
                                f"container '{container.name}' reads secret '{ref.get('name', '')}' "
                                f"into env var '{item.get('name', '')}'", container.name)
        env_from = container.data.get("envFrom")
        for index, item in enumerate(env_from if isinstance(env_from, list) else []):
            ref = item.get("secretRef") if isinstance(item, dict) else None
            if isinstance(ref, dict):
                yield Violation(container.path + ("envFrom", index, "secretRef"),
                                f"container '{container.name}' loads every key of secret "
                                f"'{ref.get('name', '')}' into env vars", container.name)


@template("hardcoded-credential-in-env",
          "container",
          "Literal env values whose variable name looks like a credential.",
          Parameter("name-pattern", "regex", "Env var names that hold a credential (searched, case-insensitive)."),
          Parameter("not-secret-pattern", "regex", "Names that only point at a secret (a file, a URL): not reported."))
def hardcoded_credential_in_env(ctx: CheckContext) -> Iterator[Violation]:
    if ctx.pod is None:
        return
    pattern = re.compile(ctx.params["name-pattern"], re.IGNORECASE)
    not_secret = re.compile(ctx.params["not-secret-pattern"], re.IGNORECASE)
    for container in ctx.pod.containers():
        env = container.data.get("env")
        for index, item in enumerate(env if isinstance(env, list) else []):
            if not isinstance(item, dict):
                continue
            name, value = item.get("name"), item.get("value")
            if not isinstance(name, str) or value in (None, "") or not pattern.search(name):
                continue
            if not_secret.search(name):
                continue  # names a secret (its file, its key, its URL), not the secret itself
            if isinstance(value, str) and (value.startswith("$(") or value.startswith("/")):
                continue  # a reference to another variable or a path to a mounted file
            if isinstance(value, bool) or str(value).strip().lower() in _NOT_A_CREDENTIAL:
                continue  # a switch (ALLOW_EMPTY_PASSWORD: "no"), not a credential
            if isinstance(value, str) and is_placeholder(value):
                continue
            yield Violation(container.path + ("env", index, "value"),
                            f"container '{container.name}' env var '{name}' holds a literal credential",
                            container.name, at=container.path + ("env", index))


def _host_paths(ctx: CheckContext) -> Iterator[tuple[int, str, str]]:
    if ctx.pod is None:
        return
    for index, volume in ctx.pod.volumes():
        host_path = volume.get("hostPath")
        if isinstance(host_path, dict) and isinstance(host_path.get("path"), str):
            yield index, str(volume.get("name", index)), host_path["path"]


def _normal(path: str) -> str:
    parts = [p for p in path.split("/") if p not in ("", ".")]
    return "/" + "/".join(parts)


def _under(path: str, directory: str) -> bool:
    """``path`` is ``directory`` or inside it (component-wise: /etcd is not under /etc)."""
    return path == directory or directory == "/" or path.startswith(directory.rstrip("/") + "/")


@template("host-path", "pod",
          "hostPath volumes that mount a listed path or a parent of one (optionally anything inside one), "
          "minus the allowed paths.",
          Parameter("paths", "path-list", "Host paths to report: a mount of one of them or of a directory "
                    "holding one."),
          Parameter("message", "message", "The finding's message.", placeholders=("volume", "path")),
          Parameter("inside", "boolean", "Also report a mount of anything inside a listed path "
                    "('/' still matches only itself).", True),
          Parameter("allowed", "path-list", "Host paths (and what is inside them) never reported.", []))
def host_path(ctx: CheckContext) -> Iterator[Violation]:
    pod = ctx.pod
    if pod is None:
        return
    listed = [_normal(p) for p in ctx.params["paths"]]
    allowed = [_normal(p) for p in ctx.params["allowed"]]
    inside, message = ctx.params["inside"], ctx.params["message"]
    for index, name, path in _host_paths(ctx):
        normal = _normal(path)
        if any(_under(normal, a) for a in allowed):
            continue
        if any(_under(s, normal) or (inside and (_under(normal, s) if s != "/" else normal == "/"))
               for s in listed):
            yield Violation(pod.path + ("volumes", index, "hostPath", "path"),
                            message.format(volume=name, path=path), related=pod.mounts_of(name))
