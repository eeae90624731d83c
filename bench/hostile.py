#!/usr/bin/env python3
"""Visage under hostile load, as issue #14 asks for its figures (Python 3 standard library only).

Starts visage-service/target/visage.jar with the deployed JVM settings (benchlib.DEPLOYED_JAVA_OPTS: a 2 GiB container's heap),
the API and the management port apart, on a stored model, and measures:

  1. memory: the JVM's resident set (VmRSS, sampled every 50 ms, and VmHWM) idle, under N parallel uploads of a
     JPEG just under the 10 MB limit, under M parallel decompression bombs (a small JPEG of side x side pixels),
     and again after --settle seconds; every answer's status is counted (zero 5xx other than 503 is the goal);
  2. slow clients: latency of normal clients identifying a photo, alone and then with --stalled connections that
     sent their headers and the start of a multipart body and then stall; liveness latency on the management port.

  bench/hostile.py --models DIR [--photo FILE] [--uploads 64] [--bombs 32] [--side 6000] [--stalled 200]
                   [--clients 4] [--duration 24] [--settle 90]

--models defaults to the store of the last bench/train.sh. Results: bench/results/hostile-<time>.json, a markdown
summary on stdout. Load goes only to 127.0.0.1 and is bounded in count and time.
"""

import argparse
import io
import json
import os
import random
import socket
import sys
import threading
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import benchlib as b  # noqa: E402

BOUNDARY = "----visageHostileBench"


def multipart(data, name="x.jpg"):
    return (("--%s\r\nContent-Disposition: form-data; name=\"image\"; filename=\"%s\"\r\n"
             "Content-Type: image/jpeg\r\n\r\n" % (BOUNDARY, name)).encode() + data
            + ("\r\n--%s--\r\n" % BOUNDARY).encode())


def post(url, body, timeout=120):
    """(status, Retry-After or None, seconds); status 0 for a broken connection."""
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "multipart/form-data; boundary=" + BOUNDARY})
    start = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            return response.status, None, time.monotonic() - start
    except urllib.error.HTTPError as e:
        e.read()
        return e.code, e.headers.get("Retry-After"), time.monotonic() - start
    except OSError:
        return 0, None, time.monotonic() - start


def status_kib(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


class RssSampler(threading.Thread):
    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0, True

    def run(self):
        while self.running:
            self.peak = max(self.peak, status_kib(self.pid, "VmRSS"))
            time.sleep(0.05)

    def stop(self):
        self.running = False
        self.join()
        return self.peak


def burst(url, body, count):
    """count parallel POSTs of body; returns {status: n} (503 split by Retry-After), seconds."""
    results = []
    lock = threading.Lock()

    def one():
        status, retry, _ = post(url, body)
        key = "503" + (" with Retry-After" if retry else " without Retry-After") if status == 503 else str(status)
        with lock:
            results.append(key)

    threads = [threading.Thread(target=one) for _ in range(count)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    counts = {}
    for key in results:
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items())), time.monotonic() - start


def jpeg_near(limit):
    """A noise JPEG (Pillow) as close under `limit` bytes as a few tries get."""
    from PIL import Image
    side = 1800
    best = b""
    for _ in range(8):
        rng = random.Random(side)
        image = Image.frombytes("RGB", (side, side), bytes(rng.getrandbits(8) for _ in range(side * side * 3)))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=95)
        data = out.getvalue()
        if len(data) <= limit and len(data) > len(best):
            best = data
        side = int(side * (limit * 0.98 / len(data)) ** 0.5)
    return best


def bomb(side):
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (side, side), (128, 128, 128)).save(out, "JPEG", quality=90)
    return out.getvalue()


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else None


def clients(url, body, count, seconds):
    latencies, statuses = [], {}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def loop():
        while time.monotonic() < deadline:
            status, _, took = post(url, body, timeout=30)
            with lock:
                latencies.append(took * 1000)
                statuses[str(status)] = statuses.get(str(status), 0) + 1

    threads = [threading.Thread(target=loop) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"requests": len(latencies), "statuses": statuses, "p50_ms": percentile(latencies, 50),
            "p99_ms": percentile(latencies, 99), "max_ms": max(latencies) if latencies else None}


def stall(port, count):
    head = ("POST /identify HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary=%s\r\n"
            "Content-Length: 1000000\r\n\r\n--%s\r\nContent-Disposition: form-data; name=\"image\"; "
            "filename=\"s.jpg\"\r\n\r\n" % (BOUNDARY, BOUNDARY)).encode() + b"\0" * 1000
    sockets = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(head)
        sockets.append(s)
    return sockets


def liveness_ms(management_port):
    start = time.monotonic()
    with urllib.request.urlopen("http://127.0.0.1:%d/actuator/health/liveness" % management_port, timeout=30) as r:
        r.read()
    return (time.monotonic() - start) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models")
    parser.add_argument("--photo", help="a face photo to identify (default: one from LFW)")
    parser.add_argument("--uploads", type=int, default=64)
    parser.add_argument("--bombs", type=int, default=32)
    parser.add_argument("--side", type=int, default=6000, help="bomb side in pixels (6000: 36 Mpx)")
    parser.add_argument("--stalled", type=int, default=200)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--duration", type=float, default=24,
                        help="seconds per latency run (over 20, the upload timeout: the stalled uploads time out in it)")
    parser.add_argument("--settle", type=float, default=90)
    parser.add_argument("--lfw-dir", default=b.DEFAULT_LFW)
    args = parser.parse_args()

    b.require_jar()
    models = args.models or (b.read_latest("train") or {}).get("visage", {}).get("models_dir")
    if not models or not os.path.isdir(models):
        raise SystemExit("No model store: pass --models (a folder with a current model)")
    photo = args.photo or os.path.join(args.lfw_dir, "George_W_Bush", "George_W_Bush_0001.jpg")
    with open(photo, "rb") as f:
        face = multipart(f.read())
    large = multipart(jpeg_near(10 * 1024 * 1024 - 1024))
    bombs = multipart(bomb(args.side))

    work = os.path.join("/tmp", "visage-hostile-%s" % b.stamp())
    os.makedirs(work, exist_ok=True)
    port, management = b.free_port(), b.free_port()
    child = b.start_visage(b.JAR, models, port, work, management_port=management)
    result = {"kind": "hostile", "date": b.now_iso(), "machine": b.machine(), "java_opts": os.environ.get(
        "VISAGE_JAVA_OPTS", b.DEPLOYED_JAVA_OPTS), "large_upload_bytes": len(large), "bomb_bytes": len(bombs),
        "bomb_side": args.side}
    try:
        b.wait_http("http://127.0.0.1:%d/actuator/health/readiness" % management, child, 300)
        url = "http://127.0.0.1:%d/identify" % port
        for _ in range(50):
            post(url, face)
        time.sleep(5)
        result["idle_rss_mib"] = status_kib(child.pid, "VmRSS") / 1024

        for name, body, count in (("uploads", large, args.uploads), ("bombs", bombs, args.bombs)):
            sampler = RssSampler(child.pid)
            sampler.start()
            counts, seconds = burst(url, body, count)
            result[name] = {"count": count, "statuses": counts, "seconds": round(seconds, 1),
                            "rss_peak_mib": round(sampler.stop() / 1024, 1)}
            b.log("%s: %s in %.1f s, RSS peak %.1f MiB" % (name, counts, seconds, result[name]["rss_peak_mib"]))
        result["rss_hwm_mib"] = status_kib(child.pid, "VmHWM") / 1024
        time.sleep(args.settle)
        result["settled_rss_mib"] = status_kib(child.pid, "VmRSS") / 1024
        result["settle_seconds"] = args.settle

        result["alone"] = clients(url, face, args.clients, args.duration)
        sockets = stall(port, args.stalled)
        try:
            result["stalled"] = {"connections": args.stalled, "liveness_ms": round(liveness_ms(management), 1)}
            result["with_stalled"] = clients(url, face, args.clients, args.duration)
        finally:
            for s in sockets:
                s.close()
        result["alive_after"] = child.alive()
    finally:
        child.stop()
    path = b.write_result("hostile", result)
    b.log("wrote " + path)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
