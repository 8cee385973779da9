#!/usr/bin/env bash
# Install everything, ingest the default corpus, serve the chat UI on http://127.0.0.1:7860
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/rag ingest
exec .venv/bin/rag ui "$@"
