#!/usr/bin/env bash
# The batch job on a real Spark standalone cluster on this machine: a master and two workers (one core each), made
# from the Spark jars Maven resolved (no Spark download), the job sent with Spark's own spark-submit
# (org.apache.spark.deploy.SparkSubmit), then its rows compared with local mode's on the same photos.
#   bench/spark-cluster.sh PHOTOS [MODELS]     # PHOTOS: a folder (e.g. from bench/batch.sh); MODELS default models/
# Everything goes to $WORK (default /tmp/visage-spark-cluster), outside the repository. Needs ./mvnw -B package.
set -euo pipefail
export DJL_OFFLINE=true OPT_OUT_TRACKING=true
cd "$(dirname "$0")/.."
PHOTOS="$(realpath "$1")"
MODELS="$(realpath "${2:-models}")"
WORK="${WORK:-/tmp/visage-spark-cluster}"
JAR="$(realpath visage-batch/target/visage-batch.jar)"
SPARK_HOME="$WORK/spark"
OPENS="$(unzip -p "$JAR" META-INF/MANIFEST.MF | tr -d '\r' | sed -n 's/^Add-Opens: //p' | tr ' ' '\n' | sed 's/.*/--add-opens=&=ALL-UNNAMED/' | paste -sd' ')"
rm -rf "$WORK/out-cluster" "$WORK/out-local" "$WORK"/worker-*
mkdir -p "$SPARK_HOME/jars"
# A Spark home as Spark's launcher expects one: RELEASE marks a distribution, jars/ holds Spark and its dependencies
# (the ones Maven resolved for visage-batch, without Visage's own and its natives).
if [ -z "$(ls "$SPARK_HOME/jars")" ]; then
  ./mvnw -B -o -q dependency:copy-dependencies -pl visage-batch -DincludeScope=runtime \
    -DexcludeGroupIds=dev.visage,ai.djl,ai.djl.pytorch,org.bytedeco,net.java.dev.jna \
    -DoutputDirectory="$SPARK_HOME/jars"
fi
echo "Spark 4.2.0 (Maven's jars, $(ls "$SPARK_HOME/jars" | wc -l) of them)" > "$SPARK_HOME/RELEASE"
export SPARK_HOME SPARK_SCALA_VERSION=2.13
spark() { java $OPENS -cp "$SPARK_HOME/jars/*" "$@"; }

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
spark -Xmx256m org.apache.spark.deploy.master.Master --host 127.0.0.1 --port 17077 --webui-port 18090 \
  > "$WORK/master.log" 2>&1 & pids+=($!)
for w in 1 2; do
  mkdir -p "$WORK/worker-$w"
  spark -Xmx256m org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 1 --memory 2g \
    --webui-port $((18090 + w)) --work-dir "$WORK/worker-$w" spark://127.0.0.1:17077 > "$WORK/worker-$w.log" 2>&1 &
  pids+=($!)
done
until [ "$(grep -c 'Registering worker' "$WORK/master.log" 2>/dev/null)" = 2 ]; do sleep 1; done
echo "master and 2 workers up"

# Peak resident memory of each executor JVM (VmHWM), sampled every second while the job runs.
watch_executors() {
  : > "$WORK/executors-rss.txt"
  while true; do
    for pid in $(pgrep -f CoarseGrainedExecutorBackend || true); do
      echo "$pid $(awk '/^VmHWM/ {print int($2 / 1024)}' /proc/$pid/status 2>/dev/null)" >> "$WORK/executors-rss.txt"
    done
    sleep 1
  done
}
watch_executors & pids+=($!)
start=$(date +%s.%N)
spark -Xmx1g org.apache.spark.deploy.SparkSubmit --master spark://127.0.0.1:17077 \
  --class dev.visage.batch.BatchJob --executor-cores 1 --executor-memory 1g --conf spark.ui.enabled=false \
  "$JAR" --models "$MODELS" --input "$PHOTOS" --output "$WORK/out-cluster" --format jsonl > "$WORK/submit.log" 2>&1
end=$(date +%s.%N)
grep "Photos done" "$WORK/submit.log" | tail -1
awk -v s="$start" -v e="$end" 'BEGIN {printf "cluster: %.1f s wall, submit to exit\n", e - s}'
for w in 1 2; do
  stderr=$(ls "$WORK"/worker-$w/app-*/*/stderr)
  echo "worker $w: $(grep -c 'Finished task' $stderr) tasks (listing and identifying), $(grep -c 'Model .* loaded' $stderr) model load(s)"
done

java -Xmx1g -jar "$JAR" --models "$MODELS" --input "$PHOTOS" --output "$WORK/out-local" --format jsonl \
  > "$WORK/local.log" 2>&1
awk 'NF == 2 && $2 > peak[$1] {peak[$1] = $2} END {for (p in peak) printf "executor %s: peak RSS %d MiB\n", p, peak[p]}' \
  "$WORK/executors-rss.txt"
# The same rows, in any order; confidences equal to 1e-5 (forward passes batch the faces differently).
python3 - "$WORK/out-cluster" "$WORK/out-local" <<'PY'
import glob, json, sys
def rows(folder):
    out = []
    for part in glob.glob(folder + "/part-*.json"):
        for line in open(part):
            r = json.loads(line)
            out.append((r["file"].rsplit("/", 1)[-1], json.dumps(r.get("box")), r.get("person"), r.get("known"),
                        r.get("reason"), r.get("confidence")))
    return sorted(out, key=lambda r: r[:5])
cluster, local = rows(sys.argv[1]), rows(sys.argv[2])
same = len(cluster) == len(local) and all(
    a[:5] == b[:5] and (a[5] is None) == (b[5] is None) and (a[5] is None or abs(a[5] - b[5]) < 1e-5)
    for a, b in zip(cluster, local))
print("%s: %d rows on the cluster, %d in local mode" % ("same rows as local mode" if same else "ROWS DIFFER",
                                                         len(cluster), len(local)))
sys.exit(0 if same else 1)
PY
