"""Combines the latest train / serve / openset results into bench/results/latest.json and prints a markdown
section for docs/benchmarks-log.md. Run alone to re-print it: /usr/bin/python3 bench/lib/report.py"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as b  # noqa: E402


def combine(train=None, serve=None, openset=None, photos=None):
    train = train or b.read_latest("train")
    serve = serve or b.read_latest("serve")
    openset = openset or b.read_latest("openset")
    photos = b.read_latest("photos") if photos is None else photos or None  # False: left out on purpose
    first = next((r for r in (train, serve, openset, photos) if r), None)
    latest = {"date": b.now_iso(), "machine": (first or {}).get("machine") or b.machine(),
              "train": train, "serve": serve, "openset": openset, "photos": photos}
    os.makedirs(b.RESULTS, exist_ok=True)
    path = os.path.join(b.RESULTS, "latest.json")
    with open(path + ".tmp", "w") as f:
        json.dump(latest, f, indent=2)
        f.write("\n")
    os.replace(path + ".tmp", path)
    return latest


def _x(value):
    return "x%.2f" % value if value is not None else "-"


def _met(ok):
    return "" if ok is None else (" (met)" if ok else " (**not met**)")


def markdown(latest):
    m = latest.get("machine") or {}
    train, serve, openset = latest.get("train"), latest.get("serve"), latest.get("openset")
    out = []
    date = (train or serve or openset or latest)["date"][:10]
    out.append("### Results of %s" % date)
    out.append("")
    out.append("Machine: %s cores (%s), %s GiB; %s; DJL %s with LibTorch %s; PyTorch %s. Load average when the "
               "run started: %s." % (m.get("cores"), m.get("cpu"), m.get("memory_gib"), m.get("java"),
                                     m.get("djl"), m.get("libtorch"), m.get("python_torch"),
                                     " / ".join(str(x) for x in m.get("loadavg") or []) or "?"))
    out.append("")
    if train:
        v, r, q, t = train["visage"], train["reference"], train.get("ratios") or {}, train.get("targets") or {}
        s = train["settings"]
        out.append("Training (`bench/train.sh`; %s):" % ", ".join(
            "%s=%s" % (k.split(".", 1)[1], s[k]) for k in s))
        out.append("")
        out.append("| training | Visage (DJL) | reference (PyTorch) | Visage vs reference | target |")
        out.append("| --- | ---: | ---: | ---: | --- |")
        if v and r:
            out.append("| images/s (median epoch, steps only) | %.1f | %.1f | %s | >= 1.0x%s |" % (
                v["images_per_second"], r["images_per_second"], _x(q.get("images_per_second")),
                _met(t.get("images_per_second >= 1.0x reference"))))
            out.append("| data seconds (list, decode, crop) | %.1f | %.1f | %s | |" % (
                v["data_seconds"], r["data_seconds"], _x(q.get("data_seconds"))))
            out.append("| train seconds (epochs + validation) | %.1f | %.1f | %s | |" % (
                v["train_seconds"], r["train_seconds"], _x(q.get("train_seconds"))))
            out.append("| total seconds (process wall time) | %.1f | %.1f | %s | <= 1.0x%s |" % (
                v["wall_seconds"], r["wall_seconds"], _x(q.get("total_seconds")),
                _met(t.get("total time <= reference"))))
            out.append("| test accuracy | %.4f | %.4f | %+.4f | >= reference%s |" % (
                v["test_accuracy"], r["test_accuracy"], q["accuracy_delta"], _met(t.get("accuracy >= reference"))))
            out.append("| balanced accuracy | %.4f | %.4f | %+.4f | |" % (
                v["balanced_accuracy"], r["balanced_accuracy"], q["balanced_accuracy_delta"]))
            out.append("| epochs run / best epoch | %s / %s | %s / %s | | |" % (
                v["epochs"], v["best_epoch"], r["epochs"], r["best_epoch"]))
        out.append("")
    if serve:
        v, r, q, t = serve.get("visage"), serve.get("reference"), serve.get("ratios") or {}, serve.get("targets") or {}
        w = serve["wrk"]
        out.append("Serving (`bench/serve.sh`; wrk -t%d -c%d -d%s after a %s warm-up, %d LFW photos, client and "
                   "server on the same cores):" % (w["threads"], w["connections"], w["duration"], w["warmup"],
                                                   w["images"]))
        out.append("")
        out.append("| serving | Visage | reference (Flask, gunicorn -w %s) | Visage vs reference | target |" % (
            (r or {}).get("workers", "?")))
        out.append("| --- | ---: | ---: | ---: | --- |")
        if v and r:
            vl, rl = v["load"], r["load"]
            out.append("| requests/s | %.1f | %.1f | %s | >= 2x%s |" % (
                vl["requests_per_second"], rl["requests_per_second"], _x(q.get("requests_per_second")),
                _met(t.get("requests/s >= 2x reference"))))
            out.append("| latency p50 ms | %.1f | %.1f | %s | |" % (
                vl["latency_ms"]["p50"], rl["latency_ms"]["p50"], _x(q.get("p50"))))
            out.append("| latency p99 ms | %.1f | %.1f | %s | no higher%s |" % (
                vl["latency_ms"]["p99"], rl["latency_ms"]["p99"], _x(q.get("p99")), _met(t.get("p99 <= reference"))))
            out.append("| non-2xx / socket errors (measured run) | %d / %d | %d / %d | | zero%s |" % (
                vl["non_2xx"], vl["errors_total"] - vl["non_2xx"], rl["non_2xx"], rl["errors_total"] - rl["non_2xx"],
                _met(t.get("zero errors (Visage)"))))
            out.append("| RSS MiB before the load | %s | %s (all processes) | | |" % (
                b.fmt(v["rss_mib"].get("before_load")), b.fmt(r["rss_mib"].get("before_load"))))
        if v and v.get("rss_runs"):
            runs = v["rss_runs"]
            out.append("| Visage RSS MiB after %s-request runs | %s | | | |" % (
                " / ".join("{:,}".format(x["target_requests"]) for x in runs),
                " / ".join(b.fmt(x["rss_mib_after"]) for x in runs)))
            if all(x.get("heap_mib_after") is not None for x in runs):
                out.append("| of it Java heap (committed) / the rest (native, JVM) | %s | | | |" % " / ".join(
                    "%s + %s" % (b.fmt(x["heap_mib_after"]), b.fmt(x["outside_heap_mib_after"])) for x in runs))
            if "rss_growth_percent" in v:
                out.append("| Visage RSS growth between them | %+.2f %% | | | < 5 %%%s |" % (
                    v["rss_growth_percent"], _met(t.get("RSS growth 10k -> 50k < 5%"))))
            if "outside_heap_growth_percent" in v:
                out.append("| growth of RSS outside the Java heap | %+.2f %% | | | |" % v["outside_heap_growth_percent"])
            out.append("| requests and errors in those runs | %s | | | zero errors |" % "; ".join(
                "{:,} requests, {} errors{}".format(x["requests"], x["errors_total"],
                                     "" if x.get("reached_target", True) else " (time bound hit)") for x in runs))
        out.append("")
    if openset:
        s, k = openset["at_service_threshold"], openset.get("keep_threshold")
        out.append("Open set (`bench/openset.py`; %d known test photos, %d photos of %s, seed %d):" % (
            openset["known_images"], openset["stranger_images"],
            openset.get("strangers_from", "people outside the model"), openset["seed"]))
        out.append("")
        out.append("| open set | value |")
        out.append("| --- | ---: |")
        out.append("| AUROC, confidence of known vs stranger | %.3f |" % openset["auroc"])
        if "auroc_faces_found" in openset:
            out.append("| ... over the photos where a face was found | %.3f |" % openset["auroc_faces_found"])
        out.append("| top-1 accuracy on known photos (no threshold) | %.1f %% |" % (100 * openset["top1_accuracy_known"]))
        out.append("| at the served threshold %.3f: known answered correctly | %.1f %% |" % (
            s["threshold"], 100 * s["known_correct"]))
        out.append("| at the served threshold %.3f: strangers answered unknown | %.1f %% |" % (
            s["threshold"], 100 * s["strangers_rejected"]))
        if k:
            out.append("| threshold keeping %.0f %% of correct known answers | %.3f |" % (
                100 * k["keeps_of_correct"], k["threshold"]))
            out.append("| ... there: known correct / strangers unknown | %.1f %% / %.1f %% |" % (
                100 * k["known_correct"], 100 * k["strangers_rejected"]))
        out.append("")
        if openset.get("robustness"):
            out.append("| test photos (REST, detection on) | answered right | top candidate right | no face |")
            out.append("| --- | ---: | ---: | ---: |")
            for w in openset["robustness"]:
                out.append("| %s | %.1f %% | %.1f %% | %d |" % (
                    w["perturbation"], 100 * w["accuracy"], 100 * w["top1"], w["no_face"]))
            out.append("")
    if latest.get("photos"):
        out += photos_markdown(latest["photos"])
    return "\n".join(out)


ALIGNED_ACCURACY_TODAY = 98.97  # issue #11: accuracy of the aligned-crop model before detection


def photos_markdown(photos):
    """The real-photos tables (bench/realphotos.sh): scores of both servers and the wrk loads."""
    v, r = photos.get("visage") or {}, photos.get("reference") or {}
    c = photos.get("counts") or {}
    out = ["Real photos (`bench/realphotos.sh`; seed %s: %s single-face, %s group and %s no-face composed photos, "
           "%s 640x480 photos for the load; boxes matched at IoU >= %s):" % (
               photos.get("seed"), c.get("single"), c.get("group"), c.get("noface"), c.get("serve"),
               photos.get("iou_match")), ""]

    def get(side, *keys):
        value = side
        for k in keys:
            value = value.get(k) if isinstance(value, dict) else None
        return value

    def pct(value):
        return "-" if value is None else "%.1f %%" % value

    aligned = get(v, "aligned_centred", "accuracy_percent")
    single = get(v, "single", "right_person_percent")
    rows = [
        ("single face: right person (top-level answer)", pct(single), pct(get(r, "single", "right_person_percent")),
         ">= 93 %% and >= 95 %% of the aligned crop's%s" % (
             "" if single is None or aligned is None else _met(single >= 93 and single >= 0.95 * aligned))),
        ("single face: face found", pct(get(v, "single", "found_percent")), pct(get(r, "single", "found_percent")),
         ""),
        ("group: pasted people named correctly", pct(get(v, "group", "named_percent")),
         pct(get(r, "group", "named_percent")),
         ">= 90 %%%s" % _met(None if get(v, "group", "named_percent") is None
                             else get(v, "group", "named_percent") >= 90)),
        ("group: pasted faces found", pct(get(v, "group", "found_percent")), pct(get(r, "group", "found_percent")),
         ""),
        ("group: false names, % of faces", pct(get(v, "group", "false_names_percent_of_faces")),
         pct(get(r, "group", "false_names_percent_of_faces")),
         "<= 2 %%%s" % _met(None if get(v, "group", "false_names_percent_of_faces") is None
                            else get(v, "group", "false_names_percent_of_faces") <= 2)),
        ("no face: answered with no known person", pct(get(v, "noface", "no_known_person_percent")),
         pct(get(r, "noface", "no_known_person_percent")), ""),
        ("aligned LFW test photos, detection on: accuracy", pct(get(v, "aligned_detect", "accuracy_percent")),
         pct(get(r, "aligned_detect", "accuracy_percent")),
         ">= %.2f %%%s" % (ALIGNED_ACCURACY_TODAY, _met(None if get(v, "aligned_detect", "accuracy_percent") is None
                                                       else get(v, "aligned_detect", "accuracy_percent")
                                                       >= ALIGNED_ACCURACY_TODAY))),
        ("aligned LFW test photos, detect=false: accuracy", pct(aligned), pct(get(r, "aligned_centred",
                                                                               "accuracy_percent")), ""),
    ]
    out.append("| real photos | Visage | reference (Python + OpenCV) | target |")
    out.append("| --- | ---: | ---: | --- |")
    out += ["| %s | %s | %s | %s |" % row for row in rows]
    out.append("")
    ratios = photos.get("ratios") or {}
    w = photos.get("wrk") or {}
    if w.get("loads"):
        out.append("Serving with wrk -t%s -c%s -d%s after a %s warm-up (composed: 640x480 composed photos, detection "
                   "on; aligned: 50 LFW test photos, detect=false):" % (w.get("threads"), w.get("connections"),
                                                                       w.get("duration"), w.get("warmup")))
        out.append("")
        out.append("| load | Visage | reference | Visage vs reference | target |")
        out.append("| --- | ---: | ---: | ---: | --- |")
        for load in w["loads"]:
            vl, rl, q = get(v, "load", load), get(r, "load", load), ratios.get(load) or {}
            if not vl or not rl:
                continue
            target = load == "composed"
            out.append("| %s: requests/s | %.1f | %.1f | %s | %s |" % (
                load, vl["requests_per_second"], rl["requests_per_second"], _x(q.get("requests_per_second")),
                ">= 2x" + _met(q["requests_per_second"] >= 2) if target else ""))
            out.append("| %s: latency p50 / p99 ms | %.1f / %.1f | %.1f / %.1f | %s / %s | %s |" % (
                load, vl["latency_ms"]["p50"], vl["latency_ms"]["p99"], rl["latency_ms"]["p50"],
                rl["latency_ms"]["p99"], _x(q.get("p50")), _x(q.get("p99")),
                "p99 no higher" + _met(q["p99"] <= 1) if target else ""))
            out.append("| %s: non-2xx / socket errors | %d / %d | %d / %d | | |" % (
                load, vl["non_2xx"], vl["errors_total"] - vl["non_2xx"], rl["non_2xx"],
                rl["errors_total"] - rl["non_2xx"]))
            out.append("| %s: load average before | %s | %s | | |" % (
                load, " / ".join(str(x) for x in vl.get("loadavg_before") or []),
                " / ".join(str(x) for x in rl.get("loadavg_before") or [])))
        out.append("")
    return out


def main():
    latest = combine()
    print(markdown(latest))


if __name__ == "__main__":
    main()
