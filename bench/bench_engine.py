"""Engine benchmarks: one JSON line per figure ``{"name", "value", "unit", "target", "ok"}``.

Run from the repository root::

    .venv/bin/python bench/bench_engine.py            # all figures
    .venv/bin/python bench/bench_engine.py --profile  # plus a cProfile of the full path (stderr)

Figures (synthetic national data from ``bench/national.py``: 10,000 units × 200 criteria in 30
clusters; timings are medians of several runs on this machine):

- ``score_rank_full_s`` — score every unit with full explanations (every criterion's inputs,
  rule, points and missing flag stored; records and sentences built when read) and rank every
  cluster plus the national list. Target ≤ 2 s.
- ``explanations_read_all_s`` — then reading all two million explanation records (each record
  object is created when read; the scores were stored by the first figure).
- ``formula_text_us`` — formatting one Vietnamese formula sentence (a whole cluster's sheets).
- ``totals_only_ms``, ``baseline_weighted_sum_ms`` and their ratio (target ≤ 10): the exact
  vectorised totals path against a bare NumPy weighted sum ``(values * weights).sum(axis=1)`` of
  the same matrix in the same run; ``blas_dot_ms`` (``values @ weights``) is reported too.
- ``robustness_s`` — 10,000 Monte Carlo samples (±20% group weights, 2% input noise) for a
  10-unit × 100-criterion cluster. Target ≤ 1 s.
- ``*_cpu_s`` — the same work in CPU seconds of this process (robust to other load on the machine).
- ``peak_traced_memory_mb`` (tracemalloc, score + rank) and ``max_rss_mb`` (whole process).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import pstats
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.national import generate  # noqa: E402
from thidua.engine.batch import totals_only  # noqa: E402
from thidua.engine.kernel import Kernel  # noqa: E402
from thidua.engine.ranking import rank  # noqa: E402
from thidua.engine.robustness import robustness  # noqa: E402
from thidua.engine.scoring import score_units  # noqa: E402


def emit(name: str, value: float, unit: str, target: float | None, ok: bool | None = None) -> dict:
    if ok is None:
        ok = True if target is None else value <= target
    line = {"name": name, "value": round(value, 4), "unit": unit, "target": target, "ok": bool(ok)}
    print(json.dumps(line, ensure_ascii=False), flush=True)
    return line


def median_time(fn: Callable[[], Any], runs: int) -> tuple[float, Any, float]:
    """Median wall-clock seconds, the last result, and the median CPU seconds of this process
    (the CPU figure is what other programs on a shared machine cannot inflate)."""
    walls, cpus, result = [], [], None
    for _ in range(runs):
        gc.collect()
        start, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), result, statistics.median(cpus)


def score_and_rank(data) -> tuple[list, list]:
    kernel = Kernel(data.scale)
    sheets = score_units(data.scale, data.units, kernel=kernel)
    clusters: dict[int, list] = {}
    for sheet, cluster in zip(sheets, data.cluster_of, strict=True):
        clusters.setdefault(cluster, []).append(sheet)
    rankings = [rank(members) for members in clusters.values()]
    rankings.append(rank(sheets))  # the national list too
    return sheets, rankings


def bench_full(data, runs: int) -> list[dict]:
    out = []
    elapsed, (sheets, rankings), cpu = median_time(lambda: score_and_rank(data), runs)
    records = sum(len(s.scale.criteria) for s in sheets)
    out.append(emit("score_rank_full_s", elapsed, "s", 2.0))
    out.append(emit("score_rank_full_cpu_s", cpu, "s", None))
    out.append(emit("explanation_records", records, "records", None))
    start = time.perf_counter()
    read = sum(1 for s in sheets for e in s.explanations if e.points is not None)
    out.append(emit("explanations_read_all_s", time.perf_counter() - start, "s", None))
    assert read == records
    cluster = [s for s, c in zip(sheets, data.cluster_of, strict=True) if c == 0]
    start = time.perf_counter()
    n = sum(len(e.formula) > 0 for s in cluster for e in s.explanations)
    out.append(
        emit("formula_text_us", (time.perf_counter() - start) / n * 1e6, "µs/sentence", None)
    )
    del sheets, rankings
    return out


def bench_totals(data, runs: int) -> list[dict]:
    """Totals path and the weighted-sum baseline, timed alternately (they share the machine's
    load); the BLAS dot product afterwards."""
    kernel = Kernel(data.scale)
    V, T = data.matrices()
    weights = np.nan_to_num(kernel.max_points)
    filled = np.nan_to_num(V)
    totals_only(kernel, V, T)  # warm up
    timings: dict[str, list[float]] = {k: [] for k in ("totals", "base", "blas")}
    cpu: dict[str, list[float]] = {k: [] for k in ("totals", "base")}
    # BLAS is timed in its own loop: its worker threads keep spinning after a call and would
    # slow whatever runs next on a 2-vCPU machine
    steps: list[tuple[str, Callable[[], Any]]] = [
        ("totals", lambda: totals_only(kernel, V, T)),
        ("base", lambda: (filled * weights).sum(axis=1)),
    ]
    for name, fn in [*steps * runs, *[("blas", lambda: filled @ weights)] * runs]:
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        timings[name].append(time.perf_counter() - start)
        if name in cpu:
            cpu[name].append(time.process_time() - start_cpu)
    totals_s, base_s, blas_s = (statistics.median(timings[k]) for k in ("totals", "base", "blas"))
    cpu_ratio = statistics.median(cpu["totals"]) / statistics.median(cpu["base"])
    return [
        emit("totals_only_ms", totals_s * 1e3, "ms", None),
        emit("baseline_weighted_sum_ms", base_s * 1e3, "ms", None),
        emit("totals_only_vs_weighted_sum_ratio", totals_s / base_s, "×", 10.0),
        emit("totals_only_vs_weighted_sum_cpu_ratio", cpu_ratio, "×", None),
        emit("blas_dot_ms", blas_s * 1e3, "ms", None),
        emit("totals_only_vs_blas_dot_ratio", totals_s / blas_s, "×", None),
    ]


def bench_robustness(runs: int) -> list[dict]:
    data = generate(units=10, criteria=100, clusters=1, seed=11)
    ranking = rank(score_units(data.scale, data.units))
    kernel = Kernel(data.scale)
    elapsed, _, cpu = median_time(
        lambda: robustness(
            ranking, samples=10_000, weight_jitter=0.2, input_noise=0.02, seed=1, kernel=kernel
        ),
        runs,
    )
    return [emit("robustness_s", elapsed, "s", 1.0), emit("robustness_cpu_s", cpu, "s", None)]


def bench_memory(data) -> list[dict]:
    gc.collect()
    tracemalloc.start()
    sheets, rankings = score_and_rank(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del sheets, rankings
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return [
        emit("peak_traced_memory_mb", peak / 2**20, "MiB", None),
        emit("max_rss_mb", rss_kb / 1024, "MiB", None),
    ]


def profile_full(data) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    score_and_rank(data)
    profiler.disable()
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(20)
    sys.stderr.write(stream.getvalue())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Engine benchmarks (JSON lines)")
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--criteria", type=int, default=200)
    parser.add_argument("--clusters", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="cProfile of the full path (stderr)")
    args = parser.parse_args(argv)
    data = generate(units=args.units, criteria=args.criteria, clusters=args.clusters, seed=0)
    lines = bench_full(data, args.runs)
    lines += bench_totals(data, max(args.runs, 25))
    lines += bench_robustness(args.runs)
    lines += bench_memory(data)
    if args.profile:
        profile_full(data)
    # a missed target is reported in its line ("ok": false), not as a failure of the run
    missed = [line["name"] for line in lines if not line["ok"]]
    if missed:
        print(f"# missed targets: {', '.join(missed)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
