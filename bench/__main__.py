"""``python -m bench [--quick] [--clients N]``: run the suite, print one table."""

from __future__ import annotations

import argparse
import sys
import time

from bench import machine, report, suite
from bench.fleet import progress


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a reduced run, under 2 minutes")
    parser.add_argument(
        "--clients",
        type=int,
        default=suite.default_workers(),
        help="client worker processes (default: 1 on 2 cores or fewer, else 2)",
    )
    parser.add_argument(
        "--where-memory",
        action="store_true",
        help="only trace (tracemalloc) where the memory of an open page goes",
    )
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated steps to run (table, streams, client_js, memory, echo, dead_render,"
        " connect_rate, crowd, fanout, scale_out, idle, watchdog, checkpoint, join_flood,"
        " telemetry, shutdown, upload);"
        " the results file gets an -only suffix",
    )
    args = parser.parse_args(argv)
    only = tuple(name.strip() for name in args.only.split(",") if name.strip())
    plan = suite.Plan.quick() if args.quick else suite.Plan.full()
    info = machine.describe()
    mode = "where-memory" if args.where_memory else "quick" if args.quick else "full"
    progress(
        f"tether bench ({mode}) on {info['cores']} cores, "
        f"{info['cpu_model']}, {args.clients} client process(es)"
    )
    stem = suite.results_stem(info)
    if args.where_memory:
        stem = stem.with_name(stem.name + "-where-memory")
    elif args.quick:
        stem = stem.with_name(stem.name + "-quick")
    if only and not args.where_memory:
        stem = stem.with_name(stem.name + "-only-" + "-".join(only))
    started = time.monotonic()
    results = suite.Suite(plan, args.clients, args.where_memory, only, stem).run()
    elapsed = time.monotonic() - started
    png = stem.with_suffix(".png")
    if args.where_memory:
        png = None  # type: ignore[assignment]
    else:
        try:
            report.plot(results["figures"], results["samples"], png)
        except Exception as exc:
            progress(f"plot failed: {exc}")
            png = None  # type: ignore[assignment]
    data = {
        "machine": info,
        "mode": mode,
        "client_processes": args.clients,
        "plan": plan.__dict__,
        "seconds": round(elapsed, 1),
        "table": report.render_table(results["figures"]),
        "figures": results["figures"],
        "samples": results["samples"],
        "plot": str(png.relative_to(suite.servers.ROOT)) if png else None,
    }
    path = stem.with_suffix(".json")
    suite.write_json(path, data)
    if args.where_memory:
        print(report.render_where(results["figures"]))
    else:
        print(report.render_table(results["figures"]))
    print(
        f"\n{info['cores']} cores, {info['cpu_model']}, Python {info['python']}, "
        f"commit {info['commit']}; {elapsed:.0f}s"
    )
    flames = [f["svg"] for f in results["figures"].get("flames", {}).values() if "svg" in f]
    extra = ([data["plot"]] if png else []) + flames
    print(f"results: {', '.join([str(path.relative_to(suite.servers.ROOT)), *extra])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
