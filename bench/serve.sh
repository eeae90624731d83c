#!/usr/bin/env bash
# Serving benchmark: POST /identify on Visage and on the Flask + gunicorn reference, driven by wrk.
#   bench/serve.sh [--duration 20s] [--warmup 5s] [--rss-runs 10000,50000] [--only visage|reference]
#                  [--cpu-capabilities unset,avx2]   (both servers under each ATEN_CPU_CAPABILITY in turn)
# Uses the models of the last bench/train.sh run (bench/results/train-latest.json). Every server it starts
# is stopped on exit, failure or Ctrl-C. See docs/benchmarks.md.
set -euo pipefail
export DJL_OFFLINE=true OPT_OUT_TRACKING=true
cd "$(dirname "$0")/.."
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
exec "$PY" bench/lib/serve_bench.py "$@"
