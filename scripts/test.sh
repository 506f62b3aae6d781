#!/usr/bin/env bash
# Install everything the tests need, then run every test.
#
#   bash scripts/test.sh [pytest args...]
#
# System packages (Debian/Ubuntu, installed with apt-get when missing):
#   PostGIS for the PostgreSQL server, Chromium and CJK fonts for the browser tests and the
#   PDF exports (fonts-noto-cjk, fonts-wqy-microhei),
#   poppler-utils for rendering PDFs. A PostgreSQL server on 127.0.0.1:5432 with
#   trust auth for user postgres is used (set GRIDMAP_TEST_PG to another URL).
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null; then SUDO="sudo"; fi

need=()
if command -v pg_lsclusters >/dev/null 2>&1; then
  pgver="$(ls /etc/postgresql 2>/dev/null | sort -n | tail -1)"
else
  pgver=""
  need+=(postgresql)
fi
if [ -n "$pgver" ]; then
  dpkg -s "postgresql-$pgver-postgis-3" >/dev/null 2>&1 || need+=("postgresql-$pgver-postgis-3")
else
  need+=(postgis)
fi
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
# reportlab embeds TrueType outlines only: WenQuanYi Micro Hei for the PDF exports
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
if [ "${#need[@]}" -gt 0 ]; then
  echo "installing system packages: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

# Start the PostgreSQL cluster if it is installed but not running.
if command -v pg_lsclusters >/dev/null 2>&1 && ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  pgver="$(ls /etc/postgresql | sort -n | tail -1)"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$pgver" main start || true
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi

python -m pip install -q --disable-pip-version-check -e ".[dev]"

# Lint first: a style error fails the run as a test would.
python -m ruff check gridmap pages app.py tests scripts

# pyproject allows pandas >= 2.1: the importers and the check engine also run on the last
# pandas 2.x, in a venv that sees every other installed package (refs #18), and so does the
# store's column building (read_layer builds pandas columns itself, refs #16).
# GRIDMAP_SKIP_PANDAS2=1 skips this part.
if [ -z "${GRIDMAP_SKIP_PANDAS2:-}" ]; then
  venv=".venv-pandas2"
  [ -x "$venv/bin/python" ] || python -m venv --system-site-packages "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "pandas>=2.1,<3"
  "$venv/bin/python" -c "import pandas; print('pandas', pandas.__version__)"
  "$venv/bin/python" -m pytest -q -p no:cacheprovider -n 2 tests/io tests/test_importing.py tests/checks \
    tests/store/test_read_columns.py tests/store/test_read_partitions.py
fi

# pytest exits 5 when it collects no test; that is a failure here too.
exec python -m pytest -n 2 --dist loadgroup "$@"
