#!/usr/bin/python3
"""What a pretrained face embedding would give on Visage's open-set protocol (issue #12): a measurement for a
decision, not part of the service.

The embedding is dlib's ResNet face descriptor (128 values from a 150x150 face) as face-api.js ships it: the
uint8-quantised TF.js weights in the npm package @vladmandic/face-api (model/face_recognition_model*), run here in
PyTorch with the layer code of that package's src/faceRecognitionNet. Fetch them once, outside the repository:

  mkdir -p /tmp/face-api && cd /tmp/face-api && npm pack @vladmandic/face-api@1.7.15 && tar xzf vladmandic-face-api-1.7.15.tgz

Then:

  bench/pretrained_embedding.py --face-api /tmp/face-api/package pairs pairsDevTrain.txt --sides 100,110,130
      LFW's verification pairs (same person if the descriptors are nearer than 0.6, dlib's rule): checks the port
      and chooses the crop side (a square about the centre of the 250x250 deep-funneled image, resized to 150)
  bench/pretrained_embedding.py --face-api /tmp/face-api/package openset MODEL/split.json --side 110
      a Visage model's split: the people's train images and the background people's images teach a classifier on
      the frozen descriptors; test and stranger-test figures as in metrics.json, each score calibrated on the
      validation parts at a 4 % outlier acceptance

LFW is read from ../shared/lfw/lfw-deepfunneled beside the repository, or from VISAGE_LFW_DIR.
"""

import argparse
import json
import os
import time

import cv2
import numpy as np
import torch
import torch.nn.functional as F

LFW = os.environ.get("VISAGE_LFW_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                    "../../shared/lfw/lfw-deepfunneled"))
MEAN_RGB = torch.tensor([122.782, 117.001, 104.298])


class FaceRecognitionNet:
    """face-api.js's FaceRecognitionNet: conv + scale layers, residual blocks, 'valid' stride-2 convolutions."""

    def __init__(self, package):
        folder = os.path.join(package, "model")
        manifest = json.load(open(os.path.join(folder, "face_recognition_model-weights_manifest.json")))[0]
        raw = np.fromfile(os.path.join(folder, manifest["paths"][0]), dtype=np.uint8)
        self.w, offset = {}, 0
        for spec in manifest["weights"]:
            n = int(np.prod(spec["shape"]))
            q = spec.get("quantization")
            if q:
                values = raw[offset:offset + n].astype(np.float32) * q["scale"] + q["min"]
                offset += n
            else:
                values = raw[offset:offset + 4 * n].view(np.float32).copy()
                offset += 4 * n
            self.w[spec["name"]] = torch.from_numpy(values.reshape(spec["shape"]))
        if offset != raw.size:
            raise ValueError(f"manifest covers {offset} of {raw.size} bytes")

    def conv(self, x, name, stride, relu):
        filters = self.w[name + "/conv/filters"].permute(3, 2, 0, 1)  # TF's HWIO to PyTorch's OIHW
        padding = filters.shape[-1] // 2 if stride == 1 else 0  # 'same' at stride 1, 'valid' at stride 2
        out = F.conv2d(x, filters, self.w[name + "/conv/bias"], stride=stride, padding=padding)
        out = out * self.w[name + "/scale/weights"].view(1, -1, 1, 1) + self.w[name + "/scale/biases"].view(1, -1, 1, 1)
        return F.relu(out) if relu else out

    def residual(self, x, name):
        out = self.conv(self.conv(x, name + "/conv1", 1, True), name + "/conv2", 1, False)
        return F.relu(out + x)

    def residual_down(self, x, name):
        out = self.conv(self.conv(x, name + "/conv1", 2, True), name + "/conv2", 1, False)
        pooled = F.avg_pool2d(x, 2, 2)
        if pooled.shape[2:] != out.shape[2:]:
            out = F.pad(out, (0, 1, 0, 1))  # face-api appends a zero row and column
        if pooled.shape[1] != out.shape[1]:
            pooled = torch.cat([pooled, torch.zeros_like(pooled)], 1)
        return F.relu(pooled + out)

    @torch.no_grad()
    def __call__(self, rgb):
        """N x 150 x 150 x 3 uint8 RGB -> N x 128 descriptors."""
        x = ((torch.from_numpy(rgb).float() - MEAN_RGB) / 255).permute(0, 3, 1, 2).contiguous()
        out = F.max_pool2d(self.conv(x, "conv32_down", 2, True), 3, 2)
        for block in ("conv32_1", "conv32_2", "conv32_3"):
            out = self.residual(out, block)
        for size, blocks in ((64, 3), (128, 2), (256, 2)):
            out = self.residual_down(out, f"conv{size}_down")
            for i in range(1, blocks + 1):
                out = self.residual(out, f"conv{size}_{i}")
        out = self.residual_down(out, "conv256_down_out")
        return out.mean((2, 3)) @ self.w["fc"]


def crop(file, side):
    image = cv2.imread(os.path.join(LFW, file))[:, :, ::-1]
    top = int(round(image.shape[0] / 2 - side / 2))
    left = int(round(image.shape[1] / 2 - side / 2))
    face = np.ascontiguousarray(image[top:top + side, left:left + side])
    return cv2.resize(face, (150, 150), interpolation=cv2.INTER_AREA if side > 150 else cv2.INTER_LINEAR)


def descriptors(net, files, side):
    out = [net(np.stack([crop(f, side) for f in files[i:i + 64]])).numpy() for i in range(0, len(files), 64)]
    return np.concatenate(out)


def pairs(net, args):
    lines = open(os.path.join(LFW, "..", args.list)).read().split("\n")[1:]
    listed = []
    for fields in (line.split() for line in lines):
        if len(fields) == 3:
            listed.append((f"{fields[0]}/{fields[0]}_{int(fields[1]):04d}.jpg",
                           f"{fields[0]}/{fields[0]}_{int(fields[2]):04d}.jpg", True))
        elif len(fields) == 4:
            listed.append((f"{fields[0]}/{fields[0]}_{int(fields[1]):04d}.jpg",
                           f"{fields[2]}/{fields[2]}_{int(fields[3]):04d}.jpg", False))
    files = sorted({f for a, b, _ in listed for f in (a, b)})
    same = np.array([s for _, _, s in listed])
    for side in (int(s) for s in args.sides.split(",")):
        d = dict(zip(files, descriptors(net, files, side)))
        distance = np.array([np.linalg.norm(d[a] - d[b]) for a, b, _ in listed])
        print(f"side {side}: {len(listed)} pairs, right at distance 0.6: {np.mean((distance < 0.6) == same):.4f}",
              flush=True)


def auroc(known, strangers):
    scores = np.concatenate([known, strangers])
    ranks = np.empty(len(scores))
    ranks[np.argsort(scores, kind="stable")] = np.arange(1, len(scores) + 1)
    return (ranks[:len(known)].sum() - len(known) * (len(known) + 1) / 2) / (len(known) * len(strangers))


def openset(net, args):
    split = json.load(open(args.split))
    people = len(split["people"])
    start = time.time()
    parts = {}
    for key in ("train", "validation", "test", "backgroundImages", "outlierTrainImages", "outlierValidationImages",
                "strangerTestImages"):
        entries = split[key]
        files = [e["file"] if isinstance(e, dict) else e for e in entries]
        found = descriptors(net, files, args.side)
        labels = np.array([x["label"] for x in entries]) if entries and isinstance(entries[0], dict) else None
        parts[key] = (found / np.linalg.norm(found, axis=1, keepdims=True), labels)
    print(f"{sum(len(p[0]) for p in parts.values())} descriptors in {time.time() - start:.0f} s", flush=True)

    def report(name, score):
        val_score, val_pred = score(parts["validation"][0])
        threshold = np.quantile(score(parts["outlierValidationImages"][0])[0], 1 - args.acceptance)
        test_score, test_pred = score(parts["test"][0])
        stranger_score = score(parts["strangerTestImages"][0])[0]
        right = test_pred == parts["test"][1]
        val_right = (val_pred == parts["validation"][1]) & (val_score >= threshold)
        print(f"{name}: test accuracy {right.mean():.4f}, AUROC {auroc(test_score, stranger_score):.4f}, "
              f"known answered right {np.mean(right & (test_score >= threshold)):.4f}, strangers unknown "
              f"{np.mean(stranger_score < threshold):.4f}, validation known right {val_right.mean():.4f}", flush=True)

    train, labels = parts["train"]
    means = np.stack([train[labels == c].mean(0) for c in range(people)])
    means /= np.linalg.norm(means, axis=1, keepdims=True)

    def nearest_mean(e):
        similarity = e @ means.T
        return similarity.max(1), similarity.argmax(1)

    def nearest_three(e):
        similarity = e @ train.T
        best = np.stack([np.sort(similarity[:, labels == c], 1)[:, -3:].mean(1) for c in range(people)], 1)
        return best.max(1), best.argmax(1)

    report("cosine to each person's mean", nearest_mean)
    report("mean cosine to each person's 3 nearest", nearest_three)

    # Visage's recipe on the frozen descriptors: softmax over the people and the background people, the other
    # outlier-train images pushed towards the uniform distribution (weight 0.5), top probability over the people.
    x = torch.from_numpy(np.concatenate([train, parts["backgroundImages"][0]])).float()
    y = torch.from_numpy(np.concatenate([labels, parts["backgroundImages"][1]])).long()
    outliers = torch.from_numpy(parts["outlierTrainImages"][0]).float()
    classes = int(y.max()) + 1
    torch.manual_seed(0)
    weights = torch.zeros(classes, x.shape[1], requires_grad=True)
    bias = torch.zeros(classes, requires_grad=True)
    optimizer = torch.optim.Adam([weights, bias], lr=0.01)
    for _ in range(600):
        optimizer.zero_grad()
        loss = F.cross_entropy(args.scale * x @ weights.T + bias, y)
        loss = loss - 0.5 * torch.log_softmax(args.scale * outliers @ weights.T + bias, 1).mean()
        loss.backward()
        optimizer.step()

    def softmax(e):
        with torch.no_grad():
            p = torch.softmax(args.scale * torch.from_numpy(e).float() @ weights.T + bias, 1)[:, :people]
        return p.max(1).values.numpy(), p.argmax(1).numpy()

    report(f"softmax, {people} people + {classes - people} background people", softmax)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--face-api", required=True, help="the unpacked npm package (holds model/)")
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("pairs")
    p.add_argument("list", help="a pairs file beside lfw-deepfunneled, e.g. pairsDevTrain.txt")
    p.add_argument("--sides", default="110")
    o = commands.add_parser("openset")
    o.add_argument("split", help="a stored model's split.json")
    o.add_argument("--side", type=int, default=110)
    o.add_argument("--acceptance", type=float, default=0.04)
    o.add_argument("--scale", type=float, default=16.0)
    args = parser.parse_args()
    net = FaceRecognitionNet(args.face_api)
    (pairs if args.command == "pairs" else openset)(net, args)


if __name__ == "__main__":
    main()
