#!/usr/bin/python3
"""Your own people, measured over REST as a user would: enrol N of the face base's newPeopleTest people with K of
their original LFW photos each, identify their other photos and the strangerTest people's photos, then erase them
and check that their files are gone and that no instance names them any more.

  /usr/bin/python3 bench/enrol.py --url http://127.0.0.1:8080 --token T --store models \
      --lfw ../shared/lfw/lfw-deepfunneled --photos 10 [--url2 http://127.0.0.1:8082] [--people 10] [--train [--from-scratch]]

--train: after enrolling, POST /train {"people": "enrolled"} (from the face base, the service's default;
--from-scratch: {"fromBase": false} too) and measure with the model it stores (promoted as the quality gate decides; the figures say which version served).

The people come from the newest base's split.json in the store (people-disjoint from everything the base was
trained or calibrated on). Prints one JSON line of figures.
"""
import argparse
import json
import os
import sys
import time

import requests


def newest_split(store):
    bases = os.path.join(store, "bases")
    versions = sorted(v for v in os.listdir(bases) if not v.startswith("."))
    with open(os.path.join(bases, versions[-1], "split.json")) as f:
        return versions[-1], json.load(f)


def photos_of(lfw, person):
    folder = os.path.join(lfw, person)
    return sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".jpg"))


def identify(url, path):
    with open(path, "rb") as f:
        r = requests.post(url + "/identify", files={"image": (os.path.basename(path), f, "image/jpeg")}, timeout=60)
    r.raise_for_status()
    return r.json()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--url2")
    p.add_argument("--token", required=True)
    p.add_argument("--store", required=True)
    p.add_argument("--lfw", required=True)
    p.add_argument("--photos", type=int, default=10)
    p.add_argument("--people", type=int, default=10)
    p.add_argument("--keep", action="store_true", help="do not erase the people at the end")
    p.add_argument("--train", action="store_true", help="train a model of the enrolled people before measuring")
    p.add_argument("--from-scratch", action="store_true", help="with --train: that model starts from scratch")
    a = p.parse_args()
    admin = {"Authorization": "Bearer " + a.token}
    base, split = newest_split(a.store)
    people = split["newPeopleTest"][: a.people]

    enrolled, refused, ids, held_out = 0, 0, {}, {}
    start = time.time()
    for person in people:
        name = person.replace("_", " ")
        r = requests.post(a.url + "/people", json={"name": name}, headers=admin, timeout=30)
        r.raise_for_status()
        pid = r.json()["id"]
        ids[name] = pid
        files = photos_of(a.lfw, person)
        taken = 0
        for i, path in enumerate(files):
            if taken == a.photos:
                held_out[name] = files[i:]
                break
            with open(path, "rb") as f:
                r = requests.post(f"{a.url}/people/{pid}/photos", files={"image": (os.path.basename(path), f)},
                                  headers=admin, timeout=60)
            if r.status_code in (200, 201):
                taken += 1
                enrolled += 1
            else:
                refused += 1
        held_out.setdefault(name, [])
    enrol_seconds = time.time() - start
    time.sleep(1.5)  # within one second on the instance
    trained = train_enrolled(a, admin) if a.train else {}

    named, top1, total = 0, 0, 0
    for name, files in held_out.items():
        for path in files:
            answer = identify(a.url, path)
            total += 1
            named += answer.get("known") and answer.get("person") == name
            candidates = answer.get("candidates") or []
            top1 += bool(candidates) and candidates[0]["person"] == name
    strangers_unknown, strangers = 0, 0
    for person in split["strangerTest"]:
        for path in photos_of(a.lfw, person):
            answer = identify(a.url, path)
            strangers += 1
            strangers_unknown += not answer.get("known")

    figures = {
        "base": base, "people": len(people), "photosEach": a.photos, "enrolled": enrolled, "refused": refused,
        "enrolSeconds": round(enrol_seconds, 2),
        "heldOutPhotos": total, "namedRight": round(named / max(total, 1), 4),
        "topCandidateRight": round(top1 / max(total, 1), 4),
        "strangerPhotos": strangers, "strangersUnknown": round(strangers_unknown / max(strangers, 1), 4),
        **trained,
    }
    if not a.keep:
        figures.update(erase(a, admin, ids, held_out))
    print(json.dumps(figures))


def train_enrolled(a, admin):
    """Trains a model of the enrolled people and waits for the job; returns what it stored and how long it took."""
    start = time.time()
    body = {"people": "enrolled"}
    if a.from_scratch:
        body["fromBase"] = False
    r = requests.post(a.url + "/train", json=body, headers=admin, timeout=30)
    r.raise_for_status()
    job = r.json()
    while job["state"] in ("QUEUED", "RUNNING"):
        time.sleep(5)
        job = requests.get(f"{a.url}/train/{job['id']}", headers=admin, timeout=30).json()
    if job["state"] != "SUCCEEDED":
        raise SystemExit("training failed: " + json.dumps(job))
    time.sleep(6)  # every instance follows the store's current version within its poll interval
    serving = requests.get(a.url + "/models", headers=admin, timeout=30).json().get("serving")
    return {"trainSeconds": round(time.time() - start, 1), "trainedResult": job.get("result"), "serving": serving}


def erase(a, admin, ids, held_out):
    """Deletes every person; their folders must be gone at once and no instance may name them after 5 s."""
    for pid in ids.values():
        requests.delete(f"{a.url}/people/{pid}", headers=admin, timeout=30).raise_for_status()
    left = [pid for pid in ids.values() if os.path.exists(os.path.join(a.store, "people", pid))]
    time.sleep(5)
    named_after = 0
    for url in [a.url] + ([a.url2] if a.url2 else []):
        for name, files in held_out.items():
            for path in files[:3]:
                answer = identify(url, path)
                named_after += answer.get("person") == name or answer.get("personId") in ids.values()
    return {"foldersLeftAfterErasure": len(left), "namedAfterErasure5s": named_after,
            "replicasChecked": 2 if a.url2 else 1}


if __name__ == "__main__":
    sys.exit(main())
