"""kspm-lint: Kubernetes security-posture linting for GitOps repositories."""

__version__ = "0.1.0"
