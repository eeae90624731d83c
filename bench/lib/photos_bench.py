"""Real photos (issue #11): composed photos scored on Visage and on the Python + OpenCV reference, then both
loaded with wrk on 640x480 composed photos (and on aligned LFW photos with detect=false). See docs/benchmarks.md.

Each server in turn: start it, score every composed photo (bench/realphotos.py), warm up with wrk, measure, stop.
"""

import argparse
import json
import os
import random
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import benchlib as b  # noqa: E402
import realphotos  # noqa: E402


def parse_args(argv):
    p = argparse.ArgumentParser(prog="bench/realphotos.sh", description=__doc__)
    p.add_argument("--visage-models", help="Visage models folder (default: from bench/results/train-latest.json)")
    p.add_argument("--reference-model", help="train_reference.py --out folder, trained with --detect-faces true "
                                             "(default: from train-latest.json)")
    p.add_argument("--jar", help="Visage jar (default: the training run's copy, else visage-service/target/visage.jar)")
    p.add_argument("--lfw-dir", help="LFW folder (default: the training run's)")
    p.add_argument("--photos", help="a folder bench/compose.py wrote (default: compose one in the work folder)")
    p.add_argument("--seed", type=int, default=11, help="seed of bench/compose.py (default 11)")
    p.add_argument("--face-px", default="90,320",
                   help="MIN,MAX side of the pasted faces (default 90,320; issue #30's ordinary photos: 32,130)")
    p.add_argument("--group", type=int, default=150, help="group photos to compose (default 150)")
    p.add_argument("--noface", type=int, default=100, help="no-face photos to compose (default 100)")
    p.add_argument("--single", type=int, default=-1, help="single-face photos (default: one per test photo)")
    p.add_argument("--aligned", type=int, default=-1, help="aligned LFW test photos to post (default: all)")
    p.add_argument("--duration", default="20s", help="measured wrk run per server and photo set (default 20s)")
    p.add_argument("--warmup", default="5s", help="wrk warm-up before each measured run (default 5s)")
    p.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    p.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers of the reference (default 2)")
    p.add_argument("--loads", default="composed,aligned",
                   help="wrk loads: composed (640x480 composed photos, detection on), aligned (LFW test photos, "
                        "detect=false); '' for none (default both)")
    p.add_argument("--skip-scores", action="store_true", help="only the wrk loads")
    p.add_argument("--only", choices=("visage", "reference"), help="one server only")
    p.add_argument("--ready-timeout", type=int, default=300)
    p.add_argument("--work", help="folder for photos, logs and lists (default: a new /tmp/visage-photos-* folder)")
    return p.parse_args(argv)


# DetectionProperties.toSettings' arguments after the two cascades, in DetectorSettings' order (None: a setting's).
SCAN_ARGUMENTS = ("detectionSide", "maxDetectionSide", "scaleFactor", "retryScaleFactor", "minNeighbors", None,
                  "minWindow", None)


def detection_drift_notes():
    """The reference's detection and identify settings (bench/reference/detection.py, serve_plain.py) against
    Visage's defaults in src/main/java, best effort: a note per difference, none when the sources are missing."""
    import re

    ours = {"detectionSide": "640", "maxDetectionSide": "1600", "scaleFactor": "1.3", "retryScaleFactor": "1.15",
            "minNeighbors": "3", "minWindow": "24", "minFaceSize (detector)": "40",
            "maxFaces (detector)": "100", "cascade": "haar-alt2", "minConfidence": "0.4", "maxFaces": "10",
            "minFaceSize": "40"}
    found = {}
    for name, rename in (("face/DetectionProperties.java", {"maxFaces": "maxFaces (detector)",
                                                       "minFaceSize": "minFaceSize (detector)"}),
                         ("identify/IdentifyProperties.java", {})):
        try:
            with open(b.source_file(name)) as f:
                text = f.read()
        except OSError:
            continue
        for value, field in re.findall(r'@DefaultValue\("([^"]*)"\)\s+(?:\w+\s+)?(\w+),?\s*[\n)]', text):
            found[rename.get(field, field)] = value
        # The scan's fixed values are arguments of DetectionProperties.toSettings, not defaults of a setting.
        scan = re.search(r"new DetectorSettings\(\s*cascade\.resource\(\),\s*proposals\.resource\(\),([^;]*)\);", text)
        if scan:
            for field, value in zip(SCAN_ARGUMENTS, scan.group(1).split(",")):
                if field:
                    found[field] = value.strip()
    try:
        with open(b.source_file("face/BoxFraming.java")) as f:
            text = f.read()
        for constant, key, value in (("HAAR_FRONTALFACE_ALT2", "framing alt2 (x, y, side)", "70.5, 69.5, 111"),
                                     ("HAAR_FRONTALFACE_ALT2_CHECKING_LBP", "framing alt2 checking lbp (x, y, side)",
                                      "68.0, 68.0, 114")):
            m = re.search(constant + r"\s*=\s*new BoxFraming\(([^)]*)\)", text)
            if m:
                found[key] = ", ".join(v.strip() for v in m.group(1).split(","))
                ours[key] = value
    except OSError:
        pass
    notes = []
    proposals = os.environ.get("REFERENCE_PROPOSALS", "none")
    if "proposals" in found and found["proposals"] != proposals:
        notes.append("Visage's detector checks %s proposals with alt2 (visage.detection.proposals), the reference's "
                     "scans with %s: set REFERENCE_PROPOSALS=%s for the same algorithm"
                     % (found["proposals"], "alt2 alone" if proposals == "none" else proposals + " proposals",
                        found["proposals"]))
    found.pop("proposals", None)
    for key, value in ours.items():
        if key in found and not b._same(found[key], value):
            notes.append("the reference uses %s=%s, Visage's default in src/main/java is %s: update "
                         "bench/reference/detection.py or serve_plain.py" % (key, value, found[key]))
    return notes


def current_model(store):
    with open(os.path.join(store, "current")) as f:
        return os.path.join(store, f.read().strip())


def write_list(path, files):
    with open(path, "w") as f:
        for name in files:
            f.write(name + "\n")
    return path


def load_runs(name, base, lists, args, wrk_log):
    runs = {}
    for load, (image_list, query) in lists.items():
        url = base + "/identify" + query
        b.log("%s: %s load, warm-up %s (load average %s)" % (name, load, args.warmup, b.loadavg()))
        b.run_wrk(url, image_list, args.warmup, args.threads, args.connections, log_path=wrk_log)
        before = b.loadavg()
        b.log("%s: %s load, measuring %s" % (name, load, args.duration))
        run = b.run_wrk(url, image_list, args.duration, args.threads, args.connections, log_path=wrk_log)
        run["loadavg_before"] = before
        run["loadavg_after"] = b.loadavg()
        runs[load] = run
    return runs


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    train = b.read_latest("train") or {}
    visage_models = args.visage_models or (train.get("visage") or {}).get("models_dir")
    reference_model = args.reference_model or (train.get("reference") or {}).get("model_dir")
    lfw = args.lfw_dir or train.get("lfw_dir") or b.DEFAULT_LFW
    if not visage_models:
        raise SystemExit("No Visage model: run bench/train.sh first or pass --visage-models DIR (its split.json "
                         "chooses the test photos)")
    if args.only != "visage" and not reference_model:
        raise SystemExit("No reference model: run bench/train.sh first or pass --reference-model DIR")
    for note in detection_drift_notes():
        b.log("note: " + note)
    work = args.work or tempfile.mkdtemp(prefix="visage-photos-")
    os.makedirs(work, exist_ok=True)
    model_dir = current_model(visage_models)

    photos = args.photos
    if not photos:
        import compose  # noqa: E402  (numpy and OpenCV only when composing)

        photos = os.path.join(work, "photos")
        b.log("Composing photos into %s (seed %d)" % (photos, args.seed))
        compose.main(["--model-dir", model_dir, "--lfw-dir", lfw, "--out", photos, "--seed", str(args.seed),
                      "--face-px", args.face_px, "--group", str(args.group), "--noface", str(args.noface),
                      "--single", str(args.single)])
    with open(os.path.join(photos, "truth.json")) as f:
        truth = json.load(f)
    aligned = truth["aligned"] if args.aligned < 0 else truth["aligned"][:args.aligned]
    kinds = set() if args.skip_scores else {"single", "group", "noface", "aligned"}

    lists = {}
    loads = [load for load in args.loads.split(",") if load]
    if "composed" in loads:
        served = [os.path.join(photos, p["file"]) for p in truth["photos"] if p["kind"] == "serve"]
        if not served:
            raise SystemExit("No serve/ photos in %s" % photos)
        lists["composed"] = (write_list(os.path.join(work, "composed.txt"), served), "")
    if "aligned" in loads:
        chosen = random.Random(42).sample([a["file"] for a in truth["aligned"]], min(50, len(truth["aligned"])))
        lists["aligned"] = (write_list(os.path.join(work, "aligned.txt"), [os.path.join(lfw, f) for f in chosen]),
                            "?detect=false")

    results = {"kind": "photos", "date": b.now_iso(), "machine": b.machine(), "work": work, "photos": photos,
               "seed": truth["seed"], "settings": truth["settings"], "iou_match": realphotos.IOU_MATCH,
               "counts": {k: sum(1 for p in truth["photos"] if p["kind"] == k)
                          for k in ("single", "group", "noface", "serve")},
               "wrk": {"threads": args.threads, "connections": args.connections, "duration": args.duration,
                       "warmup": args.warmup, "loads": loads},
               "visage": None, "reference": None}

    if args.only != "reference":
        jar = args.jar or (b.snapshot_jar(train["work"]) if train.get("work") and os.path.isdir(train["work"])
                           else b.require_jar())
        port = b.free_port()
        child = b.start_visage(jar, visage_models, port, work)
        try:
            base = "http://127.0.0.1:%d" % port
            b.log("visage: waiting for readiness")
            ready = b.wait_http(base + "/actuator/health/readiness", child, args.ready_timeout)
            v = realphotos.evaluate("visage", base, truth, photos, kinds, aligned, lfw) if kinds else {}
            v.update({"ready_seconds": round(ready, 1), "jar": jar, "models_dir": visage_models,
                      "model": os.path.basename(model_dir)})
            v["load"] = load_runs("visage", base, lists, args, os.path.join(work, "wrk-visage.log"))
            v["rss_mib_after"] = round((b.rss_kib(child.pid) or 0) / 1024.0, 1)
            if not child.alive():
                raise SystemExit("visage died:\n" + child.tail())
            results["visage"] = v
        finally:
            child.stop()

    if args.only != "visage":
        port = b.free_port()
        env = dict(b.ENV, REFERENCE_MODEL_DIR=reference_model, REFERENCE_TORCH_THREADS="1",
                   OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
        command = ["gunicorn", "-w", str(args.workers), "-b", "127.0.0.1:%d" % port, "--chdir",
                   os.path.join(b.BENCH, "reference"), "--log-level", "warning", "serve_plain:create_app()"]
        child = b.Child("reference", command, os.path.join(work, "reference-serve-%d.log" % port), env=env)
        try:
            base = "http://127.0.0.1:%d" % port
            b.log("reference: waiting for /health")
            ready = b.wait_http(base + "/health", child, args.ready_timeout)
            r = realphotos.evaluate("reference", base, truth, photos, kinds, aligned, lfw) if kinds else {}
            r.update({"ready_seconds": round(ready, 1), "model_dir": reference_model, "workers": args.workers})
            r["load"] = load_runs("reference", base, lists, args, os.path.join(work, "wrk-reference.log"))
            r["rss_mib_after"] = round(b.group_rss_kib(child.pid) / 1024.0, 1)
            if not child.alive():
                raise SystemExit("reference died:\n" + child.tail())
            results["reference"] = r
        finally:
            child.stop()

    v, r = results["visage"], results["reference"]
    if v and r:
        results["ratios"] = {}
        for load in v["load"]:
            vl, rl = v["load"][load], r["load"][load]
            results["ratios"][load] = {
                "requests_per_second": b.ratio(vl["requests_per_second"], rl["requests_per_second"]),
                "p50": b.ratio(vl["latency_ms"]["p50"], rl["latency_ms"]["p50"]),
                "p99": b.ratio(vl["latency_ms"]["p99"], rl["latency_ms"]["p99"]),
            }
    path = b.write_result("photos", results)
    if kinds:
        print(realphotos.report(results))
    print_loads(results)
    print("Result: %s" % os.path.relpath(path, os.getcwd()))
    return results


def print_loads(results):
    v, r = results["visage"], results["reference"]
    rows = []
    for load in results["wrk"]["loads"]:
        def get(side, *keys):
            value = (side or {}).get("load", {}).get(load)
            for k in keys:
                value = value[k] if value else None
            return value

        ratio = (results.get("ratios") or {}).get(load, {})
        rows.append([load + ": requests/s", b.fmt(get(v, "requests_per_second")),
                     b.fmt(get(r, "requests_per_second")), "x%.2f" % ratio["requests_per_second"] if ratio else ""])
        for p in ("p50", "p99"):
            rows.append([load + ": latency %s ms" % p, b.fmt(get(v, "latency_ms", p), 1),
                         b.fmt(get(r, "latency_ms", p), 1), "x%.2f" % ratio[p] if ratio else ""])
        rows.append([load + ": requests / non-2xx / socket errors",
                     "%s / %s / %s" % (get(v, "requests"), get(v, "non_2xx"),
                                       (get(v, "errors_total") or 0) - (get(v, "non_2xx") or 0)) if v else "-",
                     "%s / %s / %s" % (get(r, "requests"), get(r, "non_2xx"),
                                       (get(r, "errors_total") or 0) - (get(r, "non_2xx") or 0)) if r else "-", ""])
        rows.append([load + ": load average before", str(get(v, "loadavg_before")), str(get(r, "loadavg_before")),
                     ""])
    print()
    print(b.table(rows, ["wrk -t%d -c%d -d%s" % (results["wrk"]["threads"], results["wrk"]["connections"],
                                                 results["wrk"]["duration"]), "Visage", "reference", "Visage/ref"]))


if __name__ == "__main__":
    main()
