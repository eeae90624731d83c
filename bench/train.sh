#!/usr/bin/env bash
# Training benchmark, Visage vs the plain PyTorch reference, same settings (bench/settings.conf).
#   bench/train.sh [training.epochs=2 ...] [--lfw-dir DIR] [--work DIR]
# Needs visage-service/target/visage.jar (./mvnw -B package -DskipTests). See docs/benchmarks.md.
set -euo pipefail
export DJL_OFFLINE=true OPT_OUT_TRACKING=true
cd "$(dirname "$0")/.."
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
exec "$PY" bench/lib/train_bench.py "$@"
