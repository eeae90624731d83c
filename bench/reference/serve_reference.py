"""POST /identify the plain PyTorch way: Flask + gunicorn, the reference's saved state_dict, Visage's
preprocessing and answer shape. One torch thread per worker.

  REFERENCE_MODEL_DIR=<train_reference.py --out folder> \
    gunicorn -w 2 -b 127.0.0.1:PORT --chdir bench/reference 'serve_reference:create_app()'

Answer: {"person","known","confidence","candidates":[{"person","probability"}],"otherProbability",
"modelVersion","timeMillis"}; "unknown" below REFERENCE_MIN_CONFIDENCE (default 0.5, as
visage.identify.min-confidence). GET /health answers 200 once the model is loaded.
"""

import io
import json
import os
import sys
import time

import torch
from flask import Flask, jsonify, request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import recipe  # noqa: E402


class ReferenceModel:
    def __init__(self, folder):
        with open(os.path.join(folder, "model.json")) as f:
            meta = json.load(f)
        self.people = meta["people"]
        self.version = meta.get("version", "reference")
        crop = meta["crop"]
        self.cropper = recipe.FaceCropper(crop["cropSize"], crop["imageSize"], crop.get("referenceSize", 250))
        self.network = recipe.network_of(meta, len(self.people))
        self.network.load_state_dict(torch.load(os.path.join(folder, "model.pt"), map_location="cpu"))
        self.network.eval()
        self.mean = torch.tensor(meta["mean"], dtype=torch.float32)
        self.std = torch.tensor(meta["std"], dtype=torch.float32)

    def probabilities(self, image_bytes):
        rgb = recipe.load_rgb(io.BytesIO(image_bytes), exif=True)
        face = torch.from_numpy(self.cropper.crop(rgb, 0)).unsqueeze(0)
        with torch.inference_mode():
            return torch.softmax(self.network(recipe.normalize(face, self.mean, self.std)), 1)[0]


def create_app(model_dir=None, min_confidence=None):
    torch.set_num_threads(int(os.environ.get("REFERENCE_TORCH_THREADS", "1")))
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass  # already set in this process
    model = ReferenceModel(model_dir or os.environ["REFERENCE_MODEL_DIR"])
    threshold = float(min_confidence if min_confidence is not None
                      else os.environ.get("REFERENCE_MIN_CONFIDENCE", "0.5"))
    app = Flask(__name__)

    @app.post("/identify")
    def identify():
        start = time.monotonic()
        upload = request.files.get("image")
        data = upload.read() if upload else b""
        if not data:
            return problem(400, "No image", "Send the photo as the multipart field 'image'")
        top = request.args.get("top", default=3, type=int)
        try:
            probabilities = model.probabilities(data)
        except Exception as e:  # PIL raises several types for unreadable uploads
            return problem(400, "Unreadable image", "The image is corrupt or not an image: %s" % e)
        top = max(1, min(top, len(model.people)))
        values, order = torch.topk(probabilities, top)
        candidates = [{"person": model.people[i], "probability": float(p)}
                      for p, i in zip(values.tolist(), order.tolist())]
        confidence = candidates[0]["probability"]
        known = confidence >= threshold
        return jsonify({
            "person": candidates[0]["person"] if known else "unknown",
            "known": known,
            "confidence": confidence,
            "candidates": candidates,
            "otherProbability": max(0.0, 1.0 - sum(c["probability"] for c in candidates)),
            "modelVersion": model.version,
            "timeMillis": (time.monotonic() - start) * 1000,
        })

    @app.get("/health")
    def health():
        return jsonify({"status": "UP", "model": model.version})

    return app


def problem(status, title, detail):
    response = jsonify({"type": "about:blank", "title": title, "status": status, "detail": detail})
    response.status_code = status
    response.content_type = "application/problem+json"
    return response
