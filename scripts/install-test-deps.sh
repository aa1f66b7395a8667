#!/usr/bin/env bash
# Installs the system tools the test suite calls: poppler-utils (pdftoppm, pdffonts) to
# check the print channel's PDFs. Idempotent; run as root (CI) or with sudo.
set -euo pipefail
need=()
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
echo "test dependencies present: $(pdftoppm -v 2>&1 | head -1)"
