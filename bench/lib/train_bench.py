"""Training side by side: Visage (java -jar visage-service/target/visage.jar train) and the PyTorch reference, one after the
other, with the same settings (bench/settings.conf + key=value overrides). See docs/benchmarks.md."""

import argparse
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as b  # noqa: E402

REFERENCE = os.path.join(b.BENCH, "reference", "train_reference.py")


def parse_args(argv):
    p = argparse.ArgumentParser(prog="bench/train.sh", description=__doc__)
    p.add_argument("overrides", nargs="*", metavar="key=value",
                   help="override a line of bench/settings.conf for both sides, e.g. training.epochs=2")
    p.add_argument("--lfw-dir", default=b.DEFAULT_LFW)
    p.add_argument("--work", help="folder for models and logs (default: a new temporary folder)")
    p.add_argument("--only", choices=("visage", "reference"), help="run one side only (for debugging)")
    p.add_argument("--timeout", type=int, default=4 * 3600, help="seconds each side may take")
    return p.parse_args(argv)


def run_visage(jar, settings, lfw, work, timeout):
    models = os.path.join(work, "visage-models")
    # --promote=force: the model of this run becomes current (and is measured) even in a reused --work folder whose
    # current model is better; the quality gate would otherwise keep it a candidate.
    command = ["java", "-jar", jar, "train", "--promote=force", "--visage.lfw.dir=" + lfw,
               "--visage.lfw.download=false", "--visage.models.dir=" + models] + b.visage_training_args(settings)
    b.log("Visage:    " + " ".join(command))
    load = b.loadavg()
    code, wall, _ = b.run_logged("visage", command, os.path.join(work, "visage-train.log"),
                                 echo=r"(^epoch |Training failed|Decoded \d+ images|^data )", timeout=timeout)
    if code != 0:
        raise SystemExit("Visage training failed (exit %d); see %s" % (code, os.path.join(work, "visage-train.log")))
    with open(os.path.join(models, "current")) as f:
        version = f.read().strip()
    folder = os.path.join(models, version)
    with open(os.path.join(folder, "metrics.json")) as f:
        metrics = json.load(f)
    with open(os.path.join(folder, "model.json")) as f:
        model = json.load(f)
    return {
        "network": model["network"],
        "crop": model["preprocessing"]["crop"],
        "base": model.get("base"),
        "wall_seconds": round(wall, 3),
        "data_seconds": metrics["dataSeconds"],
        "images_per_second": metrics["trainImagesPerSecond"],
        "train_seconds": metrics["trainSeconds"],
        "test_accuracy": metrics["testAccuracy"],
        "balanced_accuracy": metrics["balancedAccuracy"],
        "macro_f1": metrics.get("macroF1"),
        "validation_accuracy": metrics.get("validationAccuracy"),
        "epochs": metrics["epochs"],
        "best_epoch": metrics.get("bestEpoch"),
        "train_images": metrics.get("trainImages"),
        "parameters": metrics.get("parameterCount"),
        "framing": metrics.get("framing"),
        "models_dir": models,
        "model_dir": folder,
        "version": version,
        "loadavg_before": load,
        "loadavg_after": b.loadavg(),
    }


def served_network_args(v):
    """The network of the model Visage trained (run_visage's result), as reference arguments: a model from a face base
    takes the base's network and input size, not settings.conf's, and the reference trains the same network."""
    net, crop = v["network"], v["crop"]
    return ["--channels", ",".join(str(c) for c in net["channels"]), "--hidden-units", str(net["hiddenUnits"]),
            "--dropout", str(net["dropout"]), "--batch-norm", str(net["batchNorm"]).lower(),
            "--cosine-head", str(net["cosineHead"]).lower(), "--image-size", str(crop["imageSize"]),
            "--crop-size", str(crop["cropSize"])]


def run_reference(settings, features, lfw, work, split_json, network_args, timeout):
    out = os.path.join(work, "reference-model")
    command = [b.PYTHON, REFERENCE, "--lfw-dir", lfw, "--out", out] + b.reference_training_args(settings)
    command += network_args
    for name, on in features.items():
        if not any(key.split(".", 1)[1] == name for key in settings):  # a setting for both sides wins
            command += ["--" + name, "true" if on else "false"]
    if split_json:
        command += ["--check-split", split_json]
    b.log("reference: " + " ".join(command))
    load = b.loadavg()
    code, wall, lines = b.run_logged("reference", command, os.path.join(work, "reference-train.log"),
                                     echo=r"^(epoch |Decoded|Split is not|Traceback)", timeout=timeout)
    if code != 0:
        raise SystemExit("Reference training failed (exit %d); see %s" % (
            code, os.path.join(work, "reference-train.log")))
    result = json.loads(next(line for line in reversed(lines) if line.startswith("{")))
    result.pop("history", None)
    result["wall_seconds"] = round(wall, 3)
    result["model_dir"] = out
    result["split_checked"] = bool(split_json)
    result["loadavg_before"] = load
    result["loadavg_after"] = b.loadavg()
    return result


def compare(v, r):
    if not v or not r:
        return {}
    return {
        "images_per_second": b.ratio(v["images_per_second"], r["images_per_second"]),
        "total_seconds": b.ratio(v["wall_seconds"], r["wall_seconds"]),
        "data_seconds": b.ratio(v["data_seconds"], r["data_seconds"]),
        "train_seconds": b.ratio(v["train_seconds"], r["train_seconds"]),
        "accuracy_delta": round(v["test_accuracy"] - r["test_accuracy"], 4),
        "balanced_accuracy_delta": round(v["balanced_accuracy"] - r["balanced_accuracy"], 4),
    }


def targets(ratios):
    if not ratios:
        return {}
    return {
        "images_per_second >= 1.0x reference": ratios["images_per_second"] >= 1.0,
        "total time <= reference": ratios["total_seconds"] <= 1.0,
        "accuracy >= reference": ratios["accuracy_delta"] >= 0,
    }


def print_table(v, r, ratios):
    def row(label, key, digits=1, fmt_ratio=None):
        a = v.get(key) if v else None
        c = r.get(key) if r else None
        return [label, b.fmt(a, digits), b.fmt(c, digits), fmt_ratio or ""]

    rows = [
        row("training images/s (median epoch)", "images_per_second", 1,
            "x%.2f" % ratios["images_per_second"] if ratios else ""),
        row("data seconds (list, decode, crop)", "data_seconds", 1),
        row("train seconds (epochs incl. validation)", "train_seconds", 1),
        row("total seconds (process wall time)", "wall_seconds", 1,
            "x%.2f" % ratios["total_seconds"] if ratios else ""),
        row("test accuracy", "test_accuracy", 4, "%+.4f" % ratios["accuracy_delta"] if ratios else ""),
        row("balanced accuracy", "balanced_accuracy", 4,
            "%+.4f" % ratios["balanced_accuracy_delta"] if ratios else ""),
        row("macro-F1", "macro_f1", 4),
        row("epochs run / best", "epochs", 0),
    ]
    if v and r:
        rows[-1][1] = "%s / %s" % (v["epochs"], v["best_epoch"])
        rows[-1][2] = "%s / %s" % (r["epochs"], r["best_epoch"])
    print()
    print(b.table(rows, ["training", "Visage", "reference", "Visage vs ref"]))
    if v and v.get("base"):
        print("Visage's model starts from face base %s (its trunk's weights); the reference trains the same network "
              "(%s) from scratch." % (v["base"], v["network"]))
    print()


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.only != "reference":
        b.require_jar()  # before anything else, with the hint to build it
    settings = b.read_settings(overrides=args.overrides)
    for note in b.drift_notes(settings):
        b.log("note: " + note)
    work = args.work or tempfile.mkdtemp(prefix="visage-bench-")
    os.makedirs(work, exist_ok=True)
    b.log("Work folder (models, logs): " + work)
    info = b.machine(b.JAR)
    v = r = None
    jar = b.snapshot_jar(work) if args.only != "reference" else b.JAR
    features = b.jar_features(jar)
    if args.only != "reference":
        v = run_visage(jar, settings, args.lfw_dir, work, args.timeout)
    if args.only != "visage":
        split = os.path.join(v["model_dir"], "split.json") if v else None
        network = served_network_args(v) if v else []
        r = run_reference(settings, features, args.lfw_dir, work, split, network, args.timeout)
    ratios = compare(v, r)
    result = {"kind": "train", "date": b.now_iso(), "machine": info, "settings": settings, "jar_features": features,
              "lfw_dir": args.lfw_dir, "work": work, "visage": v, "reference": r, "ratios": ratios,
              "targets": targets(ratios)}
    path = b.write_result("train", result)
    print_table(v, r, ratios)
    for name, ok in result["targets"].items():
        print("  %-40s %s" % (name, "met" if ok else "NOT met"))
    print("Result: %s (models kept in %s)" % (os.path.relpath(path, os.getcwd()), work))
    return result


if __name__ == "__main__":
    main()
