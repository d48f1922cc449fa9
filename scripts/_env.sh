# Shared by scripts/vpndiag and scripts/test: make .venv and install the project into it, once.
# Sourced, not run. A later run compares pyproject.toml with the copy taken at install time and
# reinstalls only when it changed, so the second start costs no pip at all.

VPNDIAG_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$VPNDIAG_ROOT/.venv"

find_python() {
  local candidate
  for candidate in "${VPNDIAG_PYTHON:-}" python3.13 python3.12 python3.11 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "vpndiag needs Python 3.11 or newer (python3 --version says: $(python3 --version 2>&1))." >&2
  echo "Install it (Debian/Ubuntu: apt-get install python3; macOS: brew install python@3.12) and run again." >&2
  return 1
}

# ensure_venv EXTRAS: EXTRAS is the comma-separated list of optional dependency groups, e.g. "server,dev".
ensure_venv() {
  local extras="$1" stamp="$VENV/.vpndiag-installed-$1" python
  if [ -x "$VENV/bin/python" ] && [ -f "$stamp" ] && cmp -s "$stamp" "$VPNDIAG_ROOT/pyproject.toml"; then
    return 0
  fi
  if [ ! -x "$VENV/bin/python" ]; then
    python="$(find_python)" || return 1
    echo "vpndiag: first run, setting up $VENV (one time) ..." >&2
    if ! "$python" -m venv "$VENV" >/dev/null 2>&1; then
      echo "vpndiag: '$python -m venv' failed. On Debian/Ubuntu install python3-venv (apt-get install python3-venv)." >&2
      rm -rf "$VENV"; return 1
    fi
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
  fi
  echo "vpndiag: installing the project and its pinned dependencies ($extras) ..." >&2
  if ! "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$VPNDIAG_ROOT[$extras]" >&2; then
    echo "vpndiag: installing dependencies failed; see the messages above (network? disk space?)." >&2
    return 1
  fi
  cp "$VPNDIAG_ROOT/pyproject.toml" "$stamp"
}
