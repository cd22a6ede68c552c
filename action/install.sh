#!/usr/bin/env bash
# Install kspm-lint from the action's own checkout into a private virtualenv and put
# it on PATH for the following steps. Nothing is installed into the runner's Python.
set -euo pipefail

python="${KSPM_LINT_PYTHON:-python3}"
source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/kspm-lint-venv"

if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
  echo "::error title=kspm-lint::kspm-lint needs Python 3.10 or newer ('$python'); add actions/setup-python before this action"
  exit 2
fi
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$source_dir"
"$venv/bin/kspm-lint" --version
if [ -n "${GITHUB_PATH:-}" ]; then
  echo "$venv/bin" >> "$GITHUB_PATH"
fi
