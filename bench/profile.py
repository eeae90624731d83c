#!/usr/bin/python3
"""Where a request's CPU goes (issue #15): Visage under wrk with Java Flight Recorder on, then the samples split
by what the sampled thread was doing.

Starts visage-service/target/visage.jar (the deployed JVM settings, benchlib.DEPLOYED_JAVA_OPTS, plus a JFR recording) on a
stored model, loads it with wrk for --duration on LFW test photos sent with detect=false (--load aligned, the
default) or on a list of photos with detection on (--load list --list FILE), then reads the recording's CPU
samples (jdk.ExecutionSample for Java code, jdk.NativeMethodSample for threads in native code: LibTorch, OpenCV)
and counts each under the first part of Visage's pipeline found from the sampled frame up:

  read upload (multipart reading), decode, detect, crop, forward (the batching worker and LibTorch), answer
  (probabilities to the answer, face crops), JSON, HTTP (Tomcat and Spring outside Visage's code), other.

A native sample says a thread was in native code, not that it ran on a core (LibTorch's waits are native too);
the idle HTTP threads waiting in epoll are left out. The split is of samples, not of wall time per request.

  bench/profile.py --models DIR [--duration 20s] [--load aligned|list] [--list FILE] [--connections 16]

Writes bench/results/profile-<stamp>.json and prints a table. Nothing leaves 127.0.0.1.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import benchlib as b  # noqa: E402

# (category, class-name fragments), checked in this order on each frame from the leaf up.
VISAGE = [
    ("read upload", ("identify.MultipartReader", "identify.UploadReadingFilter", "identify.Upload",
                     "identify.FieldBuffer", "identify.ImageBuffer", "identify.PartHeaders")),
    ("decode", ("identify.FaceImageDecoder", "face.PhotoDecoder", "face.OpenCvImages")),
    ("detect", ("face.FaceDetector", "face.CheckedProposals", "face.CascadePool", "identify.FaceLocator")),
    ("crop", ("face.FaceCrop", "face.Preprocessing")),
    ("forward", ("serving.BatchingWorker", "serving.FaceBatchTranslator", "serving.ServingModel")),
    ("answer", ("identify.Answers",)),
]
OTHERS = [
    ("forward", ("ai.djl.",)),
    ("JSON", ("tools.jackson.", "com.fasterxml.jackson.")),
    ("HTTP", ("org.apache.coyote.", "org.apache.tomcat.", "org.apache.catalina.", "org.springframework.")),
]
IDLE = ("sun.nio.ch.EPoll", "sun.nio.ch.Net.poll", "sun.nio.ch.Net.accept", "jdk.internal.misc.Unsafe.park",
        "java.lang.Object.wait", "java.lang.Thread.sleep")


def parse_args(argv):
    p = argparse.ArgumentParser(prog="bench/profile.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--models", required=True, help="Visage models folder holding `current`")
    p.add_argument("--lfw-dir", default=b.DEFAULT_LFW)
    p.add_argument("--load", choices=("aligned", "list"), default="aligned")
    p.add_argument("--list", help="photos to post with detection on (--load list): one path per line")
    p.add_argument("--duration", default="20s")
    p.add_argument("--warmup", default="5s")
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--jar", default=b.JAR)
    p.add_argument("--recording", help="only split the samples of this JFR file (no load, no server)")
    return p.parse_args(argv)


def category(frames):
    """frames: class.method names, leaf first."""
    if frames and frames[0].startswith(IDLE):
        return None
    for table in (VISAGE, OTHERS):
        for frame in frames:
            for name, fragments in table:
                if any(f in frame for f in fragments):
                    return name
    return "other"


def samples(recording):
    out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events",
                          "jdk.ExecutionSample,jdk.NativeMethodSample", recording],
                         check=True, capture_output=True, text=True).stdout
    for event in json.loads(out)["recording"]["events"]:
        trace = event["values"].get("stackTrace") or {}
        frames = ["%s.%s" % (f["method"]["type"]["name"].replace("/", "."), f["method"]["name"])
                  for f in trace.get("frames", [])]
        thread = (event["values"].get("sampledThread") or {}).get("javaName") or "?"
        yield event["type"], thread, frames


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.recording:
        report(args, args.recording, None)
        return
    work = tempfile.mkdtemp(prefix="visage-profile-")
    if args.load == "aligned":
        with open(os.path.join(args.models, "current")) as f:
            version = f.read().strip()
        with open(os.path.join(args.models, version, "split.json")) as f:
            test = [e["file"] for e in json.load(f)["test"]]
        chosen = random.Random(42).sample(test, min(50, len(test)))
        image_list = os.path.join(work, "aligned.txt")
        with open(image_list, "w") as f:
            f.write("\n".join(os.path.join(args.lfw_dir, name) for name in chosen) + "\n")
        query = "?detect=false"
    else:
        image_list, query = args.list, ""
    recording = os.path.join(work, "visage.jfr")
    port = b.free_port()
    os.environ["VISAGE_JAVA_OPTS"] = os.environ.get("VISAGE_JAVA_OPTS", b.DEPLOYED_JAVA_OPTS)
    child = b.start_visage(args.jar, args.models, port, work)
    try:
        b.wait_http("http://127.0.0.1:%d/actuator/health/readiness" % port, child, 300)
        url = "http://127.0.0.1:%d/identify%s" % (port, query)
        b.run_wrk(url, image_list, args.warmup, connections=args.connections)
        # The recording covers the measured run only: started by jcmd once the warm-up is done.
        subprocess.run(["jcmd", str(child.pid), "JFR.start", "name=profile", "settings=profile"], check=True,
                       capture_output=True)
        figures = b.run_wrk(url, image_list, args.duration, connections=args.connections)
        subprocess.run(["jcmd", str(child.pid), "JFR.dump", "name=profile", "filename=" + recording], check=True,
                       capture_output=True)
    finally:
        child.stop()
    report(args, recording, figures)


def report(args, recording, figures):
    counts, threads = {}, {}
    for kind, thread, frames in samples(recording):
        name = category(frames)
        if name is None:
            continue
        counts[name] = counts.get(name, 0) + 1
        group = "inference" if thread.startswith("visage-inference") else (
            "request" if "exec" in thread else thread.split("-")[0])
        threads[group] = threads.get(group, 0) + 1
    total = sum(counts.values()) or 1
    result = {"kind": "profile", "date": b.now_iso(), "load": args.load, "models_dir": args.models,
              "recording": recording, "wrk": figures, "samples": total,
              "split": {k: round(v / total, 4) for k, v in sorted(counts.items(), key=lambda kv: -kv[1])},
              "threads": {k: round(v / total, 4) for k, v in sorted(threads.items(), key=lambda kv: -kv[1])}}
    path = b.write_result("profile", result)
    if figures:
        print("\nProfile of %s load: %.1f requests/s, p99 %s ms, %d errors" % (
            args.load, figures["requests_per_second"], figures["latency_ms"].get("p99"), figures["errors_total"]))
    print("%d samples (idle waits left out)" % total)
    print(b.table([[k, "%.1f %%" % (100 * v)] for k, v in result["split"].items()], ["part", "share of samples"]))
    print(b.table([[k, "%.1f %%" % (100 * v)] for k, v in result["threads"].items()], ["threads", "share"]))
    print("Result: %s" % os.path.relpath(path, os.getcwd()))


if __name__ == "__main__":
    main()
