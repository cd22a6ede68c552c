"""Automatic fixes: patches as data, applied with ruamel.yaml round-trip."""
