#!/usr/bin/env bash
# Real photos (issue #11): seeded composed photos scored on Visage and on the Python + OpenCV reference, then
# both loaded with wrk on 640x480 composed photos and on aligned LFW photos with detect=false.
#   bench/realphotos.sh [--visage-models DIR] [--reference-model DIR] [--duration 20s] [--warmup 5s] [--photos DIR]
# Uses the models of the last bench/train.sh run (bench/results/train-latest.json) unless given. Every server it
# starts is stopped on exit, failure or Ctrl-C. See docs/benchmarks.md.
set -euo pipefail
export DJL_OFFLINE=true OPT_OUT_TRACKING=true
cd "$(dirname "$0")/.."
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
exec "$PY" bench/lib/photos_bench.py "$@"
