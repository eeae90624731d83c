"""POST /identify the way a user of the seed would write it: Flask, PIL, OpenCV's cascade, one forward pass.

The plain reference of issue #15 (PIL decode, crop and resize, one forward) and, with detection (the default,
as in Visage), the Python + OpenCV reference of issue #11: Debian's python3-opencv with the same cascade from
opencv-data and the same detection settings and framing as Visage (bench/reference/detection.py), every face
cropped with PIL (`crop` + `resize` with the BOX filter, i.e. area averaging) and all faces of a photo in one
batched forward pass. `detect=false` takes the centred crop of an aligned photo, like Visage.

  REFERENCE_MODEL_DIR=<train_reference.py --out folder> OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
    gunicorn -w 2 -b 127.0.0.1:PORT --chdir bench/reference 'serve_plain:create_app()'

One torch thread and one OpenCV thread per worker. Answers Visage's JSON: the top-level identity of the largest
face that went through the model, and `faces` [{box {x, y, width, height}, detectionScore, person, known,
confidence, candidates, otherProbability} or {box, detectionScore, reason}]; no face: 200 with `faces: []` and
`reason: "no face found"`. "unknown" below REFERENCE_MIN_CONFIDENCE (default 0.4, visage.identify.min-confidence).

Where it differs from Visage on purpose (it is the plain way, not a pixel-exact copy): PIL decodes (libjpeg,
EXIF orientation applied); the crop box is rounded to whole pixels and, where it reaches past the photo, PIL fills
black where Visage repeats the edge pixels; no upload limits, request batching, metrics or hot swap. Big JPEGs
decode reduced by PIL's draft mode to no less than 1600 px on the longer side, as Visage does.
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import io  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from flask import Flask, jsonify, request  # noqa: E402
from PIL import Image, ImageOps  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import detection  # noqa: E402
import recipe  # noqa: E402

MIN_FACE_SIZE = 40  # the detector's floor (visage.detection.min-face-size): no detected face is under it
MAX_IDENTIFIED = 10  # visage.identify.max-faces
DETAIL_SIDE = 1600  # FaceImageDecoder.DETAIL_SIDE


class PlainModel:
    def __init__(self, folder):
        with open(os.path.join(folder, "model.json")) as f:
            meta = json.load(f)
        self.people = meta["people"]
        self.version = meta.get("version", "reference")
        crop = meta["crop"]
        self.crop_size, self.image_size = crop["cropSize"], crop["imageSize"]
        self.reference_size = crop.get("referenceSize", 250)
        self.network = recipe.network_of(meta, len(self.people))
        self.network.load_state_dict(torch.load(os.path.join(folder, "model.pt"), map_location="cpu"))
        self.network.eval()
        self.mean = torch.tensor(meta["mean"], dtype=torch.float32).view(1, 3, 1, 1)
        self.std = torch.tensor(meta["std"], dtype=torch.float32).view(1, 3, 1, 1)

    def crop(self, image, frame):
        """FaceCrop: the centred cropSize/referenceSize part of the frame, resized to imageSize (PIL, BOX)."""
        x, y, side = frame
        region = self.crop_size * side / self.reference_size
        left, top = x + (side - region) / 2, y + (side - region) / 2
        box = tuple(int(round(v)) for v in (left, top, left + region, top + region))
        face = image.crop(box).resize((self.image_size, self.image_size), Image.BOX)
        return np.asarray(face, dtype=np.float32).transpose(2, 0, 1) / 255.0

    def probabilities(self, faces):
        batch = torch.from_numpy(np.stack(faces))
        with torch.inference_mode():
            return torch.softmax(self.network((batch - self.mean) / self.std), 1)


def decode(data):
    image = Image.open(io.BytesIO(data))
    longer = max(image.size)
    reduction = 1
    while reduction < 8 and longer // (reduction * 2) >= DETAIL_SIDE:
        reduction *= 2
    if reduction > 1:
        image.draft("RGB", (image.size[0] // reduction, image.size[1] // reduction))
    return ImageOps.exif_transpose(image).convert("RGB")


def create_app(model_dir=None, min_confidence=None):
    torch.set_num_threads(int(os.environ.get("REFERENCE_TORCH_THREADS", "1")))
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass  # already set in this process
    cv2.setNumThreads(int(os.environ.get("REFERENCE_OPENCV_THREADS", "1")))
    model = PlainModel(model_dir or os.environ["REFERENCE_MODEL_DIR"])
    detector = detection.Detector()
    threshold = float(min_confidence if min_confidence is not None
                      else os.environ.get("REFERENCE_MIN_CONFIDENCE", "0.4"))
    app = Flask(__name__)

    def identified(box, score, probabilities, top):
        values, order = torch.topk(probabilities, top)
        candidates = [{"person": model.people[i], "probability": float(p)}
                      for p, i in zip(values.tolist(), order.tolist())]
        confidence = candidates[0]["probability"]
        known = confidence >= threshold
        face = {"box": box, "person": candidates[0]["person"] if known else "unknown", "known": known,
                "confidence": confidence, "candidates": candidates,
                "otherProbability": max(0.0, 1.0 - sum(c["probability"] for c in candidates))}
        if score is not None:
            face["detectionScore"] = score
        return face

    @app.post("/identify")
    def identify():
        start = time.monotonic()
        upload = request.files.get("image")
        data = upload.read() if upload else b""
        if not data:
            return problem(400, "No image", "Send the photo as the multipart field 'image'")
        top = max(1, min(request.args.get("top", default=3, type=int), len(model.people)))
        detect = request.args.get("detect", "true").lower() != "false"
        try:
            image = decode(data)
        except Exception as e:  # PIL raises several types for unreadable uploads
            return problem(400, "Unreadable image", "The image is corrupt or not an image: %s" % e)
        if detect:
            grey = cv2.cvtColor(np.asarray(image), cv2.COLOR_RGB2GRAY)
            located = [(dict(x=f[0], y=f[1], width=f[2], height=f[3]), f[4], detection.lfw_frame(f))
                       for f in detector.detect(grey)]
        else:
            frame = detection.centred_frame(*image.size)
            x, y, w, h = detection.centred_box(frame)
            located = [(dict(x=x, y=y, width=w, height=h), None, frame)]
        crops, chosen = [], []
        for box, score, frame in located:
            if len(crops) < MAX_IDENTIFIED and max(box["width"], box["height"]) >= MIN_FACE_SIZE:
                crops.append(model.crop(image, frame))
                chosen.append(True)
            else:
                chosen.append(False)
        probabilities = model.probabilities(crops) if crops else None
        faces, next_crop = [], 0
        for (box, score, frame), used in zip(located, chosen):
            if used:
                faces.append(identified(box, score, probabilities[next_crop], top))
                next_crop += 1
            else:
                reason = ("face too small" if max(box["width"], box["height"]) < MIN_FACE_SIZE
                          else "more faces than are identified per photo")
                face = {"box": box, "reason": reason}
                if score is not None:
                    face["detectionScore"] = score
                faces.append(face)
        main = next((f for f in faces if "person" in f), None)
        answer = {"person": "unknown", "known": False, "confidence": 0.0, "candidates": [], "otherProbability": 1.0}
        if main is not None:
            answer = {k: main[k] for k in ("person", "known", "confidence", "candidates", "otherProbability")}
        answer["modelVersion"] = model.version
        answer["faces"] = faces
        if main is None:
            answer["reason"] = faces[0]["reason"] if faces else "no face found"
        answer["timeMillis"] = (time.monotonic() - start) * 1000
        return jsonify(answer)

    @app.get("/health")
    def health():
        return jsonify({"status": "UP", "model": model.version})

    return app


def problem(status, title, detail):
    response = jsonify({"type": "about:blank", "title": title, "status": status, "detail": detail})
    response.status_code = status
    response.content_type = "application/problem+json"
    return response
