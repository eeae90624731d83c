#!/usr/bin/env bash
# The whole benchmark in one command: training side by side, serving side by side, the open-set figure.
#   bench/run-all.sh [training.epochs=N ...] [--duration 20s] [--rss-runs 10000,50000] [--keep-work]
# Needs visage-service/target/visage.jar (./mvnw -B package -DskipTests), wrk, gunicorn and Debian's python3-torch.
# Writes bench/results/latest.json and prints a markdown section for docs/benchmarks-log.md.
set -euo pipefail
export DJL_OFFLINE=true OPT_OUT_TRACKING=true
cd "$(dirname "$0")/.."
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
exec "$PY" bench/lib/run_all.py "$@"
