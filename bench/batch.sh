#!/usr/bin/env bash
# Batch benchmark: the Spark job (java -jar visage-batch.jar, local mode) against the service's POST /identify on
# the same generated 640x480 photos (LFW faces pasted on noise, one in ten without a face), on this machine.
#   bench/batch.sh [COUNT] [MODELS]       # COUNT photos (default 1000); MODELS: a model store (default models/)
#   SKIP_SERVICE=1 bench/batch.sh 10000   # the job alone (memory over a long run); SKIP_BATCH=1: the service alone
# Photos and outputs go to $WORK (default /tmp/visage-batch-bench), outside the repository. Prints photos/s of both,
# the job's peak resident memory (sampled every second) and its resident memory over time, to see it stay flat.
# Needs ./mvnw -B package (visage-batch.jar, visage.jar, and the batch module's test classes). See docs/benchmarks.md.
set -euo pipefail
export DJL_OFFLINE=true OPT_OUT_TRACKING=true
cd "$(dirname "$0")/.."
COUNT="${1:-1000}"
MODELS="$(realpath "${2:-models}")"
WORK="${WORK:-/tmp/visage-batch-bench}"
HEAP="${HEAP:-1g}"
CONNECTIONS="${CONNECTIONS:-$(nproc)}"
PHOTOS="$WORK/photos-$COUNT"
mkdir -p "$WORK"
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'); load before: $(cut -d' ' -f1-3 /proc/loadavg)"

# Copies of the jars, so that a rebuild during the run changes nothing.
cp visage-batch/target/visage-batch.jar visage-service/target/visage.jar "$WORK/"
if [ ! -f "$PHOTOS/.complete" ]; then
  java -cp visage-batch/target/test-classes dev.visage.batch.ArchiveBench generate "$PHOTOS" "$COUNT"
  touch "$PHOTOS/.complete"
fi

# Samples a process's resident memory (MiB) every second until it exits; prints the series' peak and quartiles.
sample_rss() {
  local pid=$1 out=$2
  : > "$out"
  while kill -0 "$pid" 2>/dev/null; do
    awk '/^VmRSS/ {print int($2 / 1024)}' "/proc/$pid/status" 2>/dev/null >> "$out" || true
    sleep 1
  done
}

# CPU seconds (user + system) a live process has used so far.
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / hz}' "/proc/$1/stat"; }

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

if [ "${SKIP_BATCH:-0}" != 1 ]; then
echo "== batch job: local[*], -Xmx$HEAP, $COUNT photos"
OUT="$WORK/out-$COUNT-$(date +%s)"
start=$(date +%s.%N)
java -Xmx"$HEAP" -jar "$WORK/visage-batch.jar" --models "$MODELS" --input "$PHOTOS" --output "$OUT" \
  > "$WORK/batch.log" 2>&1 &
job=$!; pids+=("$job")
sample_rss "$job" "$WORK/batch-rss.txt" &
# CPU seconds of the job when it starts identifying, and just before it exits (Spark stopped, rows written).
until grep -q "Identifying the faces" "$WORK/batch.log" 2>/dev/null || ! kill -0 "$job" 2>/dev/null; do sleep 0.2; done
cpu_start=$(cpu_seconds "$job" 2>/dev/null || echo 0)
until grep -q "Photos done: $COUNT / $COUNT" "$WORK/batch.log" 2>/dev/null || ! kill -0 "$job" 2>/dev/null; do
  sleep 0.2
done
cpu_end=$(cpu_seconds "$job" 2>/dev/null || echo 0)
wait "$job"
awk -v a="$cpu_start" -v b="$cpu_end" -v n="$COUNT" \
  'BEGIN {printf "batch CPU while identifying: %.1f s = %.1f ms per photo\n", b - a, 1000 * (b - a) / n}'
end=$(date +%s.%N)
grep "Photos done" "$WORK/batch.log" | tail -1
awk -v s="$start" -v e="$end" -v n="$COUNT" 'BEGIN {printf "batch: %d photos in %.1f s wall (JVM and Spark start included) = %.1f photos/s\n", n, e - s, n / (e - s)}'
sort -n "$WORK/batch-rss.txt" | awk '{a[NR]=$1} END {printf "batch RSS MiB: peak %d, median %d, samples %d\n", a[NR], a[int(NR/2)+1], NR}'
echo "batch RSS over time (MiB, one sample a second, every 10th):"; awk 'NR % 10 == 1' "$WORK/batch-rss.txt" | paste -sd' '

fi
[ "${SKIP_SERVICE:-0}" = 1 ] && exit 0
echo "== service: POST /identify, $CONNECTIONS connections, default JVM settings plus -Xmx$HEAP"
PORT=18480
java -Xmx"$HEAP" -jar "$WORK/visage.jar" --server.port=$PORT --management.server.port=$((PORT + 1)) \
  --visage.models.dir="$MODELS" --visage.train-on-startup=false --visage.lfw.download=false \
  > "$WORK/service.log" 2>&1 &
service=$!; pids+=("$service")
until curl -sf "http://127.0.0.1:$((PORT + 1))/actuator/health/readiness" > /dev/null; do
  kill -0 "$service" || { echo "service exited"; tail -20 "$WORK/service.log"; exit 1; }; sleep 1
done
sample_rss "$service" "$WORK/service-rss.txt" &
cpu_start=$(cpu_seconds "$service")
java -cp visage-batch/target/test-classes dev.visage.batch.ArchiveBench post "http://127.0.0.1:$PORT" "$PHOTOS" "$CONNECTIONS"
cpu_end=$(cpu_seconds "$service")
awk -v a="$cpu_start" -v b="$cpu_end" -v n="$COUNT" \
  'BEGIN {printf "service CPU (its JVM, not the client): %.1f s = %.1f ms per photo\n", b - a, 1000 * (b - a) / n}'
sort -n "$WORK/service-rss.txt" | awk '{a[NR]=$1} END {printf "service RSS MiB: peak %d\n", a[NR]}'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
