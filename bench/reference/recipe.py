"""Visage's data recipe and network, re-done the plain PyTorch way (PyTorch 1.13, Python 3, PIL, numpy).

Shared by train_reference.py and serve_reference.py. Each piece names the Visage class it mirrors:

* JavaRandom / java_shuffle   java.util.Random and Collections.shuffle (bit-exact), so the split is identical
* scan_lfw / select_people     dataset/LfwCatalog (sorted file names, top N by count then name)
* stratified_split             dataset/DataSplit (70/10/20 per person, one Random(seed) across people)
* FaceCropper                  dataset/FaceCrop (centred crop, area averaging, margin kept for shifts)
* build_network                network/FaceNetwork + NetworkConfig presets (+ MirrorAveragingBlock)
"""

import math
import os

import numpy as np
import torch
from torch import nn

LFW_IMAGE_SIZE = 250
VALIDATION_FRACTION = 0.1
TEST_FRACTION = 0.2
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png")

PRESETS = {
    # network/NetworkConfig.SEED and STRONG: (channels, hidden units, dropout, batch norm)
    "seed": ((16, 32, 64), 128, 0.3, False),
    "strong": ((32, 64, 128, 256), 256, 0.3, True),
}


class JavaRandom:
    """java.util.Random: the 48-bit linear congruential generator, with Java's nextInt/nextFloat/nextBoolean."""

    _MULTIPLIER = 0x5DEECE66D
    _ADDEND = 0xB
    _MASK = (1 << 48) - 1

    def __init__(self, seed):
        self._seed = (int(seed) ^ self._MULTIPLIER) & self._MASK

    def next_bits(self, bits):
        self._seed = (self._seed * self._MULTIPLIER + self._ADDEND) & self._MASK
        value = self._seed >> (48 - bits)
        return value - (1 << 32) if value >= (1 << 31) else value  # Java's (int) cast

    def next_int(self, bound):
        if bound <= 0:
            raise ValueError("bound must be positive")
        r = self.next_bits(31)
        m = bound - 1
        if bound & m == 0:
            return (bound * r) >> 31
        u = r
        r = u % bound
        while u - r + m >= (1 << 31):  # Java: int overflow (negative) means retry
            u = self.next_bits(31)
            r = u % bound
        return r

    def next_boolean(self):
        return self.next_bits(1) != 0

    def next_float(self):
        return self.next_bits(24) / float(1 << 24)


def java_shuffle(items, rnd):
    """Collections.shuffle(list, rnd) for a RandomAccess list: swap(i - 1, nextInt(i)) for i = size .. 2."""
    for i in range(len(items), 1, -1):
        j = rnd.next_int(i)
        items[i - 1], items[j] = items[j], items[i - 1]


def java_round(x):
    """Math.round(double): floor(x + 0.5), unlike Python's round-half-to-even."""
    return int(math.floor(x + 0.5))


def scan_lfw(root):
    """LfwCatalog.scan: person folder -> sorted image file names (people without images are left out)."""
    if not os.path.isdir(root):
        raise SystemExit("LFW folder not found: " + root)
    people = {}
    for person in sorted(os.listdir(root)):
        folder = os.path.join(root, person)
        if not os.path.isdir(folder):
            continue
        images = sorted(f for f in os.listdir(folder) if f.lower().endswith(IMAGE_EXTENSIONS))
        if images:
            people[person] = images
    if not people:
        raise SystemExit("No images found in LFW folder " + root)
    return people


def select_people(catalog, count=10, names=None):
    """LfwCatalog.select: the named people in that order, or the top `count` by image count, ties by name."""
    if names:
        missing = [n for n in names if n not in catalog]
        if missing:
            raise SystemExit("Not in the LFW folder: %s" % missing)
        return list(names)
    if count > len(catalog):
        raise SystemExit("Asked for the top %d people but the folder holds only %d" % (count, len(catalog)))
    return sorted(catalog, key=lambda person: (-len(catalog[person]), person))[:count]


def stratified_split(catalog, people, seed):
    """DataSplit.stratified: {'train'|'validation'|'test': [(file, label)]}, files relative to the LFW root."""
    rnd = JavaRandom(seed)
    parts = {"train": [], "validation": [], "test": []}
    for label, person in enumerate(people):
        files = list(catalog[person])
        if len(files) < 3:
            raise SystemExit("%s has %d images; each person needs at least 3" % (person, len(files)))
        java_shuffle(files, rnd)
        test_count = max(1, java_round(len(files) * TEST_FRACTION))
        validation_count = max(1, java_round(len(files) * VALIDATION_FRACTION))
        for i, name in enumerate(files):
            entry = (person + "/" + name, label)
            if i < test_count:
                parts["test"].append(entry)
            elif i < test_count + validation_count:
                parts["validation"].append(entry)
            else:
                parts["train"].append(entry)
    return parts


class FaceCropper:
    """FaceCrop.toPixels: a centred square crop scaled to image_size by area averaging, CHW float32 in [0, 1].

    The crop is measured on a 250 px LFW image and scales with the image; `margin` extra output pixels on every
    side come from the image around the crop (edge pixels repeat outside it). Area averaging is done as two
    small weight matrices (rows, columns), the same weights FaceCrop computes, cached per image size.
    """

    def __init__(self, crop_size=128, image_size=64, reference_size=LFW_IMAGE_SIZE):
        if crop_size < 1 or reference_size < crop_size or image_size < 1:
            raise ValueError("invalid face crop")
        self.crop_size = crop_size
        self.image_size = image_size
        self.reference_size = reference_size
        self._weights = {}

    def _axis(self, origin, scale, outputs, limit):
        matrix = np.zeros((outputs, limit), dtype=np.float64)
        for o in range(outputs):
            start = origin + o * scale
            end = start + scale
            s = int(math.floor(start))
            while s < end:
                overlap = min(end, s + 1) - max(start, s)
                if overlap > 1e-9:
                    matrix[o, max(0, min(limit - 1, s))] += np.float32(overlap / scale)
                s += 1
        return matrix.astype(np.float32)

    def weights(self, width, height, margin, frame=None):
        """frame (x, y, side): the square of the photo that stands for a whole LFW image (FaceFrame), as a
        detected face is framed; None for the photo's centred square (weights cached per image size)."""
        side = self.image_size + 2 * margin
        if frame is not None:
            x, y, frame_side = frame
            scale = self.crop_size * frame_side / self.reference_size / self.image_size
            region = side * scale
            return self._region(x + (frame_side - region) / 2, y + (frame_side - region) / 2, scale, side,
                                width, height)
        key = (width, height, margin)
        if key not in self._weights:
            scale = self.crop_size * min(width, height) / self.reference_size / self.image_size
            region = side * scale
            self._weights[key] = self._region((width - region) / 2, (height - region) / 2, scale, side, width,
                                              height)
        return self._weights[key]

    def _region(self, left, top, scale, side, width, height):
        columns = self._axis(left, scale, side, width)
        rows = self._axis(top, scale, side, height)
        # Only the source rows and columns with a weight are read (FaceCrop's getRGB region).
        c0, c1 = _used(columns)
        r0, r1 = _used(rows)
        return (slice(r0, r1), slice(c0, c1), np.ascontiguousarray(rows[:, r0:r1]),
                np.ascontiguousarray(columns[:, c0:c1].T))

    def crop(self, rgb, margin=0, frame=None):
        """rgb: H x W x 3 uint8 -> 3 x side x side float32 in [0, 1]; frame as in weights()."""
        height, width = rgb.shape[:2]
        row_span, column_span, rows, columns_t = self.weights(width, height, margin, frame)
        planes = np.ascontiguousarray(rgb[row_span, column_span].transpose(2, 0, 1), dtype=np.float32)
        out = rows @ (planes @ columns_t)  # horizontal pass, then vertical, like FaceCrop
        out *= np.float32(1 / 255.0)
        return out


def _used(matrix):
    used = np.nonzero(matrix.any(axis=0))[0]
    return int(used[0]), int(used[-1]) + 1


def load_rgb(path_or_file, exif=False):
    """Decodes a photo to H x W x 3 uint8 (Visage's serving also turns JPEGs upright by their EXIF tag)."""
    from PIL import Image, ImageOps

    with Image.open(path_or_file) as image:
        if exif:
            image = ImageOps.exif_transpose(image)
        return np.asarray(image.convert("RGB"))


class MirrorAveraging(nn.Module):
    """network/MirrorAveragingBlock: in inference (eval mode) the logits of each image and of its mirror image
    are averaged; in training it is the wrapped network itself."""

    def __init__(self, network):
        super().__init__()
        self.network = network

    def forward(self, images):
        if self.training:
            return self.network(images)
        # One pass over the images and their mirrors together, as MirrorAveragingBlock does.
        count = images.shape[0]
        logits = self.network(torch.cat([images, images.flip(3)]))
        return (logits[:count] + logits[count:]) / 2


# network/CosineHead: logits per unit of cosine, and the margin training subtracts from the true class's cosine.
COSINE_SCALE = 16.0
COSINE_MARGIN = 0.35


class CosineHead(nn.Module):
    """network/CosineHead: the cosine between the features and each class's weight row, both at unit length, times
    COSINE_SCALE (training subtracts COSINE_SCALE * COSINE_MARGIN from the true class's logit: training_margin)."""

    def __init__(self, classes, features):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(classes, features))
        nn.init.xavier_uniform_(self.weight)

    def forward(self, features):
        return nn.functional.linear(nn.functional.normalize(features), nn.functional.normalize(self.weight)) \
            * COSINE_SCALE


def build_network(classes, channels=(16, 32, 64), hidden_units=128, dropout=0.3, batch_norm=False,
                  image_size=64, mirror_average=True, cosine_head=False):
    """FaceNetwork.build: [Conv3x3 pad 1 -> (BatchNorm) -> ReLU -> MaxPool 2] per block, flatten, FC, then ReLU,
    dropout, FC, or with a cosine head batch norm and CosineHead; wrapped in MirrorAveraging unless mirror_average
    is false (Visage before commit 3d463cb). PyTorch's default initialisation (DJL uses Xavier)."""
    layers = []
    previous = 3
    for filters in channels:
        layers.append(nn.Conv2d(previous, filters, kernel_size=3, padding=1))
        if batch_norm:
            layers.append(nn.BatchNorm2d(filters))
        layers.append(nn.ReLU())
        layers.append(nn.MaxPool2d(2, 2))
        previous = filters
    side = image_size >> len(channels)
    if side < 1 or image_size % (1 << len(channels)) != 0:
        raise ValueError("input size %d cannot be halved %d times evenly" % (image_size, len(channels)))
    layers += [nn.Flatten(), nn.Linear(previous * side * side, hidden_units)]
    if cosine_head:
        layers += [nn.BatchNorm1d(hidden_units), CosineHead(classes, hidden_units)]
    else:
        layers.append(nn.ReLU())
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
        layers.append(nn.Linear(hidden_units, classes))
    network = nn.Sequential(*layers)
    return MirrorAveraging(network) if mirror_average else network


def network_of(meta, classes):
    """The network a saved model.json describes (train_reference.py writes it), without its weights."""
    net = meta["network"]
    return build_network(classes, net["channels"], net["hidden_units"], net["dropout"], net["batch_norm"],
                         meta["crop"]["imageSize"], net.get("mirror_average", False), net.get("cosine_head", False))


def training_margin(network):
    """FaceNetwork.trainingMargin: the margin in logits subtracted from the true class's logit in training."""
    return COSINE_SCALE * COSINE_MARGIN if any(isinstance(m, CosineHead) for m in network.modules()) else 0.0


def normalize(images, mean, std):
    """Preprocessing.normalize: per-channel (x - mean) / std on N x 3 x H x W."""
    return (images - mean.view(1, 3, 1, 1)) / std.view(1, 3, 1, 1)


def process_seconds():
    """Seconds since this process started (from /proc, 10 ms resolution), so interpreter start-up counts."""
    try:
        with open("/proc/self/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        with open("/proc/uptime") as uptime:
            now = float(uptime.read().split()[0])
        return now - int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None
