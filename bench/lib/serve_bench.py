"""Serving side by side: POST /identify on Visage and on the reference (Flask + gunicorn -w 2), each loaded with
the model the training benchmark stored, driven by wrk with real LFW photos. See docs/benchmarks.md."""

import argparse
import json
import os
import random
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as b  # noqa: E402


def parse_args(argv):
    p = argparse.ArgumentParser(prog="bench/serve.sh", description=__doc__)
    p.add_argument("--visage-models", help="Visage models folder (default: from bench/results/train-latest.json)")
    p.add_argument("--reference-model", help="train_reference.py --out folder (default: from train-latest.json)")
    p.add_argument("--lfw-dir", help="LFW folder (default: the training run's)")
    p.add_argument("--duration", default="20s", help="measured wrk run per server (default 20s)")
    p.add_argument("--warmup", default="5s", help="wrk warm-up before measuring (default 5s)")
    p.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    p.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    p.add_argument("--rss-runs", default="10000,50000",
                   help="request counts after which Visage's RSS is read ('' to skip; default 10000,50000)")
    p.add_argument("--rss-max", default="15m",
                   help="time bound of each RSS run; a run that hits it reports fewer requests (default 15m)")
    p.add_argument("--images", type=int, default=50, help="photos wrk rotates over (default 50)")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers of the reference (default 2)")
    p.add_argument("--ready-timeout", type=int, default=300, help="seconds a server may take to start")
    p.add_argument("--only", choices=("visage", "reference"), help="benchmark one server only")
    p.add_argument("--work", help="folder for logs and the image list (default: the training run's work folder)")
    p.add_argument("--cpu-capabilities", default="",
                   help="run everything once per value of ATEN_CPU_CAPABILITY for both servers, in order: a comma "
                        "list of LibTorch/PyTorch capabilities (avx2, avx512, default) and 'unset' (e.g. "
                        "unset,avx2); default: the environment's as it is")
    return p.parse_args(argv)


def choose_images(model_dir, lfw, count, path):
    """`count` photos of the model's test part (seed 42), written one path a line for identify.lua."""
    with open(os.path.join(model_dir, "split.json")) as f:
        test = [entry["file"] for entry in json.load(f)["test"]]
    chosen = random.Random(42).sample(test, min(count, len(test)))
    with open(path, "w") as f:
        for name in chosen:
            f.write(os.path.join(lfw, name) + "\n")
    return chosen


def mib(kib):
    return round(kib / 1024.0, 1) if kib else None


def measure(name, child, port, ready_path, args, image_list, rss, rss_runs, work, heap=None):
    base = "http://127.0.0.1:%d" % port
    url = base + "/identify"
    wrk_log = os.path.join(work, "wrk-%s.log" % name)
    b.log("%s: waiting for %s" % (name, base + ready_path))
    ready = b.wait_http(base + ready_path, child, args.ready_timeout)
    with open(image_list) as f:
        first = f.readline().strip()
    status, answer = b.post_image(url, first)
    b.check_answer(name, status, answer)
    result = {"ready_seconds": round(ready, 1), "sample_answer": answer, "rss_mib": {"ready": mib(rss())}}
    b.log("%s: ready after %.1f s; warm-up %s" % (name, ready, args.warmup))
    result["warmup"] = b.run_wrk(url, image_list, args.warmup, args.threads, args.connections, log_path=wrk_log)
    result["rss_mib"]["before_load"] = mib(rss())
    b.log("%s: measuring %s with %d connections" % (name, args.duration, args.connections))
    result["load"] = b.run_wrk(url, image_list, args.duration, args.threads, args.connections, log_path=wrk_log)
    result["load"]["loadavg_after"] = b.loadavg()
    result["rss_mib"]["after_load"] = mib(rss())
    runs = []
    for count in rss_runs:
        b.log("%s: %d requests for the memory check" % (name, count))
        run = b.run_wrk(url, image_list, args.rss_max, args.threads, args.connections, limit=count,
                        log_path=wrk_log)
        run["rss_mib_after"] = mib(rss())
        if heap:
            run["heap_mib_after"] = mib(heap())
            if run["rss_mib_after"] is not None and run["heap_mib_after"] is not None:
                run["outside_heap_mib_after"] = round(run["rss_mib_after"] - run["heap_mib_after"], 1)
        run["reached_target"] = run["requests"] >= count
        if not run["reached_target"]:
            b.log("%s: the time bound ended the run after %d of %d requests" % (name, run["requests"], count))
        runs.append(dict(run, target_requests=count))
    if runs:
        result["rss_runs"] = runs
        if len(runs) >= 2 and runs[0]["rss_mib_after"]:
            result["rss_growth_percent"] = round(
                100.0 * (runs[-1]["rss_mib_after"] - runs[0]["rss_mib_after"]) / runs[0]["rss_mib_after"], 2)
            if runs[0].get("outside_heap_mib_after") and runs[-1].get("outside_heap_mib_after") is not None:
                result["outside_heap_growth_percent"] = round(
                    100.0 * (runs[-1]["outside_heap_mib_after"] - runs[0]["outside_heap_mib_after"])
                    / runs[0]["outside_heap_mib_after"], 2)
    if not child.alive():
        raise SystemExit("%s died during the load:\n%s" % (name, child.tail()))
    result["errors_total"] = result["load"]["errors_total"] + sum(r["errors_total"] for r in runs)
    return result


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    capabilities = [c.strip() for c in args.cpu_capabilities.split(",") if c.strip()]
    if not capabilities:
        return run(args)
    before = b.ENV.get("ATEN_CPU_CAPABILITY")
    try:
        for capability in capabilities:
            if capability == "unset":
                b.ENV.pop("ATEN_CPU_CAPABILITY", None)
            else:
                b.ENV["ATEN_CPU_CAPABILITY"] = capability
            b.log("ATEN_CPU_CAPABILITY=%s for both servers" % b.ENV.get("ATEN_CPU_CAPABILITY", "(unset)"))
            result = run(args)
    finally:  # later steps of the same process (bench/run-all.sh) see the environment as it was
        b.ENV.pop("ATEN_CPU_CAPABILITY", None)
        if before is not None:
            b.ENV["ATEN_CPU_CAPABILITY"] = before
    return result  # the last capability's, as a run without the option returns its one result


def run(args):
    train = b.read_latest("train") or {}
    visage_models = args.visage_models or (train.get("visage") or {}).get("models_dir")
    reference_model = args.reference_model or (train.get("reference") or {}).get("model_dir")
    lfw = args.lfw_dir or train.get("lfw_dir") or b.DEFAULT_LFW
    if args.only != "reference" and not visage_models:
        raise SystemExit("No Visage model: run bench/train.sh first or pass --visage-models DIR")
    if args.only != "visage" and not reference_model:
        raise SystemExit("No reference model: run bench/train.sh first or pass --reference-model DIR")
    work = args.work or train.get("work") or tempfile.mkdtemp(prefix="visage-bench-")
    os.makedirs(work, exist_ok=True)
    rss_runs = [int(n) for n in args.rss_runs.split(",") if n.strip()]

    # Photos: from the Visage model's test part, or the reference's when only it runs.
    if visage_models:
        with open(os.path.join(visage_models, "current")) as f:
            model_dir = os.path.join(visage_models, f.read().strip())
    else:
        model_dir = None
    image_list = os.path.join(work, "images.txt")
    if model_dir:
        choose_images(model_dir, lfw, args.images, image_list)
    elif not os.path.isfile(image_list):
        raise SystemExit("No image list: pass --visage-models so the test photos can be chosen")

    info = b.machine(b.JAR)
    results = {"kind": "serve", "date": b.now_iso(), "machine": info, "lfw_dir": lfw, "work": work,
               "wrk": {"threads": args.threads, "connections": args.connections, "duration": args.duration,
                       "warmup": args.warmup, "images": args.images, "rss_runs": rss_runs},
               "visage": None, "reference": None}

    if args.only != "reference":
        jar = b.snapshot_jar(work)  # the training step's copy when there is one
        port = b.free_port()
        child = b.start_visage(jar, visage_models, port, work)
        try:
            v = measure("visage", child, port, "/actuator/health/readiness", args, image_list,
                        lambda: b.rss_kib(child.pid), rss_runs, work, heap=lambda: b.java_heap_kib(child.pid))
            v["models_dir"] = visage_models
            results["visage"] = v
        finally:
            child.stop()

    if args.only != "visage":
        port = b.free_port()
        env = dict(b.ENV, REFERENCE_MODEL_DIR=reference_model, REFERENCE_TORCH_THREADS="1",
                   OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
        command = ["gunicorn", "-w", str(args.workers), "-b", "127.0.0.1:%d" % port, "--chdir",
                   os.path.join(b.BENCH, "reference"), "--log-level", "warning", "serve_reference:create_app()"]
        child = b.Child("reference", command, os.path.join(work, "reference-serve-%d.log" % port), env=env)
        try:
            r = measure("reference", child, port, "/health", args, image_list,
                        lambda: b.group_rss_kib(child.pid), [], work)
            r["model_dir"] = reference_model
            r["workers"] = args.workers
            results["reference"] = r
        finally:
            child.stop()

    v, r = results["visage"], results["reference"]
    if v and r:
        results["ratios"] = {
            "requests_per_second": b.ratio(v["load"]["requests_per_second"], r["load"]["requests_per_second"]),
            "p50": b.ratio(v["load"]["latency_ms"]["p50"], r["load"]["latency_ms"]["p50"]),
            "p99": b.ratio(v["load"]["latency_ms"]["p99"], r["load"]["latency_ms"]["p99"]),
        }
        results["targets"] = {
            "requests/s >= 2x reference": results["ratios"]["requests_per_second"] >= 2.0,
            "p99 <= reference": v["load"]["latency_ms"]["p99"] <= r["load"]["latency_ms"]["p99"],
            "zero errors (Visage)": v["errors_total"] == 0,
        }
        if "rss_growth_percent" in v:
            results["targets"]["RSS growth 10k -> 50k < 5%"] = v["rss_growth_percent"] < 5.0
    path = b.write_result("serve", results)
    print_table(results)
    print("Result: %s" % os.path.relpath(path, os.getcwd()))
    return results


def print_table(results):
    v, r = results["visage"], results["reference"]

    def load(side, *keys):
        if not side:
            return None
        value = side["load"]
        for k in keys:
            value = value[k]
        return value

    rows = [
        ["requests/s", b.fmt(load(v, "requests_per_second")), b.fmt(load(r, "requests_per_second")),
         "x%.2f" % results["ratios"]["requests_per_second"] if results.get("ratios") else ""],
        ["latency p50 ms", b.fmt(load(v, "latency_ms", "p50"), 2), b.fmt(load(r, "latency_ms", "p50"), 2),
         "x%.2f" % results["ratios"]["p50"] if results.get("ratios") else ""],
        ["latency p99 ms", b.fmt(load(v, "latency_ms", "p99"), 2), b.fmt(load(r, "latency_ms", "p99"), 2),
         "x%.2f" % results["ratios"]["p99"] if results.get("ratios") else ""],
        ["requests in the measured run", b.fmt(load(v, "requests")), b.fmt(load(r, "requests")), ""],
        ["non-2xx answers", b.fmt(load(v, "non_2xx")), b.fmt(load(r, "non_2xx")), ""],
        ["socket errors", b.fmt(load(v, "errors_total") - load(v, "non_2xx") if v else None),
         b.fmt(load(r, "errors_total") - load(r, "non_2xx") if r else None), ""],
        ["RSS MiB before load", b.fmt((v or {}).get("rss_mib", {}).get("before_load")),
         b.fmt((r or {}).get("rss_mib", {}).get("before_load")), "reference: master + workers" if r else ""],
    ]
    for run in (v or {}).get("rss_runs", []):
        rows.append(["RSS MiB after %d-request run" % run["target_requests"], b.fmt(run["rss_mib_after"]), "",
                     "%d requests, %d errors" % (run["requests"], run["errors_total"])])
        rows.append(["  of it Java heap / the rest", "%s / %s" % (b.fmt(run.get("heap_mib_after")),
                                                               b.fmt(run.get("outside_heap_mib_after"))), "", ""])
    if v and "rss_growth_percent" in v:
        rows.append(["RSS growth between the runs", "%.2f %%" % v["rss_growth_percent"], "", ""])
    if v and "outside_heap_growth_percent" in v:
        rows.append(["  growth of RSS outside the Java heap", "%.2f %%" % v["outside_heap_growth_percent"], "", ""])
    print()
    print(b.table(rows, ["serving (wrk -t%d -c%d -d%s, ATEN_CPU_CAPABILITY %s)" % (
                             results["wrk"]["threads"], results["wrk"]["connections"], results["wrk"]["duration"],
                             results["machine"].get("aten_cpu_capability") or "unset"),
                         "Visage", "reference", "Visage vs ref"]))
    print()
    for name, ok in (results.get("targets") or {}).items():
        print("  %-40s %s" % (name, "met" if ok else "NOT met"))


if __name__ == "__main__":
    main()
