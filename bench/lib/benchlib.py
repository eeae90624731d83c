"""Shared pieces of the Visage benchmarks (Python 3 standard library only).

Paths, the shared training settings, machine facts, child processes that are always stopped (servers run in
their own process group and are killed on exit, Ctrl-C or SIGTERM), wrk runs and result files.
"""

import atexit
import datetime
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import zipfile

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(BENCH)
RESULTS = os.path.join(BENCH, "results")
SETTINGS = os.path.join(BENCH, "settings.conf")
JAR = os.path.join(ROOT, "visage-service", "target", "visage.jar")
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
DEFAULT_LFW = os.environ.get("VISAGE_LFW_DIR") or os.path.normpath(
    os.path.join(ROOT, "..", "shared", "lfw", "lfw-deepfunneled"))

# Every child gets these (DJL must stay offline and quiet).
ENV = dict(os.environ, DJL_OFFLINE="true", OPT_OUT_TRACKING="true")


def log(message):
    print(message, file=sys.stderr, flush=True)


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def stamp():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d-%H%M%S")


# ---------------------------------------------------------------------------------------------------- settings

def read_settings(path=SETTINGS, overrides=()):
    """Ordered {key: value} from settings.conf, then `key=value` overrides (keys like training.epochs)."""
    settings = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                key, _, value = line.partition("=")
                settings[key.strip()] = value.strip()
    for override in overrides:
        key, sep, value = override.partition("=")
        key = key.strip().lstrip("-")
        if key.startswith("visage."):
            key = key[len("visage."):]
        if not sep or "." not in key:
            raise SystemExit("Override %r: expected training.<name>=<value> or network.<name>=<value>" % override)
        if key not in settings:
            log("note: %s is not in %s; passing it to both sides anyway" % (key, os.path.relpath(path, ROOT)))
        settings[key] = value.strip()
    return settings


def visage_training_args(settings):
    return ["--visage.%s=%s" % (key, value) for key, value in settings.items()]


def reference_training_args(settings):
    args = []
    for key, value in settings.items():
        args += ["--" + key.split(".", 1)[1], value]
    return args


def _kebab(name):
    return re.sub(r"([A-Z])", lambda m: "-" + m.group(1).lower(), name)


def source_file(relative):
    """A main source file under dev/visage/ (e.g. "face/BoxFraming.java"), from whichever module holds it."""
    for module in ("visage-core", "visage-service"):
        path = os.path.join(ROOT, module, "src", "main", "java", "dev", "visage", relative)
        if os.path.exists(path):
            return path
    return os.path.join(ROOT, "visage-service", "src", "main", "java", "dev", "visage", relative)


def source_defaults():
    """Visage's defaults as written in the modules' src/main/java (best effort; {} when the sources cannot be
    parsed)."""
    defaults = {}
    try:
        with open(source_file("training/TrainingProperties.java")) as f:
            text = f.read()
        for value, name in re.findall(r'@DefaultValue\("([^"]*)"\)\s+(?:int|long|float|double|boolean|PeopleSelection)\s+(\w+)',
                                      text):
            defaults["training." + _kebab(name)] = value
        with open(source_file("network/NetworkConfig.java")) as f:
            text = f.read()
        m = re.search(r"SEED\s*=\s*new NetworkConfig\(List\.of\(([^)]*)\),\s*(\d+),\s*([0-9.]+)f?,", text)
        if m:
            defaults["network.channels"] = ",".join(c.strip() for c in m.group(1).split(","))
            defaults["network.hidden-units"] = m.group(2)
            defaults["network.dropout"] = m.group(3)
        with open(source_file("network/NetworkProperties.java")) as f:
            m = re.search(r'@DefaultValue\("(\w+)"\)\s+Preset', f.read())
            if m:
                defaults["network.preset"] = m.group(1)
    except OSError:
        return {}
    return defaults


def _same(a, b):
    try:
        return abs(float(a) - float(b)) < 1e-9
    except ValueError:
        return a.replace(" ", "").lower() == b.replace(" ", "").lower()


def drift_notes(settings):
    notes = []
    for key, default in source_defaults().items():
        if key in settings and not _same(settings[key], default):
            notes.append("%s=%s here, Visage's default in src/main/java is %s" % (key, settings[key], default))
    return notes


# ---------------------------------------------------------------------------------------------------- machine

def _first_line(command):
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=60, env=ENV)
        return (out.stdout + out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return None


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return [float(x) for x in f.read().split()[:3]]
    except OSError:
        return None


def machine(jar=JAR):
    info = {"cores": os.cpu_count(), "loadavg": loadavg()}
    try:
        with open("/proc/cpuinfo") as f:
            cpuinfo = f.read()
            m = re.search(r"model name\s*:\s*(.*)", cpuinfo)
            info["cpu"] = m.group(1).strip() if m else None
            m = re.search(r"^flags\s*:\s*(.*)$", cpuinfo, re.M)
            info["cpu_simd"] = sorted(flag for flag in (m.group(1).split() if m else [])
                                      if flag.startswith(("avx", "amx", "fma")))
        with open("/proc/meminfo") as f:
            m = re.search(r"MemTotal:\s*(\d+)", f.read())
            info["memory_gib"] = round(int(m.group(1)) / 1024 / 1024, 1) if m else None
    except OSError:
        pass
    # LibTorch and PyTorch both honour it: "avx2" on an AVX-512 machine measures what an AVX2-only one gets.
    info["aten_cpu_capability"] = ENV.get("ATEN_CPU_CAPABILITY")
    info["java"] = _first_line(["java", "-version"])
    info["python_torch"] = _first_line([PYTHON, "-c", "import torch; print(torch.__version__)"])
    try:
        with zipfile.ZipFile(jar) as z:
            names = z.namelist()
        djl = [re.search(r"/api-([\d.]+)\.jar$", n) for n in names]
        native = [re.search(r"/pytorch-native-cpu-([\d.]+)-", n) for n in names]
        info["djl"] = next((m.group(1) for m in djl if m), None)
        info["libtorch"] = next((m.group(1) for m in native if m), None)
    except (OSError, zipfile.BadZipFile):
        pass
    return info


def jar_features(jar):
    """Recipe switches that Visage hard-codes rather than configures, read from the jar's classes, so the
    reference can follow the jar being measured."""
    classes = set()
    try:
        with zipfile.ZipFile(jar) as z:
            for name in z.namelist():
                if name.startswith("BOOT-INF/classes/"):
                    classes.add(name[len("BOOT-INF/classes/"):])
                elif re.match(r"BOOT-INF/lib/visage-[^/]+\.jar$", name):
                    # The project's own modules (visage-core) are nested jars of the service's.
                    with zipfile.ZipFile(io.BytesIO(z.read(name))) as module:
                        classes.update(module.namelist())
    except (OSError, zipfile.BadZipFile):
        return {}
    return {"mirror-average": "dev/visage/network/MirrorAveragingBlock.class" in classes,
            # training crops around the detected face (training.detect-faces, default true) since issue #11
            "detect-faces": "dev/visage/face/AlignedPhotoFraming.class" in classes}


def require_jar():
    if not os.path.isfile(JAR):
        raise SystemExit("No %s: build it first with\n  ./mvnw -B package -DskipTests\n(the benchmarks build "
                         "nothing themselves)" % os.path.relpath(JAR, os.getcwd()))
    return JAR


def snapshot_jar(work):
    """The jar of this benchmark run: a copy of visage-service/target/visage.jar in the work folder, made once (by the training
    step) and reused by the serving and open-set steps, so the served model always meets the code that trained
    it, even when visage-service/target/visage.jar is rebuilt in between."""
    copy = os.path.join(work, "visage.jar")
    if not os.path.isfile(copy):
        shutil.copyfile(require_jar(), copy + ".tmp")
        os.replace(copy + ".tmp", copy)
    return copy


# ---------------------------------------------------------------------------------------------------- processes

_children = []


def _stop_all():
    for child in list(_children):
        child.stop()


def _on_signal(signum, _frame):
    raise SystemExit("Interrupted by signal %d; stopping what was started" % signum)


atexit.register(_stop_all)
for _sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(_sig, _on_signal)


class Child:
    """A process started in its own process group; stop() ends that group (and only it)."""

    def __init__(self, name, command, log_path, cwd=ROOT, env=None):
        self.name = name
        self.command = command
        self.log_path = log_path
        self.log_file = open(log_path, "w")
        self.started = time.monotonic()
        self.process = subprocess.Popen(command, cwd=cwd, env=env or ENV, stdout=self.log_file,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        self.pid = self.process.pid
        _children.append(self)

    def alive(self):
        return self.process.poll() is None

    def wait(self, timeout=None):
        code = self.process.wait(timeout)
        self.ended = time.monotonic()
        return code

    def stop(self, grace=20):
        if self in _children:
            _children.remove(self)
        if self.process.poll() is None:
            try:
                os.killpg(self.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.process.wait(10)
        else:
            # The leader is gone; make sure nothing of its group (e.g. gunicorn workers) is left.
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self.log_file.close()

    def tail(self, lines=30):
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""


def run_logged(name, command, log_path, echo=None, timeout=None):
    """Runs a command to completion, output to log_path; lines matching `echo` also go to stderr.
    Returns (exit code, wall seconds from start to exit, captured stdout lines)."""
    start = time.monotonic()
    lines = []
    with open(log_path, "w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   start_new_session=True, text=True, errors="replace", bufsize=1)
        holder = _Held(process)
        _children.append(holder)
        try:
            for line in process.stdout:
                out.write(line)
                out.flush()
                lines.append(line.rstrip("\n"))
                if echo and re.search(echo, line):
                    log("  [%s] %s" % (name, line.rstrip()[-200:]))
                if timeout and time.monotonic() - start > timeout:
                    raise SystemExit("%s ran longer than %d s" % (name, timeout))
            code = process.wait()
        finally:
            holder.stop()
    return code, time.monotonic() - start, lines


class _Held:
    def __init__(self, process):
        self.process = process

    def stop(self, grace=10):
        if self in _children:
            _children.remove(self)
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(grace)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.process.wait(10)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, child, timeout, ok=(200,)):
    """Polls url until it answers one of `ok`; fails early if the process exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not child.alive():
            raise SystemExit("%s exited during start-up (code %s):\n%s" % (child.name, child.process.poll(),
                                                                            child.tail()))
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status in ok:
                    return time.monotonic() - child.started
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise SystemExit("%s not ready after %d s:\n%s" % (child.name, timeout, child.tail()))


def rss_kib(pid):
    """VmRSS of one process, KiB."""
    try:
        with open("/proc/%d/status" % pid) as f:
            m = re.search(r"VmRSS:\s*(\d+)\s*kB", f.read())
            return int(m.group(1)) if m else None
    except OSError:
        return None


def java_heap_kib(pid):
    """Committed Java heap of a JVM, KiB (jcmd GC.heap_info), or None; RSS minus it is native memory plus the
    JVM's own (code, metaspace, threads)."""
    try:
        out = subprocess.run(["jcmd", str(pid), "GC.heap_info"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(r"heap\s+total (?:reserved \d+K, committed )?(\d+)K", out)
    return int(m.group(1)) if m else None


def group_rss_kib(pgid):
    """Summed VmRSS of every process in a process group (gunicorn master + workers), KiB."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid:
                total += rss_kib(int(entry)) or 0
        except (OSError, IndexError, ValueError):
            continue
    return total


# ---------------------------------------------------------------------------------------------------- wrk

WRK_SCRIPT = os.path.join(BENCH, "identify.lua")


def run_wrk(url, image_list, duration, threads=2, connections=16, limit=0, timeout_s="10s", log_path=None):
    """One wrk run with bench/identify.lua; `limit` > 0 stops after about that many responses.
    Returns the parsed figures (requests/s, latency percentiles in ms, errors)."""
    per_thread = -(-limit // threads) if limit else 0
    command = ["wrk", "-t%d" % threads, "-c%d" % connections, "-d%s" % duration, "--timeout", timeout_s,
               "--latency", "-s", WRK_SCRIPT, url, "--", image_list, str(per_thread)]
    bound = _duration_seconds(duration) + 120
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT,
                               bufsize=1, start_new_session=True)
    held = _Held(process)
    _children.append(held)
    lines, done, interrupted = [], 0, False
    watchdog = threading.Timer(bound, held.stop)  # wrk ends by itself at -d; this is only a safety net
    watchdog.daemon = True
    watchdog.start()
    try:
        for line in process.stdout:
            lines.append(line)
            if line.startswith("WRK_THREAD_DONE"):
                done += 1
                if done >= threads and not interrupted:
                    process.send_signal(signal.SIGINT)  # wrk then stops sleeping and reports
                    interrupted = True
        code = process.wait()
    finally:
        watchdog.cancel()
        held.stop()
    text = "".join(lines)
    if log_path:
        with open(log_path, "a") as f:
            f.write("$ %s\n%s\n" % (" ".join(command), text))
    if code != 0:
        raise SystemExit("wrk failed (%d):\n%s" % (code, text))
    return parse_wrk(text)


def _duration_seconds(duration):
    m = re.fullmatch(r"(\d+)([smh]?)", str(duration))
    if not m:
        raise SystemExit("Bad duration %r (use e.g. 20s, 3m)" % duration)
    return int(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[m.group(2)]


def parse_wrk(text):
    m = re.search(r"^WRK_JSON (\{.*\})$", text, re.M)
    if not m:
        raise SystemExit("No WRK_JSON line in wrk's output:\n" + text)
    raw = json.loads(m.group(1))
    errors = raw["errors"]
    seconds = raw["duration_us"] / 1e6
    latency = raw["latency_us"]
    return {
        "requests": raw["requests"],
        "seconds": round(seconds, 3),
        "requests_per_second": round(raw["requests"] / seconds, 2) if seconds else 0.0,
        "latency_ms": {k: round(v / 1000.0, 3) for k, v in latency.items()},
        "non_2xx": errors["status"],
        "socket_errors": {k: errors[k] for k in ("connect", "read", "write", "timeout")},
        "errors_total": errors["status"] + sum(errors[k] for k in ("connect", "read", "write", "timeout")),
        "bytes": raw["bytes"],
    }


# ---------------------------------------------------------------------------------------------------- results

def write_result(kind, result):
    """bench/results/<kind>-<stamp>.json and <kind>-latest.json; returns the stamped path."""
    os.makedirs(RESULTS, exist_ok=True)
    path = os.path.join(RESULTS, "%s-%s.json" % (kind, stamp()))
    text = json.dumps(result, indent=2) + "\n"
    for target in (path, os.path.join(RESULTS, "%s-latest.json" % kind)):
        with open(target + ".tmp", "w") as f:
            f.write(text)
        os.replace(target + ".tmp", target)
    return path


def read_latest(kind):
    path = os.path.join(RESULTS, "%s-latest.json" % kind)
    if not os.path.isfile(path):
        return None
    with open(path) as f:
        return json.load(f)


def ratio(a, b):
    return round(a / b, 3) if a is not None and b else None


def fmt(value, digits=1):
    if value is None:
        return "-"
    if isinstance(value, float):
        return "%.*f" % (digits, value)
    return str(value)


def table(rows, headers):
    widths = [max(len(str(r[i])) for r in [headers] + rows) for i in range(len(headers))]
    lines = ["  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
             for r in [headers] + rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------- HTTP

BOUNDARY = "----VisageBenchPython9f3c2a"


def post_image(url, path, timeout=60):
    """POST one photo as the multipart field `image`; returns (HTTP status, parsed JSON or None)."""
    with open(path, "rb") as f:
        data = f.read()
    return post_image_bytes(url, data, os.path.basename(path), timeout)


def post_image_bytes(url, data, name, timeout=60):
    """POST encoded image bytes as the multipart field `image`; returns (HTTP status, parsed JSON or None)."""
    body = (("--%s\r\nContent-Disposition: form-data; name=\"image\"; filename=\"%s\"\r\n"
             "Content-Type: image/jpeg\r\n\r\n" % (BOUNDARY, name)).encode() + data
            + ("\r\n--%s--\r\n" % BOUNDARY).encode())
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"Content-Type": "multipart/form-data; boundary=" + BOUNDARY})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as e:
        try:
            return e.code, json.loads(e.read())
        except ValueError:
            return e.code, None


ANSWER_KEYS = {"person", "known", "confidence", "candidates", "otherProbability", "modelVersion", "timeMillis"}


def check_answer(name, status, answer):
    if status != 200 or not isinstance(answer, dict) or not ANSWER_KEYS <= set(answer):
        raise SystemExit("%s answered %s %s; expected 200 with %s" % (name, status, answer, sorted(ANSWER_KEYS)))


# The Dockerfile's JVM settings in a container with the README's 2 GiB memory limit (a fixed, pre-touched heap of a
# quarter of it: 512 MiB), so the server is measured as it is deployed.
DEPLOYED_JAVA_OPTS = ("-XX:MaxRAM=2g -XX:InitialRAMPercentage=25 -XX:MaxRAMPercentage=25 -XX:MaxHeapFreeRatio=100 "
                      "-XX:+AlwaysPreTouch")


def start_visage(jar, models_dir, port, work, extra=(), management_port=None):
    """Visage on 127.0.0.1:port; its actuator on the same port unless management_port is given."""
    command = ["java"] + os.environ.get("VISAGE_JAVA_OPTS", DEPLOYED_JAVA_OPTS).split() + [
        "-jar", jar, "--server.port=%d" % port, "--server.address=127.0.0.1", "--visage.models.dir=" + models_dir,
        "--management.server.port=%d" % (management_port or port),
        # Spring refuses a management address of its own unless the management port is apart.
        "--management.server.address=127.0.0.1" if management_port else "",
        "--visage.train-on-startup=false", "--visage.lfw.download=false"] + list(extra)
    return Child("visage", [c for c in command if c], os.path.join(work, "visage-serve-%d.log" % port))
