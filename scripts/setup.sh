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

stamp=.venv/.setup-stamp
hash="$(sha256sum pyproject.toml | cut -c1-16)"
installed="$(cat "$stamp" 2>/dev/null || true)"
if [ "$installed" = "$hash-1" ] || { [ "$want_test" = 0 ] && [ "$installed" = "$hash-0" ]; }; then
  : # packages already installed for this pyproject.toml
else
  echo "setup: installing Python packages"
  if [ "$want_test" = 1 ]; then extra=".[test]"; else extra="."; fi
  # one resolve for everything (torch is pinned in pyproject.toml); the venv's own pip is recent enough,
  # and nothing is byte-compiled ahead: Python compiles what it imports, on first import
  $VPY -m pip install -q --disable-pip-version-check --no-compile -e "$extra" 2>&1 | grep -v "^WARNING: Location" || true
  # installed and importable, without loading torch and the rest here (the first run loads them)
  $VPY -c "import importlib.util as u, rag, ingest, ui, eval
missing = [m for m in ('torch', 'sentence_transformers', 'chromadb', 'xllamacpp') if u.find_spec(m) is None]
assert not missing, f'not installed: {missing}'"
  echo "$hash-$want_test" > "$stamp"
fi

if [ "$want_test" = 1 ]; then
  need=""
  [ -x /usr/bin/chromium ] || need="$need chromium"
  fc-list 2>/dev/null | grep -qi "noto sans cjk" || need="$need fonts-noto-cjk"
  if [ -n "$need" ]; then
    if [ "$(id -u)" = 0 ]; then
      echo "setup: apt-get install$need"
      apt-get update -qq >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
    else
      echo "setup: missing Debian packages:$need (install them as root for the browser tests)" >&2
    fi
  fi
fi

# models: download, reassemble, verify sha256 (skipped when already verified)
.venv/bin/rag models pull
