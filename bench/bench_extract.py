"""Figures from reports (issue 19): one JSON line per figure ``{"name", "value", "unit", "target",
"ok"}``.

Run from the repository root::

    .venv/bin/python bench/bench_extract.py            # the figures
    .venv/bin/python bench/bench_extract.py --details  # plus every miss and false find (stderr)

The labelled set is ``tests/extract/data/``: the two press reports of the seeds and eight
year-end reports written for this set, each ``NAME.txt`` with ``NAME.json`` holding the figures
labelled by hand (``[value, unit]`` pairs, a multiset) and the criterion each scale criterion
should get (``{"TP1": "91.6", …}``, for ``tests/extract/data/scale.json``).

- ``figures_precision`` / ``figures_recall`` — of (value, unit) pairs: a figure's own and those of
  its comparison (``vượt 16% chỉ tiêu`` is the pair (16, %)). Targets ≥ 0.95 and ≥ 0.9.
- ``suggestions_precision`` / ``suggestions_recall`` — of (criterion, value) pairs. Target
  precision ≥ 0.9.
- ``heldout_*`` — the same on ``tests/extract/heldout/``: three reports written and labelled after
  the reader was tuned on the first set. First measurement, before any change it suggested:
  figures P 1.00 R 0.98, suggestions P 1.00 R 0.69; two general rules came from its misses since
  (signed values in a column of changes; a "Chỉ tiêu" column is a target, never a result) and the
  unit "tin", so it is no longer untouched: figures R 1.00, suggestions R 0.85 now.
- ``read_50_pages_s`` — reading a 50-page report (the ten texts repeated to 50 × 3,000
  characters, about 150,000 characters), median of 3 runs. Target < 2 s.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from thidua.engine.extract import find_figures, read_text, suggest  # noqa: E402
from thidua.engine.inputs import load_scale  # noqa: E402

DATA = ROOT / "tests" / "extract" / "data"
HELDOUT = ROOT / "tests" / "extract" / "heldout"
PAGE_CHARS = 3000


def emit(name: str, value: float, unit: str, target: float | None, higher: bool = True) -> None:
    ok = True if target is None else (value >= target if higher else value < target)
    line = {"name": name, "value": round(value, 4), "unit": unit, "target": target, "ok": ok}
    print(json.dumps(line, ensure_ascii=False), flush=True)


def evaluate(data: Path = DATA, details: bool = False) -> dict[str, float]:
    scale = load_scale(DATA / "scale.json")
    tp = fp = fn = 0
    stp = sfp = sfn = 0
    for gold_path in sorted(data.glob("*.json")):
        if gold_path.name == "scale.json":
            continue
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        figures = find_figures(read_text(gold_path.with_suffix(".txt")))
        found = Counter((v.normalize(), u) for f in figures for v, u in f.pairs())
        wanted = Counter((Decimal(v).normalize(), u) for v, u in gold["figures"])
        hit = found & wanted
        tp += sum(hit.values())
        fp += sum((found - wanted).values())
        fn += sum((wanted - found).values())
        got = {(s.criterion, s.value.normalize()) for s in suggest(scale, figures)}
        want = {(c, Decimal(v).normalize()) for c, v in gold["suggestions"].items()}
        stp += len(got & want)
        sfp += len(got - want)
        sfn += len(want - got)
        if details:
            for label, items in (
                ("thiếu", wanted - found),
                ("thừa", found - wanted),
                ("gợi ý sai", got - want),
                ("gợi ý thiếu", want - got),
            ):
                for item in sorted(items, key=str):
                    print(f"{gold_path.stem}: {label} {item}", file=sys.stderr)
    return {
        "figures_precision": tp / (tp + fp) if tp + fp else 1.0,
        "figures_recall": tp / (tp + fn) if tp + fn else 1.0,
        "figures_labelled": tp + fn,
        "suggestions_precision": stp / (stp + sfp) if stp + sfp else 1.0,
        "suggestions_recall": stp / (stp + sfn) if stp + sfn else 1.0,
        "suggestions_labelled": stp + sfn,
    }


def fifty_pages() -> str:
    texts = [read_text(p) for p in sorted(DATA.glob("*.txt"))]
    out: list[str] = []
    size = 0
    while size < 50 * PAGE_CHARS:
        for t in texts:
            out.append(t)
            size += len(t)
    return "\n".join(out)


def main() -> int:
    for prefix, data in (("", DATA), ("heldout_", HELDOUT)):
        scores = evaluate(data, details="--details" in sys.argv)
        emit(f"{prefix}figures_precision", scores["figures_precision"], "ratio", 0.95)
        emit(f"{prefix}figures_recall", scores["figures_recall"], "ratio", 0.9)
        emit(f"{prefix}figures_labelled", scores["figures_labelled"], "pairs", None)
        emit(f"{prefix}suggestions_precision", scores["suggestions_precision"], "ratio", 0.9)
        emit(f"{prefix}suggestions_recall", scores["suggestions_recall"], "ratio", None)
        emit(f"{prefix}suggestions_labelled", scores["suggestions_labelled"], "pairs", None)
    text = fifty_pages()
    scale = load_scale(DATA / "scale.json")
    times = []
    for _ in range(3):
        start = time.perf_counter()
        suggest(scale, find_figures(text))
        times.append(time.perf_counter() - start)
    emit("read_50_pages_s", statistics.median(times), "s", 2.0, higher=False)
    emit("read_50_pages_chars", len(text), "chars", None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
