"""Visage's face detection and framing with Debian's python3-opencv, for the references (issue #11).

Mirrors dev.visage.face.FaceDetector (defaults of DetectionProperties), BoxFraming.HAAR_FRONTALFACE_ALT2 and
FaceFrame as of issue #11:

* the cascade: haarcascade_frontalface_alt2.xml from opencv-data (Visage reads the same file from the OpenCV
  4.13 jar of JavaCPP; Debian ships OpenCV 4.6);
* a reduced grey copy: longest side 640, or as large as the smallest face searched needs to span 2 x 24 px, up to 1600
  (DetectorSettings.scannedSide; area averaging; smaller photos are not enlarged);
* detectMultiScale2 with scale factor 1.3 (and, when that finds nothing, a second scan at 1.15 of the equalizeHist
  copy, as FaceDetector's retry), 3 neighbours, no flags, the largest of the cascade's own window (20 px),
  24 px (the smallest window of DetectionProperties.toSettings) and the smallest face searched (40 px of the photo, visage.detection.min-face-size) as the smallest size, no largest size; boxes mapped back to the photo's pixels with Java's rounding, clamped, those
  under min_face dropped, sorted largest first (area, then votes, then y, then x), at most max_faces;
* the LFW frame of a box: the square a 250 x 250 deep-funneled LFW image of the same face would show, from the
  median alt2 box in LFW images with these settings (x 70.5, y 69.5, side 111).

Visage's default since 2026-12-02 (visage.detection.proposals=lbp) scans in two stages instead
(dev.visage.face.CheckedProposals): the LBP cascade proposes boxes on a copy reduced until the smallest face is
1.25 of its windows (scale 1.2, every box one window found), and alt2 scans only around each proposal (sizes 1/1.3
to 1.3 times its side, a margin of 0.26 sides, scale 1.1), keeping the better-voted of boxes that overlap (IoU
> 0.4); its framing is x 68, y 68, side 114. The reference does that only with REFERENCE_PROPOSALS=lbp: by
default it scans with alt2 alone, as a user of OpenCV would write it.
"""

import math
import os

import cv2

CASCADE = os.environ.get("REFERENCE_CASCADE",
                         "/usr/share/opencv4/haarcascades/haarcascade_frontalface_alt2.xml")
DETECTION_SIDE = 640
MAX_DETECTION_SIDE = 1600  # DetectionProperties.toSettings: the largest copy, however small the smallest face
SMALLEST_FACE_WINDOWS = 2  # DetectorSettings: the smallest face spans two smallest windows in the copy
SCALE_FACTOR = 1.3  # DetectionProperties.toSettings: the scan chosen with DetectionBench
RETRY_SCALE_FACTOR = 1.15  # the same: a finer scan when the first finds nothing
MIN_NEIGHBORS = 3  # the same
MIN_WINDOW = 24  # the same, in pixels of the reduced copy
MIN_FACE = 40  # visage.detection.min-face-size, in pixels of the photo
MAX_FACES = 100  # DetectionProperties.MAX_BOXES
LFW_SIDE = 250
PROPOSALS = os.environ.get("REFERENCE_PROPOSALS", "none")  # visage.detection.proposals: none or lbp
PROPOSAL_CASCADE = "/usr/share/opencv4/lbpcascades/lbpcascade_frontalface.xml"
PROPOSAL_SMALLEST_FACE, PROPOSAL_SCALE, PROPOSAL_RANGE, PROPOSAL_MARGIN, CHECK_SCALE, SAME_FACE_IOU = (
    1.25, 1.2, 1.3, 0.2, 1.1, 0.4)  # CheckedProposals
if PROPOSALS == "lbp":
    BOX_X, BOX_Y, BOX_SIDE = 68.0, 68.0, 114.0  # BoxFraming.HAAR_FRONTALFACE_ALT2_CHECKING_LBP
elif PROPOSALS == "none":
    BOX_X, BOX_Y, BOX_SIDE = 70.5, 69.5, 111.0  # BoxFraming.HAAR_FRONTALFACE_ALT2
else:
    raise SystemExit("REFERENCE_PROPOSALS must be none or lbp, not " + PROPOSALS)


def java_round(x):
    return int(math.floor(x + 0.5))


class Detector:
    """One cascade per process (a CascadeClassifier must not scan two images at once; gunicorn's sync workers
    serve one request at a time)."""

    def __init__(self, cascade=CASCADE, side=DETECTION_SIDE, max_side=MAX_DETECTION_SIDE, scale=SCALE_FACTOR,
                 neighbours=MIN_NEIGHBORS, min_face=MIN_FACE, max_faces=MAX_FACES, retry_scale=RETRY_SCALE_FACTOR):
        self.cascade = cv2.CascadeClassifier(cascade)
        if self.cascade.empty():
            raise SystemExit("OpenCV cannot read the cascade " + cascade + " (apt-get install opencv-data)")
        size = self.cascade.getOriginalWindowSize()
        self.window = max(size) if size else 20
        self.side, self.max_side, self.scale = side, max_side, scale
        self.neighbours, self.retry_scale = neighbours, retry_scale
        self.min_face, self.max_faces = min_face, max_faces
        self.proposer = cv2.CascadeClassifier(PROPOSAL_CASCADE) if PROPOSALS == "lbp" else None
        if self.proposer is not None and self.proposer.empty():
            raise SystemExit("OpenCV cannot read the cascade " + PROPOSAL_CASCADE + " (apt-get install opencv-data)")

    def detect(self, grey):
        """grey: H x W uint8 of the whole photo -> [(x, y, width, height, votes)] in its pixels, largest first."""
        height, width = grey.shape[:2]
        longest = max(width, height)
        for_smallest_face = (math.ceil(longest * SMALLEST_FACE_WINDOWS * MIN_WINDOW / float(self.min_face))
                             if self.min_face else self.side)
        factor = min(longest, max(self.side, min(self.max_side, for_smallest_face))) / float(longest)
        if factor < 1.0:
            grey = cv2.resize(grey, (max(1, java_round(width * factor)), max(1, java_round(height * factor))),
                              interpolation=cv2.INTER_AREA)
        to_x, to_y = width / float(grey.shape[1]), height / float(grey.shape[0])
        min_side = max(self.window, MIN_WINDOW, int(math.ceil(self.min_face / max(to_x, to_y))))
        if min_side > min(grey.shape[:2]):
            return []
        if self.proposer is None:
            boxes, votes = self.cascade.detectMultiScale2(grey, scaleFactor=self.scale,
                                                          minNeighbors=self.neighbours, flags=0,
                                                          minSize=(min_side, min_side))
        else:
            boxes, votes = self.checked_proposals(grey, min_side)
        if not len(boxes) and self.retry_scale:
            boxes, votes = self.cascade.detectMultiScale2(cv2.equalizeHist(grey), scaleFactor=self.retry_scale,
                                                          minNeighbors=self.neighbours, flags=0,
                                                          minSize=(min_side, min_side))
        faces = []
        for (bx, by, bw, bh), score in zip(boxes if len(boxes) else [], votes if len(votes) else []):
            x = min(max(java_round(bx * to_x), 0), width - 1)
            y = min(max(java_round(by * to_y), 0), height - 1)
            right = min(max(java_round((bx + bw) * to_x), x + 1), width)
            bottom = min(max(java_round((by + bh) * to_y), y + 1), height)
            if max(right - x, bottom - y) >= self.min_face:
                faces.append((x, y, right - x, bottom - y, int(score)))
        faces.sort(key=lambda f: (-f[2] * f[3], -f[4], f[1], f[0]))
        return faces[:self.max_faces]

    def checked_proposals(self, grey, min_side):
        """CheckedProposals.scan: alt2's boxes around LBP's proposals, in the pixels of grey."""
        size = self.proposer.getOriginalWindowSize()
        window = max(size) if size else 24
        reduction = max(1.0, min_side / (PROPOSAL_SMALLEST_FACE * window))
        reduced = grey
        if reduction > 1:
            reduced = cv2.resize(grey, (java_round(grey.shape[1] / reduction), java_round(grey.shape[0] / reduction)),
                                 interpolation=cv2.INTER_AREA)
        proposals = self.proposer.detectMultiScale(reduced, scaleFactor=PROPOSAL_SCALE, minNeighbors=1, flags=0,
                                                   minSize=(window, window))
        kept = []
        for (px, py, pw, ph) in (proposals if len(proposals) else []):
            side = max(pw, ph) * reduction
            margin = java_round(side * PROPOSAL_MARGIN * PROPOSAL_RANGE)
            left, top = max(0, int(px * reduction) - margin), max(0, int(py * reduction) - margin)
            right = min(grey.shape[1], int(math.ceil(px * reduction + side)) + margin)
            bottom = min(grey.shape[0], int(math.ceil(py * reduction + side)) + margin)
            smallest = max(min_side, int(side / PROPOSAL_RANGE))
            largest = min(right - left, bottom - top, int(math.ceil(side * PROPOSAL_RANGE)))
            if smallest > largest:
                continue
            boxes, votes = self.cascade.detectMultiScale2(grey[top:bottom, left:right], scaleFactor=CHECK_SCALE,
                                                          minNeighbors=self.neighbours, flags=0,
                                                          minSize=(smallest, smallest), maxSize=(largest, largest))
            for (bx, by, bw, bh), vote in zip(boxes if len(boxes) else [], votes if len(votes) else []):
                box = (bx + left, by + top, bw, bh, int(vote))
                same = next((i for i, k in enumerate(kept) if _iou(k, box) > SAME_FACE_IOU), None)
                if same is None:
                    kept.append(box)
                elif box[4] > kept[same][4]:
                    kept[same] = box
        return [k[:4] for k in kept], [k[4] for k in kept]


def _iou(a, b):
    width = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    height = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    if width <= 0 or height <= 0:
        return 0.0
    inter = float(width) * height
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


def lfw_frame(box):
    """BoxFraming.frame: (x, y, side) of the square that plays the part of a whole 250 x 250 LFW image."""
    x, y, width, height = box[:4]
    scale = (width + height) / 2.0 / BOX_SIDE
    centre_x, centre_y = x + width / 2.0, y + height / 2.0
    return (centre_x - (BOX_X + BOX_SIDE / 2) * scale, centre_y - (BOX_Y + BOX_SIDE / 2) * scale, LFW_SIDE * scale)


def centred_frame(width, height):
    """FaceFrame.centred: the centred square of an aligned photo."""
    side = min(width, height)
    return ((width - side) / 2.0, (height - side) / 2.0, float(side))


def centred_box(frame):
    """FaceLocator.centred: where LFW's faces sit in a centred frame."""
    x, y, side = frame
    scale = side / LFW_SIDE
    s = java_round(BOX_SIDE * scale)
    return (java_round(x + BOX_X * scale), java_round(y + BOX_Y * scale), s, s)


def nearest_centre_frame(detector, grey):
    """AlignedPhotoFraming.frame: the frame of the face nearest the photo's centre, or None when none is found."""
    height, width = grey.shape[:2]
    faces = detector.detect(grey)
    if not faces:
        return None
    nearest = min(faces, key=lambda f: math.hypot(f[0] + f[2] / 2.0 - width / 2.0, f[1] + f[3] / 2.0 - height / 2.0))
    return lfw_frame(nearest)
