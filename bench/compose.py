#!/usr/bin/python3
"""Composes seeded test photos for face detection + identification (issue #11), outside the repository.

From a Visage model folder's split.json it takes the test part (photos of the model's people that training never
saw) and writes, into --out (a temporary folder by default):

* single/  one pasted face per photo: a test photo, scaled so that its face is 90-320 px (--face-px; LFW's 250 x 250
  deep-funneled images hold a face of ~112 px in the middle: the median Haar alt2 box is x 70.5, y 69.5, side
  111, BoxFraming.HAAR_FRONTALFACE_ALT2), its central part (CUT px of the 250) pasted at a random place with a
  feathered alpha edge on a 640x480 .. 1600x1200 background;
* group/   2 or 3 different people side by side, faces of similar size;
* noface/  backgrounds with a pasted, feathered patch that is not a face (so a paste edge alone tells nothing);
* serve/   640x480 photos (two thirds single, one third group) for the serving load;
* truth.json: for every photo its kind, size and faces (person, source file, box {x, y, width, height}: the
  nominal face box, i.e. where the alt2 median box of the source lands in the photo), plus the settings.

Backgrounds never come from the model's people: smooth gradients with noise, blurred multi-scale noise, or
mosaics of the corners (40 x 40 px) of LFW photos of people outside the model. Everything is drawn from
random.Random(seed) / numpy's default_rng(seed): the same arguments give the same photos.

  /usr/bin/python3 bench/compose.py --model-dir MODELS/<version> [--out DIR] [--single 291] [--group 150]
      [--noface 100] [--serve 48] [--seed 11] [--face-px 90,320] [--lfw-dir ../shared/lfw/lfw-deepfunneled]

Issue #30's ordinary photos are --face-px 32,130: faces of 32-130 px, where realphotos.py's table by face size
tells the faces of 32-40 px (to be found) from those of 40-130 px (to be named).
"""

import argparse
import json
import os
import random
import sys
import tempfile

import cv2
import numpy as np

cv2.setNumThreads(1)

LFW_SIDE = 250
# BoxFraming.HAAR_FRONTALFACE_ALT2: the median box of the alt2 cascade in a 250 x 250 deep-funneled image.
BOX_X, BOX_Y, BOX_SIDE = 70.5, 69.5, 111.0
CUT = 180  # the central part of the 250 px LFW image that is pasted (face box plus ~34 px around it)
FEATHER = 0.16  # share of the pasted side over which alpha fades out
SIZES = [(640, 480), (800, 600), (1024, 768), (1280, 960), (1600, 1200)]
FACE_PX = "90,320"  # the side of the pasted faces' nominal box, drawn uniformly between these
JPEG_QUALITY = 90


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model-dir", required=True, help="a Visage model version folder (holds split.json)")
    p.add_argument("--lfw-dir", default=os.environ.get("VISAGE_LFW_DIR") or os.path.normpath(
        os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "lfw", "lfw-deepfunneled")))
    p.add_argument("--out", help="output folder (default: a new /tmp/visage-photos-* folder)")
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--single", type=int, default=-1, help="single-face photos (default: one per test photo)")
    p.add_argument("--group", type=int, default=150, help="group photos of 2-3 people (default 150)")
    p.add_argument("--noface", type=int, default=100, help="photos without a face (default 100)")
    p.add_argument("--serve", type=int, default=48, help="640x480 photos for the serving load (default 48)")
    p.add_argument("--face-px", default=FACE_PX, help="MIN,MAX side of the pasted faces in px (default %s)" % FACE_PX)
    args = p.parse_args(argv)
    try:
        args.face_min, args.face_max = (int(v) for v in args.face_px.split(","))
    except ValueError:
        p.error("--face-px takes MIN,MAX, not " + args.face_px)
    if not 0 < args.face_min <= args.face_max:
        p.error("--face-px needs 0 < MIN <= MAX")
    return args


# ------------------------------------------------------------------------------------------------ backgrounds

class Backgrounds:
    def __init__(self, rng, nrng, lfw, model_people):
        self.rng, self.nrng, self.lfw = rng, nrng, lfw
        others = sorted(p for p in os.listdir(lfw) if p not in model_people and os.path.isdir(os.path.join(lfw, p)))
        self.others = others
        self.kinds = ("gradient", "texture", "corners")

    def make(self, width, height):
        kind = self.rng.choice(self.kinds)
        image = getattr(self, kind)(width, height)
        return np.clip(image, 0, 255).astype(np.uint8), kind

    def gradient(self, width, height):
        a, b = self.nrng.uniform(20, 235, 3), self.nrng.uniform(20, 235, 3)
        angle = self.rng.uniform(0, np.pi)
        ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
        t = (xs * np.cos(angle) + ys * np.sin(angle))
        t = (t - t.min()) / max(1.0, float(t.max() - t.min()))
        image = a[None, None, :] * (1 - t[..., None]) + b[None, None, :] * t[..., None]
        return image + self.nrng.normal(0, self.rng.uniform(2, 10), image.shape)

    def texture(self, width, height):
        image = np.zeros((height, width, 3), np.float32)
        for cells, weight in ((4, 1.0), (16, 0.5), (64, 0.25)):
            small = self.nrng.uniform(0, 255, (max(2, cells * height // width), cells, 3)).astype(np.float32)
            image += weight * cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC)
        image /= 1.75
        sigma = self.rng.uniform(1, 4)
        image = cv2.GaussianBlur(image, (0, 0), sigma)
        return image + self.nrng.normal(0, 4, image.shape)

    def corner_patch(self):
        person = self.rng.choice(self.others)
        folder = os.path.join(self.lfw, person)
        name = self.rng.choice(sorted(os.listdir(folder)))
        photo = cv2.imread(os.path.join(folder, name), cv2.IMREAD_COLOR)
        x = self.rng.choice((0, LFW_SIDE - 40))
        y = self.rng.choice((0, LFW_SIDE - 40))
        return photo[y:y + 40, x:x + 40].astype(np.float32)

    def corners(self, width, height):
        tile = self.rng.choice((160, 200, 240, 320))
        rows, cols = -(-height // tile), -(-width // tile)
        image = np.zeros((rows * tile, cols * tile, 3), np.float32)
        for r in range(rows):
            for c in range(cols):
                image[r * tile:(r + 1) * tile, c * tile:(c + 1) * tile] = cv2.resize(
                    self.corner_patch(), (tile, tile), interpolation=cv2.INTER_CUBIC)
        image = cv2.GaussianBlur(image[:height, :width], (0, 0), self.rng.uniform(3, 8))
        return image + self.nrng.normal(0, 3, image.shape)


# ------------------------------------------------------------------------------------------------ pasting

def feathered_alpha(side):
    """A square alpha mask: 1 inside, fading to 0 over FEATHER of the side, with rounded corners."""
    ramp = max(2.0, FEATHER * side)
    d = np.arange(side, dtype=np.float32) + 0.5
    edge = np.minimum(d, side - d)
    ex, ey = np.meshgrid(edge, edge)
    # distance to the border, rounded at the corners
    inner = np.minimum(ex, ey)
    corner = ramp - np.sqrt(np.maximum(ramp - ex, 0) ** 2 + np.maximum(ramp - ey, 0) ** 2)
    distance = np.where((ex < ramp) & (ey < ramp), corner, inner)
    t = np.clip(distance / ramp, 0, 1)
    return (t * t * (3 - 2 * t))[..., None]  # smoothstep


def scaled_cut(photo, face_side):
    """The central CUT x CUT part of a 250 x 250 LFW photo, scaled so its face box is face_side px."""
    scale = face_side / BOX_SIDE
    cut_side = int(round(CUT * scale))
    start = (LFW_SIDE - CUT) / 2.0
    # Affine map: source (start, start) -> (0, 0), scale `scale`.
    matrix = np.float32([[scale, 0, -start * scale], [0, scale, -start * scale]])
    flags = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    if scale < 1:  # INTER_AREA is only an area filter through resize; resize the whole photo, then cut
        whole = cv2.resize(photo, (int(round(LFW_SIDE * scale)), int(round(LFW_SIDE * scale))), interpolation=flags)
        s = int(round(start * scale))
        patch = whole[s:s + cut_side, s:s + cut_side]
        if patch.shape[0] != cut_side or patch.shape[1] != cut_side:
            patch = cv2.resize(patch, (cut_side, cut_side), interpolation=cv2.INTER_LINEAR)
    else:
        patch = cv2.warpAffine(photo, matrix, (cut_side, cut_side), flags=flags, borderMode=cv2.BORDER_REPLICATE)
    return patch.astype(np.float32), scale


def paste(background, patch, x, y):
    side = patch.shape[0]
    alpha = feathered_alpha(side)
    region = background[y:y + side, x:x + side].astype(np.float32)
    background[y:y + side, x:x + side] = np.clip(alpha * patch + (1 - alpha) * region, 0, 255).astype(np.uint8)


def face_box(x, y, scale):
    """The nominal face box of a cut pasted at (x, y) with this scale, in photo pixels."""
    start = (LFW_SIDE - CUT) / 2.0
    bx = x + (BOX_X - start) * scale
    by = y + (BOX_Y - start) * scale
    side = BOX_SIDE * scale
    return {"x": int(round(bx)), "y": int(round(by)), "width": int(round(side)), "height": int(round(side))}


def pasted(x, y, side):
    """The square the pasted cut covers (LFW photos sometimes show a bystander's face there too)."""
    return {"x": int(x), "y": int(y), "width": int(side), "height": int(side)}


# ------------------------------------------------------------------------------------------------ compose

class Composer:
    def __init__(self, args, split):
        self.rng = random.Random(args.seed)
        self.nrng = np.random.default_rng(args.seed)
        self.lfw = args.lfw_dir
        self.people = split["people"]
        self.test = [(entry["file"], self.people[entry["label"]]) for entry in split["test"]]
        self.by_person = {}
        for file, person in self.test:
            self.by_person.setdefault(person, []).append(file)
        self.backgrounds = Backgrounds(self.rng, self.nrng, self.lfw, set(self.people))
        self.face_min, self.face_max = args.face_min, args.face_max

    def read(self, file):
        photo = cv2.imread(os.path.join(self.lfw, file), cv2.IMREAD_COLOR)
        if photo is None or photo.shape[:2] != (LFW_SIDE, LFW_SIDE):
            raise SystemExit("Expected a 250 x 250 LFW photo: " + file)
        return photo

    def single(self, file, person, size=None):
        width, height = size or self.rng.choice(SIZES)
        largest = min(self.face_max, int(min(width, height) * BOX_SIDE / CUT))
        face = self.rng.uniform(self.face_min, largest)
        background, kind = self.backgrounds.make(width, height)
        patch, scale = scaled_cut(self.read(file), face)
        side = patch.shape[0]
        x, y = self.rng.randint(0, max(0, width - side)), self.rng.randint(0, max(0, height - side))
        paste(background, patch, x, y)
        return background, {"width": width, "height": height, "background": kind,
                            "faces": [{"person": person, "file": file, "box": face_box(x, y, scale),
                                       "pasted": pasted(x, y, side)}]}

    def group(self, size=None):
        count = self.rng.choice((2, 3))
        people = self.rng.sample(self.people, count)
        width, height = size or self.rng.choice(SIZES)
        gap = 0.1  # of the pasted side, between neighbours
        fit_w = (width / (count + gap * (count - 1))) * BOX_SIDE / CUT
        fit_h = height * BOX_SIDE / CUT
        largest = min(self.face_max, int(min(fit_w, fit_h)))
        if largest < self.face_min:
            raise SystemExit("%dx%d cannot hold %d faces of %d px" % (width, height, count, self.face_min))
        base = self.rng.uniform(self.face_min, largest)
        faces = [min(largest, max(self.face_min, base * self.rng.uniform(0.85, 1.15))) for _ in people]
        patches = []
        for person, face in zip(people, faces):
            file = self.rng.choice(self.by_person[person])
            patch, scale = scaled_cut(self.read(file), face)
            patches.append((person, file, patch, scale))
        total = sum(p[2].shape[0] for p in patches)
        spare = width - total
        gaps = [self.rng.uniform(0.05, 0.2) * min(p[2].shape[0] for p in patches) for _ in range(count - 1)]
        spare_left = spare - sum(gaps)
        if spare_left < 0:
            gaps = [0] * (count - 1)
            spare_left = spare
        x = self.rng.uniform(0, max(0, spare_left))
        background, kind = self.backgrounds.make(width, height)
        truth = []
        for i, (person, file, patch, scale) in enumerate(patches):
            side = patch.shape[0]
            centre_y = height / 2 + self.rng.uniform(-0.25, 0.25) * (height - side)
            y = int(round(min(height - side, max(0, centre_y - side / 2))))
            xi = int(round(min(width - side, x)))
            paste(background, patch, xi, y)
            truth.append({"person": person, "file": file, "box": face_box(xi, y, scale),
                          "pasted": pasted(xi, y, side)})
            x += side + (gaps[i] if i < len(gaps) else 0)
        return background, {"width": width, "height": height, "background": kind, "faces": truth}

    def noface(self, size=None):
        width, height = size or self.rng.choice(SIZES)
        background, kind = self.backgrounds.make(width, height)
        largest = min(self.face_max, int(min(width, height) * BOX_SIDE / CUT))
        face = self.rng.uniform(self.face_min, largest)
        side = int(round(CUT * face / BOX_SIDE))
        patch = cv2.resize(self.backgrounds.corner_patch(), (side, side), interpolation=cv2.INTER_CUBIC)
        x, y = self.rng.randint(0, max(0, width - side)), self.rng.randint(0, max(0, height - side))
        paste(background, patch, x, y)
        return background, {"width": width, "height": height, "background": kind, "faces": [],
                            "pasted": [pasted(x, y, side)]}


def main(argv=None):
    args = parse_args(argv)
    with open(os.path.join(args.model_dir, "split.json")) as f:
        split = json.load(f)
    out = args.out or tempfile.mkdtemp(prefix="visage-photos-")
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if os.path.abspath(out).startswith(repo + os.sep):
        raise SystemExit("Write the photos outside the repository, not to " + out)
    composer = Composer(args, split)
    photos = []

    def write(kind, index, image, truth):
        os.makedirs(os.path.join(out, kind), exist_ok=True)
        name = "%s/%s-%04d.jpg" % (kind, kind, index)
        if not cv2.imwrite(os.path.join(out, name), image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY]):
            raise SystemExit("Cannot write " + name)
        photos.append(dict(truth, file=name, kind=kind))

    singles = composer.test if args.single < 0 else [composer.test[i % len(composer.test)]
                                                     for i in range(args.single)]
    for i, (file, person) in enumerate(singles):
        write("single", i, *composer.single(file, person))
    for i in range(args.group):
        write("group", i, *composer.group())
    for i in range(args.noface):
        write("noface", i, *composer.noface())
    for i in range(args.serve):
        if i % 3 == 2:
            write("serve", i, *composer.group((640, 480)))
        else:
            file, person = composer.rng.choice(composer.test)
            write("serve", i, *composer.single(file, person, (640, 480)))

    truth = {"model_dir": os.path.abspath(args.model_dir), "lfw_dir": os.path.abspath(args.lfw_dir),
             "seed": args.seed, "people": split["people"],
             "settings": {"sizes": SIZES, "face_px": [args.face_min, args.face_max], "cut": CUT, "feather": FEATHER,
                          "nominal_box_in_lfw": [BOX_X, BOX_Y, BOX_SIDE], "jpeg_quality": JPEG_QUALITY},
             "aligned": [{"file": file, "person": person} for file, person in composer.test],
             "photos": photos}
    with open(os.path.join(out, "truth.json"), "w") as f:
        json.dump(truth, f, indent=1)
    counts = {}
    for p in photos:
        counts[p["kind"]] = counts.get(p["kind"], 0) + 1
    print(json.dumps({"out": out, "counts": counts, "faces": sum(len(p["faces"]) for p in photos)}))
    return out


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
