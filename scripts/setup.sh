#!/usr/bin/env bash
# Install everything into .venv/ (and the models into $RAG_MODELS_DIR or $RAG_HOME/models).
# Idempotent: a second run checks stamps and returns in seconds.
#   scripts/setup.sh          app + models
#   scripts/setup.sh --test   also what the tests need (pytest extras, Debian chromium + CJK fonts)
set -euo pipefail
cd "$(dirname "$0")/.."
want_test=0
[ "${1:-}" = "--test" ] && want_test=1

PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $PY"
  "$PY" -m venv .venv
fi
VPY=.venv/bin/python

# the models download while the packages install (both wait on the network): the standard library and
# the venv's pip suffice for it; `rag models pull` at the end then only checks (or retries) them
models_dir="${RAG_MODELS_DIR:-${RAG_HOME:-$HOME/.local/share/bilingual-rag}/models}"
PYTHONPATH="$PWD" $VPY -m rag.models "$models_dir" > .venv/.models-pull.log 2>&1 &
pull_pid=$!
trap 'kill "$pull_pid" 2>/dev/null || true' EXIT

# Debian packages the tests need (as root), in the background too
debian_packages() {
  local need=""
  [ -x /usr/bin/chromium ] || need="$need chromium"
  # grep reads to the end: `grep -q` would stop early, and pipefail would count fc-list's broken pipe
  fc-list 2>/dev/null | grep -i "noto sans cjk" >/dev/null || need="$need fonts-noto-cjk"
  [ -n "$need" ] || return 0
  if [ "$(id -u)" != 0 ]; then
    echo "setup: missing Debian packages:$need (install them as root for the browser tests)" >&2
    return 0
  fi
  echo "setup: apt-get install$need"
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
}
apt_pid=""
if [ "$want_test" = 1 ]; then debian_packages & apt_pid=$!; fi

stamp=.venv/.setup-stamp
hash="$(sha256sum pyproject.toml | cut -c1-16)"
installed="$(cat "$stamp" 2>/dev/null || true)"
if [ "$installed" = "$hash-1" ] || { [ "$want_test" = 0 ] && [ "$installed" = "$hash-0" ]; }; then
  : # packages already installed for this pyproject.toml
else
  echo "setup: installing Python packages"
  if [ "$want_test" = 1 ]; then extra=".[test]"; else extra="."; fi
  # one resolve for everything (torch is pinned in pyproject.toml); the venv's own pip is recent enough,
  # and nothing is byte-compiled ahead: Python compiles what it imports, on first import (and keeps it
  # unless PYTHONDONTWRITEBYTECODE is set: scripts/test.sh unsets it)
  $VPY -m pip install -q --disable-pip-version-check --no-compile -e "$extra" 2>&1 | grep -v "^WARNING: Location" || true
  # installed and importable, without loading torch and the rest here (the first run loads them)
  $VPY -c "import importlib.util as u, rag, ingest, ui, eval
missing = [m for m in ('torch', 'sentence_transformers', 'chromadb', 'xllamacpp') if u.find_spec(m) is None]
assert not missing, f'not installed: {missing}'"
  echo "$hash-$want_test" > "$stamp"
fi

if [ -n "$apt_pid" ]; then wait "$apt_pid" || { echo "setup: apt-get failed" >&2; exit 1; }; fi

# models: download, reassemble, verify sha256 (skipped when already verified)
wait "$pull_pid" || echo "setup: the early model download failed (.venv/.models-pull.log); trying again" >&2
.venv/bin/rag models pull
