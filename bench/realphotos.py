#!/usr/bin/python3
"""Posts the photos bench/compose.py made to running services and scores the answers (issue #11).

  /usr/bin/python3 bench/realphotos.py --photos DIR --url http://127.0.0.1:PORT [--reference-url URL]
      [--aligned N] [--kinds single,group,noface,aligned] [--out FILE.json]

For each service (Visage at --url, optionally a reference at --reference-url answering the same JSON), every
photo is posted once to /identify, one request at a time, and scored against DIR/truth.json:

* single: right person (the top-level answer names the pasted person), face found (an answer box overlaps the
  pasted face's box with IoU >= 0.3), and boxes that match no pasted face;
* group: pasted people named correctly (answer faces matched one-to-one to the pasted boxes by IoU >= 0.3, best
  overlap first; the matched face names the right person), false names as % of pasted faces: a known person
  named wrongly on a matched face, or any known name on a box that matches no pasted face (split into boxes
  inside a pasted LFW cut, where LFW photos sometimes show a bystander, and boxes elsewhere);
* noface: photos answered with no known person at all;
* aligned: the model's LFW test photos (250 x 250) posted whole, with detection (default) and with
  detect=false: the top-level answer named right at the served threshold (accuracy) and its top candidate right,
  to hold against metrics.json's knownCorrect and test accuracy (issue #30);
* timing: median timeMillis (the service's own figure) and the client's round trip, per kind and photo size.

It also checks that the top-level identity is that of the largest face that was run through the model (the first
face with a person) and that the faces come largest first, as the API says. Results: one JSON (--out, default bench/results/photos-<time>.json and
photos-latest.json) and a table on stdout.
"""

import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import benchlib as b  # noqa: E402

IOU_MATCH = 0.3
# Pasted faces are also scored by the side of their nominal box (px): issue #30 asks faces of 32-40 px to be found
# and those of 40-130 px to be named; FACES_TO_NAME is that range as one row.
FACE_PX_EDGES = (32, 40, 60, 90, 130, 200)
FACES_TO_NAME = (40, 130)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--photos", required=True, help="folder written by bench/compose.py (holds truth.json)")
    p.add_argument("--url", help="Visage base URL, e.g. http://127.0.0.1:8080")
    p.add_argument("--reference-url", help="reference base URL (same API)")
    p.add_argument("--lfw-dir", help="LFW folder for the aligned photos (default: the one in truth.json)")
    p.add_argument("--aligned", type=int, default=-1, help="aligned LFW test photos to post (default: all)")
    p.add_argument("--kinds", default="single,group,noface,aligned")
    p.add_argument("--out", help="result JSON (default: bench/results/photos-<time>.json)")
    return p.parse_args(argv)


def iou(a, c):
    ax2, ay2 = a["x"] + a["width"], a["y"] + a["height"]
    cx2, cy2 = c["x"] + c["width"], c["y"] + c["height"]
    w = min(ax2, cx2) - max(a["x"], c["x"])
    h = min(ay2, cy2) - max(a["y"], c["y"])
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    return inter / float(a["width"] * a["height"] + c["width"] * c["height"] - inter)


def inside(box, region):
    cx, cy = box["x"] + box["width"] / 2.0, box["y"] + box["height"] / 2.0
    return region["x"] <= cx <= region["x"] + region["width"] and region["y"] <= cy <= region["y"] + region["height"]


def match(truth_faces, answer_faces):
    """One-to-one matches (truth index -> answer index), best IoU first, IoU >= IOU_MATCH."""
    pairs = sorted(((iou(t["box"], a["box"]), i, j) for i, t in enumerate(truth_faces)
                    for j, a in enumerate(answer_faces)), reverse=True)
    matched, used = {}, set()
    for overlap, i, j in pairs:
        if overlap < IOU_MATCH:
            break
        if i not in matched and j not in used:
            matched[i] = j
            used.add(j)
    return matched


def face_px_bucket(side):
    """The label of the FACE_PX_EDGES bucket holding a face side: '<32', '32-39', ..., '>=200'."""
    if side < FACE_PX_EDGES[0]:
        return "<%d" % FACE_PX_EDGES[0]
    for low, high in zip(FACE_PX_EDGES, FACE_PX_EDGES[1:]):
        if side < high:
            return "%d-%d" % (low, high - 1)
    return ">=%d" % FACE_PX_EDGES[-1]


# The table's rows: every bucket from the smallest up, then the faces to name as one row.
FACE_PX_LABELS = ([face_px_bucket(0)] + [face_px_bucket(edge) for edge in FACE_PX_EDGES]
                  + ["%d-%d" % (FACES_TO_NAME[0], FACES_TO_NAME[1] - 1)])


def face_px_scores(buckets):
    """Found, named right and wrongly named shares of each bucket of {"faces", "found", "named", "wrong"}."""
    out = {}
    for label, c in buckets.items():
        out[label] = dict(c, found_percent=pct(c["found"], c["faces"]), named_percent=pct(c["named"], c["faces"]),
                          wrong_percent=pct(c["wrong"], c["faces"]))
    return out


def median(values):
    return round(statistics.median(values), 2) if values else None


def pct(part, whole):
    return round(100.0 * part / whole, 2) if whole else None


def post(base, path, query=""):
    start = time.monotonic()
    status, answer = b.post_image(base + "/identify" + query, path, timeout=120)
    return status, answer, (time.monotonic() - start) * 1000


def top_level_consistent(answer):
    """The top-level person is the first (largest) face's that went through the model, or unknown without one."""
    faces = answer.get("faces") or []
    first = next((f for f in faces if f.get("person") is not None), None)
    if first is None:
        return answer.get("person") == "unknown" and not answer.get("known")
    return answer.get("person") == first["person"] and bool(answer.get("known")) == bool(first.get("known"))


class Scores:
    def __init__(self):
        self.timing = {}  # (kind, size) -> ([timeMillis], [client ms])
        self.errors = []
        self.inconsistent = []
        self.unordered = []
        self.examples = {}

    def time(self, kind, size, answer, client_ms):
        served, client = self.timing.setdefault((kind, size), ([], []))
        if isinstance(answer, dict) and isinstance(answer.get("timeMillis"), (int, float)):
            served.append(answer["timeMillis"])
        client.append(client_ms)

    def example(self, key, value, keep=8):
        self.examples.setdefault(key, [])
        if len(self.examples[key]) < keep:
            self.examples[key].append(value)


def score_composed(base, photos, folder, kind, scores):
    s = {"photos": 0, "faces": 0, "found": 0, "named": 0, "top_right": 0, "top_unknown": 0, "top_wrong": 0,
         "wrong_names_matched": 0, "names_unmatched_in_paste": 0, "names_unmatched_elsewhere": 0,
         "boxes_unmatched_in_paste": 0, "boxes_unmatched_elsewhere": 0, "answers_with_known": 0,
         "boxes": 0, "too_small": 0, "matched_iou": [], "size_ratio": [], "centre_offset": []}
    by_px = {}
    for photo in photos:
        path = os.path.join(folder, photo["file"])
        status, answer, client_ms = post(base, path)
        size = "%dx%d" % (photo["width"], photo["height"])
        scores.time(kind, size, answer, client_ms)
        if status != 200 or not isinstance(answer, dict):
            scores.errors.append({"file": photo["file"], "status": status, "answer": answer})
            continue
        areas = [f["box"]["width"] * f["box"]["height"] for f in answer.get("faces") or []]
        if areas != sorted(areas, reverse=True):
            scores.unordered.append(photo["file"])
        if not top_level_consistent(answer):
            scores.inconsistent.append({"file": photo["file"], "person": answer.get("person"),
                                        "faces": [(f.get("person"), f.get("box")) for f in answer.get("faces", [])]})
        truth = photo["faces"]
        faces = answer.get("faces") or []
        s["photos"] += 1
        s["faces"] += len(truth)
        s["boxes"] += len(faces)
        s["too_small"] += sum(1 for f in faces if f.get("reason") == "face too small")
        if any(f.get("known") for f in faces) or answer.get("known"):
            s["answers_with_known"] += 1
        matched = match(truth, faces)
        for i, j in matched.items():
            t, a = truth[i], faces[j]
            s["found"] += 1
            s["matched_iou"].append(iou(t["box"], a["box"]))
            s["size_ratio"].append(a["box"]["width"] / float(t["box"]["width"]))
            s["centre_offset"].append(
                ((a["box"]["x"] + a["box"]["width"] / 2.0 - t["box"]["x"] - t["box"]["width"] / 2.0) ** 2
                 + (a["box"]["y"] + a["box"]["height"] / 2.0 - t["box"]["y"] - t["box"]["height"] / 2.0) ** 2)
                ** 0.5 / t["box"]["width"])
            if a.get("known") and a.get("person") == t["person"]:
                s["named"] += 1
            elif a.get("known"):
                s["wrong_names_matched"] += 1
                scores.example(kind + ": wrong name on a pasted face",
                               {"file": photo["file"], "truth": t["person"], "answer": a.get("person"),
                                "confidence": a.get("confidence")})
        for i, t in enumerate(truth):
            side = t["box"]["width"]
            labels = [face_px_bucket(side)]
            if FACES_TO_NAME[0] <= side < FACES_TO_NAME[1]:
                labels.append(FACE_PX_LABELS[-1])
            a = faces[matched[i]] if i in matched else {}
            for label in labels:
                c = by_px.setdefault(label, {"faces": 0, "found": 0, "named": 0, "wrong": 0})
                c["faces"] += 1
                c["found"] += i in matched
                c["named"] += bool(a.get("known")) and a.get("person") == t["person"]
                c["wrong"] += bool(a.get("known")) and a.get("person") != t["person"]
            if i not in matched:
                best = max((iou(t["box"], a["box"]) for a in faces), default=0.0)
                scores.example(kind + ": pasted face not found", {"file": photo["file"], "box": t["box"],
                                                                 "best_iou": round(best, 2),
                                                                 "boxes": [f["box"] for f in faces]})
        used = set(matched.values())
        pastes = [t["pasted"] for t in truth if "pasted" in t] + photo.get("pasted", [])
        for j, a in enumerate(faces):
            if j in used:
                continue
            where = "in_paste" if any(inside(a["box"], r) for r in pastes) else "elsewhere"
            s["boxes_unmatched_" + where] += 1
            if a.get("known"):
                s["names_unmatched_" + where] += 1
                scores.example(kind + ": name on a box matching no pasted face",
                               {"file": photo["file"], "where": where, "box": a["box"], "answer": a.get("person"),
                                "confidence": a.get("confidence")})
        if len(truth) == 1:
            if answer.get("known") and answer.get("person") == truth[0]["person"]:
                s["top_right"] += 1
            elif answer.get("known"):
                s["top_wrong"] += 1
            else:
                s["top_unknown"] += 1
    out = {k: v for k, v in s.items() if not isinstance(v, list)}
    out["matched_iou_median"] = median(s["matched_iou"])
    out["box_side_ratio_median"] = median(s["size_ratio"])
    out["box_centre_offset_median"] = median(s["centre_offset"])
    out["found_percent"] = pct(s["found"], s["faces"])
    out["named_percent"] = pct(s["named"], s["faces"])
    false_names = s["wrong_names_matched"] + s["names_unmatched_in_paste"] + s["names_unmatched_elsewhere"]
    out["false_names"] = false_names
    out["by_face_px"] = face_px_scores(by_px)
    out["false_names_percent_of_faces"] = pct(false_names, s["faces"]) if s["faces"] else None
    if kind == "single":
        out["right_person_percent"] = pct(s["top_right"], s["photos"])
    if kind == "noface":
        out["no_known_person_percent"] = pct(s["photos"] - s["answers_with_known"], s["photos"])
    return out


def score_aligned(base, aligned, lfw, query, label, scores):
    right = top_right = no_face = several = known_wrong = unknown = 0
    for item in aligned:
        status, answer, client_ms = post(base, os.path.join(lfw, item["file"]), query)
        scores.time(label, "250x250", answer, client_ms)
        if status != 200 or not isinstance(answer, dict):
            scores.errors.append({"file": item["file"], "status": status, "answer": answer})
            continue
        faces = answer.get("faces") or []
        no_face += not faces
        several += len(faces) > 1
        candidates = answer.get("candidates") or []
        top_right += bool(candidates) and candidates[0].get("person") == item["person"]
        if answer.get("known") and answer.get("person") == item["person"]:
            right += 1
        elif answer.get("known"):
            known_wrong += 1
            scores.example(label + ": wrong person", {"file": item["file"], "answer": answer.get("person"),
                                                      "confidence": answer.get("confidence"),
                                                      "boxes": [f["box"] for f in faces]})
        else:
            unknown += 1
            if not faces or answer.get("reason"):
                scores.example(label + ": no answer", {"file": item["file"], "reason": answer.get("reason"),
                                                       "boxes": [f["box"] for f in faces]})
    n = len(aligned)
    return {"photos": n, "right": right, "accuracy_percent": pct(right, n), "top_right": top_right,
            "top_right_percent": pct(top_right, n), "unknown": unknown,
            "wrong_known": known_wrong, "no_face_found": no_face, "several_faces": several}


def evaluate(name, base, truth, folder, kinds, aligned, lfw):
    scores = Scores()
    result = {"url": base, "loadavg_before": b.loadavg()}
    started = time.monotonic()
    for kind in ("single", "group", "noface"):
        if kind in kinds:
            photos = [p for p in truth["photos"] if p["kind"] == kind]
            b.log("%s: %d %s photos" % (name, len(photos), kind))
            result[kind] = score_composed(base, photos, folder, kind, scores)
    if "aligned" in kinds:
        b.log("%s: %d aligned LFW photos, with detection and with detect=false" % (name, len(aligned)))
        result["aligned_detect"] = score_aligned(base, aligned, lfw, "", "aligned detect", scores)
        result["aligned_centred"] = score_aligned(base, aligned, lfw, "?detect=false", "aligned detect=false",
                                                  scores)
    result["seconds"] = round(time.monotonic() - started, 1)
    result["loadavg_after"] = b.loadavg()
    result["timing"] = [{"kind": kind, "size": size, "photos": len(client), "time_millis_median": median(served),
                         "client_ms_median": median(client)}
                        for (kind, size), (served, client) in sorted(scores.timing.items())]
    result["errors"] = scores.errors[:20]
    result["error_count"] = len(scores.errors)
    result["top_level_inconsistent"] = len(scores.inconsistent)
    result["top_level_inconsistent_examples"] = scores.inconsistent[:8]
    result["faces_not_largest_first"] = len(scores.unordered)
    result["faces_not_largest_first_examples"] = scores.unordered[:8]
    result["examples"] = scores.examples
    return result


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    with open(os.path.join(args.photos, "truth.json")) as f:
        truth = json.load(f)
    kinds = set(k for k in args.kinds.split(",") if k)
    lfw = args.lfw_dir or truth["lfw_dir"]
    aligned = truth["aligned"] if args.aligned < 0 else truth["aligned"][:args.aligned]
    results = {"kind": "photos", "date": b.now_iso(), "machine": b.machine(), "photos": os.path.abspath(args.photos),
               "seed": truth["seed"], "settings": truth["settings"], "iou_match": IOU_MATCH,
               "counts": {k: sum(1 for p in truth["photos"] if p["kind"] == k) for k in ("single", "group", "noface")}}
    for name, base in (("visage", args.url), ("reference", args.reference_url)):
        if base:
            results[name] = evaluate(name, base.rstrip("/"), truth, args.photos, kinds, aligned, lfw)
    if args.out:
        with open(args.out, "w") as f:
            json.dump(results, f, indent=2)
        path = args.out
    else:
        path = b.write_result("photos", results)
    print(report(results))
    print("Result: %s" % path)
    return results


def report(results):
    sides = [n for n in ("visage", "reference") if results.get(n)]
    rows = []

    def row(label, getter):
        values = []
        for n in sides:
            try:
                value = getter(results[n])
            except (KeyError, TypeError):
                value = None
            values.append(b.fmt(value, 2) if value is not None else "-")
        rows.append([label] + values)

    row("single: right person % (top-level)", lambda r: r["single"]["right_person_percent"])
    row("single: face found %", lambda r: r["single"]["found_percent"])
    row("single: top-level unknown / wrong person", lambda r: "%d / %d" % (r["single"]["top_unknown"],
                                                                         r["single"]["top_wrong"]))
    row("single: unmatched boxes (in paste / elsewhere)", lambda r: "%d / %d" % (
        r["single"]["boxes_unmatched_in_paste"], r["single"]["boxes_unmatched_elsewhere"]))
    row("single: false names % of faces", lambda r: r["single"]["false_names_percent_of_faces"])
    row("single: matched box IoU / side ratio (median)", lambda r: "%.2f / %.2f" % (
        r["single"]["matched_iou_median"], r["single"]["box_side_ratio_median"]))
    row("group: pasted people named correctly %", lambda r: r["group"]["named_percent"])
    row("group: pasted faces found %", lambda r: r["group"]["found_percent"])
    row("group: false names % of faces", lambda r: r["group"]["false_names_percent_of_faces"])
    row("group: false names (wrong / unmatched in paste / elsewhere)", lambda r: "%d / %d / %d" % (
        r["group"]["wrong_names_matched"], r["group"]["names_unmatched_in_paste"],
        r["group"]["names_unmatched_elsewhere"]))
    row("noface: no known person %", lambda r: r["noface"]["no_known_person_percent"])
    row("noface: boxes found", lambda r: r["noface"]["boxes"])
    row("aligned LFW, detection: accuracy %", lambda r: r["aligned_detect"]["accuracy_percent"])
    row("aligned LFW, detection: top candidate right %", lambda r: r["aligned_detect"]["top_right_percent"])
    row("aligned LFW, detection: no face found", lambda r: r["aligned_detect"]["no_face_found"])
    row("aligned LFW, detect=false: accuracy %", lambda r: r["aligned_centred"]["accuracy_percent"])
    row("errors / top-level inconsistent / faces not largest first", lambda r: "%d / %d / %d" % (
        r["error_count"], r["top_level_inconsistent"], r["faces_not_largest_first"]))
    text = [b.table(rows, ["photos"] + sides), ""]
    for n in sides:
        for kind in ("single", "group"):
            buckets = (results[n].get(kind) or {}).get("by_face_px") or {}
            order = [label for label in FACE_PX_LABELS if label in buckets]
            px = [[label, buckets[label]["faces"], b.fmt(buckets[label]["found_percent"], 1),
                   b.fmt(buckets[label]["named_percent"], 1), b.fmt(buckets[label]["wrong_percent"], 1)]
                  for label in order]
            if px:
                text.append(b.table(px, ["%s %s: face px" % (n, kind), "faces", "found %", "named right %",
                                         "named wrongly %"]))
                text.append("")
    for n in sides:
        timing = [[t["kind"], t["size"], t["photos"], b.fmt(t["time_millis_median"], 1),
                   b.fmt(t["client_ms_median"], 1)] for t in results[n]["timing"]]
        text.append(b.table(timing, ["%s timing" % n, "size", "photos", "timeMillis p50", "client ms p50"]))
        text.append("")
    return "\n".join(text)


if __name__ == "__main__":
    main()
