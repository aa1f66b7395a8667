#!/usr/bin/env bash
# Regenerates the foreign test campaign of tests/fixtures/campaign-foreign/ (issue 12,
# "Done when"): the email compiled by MJML from email.mjml, and the flyer printed by
# headless Chromium from flyer.html. landing.html is hand-written and not generated.
#
# Tools (the versions the committed files were made with):
#   - MJML 5.4.1 (npm package `mjml`), installed into a temporary folder, never into the
#     project: MJML_DIR=/tmp/mjml (default) gets `npm install mjml@$MJML_VERSION` when it
#     has none.
#   - Chromium 156.0.8078.108 (Debian bookworm's `chromium` package: `apt-get install
#     chromium`), printing with --print-to-pdf --no-pdf-header-footer. The Thai and Latin
#     fonts are the brand's own (brand/fonts/, Noto Sans Thai and Noto Sans, OFL), loaded
#     by flyer.html's @font-face rules through relative file URLs.
#
# The tests read the committed files: `cargo test` needs neither tool. Chromium writes its
# creation date and ids into the PDF, so a new print differs in those bytes; the text,
# fonts and layout stay as long as Chromium's version does.
#
# Usage: scripts/make-campaign-fixtures.sh            (from anywhere in the project)
#        MJML_VERSION=5.4.1 MJML_DIR=/tmp/mjml CHROMIUM=chromium scripts/make-campaign-fixtures.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$here/tests/fixtures/campaign-foreign"
mjml_version="${MJML_VERSION:-5.4.1}"
mjml_dir="${MJML_DIR:-/tmp/mjml}"
chromium="${CHROMIUM:-chromium}"

if [[ ! -x "$mjml_dir/node_modules/.bin/mjml" ]]; then
  command -v npm >/dev/null || { echo "npm is needed to install MJML" >&2; exit 2; }
  mkdir -p "$mjml_dir"
  (cd "$mjml_dir" && npm init -y >/dev/null && npm install --no-audit --no-fund "mjml@$mjml_version" >/dev/null)
fi
command -v "$chromium" >/dev/null || {
  echo "$chromium not found: apt-get install chromium (or set CHROMIUM=...)" >&2
  exit 2
}

echo "MJML $("$mjml_dir/node_modules/.bin/mjml" --version | tr '\n' ' ')"
"$mjml_dir/node_modules/.bin/mjml" "$dir/email.mjml" -o "$dir/email.html"

echo "$("$chromium" --version 2>/dev/null)"
# a fresh profile, so that nothing of the user's Chromium settings leaks into the print
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
"$chromium" --headless --no-sandbox --disable-gpu --user-data-dir="$profile" \
  --allow-file-access-from-files --no-pdf-header-footer \
  --print-to-pdf="$dir/flyer.pdf" "file://$dir/flyer.html" 2>/dev/null

ls -l "$dir"/email.html "$dir"/flyer.pdf
