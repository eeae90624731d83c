#!/usr/bin/python3
"""How /identify's time grows with the enrolled people: enrol N people with one LFW photo each (LFW's people in
folder order, whoever they are: only the timing matters here), then time R identifications of one photo, sequentially; for each N
given, growing from the people already enrolled. Erases them at the end.

  /usr/bin/python3 bench/enrol_scale.py --url http://127.0.0.1:8080 --token T \
      --lfw ../shared/lfw/lfw-deepfunneled --counts 0,10,1000 --repeats 200 --photo path/to/photo.jpg
"""
import argparse
import json
import os
import statistics
import time

import requests


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--lfw", required=True)
    p.add_argument("--counts", default="0,10,1000")
    p.add_argument("--repeats", type=int, default=200)
    p.add_argument("--photo", required=True)
    a = p.parse_args()
    admin = {"Authorization": "Bearer " + a.token}
    pool = sorted(os.listdir(a.lfw))
    with open(a.photo, "rb") as f:
        photo = f.read()
    ids, figures, next_person = [], [], 0
    for count in [int(c) for c in a.counts.split(",")]:
        started = time.time()
        while len(ids) < count and next_person < len(pool):
            person = pool[next_person]
            next_person += 1
            r = requests.post(a.url + "/people", json={"name": person.replace("_", " ")}, headers=admin, timeout=30)
            r.raise_for_status()
            pid = r.json()["id"]
            folder = os.path.join(a.lfw, person)
            first = sorted(f for f in os.listdir(folder) if f.endswith(".jpg"))[0]
            with open(os.path.join(folder, first), "rb") as f:
                r = requests.post(f"{a.url}/people/{pid}/photos", files={"image": (first, f)}, headers=admin, timeout=60)
            if r.status_code in (200, 201):
                ids.append(pid)
            else:
                requests.delete(f"{a.url}/people/{pid}", headers=admin, timeout=30)
        enrol_seconds = time.time() - started
        time.sleep(3)
        for _ in range(10):  # warm
            requests.post(a.url + "/identify", files={"image": ("p.jpg", photo)}, timeout=60)
        times = []
        for _ in range(a.repeats):
            t = time.perf_counter()
            requests.post(a.url + "/identify", files={"image": ("p.jpg", photo)}, timeout=60).raise_for_status()
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        figures.append({"enrolled": len(ids), "enrolSeconds": round(enrol_seconds, 1),
                        "medianMs": round(statistics.median(times), 2),
                        "p90Ms": round(times[int(0.9 * len(times))], 2), "meanMs": round(statistics.mean(times), 2)})
        print(json.dumps(figures[-1]), flush=True)
    for pid in ids:
        requests.delete(f"{a.url}/people/{pid}", headers=admin, timeout=30)


if __name__ == "__main__":
    main()
