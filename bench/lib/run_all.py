"""Everything in order: training side by side, serving side by side, the open-set figure, real photos; then
bench/results/latest.json and a markdown section for docs/benchmarks-log.md. See docs/benchmarks.md."""

import argparse
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import benchlib as b  # noqa: E402
import openset  # noqa: E402
import photos_bench  # noqa: E402
import report  # noqa: E402
import serve_bench  # noqa: E402
import train_bench  # noqa: E402


def parse_args(argv):
    p = argparse.ArgumentParser(prog="bench/run-all.sh", description=__doc__)
    p.add_argument("overrides", nargs="*", metavar="key=value",
                   help="training settings for both sides, e.g. training.epochs=2 (see bench/settings.conf)")
    p.add_argument("--lfw-dir", default=b.DEFAULT_LFW)
    p.add_argument("--duration", default="20s", help="measured wrk run per server (default 20s)")
    p.add_argument("--warmup", default="5s", help="wrk warm-up per server (default 5s)")
    p.add_argument("--rss-runs", default="10000,50000", help="Visage RSS check runs (default 10000,50000)")
    p.add_argument("--rss-max", default="15m", help="time bound of each RSS check run (default 15m)")
    p.add_argument("--strangers", type=int, default=1000, help="open set: photos of unknown people (default 1000)")
    p.add_argument("--skip-photos", action="store_true", help="leave out the real-photos step (issue #11)")
    p.add_argument("--keep-work", action="store_true", help="keep the models and logs folder")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    b.require_jar()
    b.log("== 1/4 training ==")
    train = train_bench.main(list(args.overrides) + ["--lfw-dir", args.lfw_dir])
    work = train["work"]
    try:
        b.log("== 2/4 serving ==")
        serve = serve_bench.main(["--duration", args.duration, "--warmup", args.warmup, "--rss-runs", args.rss_runs,
                                  "--rss-max", args.rss_max,
                                  "--work", work])
        b.log("== 3/4 open set ==")
        open_set = openset.main(["--strangers", str(args.strangers), "--work", work])
        photos = False
        if not args.skip_photos:
            b.log("== 4/4 real photos ==")
            photos = photos_bench.main(["--duration", args.duration, "--warmup", args.warmup, "--work", work])
    finally:
        if not args.keep_work:
            shutil.rmtree(work, ignore_errors=True)
            b.log("Removed the work folder %s (--keep-work keeps it)" % work)
    latest = report.combine(train, serve, open_set, photos)
    print()
    print("Wrote %s. Markdown for docs/benchmarks-log.md (and the current tables of docs/benchmarks.md):" % os.path.relpath(os.path.join(b.RESULTS, "latest.json")))
    print()
    print(report.markdown(latest))


if __name__ == "__main__":
    main()
