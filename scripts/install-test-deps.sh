#!/usr/bin/env bash
# Optional: installs poppler-utils (pdftoppm, pdffonts) to cross-check the print
# channel's PDFs by hand. No test needs it: tests/print.rs rasterizes with hayro and lists
# fonts with lopdf. Idempotent; run as root or with sudo.
set -euo pipefail
need=()
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
echo "poppler present: $(pdftoppm -v 2>&1 | head -1)"
