#!/usr/bin/env bash
# Cards against Takumi (issue 13): renders the line-man-delivery Open Graph card with
# Takumi (@takumi-rs/core, installed with npm into a temp dir, never into the repo) and
# with brandpress (criterion bench `social`, "og card, line-man layout (compose + png)"),
# and prints ms/card and PNG bytes of each and the ratio.
#
#   scripts/peers/takumi.sh            # both
#   SKIP_OURS=1 scripts/peers/takumi.sh  # Takumi only
#   TAKUMI_VERSION=2.16.3 ITERATIONS=300 scripts/peers/takumi.sh
#
# Both sides time one card at a time on one thread, in-process, after a warm-up, and
# give the median. Run it on a quiet machine: other load inflates both.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
version="${TAKUMI_VERSION:-2.16.3}"
iterations="${ITERATIONS:-300}"

if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
  echo "takumi: skipped (npm/node not installed)"
  exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund "@takumi-rs/core@$version" >/dev/null)
cp "$root/scripts/peers/takumi-card.mjs" "$tmp/"
takumi_line="$(cd "$tmp" && TAKUMI_VERSION="$version" node takumi-card.mjs "$root" "$iterations" "$tmp/takumi.png")"
echo "$takumi_line"
takumi_ms="$(sed -E 's/.*median ([0-9.]+) ms.*/\1/' <<<"$takumi_line")"
takumi_bytes="$(sed -E 's/.*png ([0-9]+) bytes.*/\1/' <<<"$takumi_line")"
[[ "${SKIP_OURS:-}" == 1 ]] && exit 0

bench="og card, line-man layout (compose + png)"
ours_log="$tmp/ours.log"
(cd "$root" && cargo bench --bench social -- --noplot "line-man layout" 2>&1) >"$ours_log" || {
  cat "$ours_log"
  exit 1
}
ours_bytes="$(sed -nE 's/^og card, line-man layout: ([0-9]+) bytes.*/\1/p' "$ours_log")"
ours_kind="$(sed -nE 's/^og card, line-man layout: [0-9]+ bytes, (.*)/\1/p' "$ours_log")"
estimates="$root/target/criterion/social/$bench/new/estimates.json"
node -e '
  const [file, tms, tbytes, obytes, kind] = process.argv.slice(1);
  const ms = JSON.parse(require("fs").readFileSync(file, "utf8")).median.point_estimate / 1e6;
  console.log(`brandpress: og card 1200x630, median ${ms.toFixed(2)} ms/card (criterion), png ${obytes} bytes, ${kind}`);
  console.log(`ratio brandpress/takumi: time ${(ms / tms).toFixed(2)}x (target <= 0.33x), size ${(obytes / tbytes).toFixed(2)}x (target <= 1x)`);
' "$estimates" "$takumi_ms" "$takumi_bytes" "$ours_bytes" "$ours_kind"
