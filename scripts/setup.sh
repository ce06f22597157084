#!/usr/bin/env bash
# Installs what NQ45 Tracker needs on a fresh Debian machine: system packages (Chromium for chart
# images and browser tests, fonts with Vietnamese glyphs), a virtualenv in .venv, and the pinned
# Python packages. Safe to run again: it skips what is already there.
# Usage: scripts/setup.sh [run|test]
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-run}"

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need_apt+=(fonts-dejavu-core)
# Optional: reading scanned programmes (OCR, Vietnamese) and old .doc files on the «Thêm chương trình»
# page. Without them those files are refused with a sentence saying what to install.
if [ "${WITH_PROGRAMME_READERS:-0}" = 1 ]; then
  command -v tesseract >/dev/null 2>&1 || need_apt+=(tesseract-ocr tesseract-ocr-vie)
  ls /usr/lib/libreoffice/program/libswlo.so >/dev/null 2>&1 || need_apt+=(libreoffice-writer-nogui)
fi
if [ "$what" = test ]; then
  # The store's tests also run against a throwaway PostgreSQL cluster (initdb in a temp folder, as the
  # unprivileged `postgres` user the package creates); Debian's server binaries live in
  # /usr/lib/postgresql/<version>/bin.
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
  # The briefing deck rendered by LibreOffice (tests/present/test_briefing.py converts it to PDF): Impress reads
  # .pptx (libsdlo.so); soffice with Calc or Writer alone cannot.
  ls /usr/lib/libreoffice/program/libsdlo.so >/dev/null 2>&1 || need_apt+=(libreoffice-impress)
  # The reminder letter opened by LibreOffice Writer (tests/present/test_letter.py renders the .docx).
  ls /usr/lib/libreoffice/program/libswlo.so >/dev/null 2>&1 || need_apt+=(libreoffice-writer-nogui)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "== apt-get install ${need_apt[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  echo "== python3 -m venv .venv"
  python3 -m venv .venv
fi
req=requirements.txt; [ "$what" = test ] && req=requirements-dev.txt
stamp=".venv/.installed-$(cat requirements*.txt | sha256sum | cut -c1-16)-$what"
if [ ! -e "$stamp" ]; then
  echo "== pip install -r $req"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r "$req"
  touch "$stamp"
fi
