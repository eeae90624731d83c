#!/usr/bin/env bash
# New-people benchmark (issue #28): the newest face base of a model store, shown 10 never-seen people of its
# newPeopleTest group with 5, 10 and 20 photos each (seeds 42 and 7), named by nearest class mean on its features,
# by a model trained from the base's trunk (fine-tuned) and by the same model from scratch.
#   bench/newpeople.sh STORE_DIR [LFW_DIR] [--columns=ncm,fine-tuned,scratch] [--seeds=42,7]
#                      [--schedule=FROZEN_EPOCHS,TRUNK_RATE_FACTOR]
#   (train a base first: java -jar visage-service/target/visage.jar train --base; the trained columns take minutes
#   each: --columns=ncm skips them)
set -euo pipefail
export DJL_OFFLINE=true OPT_OUT_TRACKING=true
cd "$(dirname "$0")/.."
./mvnw -B -o -q test-compile dependency:build-classpath -pl visage-service -am -Dmdep.outputFile=target/cp.txt
S=visage-service/target
exec java -cp "$S/classes:$S/test-classes:$(cat $S/cp.txt)" dev.visage.training.NewPeopleBench "$@"
