#!/usr/bin/env bash
# Install everything (models, chromium, CJK fonts) and run the whole test suite, slow tests included.
# Two pytest-xdist workers: one runs the tests that ask the real chat model, the other those that only
# use the real embedder (each model loaded once per worker), then both the rest, module by module
# (tests/conftest.py groups them); `scripts/test.sh -n 0` runs in one process.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
# every test process and every `rag` the tests start imports the same ~1,300 modules: with
# PYTHONDONTWRITEBYTECODE set (as on this project's machines) each would compile them all again
# (about 4 s of CPU a process); the first import writes the bytecode and the rest read it
unset PYTHONDONTWRITEBYTECODE
# the two workers share the cores: each gives its models its share of them. Both models run their
# matrix work on OpenMP threads that wait for each other at every step; with two threads each on two
# cores, a descheduled thread stalls the other process's step too (the real-embedder tests took 1.7×
# as long; docs/benchmarks.md)
workers=2
share=$(( $(nproc) / workers )); [ "$share" -ge 1 ] || share=1
case " $* " in *" -n 0 "* | *" -n0 "* | *" -p no:xdist "*) share=$(nproc) ;; esac  # one process: every core
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-$share}" MKL_NUM_THREADS="${MKL_NUM_THREADS:-$share}"
export RAG_LLM_THREADS="${RAG_LLM_THREADS:-$share}"
set +e
.venv/bin/python -m pytest -n "$workers" --dist loadgroup --no-loadscope-reorder "$@"
rc=$?
set -e
if [ "$rc" = 5 ]; then echo "pytest: no tests collected"; exit 0; fi
exit "$rc"
