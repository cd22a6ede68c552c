#!/usr/bin/env bash
# The action's lint step, kept in a script so it can be run (and tested) outside
# GitHub with the same environment: GITHUB_WORKSPACE, GITHUB_OUTPUT,
# GITHUB_STEP_SUMMARY, GITHUB_BASE_REF, RUNNER_TEMP and the INPUT_* variables that
# action.yml maps from its inputs.
#
# 1. On a pull request, lint only the manifests changed since the merge base with the
#    base branch (--changed-since), unless changed-since says otherwise.
# 2. Lint once: print the report in `format` (github: annotations plus the job summary
#    table) and, from the same lint, write SARIF to sarif-path (for
#    github/codeql-action/upload-sarif) and, with fix-suggestions, rdjson (--report).
# 3. Optionally feed the rdjson to reviewdog, so fixes show as suggested changes.
# 4. Set the outputs findings-count and sarif-path; exit 1 when findings reach fail-on.
set -euo pipefail

kspm_lint="${KSPM_LINT:-kspm-lint}"
fail_on="${INPUT_FAIL_ON:-low}"
format="${INPUT_FORMAT:-github}"
category="${INPUT_SARIF_CATEGORY:-kspm-lint}"
since="${INPUT_CHANGED_SINCE:-}"
temp="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"
sarif="${INPUT_SARIF_PATH:-}"
[ -n "$sarif" ] || sarif="$temp/kspm-lint.sarif"
rdjson="$temp/kspm-lint.rdjson"

log() { echo "kspm-lint action: $*" >&2; }
fail() { echo "::error title=kspm-lint::$*"; exit 2; }

case "$format" in github|text) ;; *) fail "format must be 'github' or 'text', not '$format'" ;; esac
command -v "$kspm_lint" >/dev/null 2>&1 || fail "'$kspm_lint' not found: did the install step run?"
cd "${GITHUB_WORKSPACE:-.}"

# Whitespace- or newline-separated lists (no quoting), as YAML block inputs give them.
read -r -a paths <<< "$(printf '%s' "${INPUT_PATHS:-.}" | tr '\n' ' ')"
[ "${#paths[@]}" -gt 0 ] || paths=(.)
read -r -a extra <<< "$(printf '%s' "${INPUT_EXTRA_ARGS:-}" | tr '\n' ' ')"
common=(--fail-on "$fail_on" --no-color)
[ -z "${INPUT_CONFIG:-}" ] || common+=(--config "$INPUT_CONFIG")

# The base to diff against: an explicit REF, "all" to lint everything, or (default) the
# pull request's base branch, fetched if this (often shallow) checkout lacks it.
resolve_base() {
  local branch="$1" ref
  for ref in "origin/$branch" "$branch"; do
    if git rev-parse --verify --quiet "$ref^{commit}" >/dev/null; then echo "$ref"; return 0; fi
  done
  if git fetch --quiet --no-tags --depth=1 origin "+refs/heads/$branch:refs/remotes/origin/$branch" >&2; then
    echo "origin/$branch"; return 0
  fi
  return 1
}

if [ "$since" = "all" ]; then
  since=""
elif [ -z "$since" ] && [ -n "${GITHUB_BASE_REF:-}" ]; then
  if base="$(resolve_base "$GITHUB_BASE_REF")"; then
    # The merge base keeps changes made on the base branch since the fork out of the diff;
    # a shallow clone may not have it, and then the base tip is the best answer.
    since="$(git merge-base "$base" HEAD 2>/dev/null || echo "$base")"
    log "linting manifests changed since $base ($since)"
  else
    log "cannot find base branch '$GITHUB_BASE_REF'; linting everything"
  fi
fi
[ -z "$since" ] || common+=(--changed-since "$since")

# One lint: the log report, plus the other reports written from the same run.
reports=(--report "sarif=$sarif" --sarif-category "$category")
if [ "$format" = "text" ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  # The job summary carries the full table whatever the log format: rendering the github
  # format writes it (its annotations are discarded).
  reports+=(--report "github=/dev/null")
fi
suggest=false
if [ "${INPUT_FIX_SUGGESTIONS:-false}" = "true" ]; then
  if command -v reviewdog >/dev/null 2>&1; then
    suggest=true
    reports+=(--report "rdjson=$rdjson")
  else
    echo "::warning title=kspm-lint::fix-suggestions needs reviewdog on PATH"
  fi
fi

mkdir -p "$(dirname "$sarif")"
status=0
# ${extra[@]+...}: an empty array is an unbound variable for bash 3 (macOS) under set -u.
"$kspm_lint" "${common[@]}" ${extra[@]+"${extra[@]}"} --format "$format" "${reports[@]}" "${paths[@]}" \
  || status=$?
# Exit status 0/1 is the verdict; anything else is an error.
[ "$status" -le 1 ] || fail "kspm-lint failed with exit status $status (see the log above)"

if [ "$suggest" = "true" ]; then
  export REVIEWDOG_GITHUB_API_TOKEN="${REVIEWDOG_GITHUB_API_TOKEN:-${INPUT_GITHUB_TOKEN:-}}"
  reviewdog -f=rdjson -name=kspm-lint -reporter="${INPUT_REVIEWDOG_REPORTER:-github-pr-review}" \
      -filter-mode=added -fail-level=none < "$rdjson" \
    || log "reviewdog could not post suggestions"
fi

count="$(python3 - "$sarif" <<'PY'
import json, sys
with open(sys.argv[1], encoding="utf-8") as stream:
    results = json.load(stream)["runs"][0]["results"]
print(sum(1 for r in results if not r.get("suppressions")))
PY
)"
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  {
    echo "findings-count=$count"
    echo "sarif-path=$sarif"
  } >> "$GITHUB_OUTPUT"
fi
log "$count finding(s); SARIF written to $sarif"
exit "$status"
