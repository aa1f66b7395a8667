#!/usr/bin/env bash
# Emails against mrml (issue 13): compiles an MJML email equivalent to the bundled
# template (hero, Thai + English text, facts, CTA button, footer) with mrml (the Rust port
# of MJML, PyPI `mrml`, installed with pip into a temp venv, never into the repo), and
# renders emails with brandpress (criterion bench `email`), and prints ms/email of each
# and the ratio (target: brandpress <= 2x mrml).
#
#   scripts/peers/mrml.sh                 # both
#   SKIP_OURS=1 scripts/peers/mrml.sh     # mrml only
#   MRML_VERSION=0.2.4 ITERATIONS=3000 scripts/peers/mrml.sh
#
# Both sides time one email at a time on one thread, in-process, after a warm-up, and
# give the median. mrml writes only the HTML; brandpress's figure is html + txt + eml
# (`email/render (corpus pieces)`), and `render + write` adds writing the three files.
# Run it on a quiet machine: other load inflates both.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
version="${MRML_VERSION:-0.2.4}"
iterations="${ITERATIONS:-3000}"
python="${PYTHON:-python3}"

if ! command -v "$python" >/dev/null || ! "$python" -m venv --help >/dev/null 2>&1; then
  echo "mrml: skipped (python3 with venv not installed)"
  exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
if ! "$python" -m venv "$tmp/venv" >/dev/null 2>&1 || ! "$tmp/venv/bin/pip" --version >/dev/null 2>&1; then
  echo "mrml: skipped (pip is unavailable)"
  exit 0
fi
if ! "$tmp/venv/bin/pip" install --quiet --disable-pip-version-check "mrml==$version" >"$tmp/pip.log" 2>&1; then
  echo "mrml: skipped (pip could not install mrml==$version):"
  tail -3 "$tmp/pip.log"
  exit 0
fi
mrml_line="$("$tmp/venv/bin/python" "$root/scripts/peers/mrml-email.py" "$iterations")"
echo "$mrml_line"
mrml_ms="$(sed -E 's/.*median ([0-9.]+) ms.*/\1/' <<<"$mrml_line")"
[[ "${SKIP_OURS:-}" == 1 ]] && exit 0

ours_log="$tmp/ours.log"
(cd "$root" && cargo bench --bench email -- --noplot 2>&1) >"$ours_log" || {
  cat "$ours_log"
  exit 1
}
for bench in "render (corpus pieces)" "render (bundled pieces)" "render + write (corpus pieces)"; do
  estimates="$root/target/criterion/email/$bench/new/estimates.json"
  "$python" - "$estimates" "$mrml_ms" "$bench" <<'PY'
import json, sys
file, mrml_ms, bench = sys.argv[1], float(sys.argv[2]), sys.argv[3]
with open(file) as f:
    ms = json.load(f)["median"]["point_estimate"] / 1e6
print(f"brandpress {bench}: median {ms:.3f} ms/email (criterion), "
      f"{ms / mrml_ms:.2f}x mrml (target <= 2x)")
PY
done
