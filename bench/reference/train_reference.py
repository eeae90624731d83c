#!/usr/bin/python3
"""Visage's training recipe the plain PyTorch way, for a side-by-side benchmark.

Run with Debian's PyTorch 1.13 (/usr/bin/python3). Same people, split, crop, normalisation, augmentation,
network, loss, optimizer, learning-rate schedule, batch size, epochs and best-epoch rule as
dev.visage.training.FaceTrainer; every hyperparameter is a flag (bench/train.sh passes the same values to
both sides). Progress goes to stderr; the last line on stdout is one JSON object:

  data_seconds, images_per_second (median epoch, training steps only), train_seconds, total_seconds
  (process start to saved, evaluated model), test_accuracy, balanced_accuracy, macro_f1, ...

Example: /usr/bin/python3 bench/reference/train_reference.py --lfw-dir ../shared/lfw/lfw-deepfunneled --epochs 2
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

T0 = time.monotonic()

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import recipe  # noqa: E402


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--lfw-dir", default=os.environ.get("VISAGE_LFW_DIR", "../shared/lfw/lfw-deepfunneled"))
    p.add_argument("--out", help="folder for the saved model (default: a temporary folder, removed at exit)")
    p.add_argument("--check-split", metavar="SPLIT_JSON",
                   help="a Visage model folder's split.json: stop unless the split is identical")
    p.add_argument("--threads", type=int, default=2, help="torch intra-op threads (inter-op is 1)")
    p.add_argument("--decode-workers", type=int, default=2, help="threads decoding JPEGs (Visage: all cores)")
    p.add_argument("--quiet", action="store_true", help="no per-epoch lines on stderr")
    # visage.training.*
    p.add_argument("--people", type=int, default=10)
    p.add_argument("--names", default="", help="comma-separated people (overrides --people)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--crop-size", type=int, default=128)
    p.add_argument("--image-size", type=int, default=64)
    p.add_argument("--epochs", type=int, default=40)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--learning-rate", type=float, default=0.003)
    p.add_argument("--weight-decay", type=float, default=0.05)
    p.add_argument("--warmup-epochs", type=int, default=2)
    p.add_argument("--label-smoothing", type=float, default=0.1)
    p.add_argument("--patience", type=int, default=0)
    p.add_argument("--shift", type=int, default=4)
    p.add_argument("--flip", type=parse_bool, default=True)
    p.add_argument("--brightness", type=float, default=0.2)
    p.add_argument("--detect-faces", type=parse_bool, default=True,
                   help="crop each image around the face OpenCV's alt2 cascade finds nearest its centre, as "
                        "Visage's AlignedPhotoFraming does (python3-opencv, opencv-data); false: the centred crop")
    # visage.network.*
    p.add_argument("--preset", choices=sorted(recipe.PRESETS), default="seed")
    p.add_argument("--channels", default="", help="comma-separated, overrides the preset")
    p.add_argument("--hidden-units", type=int, default=None)
    p.add_argument("--dropout", type=float, default=None)
    p.add_argument("--batch-norm", type=parse_bool, default=None, help="batch norm after each convolution "
                   "(default: the preset's)")
    p.add_argument("--cosine-head", type=parse_bool, default=False,
                   help="batch norm and a cosine head (CosFace) after the hidden layer instead of ReLU, dropout and "
                        "a linear output, as Visage's networks from a face base (default false)")
    p.add_argument("--mirror-average", type=parse_bool, default=True,
                   help="average the logits of each image and its mirror in evaluation and serving, like "
                        "Visage's MirrorAveragingBlock (bench/train.sh sets it from the jar; default true)")
    return p.parse_args(argv)


def parse_bool(text):
    if text.lower() in ("true", "1", "yes", "on"):
        return True
    if text.lower() in ("false", "0", "no", "off"):
        return False
    raise argparse.ArgumentTypeError("not a boolean: " + text)


def log(args, message):
    if not args.quiet:
        print(message, file=sys.stderr, flush=True)


def network_config(args):
    channels, hidden, dropout, batch_norm = recipe.PRESETS[args.preset]
    if args.channels:
        channels = tuple(int(c) for c in args.channels.split(","))
    return {"channels": list(channels), "hidden_units": args.hidden_units or hidden,
            "dropout": dropout if args.dropout is None else args.dropout,
            "batch_norm": batch_norm if args.batch_norm is None else args.batch_norm,
            "mirror_average": args.mirror_average, "cosine_head": args.cosine_head}


class Framing:
    """AlignedPhotoFraming: the frame of the detected face nearest the image's centre (with serving's detector settings,
    as TrainingPipeline since 2026-12-02; before, faces from 60 px), or the centred frame where none is found;
    counts both. One cascade per decoding thread (a CascadeClassifier must not scan two images at once)."""

    def __init__(self, detect):
        self.detect = detect
        self.local = threading.local()
        self.lock = threading.Lock()
        self.detected = 0
        self.centred = 0

    def frame(self, rgb):
        if not self.detect:
            return None
        import cv2
        import detection

        detector = getattr(self.local, "detector", None)
        if detector is None:
            cv2.setNumThreads(1)
            detector = self.local.detector = detection.Detector()
        frame = detection.nearest_centre_frame(detector, cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))
        with self.lock:
            if frame is None:
                self.centred += 1
            else:
                self.detected += 1
        return frame

    def counts(self):
        return {"detected": self.detected, "centred": self.centred} if self.detect else None


def decode_part(root, part, cropper, margin, workers, framing):
    """LfwImages.decode: decode, frame and crop every image once into one N x 3 x side x side tensor; also which
    images the detector found no face in (cropped from their centre)."""
    side = cropper.image_size + 2 * margin
    pixels = np.empty((len(part), 3, side, side), dtype=np.float32)
    no_face = np.zeros(len(part), dtype=bool)

    def one(i):
        rgb = recipe.load_rgb(os.path.join(root, part[i][0]))
        frame = framing.frame(rgb)
        no_face[i] = framing.detect and frame is None
        pixels[i] = cropper.crop(rgb, margin, frame)

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        list(pool.map(one, range(len(part))))
    labels = torch.tensor([label for _, label in part], dtype=torch.long)
    return torch.from_numpy(pixels), labels, no_face


class Sampler:
    """DJL's RandomSampler: per epoch, indices 0..n-1 swapped with nextInt(i) from one java.util.Random that the
    PyTorch engine seeds with the training seed (Engine.setRandomSeed); batches of batch_size, last one partial."""

    def __init__(self, size, batch_size, seed):
        self.size = size
        self.batch_size = batch_size
        int_seed = (int(seed) + (1 << 31)) % (1 << 32) - (1 << 31)  # Engine.setRandomSeed((int) seed)
        self.random = recipe.JavaRandom(int_seed)

    def epoch(self):
        indices = list(range(self.size))
        for i in range(self.size - 1, 0, -1):
            j = self.random.next_int(i)
            indices[i], indices[j] = indices[j], indices[i]
        for start in range(0, self.size, self.batch_size):
            yield torch.tensor(indices[start:start + self.batch_size], dtype=torch.long)


class Augmenter:
    """BatchAugmenter: per image a random shift within the margin, a horizontal flip, a brightness factor, clip to
    [0, 1]; draws from its own java.util.Random(seed) in the same order as Visage (shifts, flips, factors)."""

    def __init__(self, shift, flip, brightness, margin, image_size, seed):
        if shift > margin:
            raise ValueError("shift needs a margin of at least as many pixels")
        self.shift, self.flip, self.brightness = shift, flip, brightness
        self.margin, self.size = margin, image_size
        self.random = recipe.JavaRandom(seed)

    def __call__(self, images):
        batch = images.shape[0]
        m, size, shift = self.margin, self.size, self.shift
        if shift == 0:
            out = images[:, :, m:m + size, m:m + size]
        else:
            tops, lefts = [], []
            for _ in range(batch):
                tops.append(m + self.random.next_int(2 * shift + 1) - shift)
                lefts.append(m + self.random.next_int(2 * shift + 1) - shift)
            steps = torch.arange(size)
            rows = (torch.tensor(tops).view(batch, 1, 1, 1) + steps.view(1, 1, size, 1)).expand(
                batch, 3, size, images.shape[3])
            columns = (torch.tensor(lefts).view(batch, 1, 1, 1) + steps.view(1, 1, 1, size)).expand(
                batch, 3, size, size)
            out = images.gather(2, rows).gather(3, columns)
        if self.flip:
            flips = torch.tensor([self.random.next_boolean() for _ in range(batch)]).view(batch, 1, 1, 1)
            out = torch.where(flips, out.flip(3), out)
        if self.brightness > 0:
            factors = torch.tensor([1 + (2 * self.random.next_float() - 1) * self.brightness
                                    for _ in range(batch)], dtype=torch.float32).view(batch, 1, 1, 1)
            out = (out * factors).clamp(0.0, 1.0)
        return out


class LearningRate:
    """DJL's WarmUpTracker (linear from lr/10) around a CosineTracker (lr -> lr/100), indexed by the optimizer's
    update count (1 for the first step), as FaceTrainer.learningRateSchedule builds them."""

    def __init__(self, lr, warmup_steps, total_steps):
        self.lr, self.final = lr, lr / 100
        self.warmup = warmup_steps
        self.begin = lr / 10
        self.max_updates = max(1, total_steps - warmup_steps)

    def cosine(self, n):
        if n > self.max_updates:
            return self.final
        return self.final + (self.lr - self.final) / 2 * (1 + np.cos(np.pi * n / self.max_updates))

    def __call__(self, n):
        if n < self.warmup:
            return self.begin + (self.cosine(0) - self.begin) * n / self.warmup
        return self.cosine(n - self.warmup)


def predict(model, pixels, mean, std, batch_size):
    model.eval()
    predicted = []
    with torch.no_grad():
        for start in range(0, pixels.shape[0], batch_size):
            logits = model(recipe.normalize(pixels[start:start + batch_size], mean, std))
            predicted.append(logits.argmax(1))
    model.train()
    return torch.cat(predicted)


def evaluate(classes, truth, predicted, no_face):
    """Evaluation.of: accuracy, balanced accuracy (mean recall), macro-F1; an image without a face found is
    answered by nobody, as serving answers it (a miss for its person, in no column)."""
    truth, predicted = truth.tolist(), predicted.tolist()
    confusion = np.zeros((classes, classes), dtype=np.int64)
    support = np.bincount(truth, minlength=classes)
    for t, p, missing in zip(truth, predicted, no_face):
        if not missing:
            confusion[t, p] += 1
    recalls, f1s = [], []
    for c in range(classes):
        predicted_as, hits = confusion[:, c].sum(), confusion[c, c]
        precision = hits / predicted_as if predicted_as else 0.0
        recall = hits / support[c] if support[c] else 0.0
        recalls.append(recall)
        f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return float(np.trace(confusion) / len(truth)), float(np.mean(recalls)), float(np.mean(f1s))


def check_split(parts, people, path):
    with open(path) as f:
        visage = json.load(f)
    problems = []
    if visage.get("people") != people:
        problems.append("people differ: %s vs %s" % (visage.get("people"), people))
    for name in ("train", "validation", "test"):
        theirs = [(e["file"], e["label"]) for e in visage.get(name, [])]
        if theirs != parts[name]:
            problems.append("%s part differs (%d vs %d images)" % (name, len(theirs), len(parts[name])))
    if problems:
        raise SystemExit("Split is not Visage's (%s): %s" % (path, "; ".join(problems)))


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(args.seed)
    net = network_config(args)
    warmup_epochs = min(args.warmup_epochs, args.epochs - 1)  # TrainingProperties.toConfig

    # Data: list, split, decode and crop once (FaceTrainer.train up to "Decoded ... images").
    data_start = time.monotonic()
    catalog = recipe.scan_lfw(args.lfw_dir)
    names = [n for n in args.names.split(",") if n]
    people = recipe.select_people(catalog, args.people, names)
    parts = recipe.stratified_split(catalog, people, args.seed)
    if args.check_split:
        check_split(parts, people, args.check_split)
    log(args, "Training on %d people, %d images: %d train, %d validation, %d test" % (
        len(people), sum(len(p) for p in parts.values()), len(parts["train"]), len(parts["validation"]),
        len(parts["test"])))
    cropper = recipe.FaceCropper(args.crop_size, args.image_size)
    margin = args.shift
    framing = Framing(args.detect_faces)
    train_x, train_y, _ = decode_part(args.lfw_dir, parts["train"], cropper, margin, args.decode_workers, framing)
    val_x, val_y, _ = decode_part(args.lfw_dir, parts["validation"], cropper, 0, args.decode_workers, framing)
    test_x, test_y, test_no_face = decode_part(args.lfw_dir, parts["test"], cropper, 0, args.decode_workers, framing)
    data_seconds = time.monotonic() - data_start
    log(args, "Decoded in %.1f s%s" % (data_seconds,
                                       "; framing %s" % framing.counts() if args.detect_faces else ""))

    size = args.image_size
    centre = train_x[:, :, margin:margin + size, margin:margin + size].transpose(0, 1).reshape(3, -1).double()
    mean = centre.mean(1).float()
    std = centre.std(1, unbiased=False).float()

    model = recipe.build_network(len(people), net["channels"], net["hidden_units"], net["dropout"],
                                 net["batch_norm"], size, net["mirror_average"], net["cosine_head"])
    margin_logits = recipe.training_margin(model)
    parameters = sum(p.numel() for p in model.parameters() if p.requires_grad)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=args.label_smoothing)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.learning_rate, betas=(0.9, 0.999), eps=1e-8,
                                  weight_decay=args.weight_decay)
    steps_per_epoch = -(-len(train_y) // args.batch_size)
    schedule = LearningRate(args.learning_rate, warmup_epochs * steps_per_epoch, args.epochs * steps_per_epoch)
    sampler = Sampler(len(train_y), args.batch_size, args.seed)
    augment = Augmenter(args.shift, args.flip, args.brightness, margin, size, args.seed)

    train_start = time.monotonic()
    epoch_seconds, history = [], []
    best_validation, best_epoch, kept = -1.0, 0, None
    step = 0
    model.train()
    for epoch in range(1, args.epochs + 1):
        epoch_start = time.monotonic()
        loss_sum, correct, seen = 0.0, 0, 0
        for index in sampler.epoch():
            images = recipe.normalize(augment(train_x[index]), mean, std)
            labels = train_y[index]
            step += 1
            for group in optimizer.param_groups:
                group["lr"] = float(schedule(step))
            optimizer.zero_grad(set_to_none=True)
            logits = model(images)
            loss = loss_fn(logits - margin_logits * nn.functional.one_hot(labels, logits.shape[1]), labels)
            loss.backward()
            optimizer.step()
            batch = len(index)
            loss_sum += loss.item() * batch
            correct += int((logits.argmax(1) == labels).sum())
            seen += batch
        seconds = time.monotonic() - epoch_start
        epoch_seconds.append(seconds)
        validation = float((predict(model, val_x, mean, std, args.batch_size) == val_y).float().mean())
        if validation >= best_validation:
            best_validation, best_epoch = validation, epoch
            kept = {k: v.detach().clone() for k, v in model.state_dict().items()}
        history.append({"epoch": epoch, "trainLoss": loss_sum / seen, "trainAccuracy": correct / seen,
                        "validationAccuracy": validation, "learningRate": float(schedule(step)),
                        "seconds": seconds})
        log(args, "epoch %3d/%d  loss %.4f  train acc %.4f  val acc %.4f  lr %.5f  %.1f s" % (
            epoch, args.epochs, loss_sum / seen, correct / seen, validation, schedule(step), seconds))
        if args.patience > 0 and epoch - best_epoch >= args.patience:
            log(args, "Stopping early: no better validation accuracy for %d epochs" % args.patience)
            break
    train_seconds = time.monotonic() - train_start
    model.load_state_dict(kept)

    accuracy, balanced, macro_f1 = evaluate(len(people), test_y, predict(model, test_x, mean, std,
                                                                        args.batch_size), test_no_face)
    out = args.out or tempfile.mkdtemp(prefix="visage-reference-")
    os.makedirs(out, exist_ok=True)
    torch.save(model.state_dict(), os.path.join(out, "model.pt"))
    meta = {"people": people, "network": net, "crop": {"cropSize": args.crop_size, "imageSize": size,
                                                       "referenceSize": recipe.LFW_IMAGE_SIZE},
            "mean": mean.tolist(), "std": std.tolist(), "seed": args.seed, "framing": framing.counts(),
            "version": "reference-" + time.strftime("%Y%m%d-%H%M%S", time.gmtime())}
    with open(os.path.join(out, "model.json"), "w") as f:
        json.dump(meta, f, indent=2)
    total = recipe.process_seconds()
    if total is None:
        total = time.monotonic() - T0
    median = sorted(epoch_seconds)[len(epoch_seconds) // 2]  # FaceTrainer.median: the upper middle
    result = {
        "data_seconds": round(data_seconds, 3),
        "images_per_second": round(len(train_y) / median, 2),
        "train_seconds": round(train_seconds, 3),
        "total_seconds": round(total, 3),
        "test_accuracy": accuracy,
        "balanced_accuracy": balanced,
        "macro_f1": macro_f1,
        "validation_accuracy": best_validation,
        "framing": framing.counts(),
        "best_epoch": best_epoch,
        "epochs": len(history),
        "train_images": len(train_y),
        "parameters": parameters,
        "model_dir": out if args.out else None,
        "torch": torch.__version__,
        "threads": [torch.get_num_threads(), torch.get_num_interop_threads()],
        "history": history,
    }
    if not args.out:
        shutil.rmtree(out, ignore_errors=True)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
