#!/usr/bin/env bash
# The steps of brandpress's GitHub Action (action.yml), as a script so they can be run and
# tested without GitHub or `act` (tests/action.rs runs them against the bundled example).
#
#   run.sh install   builds brandpress from the action's own checkout (cargo install
#                    --locked --path), unless BRANDPRESS_BIN names a binary already built
#   run.sh run       runs `brandpress check` or `lint` and writes the step's outputs,
#                    its job summary and, for SARIF, the report file
#
# Inputs come as environment variables (composite actions do not export inputs; action.yml
# maps each one, so no input is ever pasted into the script's text):
#   INPUT_COMMAND        check | lint                      (default lint)
#   INPUT_PATHS          files/folders for lint: one per line, or separated by spaces
#   INPUT_PROJECT        the project folder                (default .)
#   INPUT_FORMAT         sarif | github                    (default sarif)
#   INPUT_CHANGED_SINCE  lint only what changed since this git ref
#   INPUT_SARIF_FILE     where the SARIF report goes        (default brandpress.sarif)
# Outputs (GITHUB_OUTPUT): exit-code (0 clean, 1 error findings), errors, warnings, notes,
# sarif-file. Exit status: 0 when brandpress ran (findings or not; action.yml fails the job
# after the SARIF upload), 2 when it could not (bad input, no guide, unknown ref).
set -euo pipefail

mode="${1:-run}"

# Appends `name=value` to the file named by $GITHUB_OUTPUT (or prints it outside Actions).
output() {
  if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
    printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
  else
    printf 'output %s=%s\n' "$1" "$2"
  fi
}

summary() {
  if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
    cat >>"$GITHUB_STEP_SUMMARY"
  else
    cat
  fi
}

fail() {
  echo "::error title=brandpress action::$*"
  exit 2
}

install() {
  if [[ -n "${BRANDPRESS_BIN:-}" ]]; then
    [[ -x "$BRANDPRESS_BIN" ]] || fail "BRANDPRESS_BIN=$BRANDPRESS_BIN is not an executable"
    echo "using $BRANDPRESS_BIN"
    return
  fi
  local src="${ACTION_PATH:-${GITHUB_ACTION_PATH:-}}"
  [[ -n "$src" && -f "$src/Cargo.toml" ]] || fail "the action's source (ACTION_PATH) has no Cargo.toml"
  command -v cargo >/dev/null || fail "cargo is not installed: add a Rust toolchain step (e.g. dtolnay/rust-toolchain@stable) before this action"
  # one build per action ref; a runner's tool cache (or actions/cache on this folder) keeps it
  local ref="${ACTION_REF:-local}"
  ref="${ref//[^A-Za-z0-9._-]/_}"
  local root="${RUNNER_TOOL_CACHE:-${HOME}/.cache}/brandpress/${ref}"
  if [[ -x "$root/bin/brandpress" && "$ref" != "local" ]]; then
    echo "brandpress for ${ACTION_REF} already built in $root"
  else
    cargo install --locked --path "$src" --root "$root"
  fi
  if [[ -n "${GITHUB_PATH:-}" ]]; then
    echo "$root/bin" >>"$GITHUB_PATH"
  fi
  "$root/bin/brandpress" --version
}

# Markdown table cells: one line, no pipes.
cell() {
  local s="${1//$'\n'/ }"
  s="${s//|/\\|}"
  printf '%s' "$s"
}

run() {
  local bin="${BRANDPRESS_BIN:-brandpress}"
  local command="${INPUT_COMMAND:-lint}"
  local format="${INPUT_FORMAT:-sarif}"
  local project="${INPUT_PROJECT:-.}"
  local sarif="${INPUT_SARIF_FILE:-brandpress.sarif}"
  local since="${INPUT_CHANGED_SINCE:-}"
  case "$command" in check | lint) ;; *) fail "command must be check or lint, not '$command'" ;; esac
  case "$format" in sarif | github) ;; *) fail "format must be sarif or github, not '$format'" ;; esac
  command -v "$bin" >/dev/null || [[ -x "$bin" ]] || fail "brandpress is not installed (the install step runs first)"

  local args=("$command" --project "$project" --format "$format")
  local paths=()
  if [[ -n "${INPUT_PATHS:-}" ]]; then
    if [[ "$INPUT_PATHS" == *$'\n'* ]]; then
      local line
      while IFS= read -r line; do
        line="${line#"${line%%[![:space:]]*}"}"
        line="${line%"${line##*[![:space:]]}"}"
        [[ -z "$line" ]] || paths+=("$line")
      done <<<"$INPUT_PATHS"
    else
      read -r -a paths <<<"$INPUT_PATHS"
    fi
  fi
  if [[ "$command" == check ]]; then
    ((${#paths[@]} == 0)) || fail "paths are for lint; check lints what it builds"
    [[ -z "$since" ]] || fail "changed-since is for lint; check builds and lints everything"
  fi
  [[ -z "$since" ]] || args+=(--changed-since "$since")
  # `--` first: a path may start with a dash
  [[ "$command" == check ]] || args+=(-- ${paths[@]+"${paths[@]}"})

  local code=0 errors=0 warnings=0 notes=0
  if [[ "$format" == sarif ]]; then
    mkdir -p "$(dirname -- "$sarif")"
    "$bin" "${args[@]}" >"$sarif" || code=$?
    if ((code <= 1)); then
      if command -v jq >/dev/null; then
        read -r errors warnings notes < <(jq -r '[.runs[].results[]?.level] | [(map(select(. == "error")) | length), (map(select(. == "warning")) | length), (map(select(. == "note")) | length)] | @tsv' "$sarif")
      else
        echo "jq is not installed: the counts below are not known"
      fi
      output sarif-file "$sarif"
      echo "brandpress $command: $errors errors, $warnings warnings, $notes notes; SARIF report in $sarif"
    fi
  else
    local log
    log="$(mktemp)"
    "$bin" "${args[@]}" | tee "$log" || code=${PIPESTATUS[0]}
    # the last line: "N files checked: E errors, W warnings"
    local last
    last="$(tail -n 1 "$log")"
    [[ "$last" =~ ([0-9]+)\ errors? ]] && errors="${BASH_REMATCH[1]}"
    [[ "$last" =~ ([0-9]+)\ warnings? ]] && warnings="${BASH_REMATCH[1]}"
    notes="$(grep -c '^::notice file=' "$log" || true)"
    rm -f "$log"
  fi
  if ((code > 1)); then
    output exit-code "$code"
    echo "::error title=brandpress::brandpress $command could not run (exit $code); see the messages above"
    exit 2
  fi
  output exit-code "$code"
  output errors "$errors"
  output warnings "$warnings"
  output notes "$notes"

  {
    echo "### brandpress $command"
    echo
    if ((code == 0)); then
      echo "No error-severity findings."
    else
      echo "Error-severity findings: the job fails."
    fi
    echo
    echo "| errors | warnings | notes |"
    echo "|---:|---:|---:|"
    echo "| $errors | $warnings | $notes |"
    if [[ "$format" == sarif ]] && command -v jq >/dev/null && ((errors + warnings > 0)); then
      echo
      echo "| severity | rule | where | message |"
      echo "|---|---|---|---|"
      # the first 50 errors and warnings; the SARIF file and code scanning have them all
      jq -r '[.runs[].results[]? | select(.level == "error" or .level == "warning")] | sort_by(if .level == "error" then 0 else 1 end) | .[:50][] | [.level, .ruleId, ((.locations[0].physicalLocation.artifactLocation.uri // "") + (if .locations[0].physicalLocation.region.startLine then ":" + (.locations[0].physicalLocation.region.startLine | tostring) else "" end)), (.message.text | split("\n")[0])] | @tsv' "$sarif" |
        while IFS=$'\t' read -r level rule where message; do
          printf '| %s | `%s` | `%s` | %s |\n' "$level" "$(cell "$rule")" "$(cell "$where")" "$(cell "$message")"
        done
      if ((errors + warnings > 50)); then
        echo
        echo "…and $((errors + warnings - 50)) more in $sarif."
      fi
    fi
  } | summary
}

case "$mode" in
install) install ;;
run) run ;;
*) fail "usage: run.sh install|run" ;;
esac
