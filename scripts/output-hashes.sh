#!/usr/bin/env bash
# Prints the sha256 of every file the bundled example builds, one line a file, sorted by path,
# so a refactoring can prove its outputs are byte-identical:
#
#   scripts/output-hashes.sh > /tmp/before.sha   # on the old commit
#   scripts/output-hashes.sh > /tmp/after.sha    # on the new one
#   diff /tmp/before.sha /tmp/after.sha          # empty, or each change named in the commit
#
# BRANDPRESS=path/to/brandpress uses that binary instead of building the release one.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${BRANDPRESS:-}" ]]; then
  cargo build --release --quiet
  BRANDPRESS=target/release/brandpress
fi
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
"$BRANDPRESS" build --out "$out/out" >/dev/null
cd "$out/out"
find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
