#!/usr/bin/python3
"""Open-set and robustness figures for Visage: does it say "unknown" for strangers, and stay right on
everyday changes of a photo?

Sends to a running Visage (or one it starts from a models folder) the model's test photos (split.json, key
`test`) and up to 1,000 photos of its stranger-test people (split.json, key `strangerTest`: people that neither
training nor the threshold's calibration saw; a deterministic sample, seed 42), keeps the top probability
(`confidence`) of each answer, and prints:

  * AUROC of confidence for "known person" (positive) vs "stranger";
  * at the service's threshold (the model's calibrated one from GET /model, or --min-confidence): the share of
    known faces answered with the right person, and the share of strangers answered "unknown";
  * the threshold that keeps e.g. 95 % of the correct known answers, and the stranger rejection there;
  * the test photos' accuracy (answered with the right person) under each perturbation: JPEG quality 25,
    upscaled to 500 px, downscaled to 125 px, grayscale, 40 % darker, rotated 10 degrees, mirrored, shifted
    12 px right and down (black fill), each made in memory with Pillow.

Models stored before split.json recorded the stranger-test people fall back to a sample of everybody outside
the model (which then includes the people training saw as outliers; the result says which).

Requests are sequential or lightly concurrent (--concurrency, default 4) and bounded (--max-seconds). Writes
bench/results/openset-<stamp>.json and openset-latest.json.

  bench/openset.py                                  # starts Visage on the last bench/train.sh model
  bench/openset.py --url http://127.0.0.1:8080 --models models   # a Visage that is already running
"""

import argparse
import io
import json
import math
import os
import random
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import benchlib as b  # noqa: E402


def parse_args(argv):
    p = argparse.ArgumentParser(prog="bench/openset.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", help="base URL of a running Visage (default: start one on the models folder)")
    p.add_argument("--models", help="Visage models folder holding `current` (default: from train-latest.json)")
    p.add_argument("--lfw-dir", help="LFW folder (default: the training run's, or ../shared/lfw/...)")
    p.add_argument("--strangers", type=int, default=1000, help="photos of unknown people (default 1000)")
    p.add_argument("--seed", type=int, default=42, help="seed of the stranger sample (default 42)")
    p.add_argument("--min-confidence", type=float,
                   help="override the model's calibrated threshold (visage.identify.min-confidence), passed to the "
                        "Visage this script starts (default: the model's own)")
    p.add_argument("--skip-perturbations", action="store_true", help="leave out the robustness step")
    p.add_argument("--keep", type=float, default=0.95,
                   help="share of correct known answers to keep when suggesting a threshold (default 0.95)")
    p.add_argument("--concurrency", type=int, default=4, help="requests in flight (default 4)")
    p.add_argument("--max-seconds", type=int, default=1800, help="stop sending after this long (default 1800)")
    p.add_argument("--ready-timeout", type=int, default=300)
    p.add_argument("--work", help="folder for the server log (default: the training run's work folder)")
    return p.parse_args(argv)


def strangers(lfw, split, count, seed):
    """A deterministic sample of photos of the stranger-test people (sorted list, random.Random(seed)); for older
    splits without them, of everybody outside the model. Returns (files, source)."""
    group = split.get("strangerTest")
    source = "strangerTest"
    if not group:
        known = set(split["people"])
        group = [p for p in sorted(os.listdir(lfw)) if p not in known and os.path.isdir(os.path.join(lfw, p))]
        source = "everybody outside the model (the split has no strangerTest group)"
    pool = []
    for person in sorted(group):
        folder = os.path.join(lfw, person)
        pool += [person + "/" + f for f in sorted(os.listdir(folder)) if f.lower().endswith((".jpg", ".jpeg"))]
    return random.Random(seed).sample(pool, min(count, len(pool))), source


def perturbations():
    """name -> function(PIL image) -> PIL image, the everyday changes of issue #12."""
    from PIL import Image, ImageOps

    def shifted(image):
        return image.transform(image.size, Image.AFFINE, (1, 0, -12, 0, 1, -12), fillcolor=(0, 0, 0))

    return {
        "plain": lambda image: image,
        "JPEG quality 25": lambda image: image,  # encoded at quality 25 below
        "upscaled to 500 px": lambda image: image.resize((500, 500), Image.BICUBIC),
        "downscaled to 125 px": lambda image: image.resize((125, 125), Image.BOX),
        "grayscale": lambda image: ImageOps.grayscale(image).convert("RGB"),
        "40 % darker": lambda image: image.point(lambda v: int(v * 0.6)),
        "rotated 10 degrees": lambda image: image.rotate(10, resample=Image.BILINEAR, fillcolor=(0, 0, 0)),
        "mirrored": ImageOps.mirror,
        "shifted 12 px": shifted,
    }


def perturbed_bytes(lfw, file, name, change):
    from PIL import Image
    with Image.open(os.path.join(lfw, file)) as image:
        out = io.BytesIO()
        change(image.convert("RGB")).save(out, "JPEG", quality=25 if name == "JPEG quality 25" else 95)
        return out.getvalue()


def robustness(url, lfw, known_items, concurrency, deadline):
    """Accuracy of the answers (the right person named) on the test photos under each perturbation."""
    rows = []
    for name, change in perturbations().items():
        def one(item):
            if time.monotonic() > deadline:
                return None
            status, answer = b.post_image_bytes(url, perturbed_bytes(lfw, item["file"], name, change), "p.jpg")
            return answer if status == 200 else None
        with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
            answers = list(pool.map(one, known_items))
        right = sum(1 for item, a in zip(known_items, answers) if a and a["person"] == item["truth"])
        top1 = sum(1 for item, a in zip(known_items, answers)
                   if a and a["candidates"] and a["candidates"][0]["person"] == item["truth"])
        no_face = sum(1 for a in answers if a and not a.get("faces"))
        failed = sum(1 for a in answers if a is None)
        rows.append({"perturbation": name, "accuracy": round(right / len(known_items), 4),
                     "top1": round(top1 / len(known_items), 4), "no_face": no_face, "failed": failed})
        b.log("robustness: %-22s accuracy %.1f %%" % (name, 100.0 * right / len(known_items)))
    return rows


def auroc(positives, negatives):
    """P(score of a random positive > a random negative), ties counting one half (Mann-Whitney U)."""
    scored = sorted([(s, 1) for s in positives] + [(s, 0) for s in negatives])
    rank_sum, i = 0.0, 0
    while i < len(scored):
        j = i
        while j < len(scored) and scored[j][0] == scored[i][0]:
            j += 1
        mid_rank = (i + 1 + j) / 2.0
        rank_sum += mid_rank * sum(1 for k in range(i, j) if scored[k][1] == 1)
        i = j
    n_pos, n_neg = len(positives), len(negatives)
    return (rank_sum - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg)


def at_threshold(known, unknown, t):
    """Shares when answers below t are 'unknown': known faces named correctly, strangers rejected."""
    correct = sum(1 for k in known if k["top"] == k["truth"] and k["confidence"] >= t)
    rejected = sum(1 for u in unknown if u["confidence"] < t)
    return {"threshold": round(t, 4), "known_correct": round(correct / len(known), 4),
            "strangers_rejected": round(rejected / len(unknown), 4)}


def ask(url, lfw, item, deadline):
    if time.monotonic() > deadline:
        return dict(item, status=None)
    status, answer = b.post_image(url, os.path.join(lfw, item["file"]))
    if status != 200 or not answer:
        return dict(item, status=status)
    # No face found: no candidates, confidence 0, answered "unknown".
    top = answer["candidates"][0]["person"] if answer["candidates"] else None
    return dict(item, status=status, confidence=float(answer["confidence"]), person=answer["person"],
                known=answer["known"], top=top, no_face=not answer.get("faces"))


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    train = b.read_latest("train") or {}
    models = args.models or (train.get("visage") or {}).get("models_dir")
    if not models:
        raise SystemExit("No models folder: run bench/train.sh first or pass --models DIR")
    with open(os.path.join(models, "current")) as f:
        version = f.read().strip()
    folder = os.path.join(models, version)
    lfw = args.lfw_dir or train.get("lfw_dir") or b.DEFAULT_LFW
    with open(os.path.join(folder, "split.json")) as f:
        split = json.load(f)
    people = split["people"]
    known_items = [{"file": e["file"], "truth": people[e["label"]]} for e in split["test"]]
    stranger_files, stranger_source = strangers(lfw, split, args.strangers, args.seed)
    stranger_items = [{"file": f, "truth": None} for f in stranger_files]

    child = None
    try:
        if args.url:
            base = args.url.rstrip("/")
        else:
            work = args.work or train.get("work") or tempfile.mkdtemp(prefix="visage-bench-")
            os.makedirs(work, exist_ok=True)
            jar = b.snapshot_jar(work)  # the training step's copy when there is one
            port = b.free_port()
            override = [] if args.min_confidence is None else [
                "--visage.identify.min-confidence=%s" % args.min_confidence]
            child = b.start_visage(jar, models, port, work, override)
            base = "http://127.0.0.1:%d" % port
            b.log("openset: starting Visage on %s" % base)
            b.wait_http(base + "/actuator/health/readiness", child, args.ready_timeout)
        try:
            with urllib.request.urlopen(base + "/model", timeout=30) as response:
                served = json.loads(response.read())
        except (OSError, ValueError):
            served = {}
        serving = served.get("version")
        threshold = served.get("minConfidence", args.min_confidence if args.min_confidence is not None else 0.4)
        if serving and serving != version:
            b.log("warning: the server serves model %s, the split is from %s" % (serving, version))

        url = base + "/identify"
        items = known_items + stranger_items
        b.log("openset: %d known test photos, %d strangers, %d at a time" % (
            len(known_items), len(stranger_items), args.concurrency))
        start = time.monotonic()
        deadline = start + args.max_seconds
        with ThreadPoolExecutor(max_workers=max(1, args.concurrency)) as pool:
            answers = list(pool.map(lambda item: ask(url, lfw, item, deadline), items))
        seconds = time.monotonic() - start
        robust = [] if args.skip_perturbations else robustness(url, lfw, known_items, args.concurrency, deadline)
    finally:
        if child:
            child.stop()

    failed = [a for a in answers if a.get("status") != 200]
    known = [a for a in answers if a["truth"] is not None and a.get("status") == 200]
    unknown = [a for a in answers if a["truth"] is None and a.get("status") == 200]
    if not known or not unknown:
        raise SystemExit("Not enough answers (%d known, %d strangers, %d failed)" % (
            len(known), len(unknown), len(failed)))
    inconsistent = sum(1 for a in known + unknown if a["known"] != (a["confidence"] >= threshold))
    if inconsistent:
        b.log("warning: %d answers disagree with threshold %.4f from GET /model" % (inconsistent, threshold))

    service = {
        "threshold": threshold,
        # From the answers as the service gave them (person == truth / person == "unknown").
        "known_correct": round(sum(1 for a in known if a["person"] == a["truth"]) / len(known), 4),
        "strangers_rejected": round(sum(1 for a in unknown if not a["known"]) / len(unknown), 4),
    }
    correct_confidences = sorted((a["confidence"] for a in known if a["top"] == a["truth"]), reverse=True)
    suggestion = None
    if correct_confidences:
        keep_index = max(0, math.ceil(args.keep * len(correct_confidences)) - 1)
        suggestion = at_threshold(known, unknown, correct_confidences[keep_index])
        suggestion["keeps_of_correct"] = args.keep
    sweep = [at_threshold(known, unknown, t) for t in (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)]
    result = {
        "kind": "openset", "date": b.now_iso(), "model": version, "models_dir": models, "lfw_dir": lfw,
        "known_images": len(known), "stranger_images": len(unknown), "failed_requests": len(failed),
        "seconds": round(seconds, 1), "seed": args.seed, "strangers_from": stranger_source,
        "robustness": robust,
        "auroc": round(auroc([a["confidence"] for a in known], [a["confidence"] for a in unknown]), 4),
        # The same over the photos where a face was found: a photo without one answers confidence 0 above.
        "auroc_faces_found": round(auroc([a["confidence"] for a in known if not a["no_face"]],
                                         [a["confidence"] for a in unknown if not a["no_face"]]), 4),
        "top1_accuracy_known": round(sum(1 for a in known if a["top"] == a["truth"]) / len(known), 4),
        "no_face": {"known": sum(1 for a in known if a["no_face"]), "strangers": sum(1 for a in unknown if a["no_face"])},
        "at_service_threshold": service, "keep_threshold": suggestion, "sweep": sweep,
        "mean_confidence": {"known": round(sum(a["confidence"] for a in known) / len(known), 4),
                            "strangers": round(sum(a["confidence"] for a in unknown) / len(unknown), 4)},
    }
    path = b.write_result("openset", result)
    print_summary(result)
    print("Result: %s" % os.path.relpath(path, os.getcwd()))
    return result


def print_summary(r):
    s, k = r["at_service_threshold"], r["keep_threshold"]
    print()
    print("Open set: model %s, %d known test photos, %d strangers (%d failed requests, %.0f s)" % (
        r["model"], r["known_images"], r["stranger_images"], r["failed_requests"], r["seconds"]))
    print("  AUROC (confidence, known vs stranger)        %.4f (photos with a face found: %.4f)" % (
        r["auroc"], r["auroc_faces_found"]))
    print("  top-1 accuracy on known photos (no threshold) %.4f" % r["top1_accuracy_known"])
    print("  strangers from: %s" % r["strangers_from"])
    print("  no face found: %d known photos, %d strangers (answered unknown)" % (
        r["no_face"]["known"], r["no_face"]["strangers"]))
    print("  at the service threshold %.3f: known answered correctly %.1f %%, strangers answered unknown %.1f %%"
          % (s["threshold"], 100 * s["known_correct"], 100 * s["strangers_rejected"]))
    if k:
        print("  threshold keeping %.0f %% of correct known answers: %.3f -> known correct %.1f %%, "
              "strangers rejected %.1f %%" % (100 * k["keeps_of_correct"], k["threshold"], 100 * k["known_correct"],
                                              100 * k["strangers_rejected"]))
    print()
    print(b.table([[("%.2f" % w["threshold"]), "%.1f %%" % (100 * w["known_correct"]),
                    "%.1f %%" % (100 * w["strangers_rejected"])] for w in r["sweep"]],
                  ["threshold", "known answered correctly", "strangers answered unknown"]))
    print()
    if r["robustness"]:
        print(b.table([[w["perturbation"], "%.1f %%" % (100 * w["accuracy"]), "%.1f %%" % (100 * w["top1"]),
                        str(w["no_face"]), str(w["failed"])] for w in r["robustness"]],
                      ["test photos", "answered right", "top candidate right", "no face", "failed"]))
        print()


if __name__ == "__main__":
    main()
