#!/usr/bin/env bash
# Installs the system tools some tests and checks use (Debian/Ubuntu packages):
# - chromium (+ chromium-driver): tests/serve_e2e.rs drives `brandpress serve` in headless
#   Chromium over the DevTools protocol; without it that test skips with a notice, unless
#   BRANDPRESS_REQUIRE_CHROMIUM=1 (CI sets it). chromium-driver is the WebDriver server for
#   the same browser, for driving it by hand or from a WebDriver client.
# - poppler-utils (pdftoppm, pdffonts): to cross-check the print channel's PDFs by hand. No
#   test needs it: tests/print.rs rasterizes with hayro and lists fonts with lopdf.
# Idempotent; run as root or with sudo.
set -euo pipefail
need=()
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
echo "poppler present: $(pdftoppm -v 2>&1 | head -1)"
echo "chromium present: $(chromium --version 2>/dev/null || echo '?')"
