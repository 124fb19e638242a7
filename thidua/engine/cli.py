"""Command line on plain files: ``python -m thidua.engine score …`` prints one JSON document.

::

    python -m thidua.engine score --scale SCALE.json --results RESULTS.json|RESULTS.csv
        [--inspections INSPECTION.json …] [--awards RULES.json] [--honoured UNIT]
        [--robustness N] [--seed S] [--weight-jitter 0.2] [--input-noise 0.02] [--no-explanations]
    python -m thidua.engine validate --scale SCALE.json [--awards RULES.json]

With inspections, each unit's self-assessment is reconciled with its inspection sheets and the
consolidated sheets are ranked. The honoured leader comes from ``--honoured`` or the results file's
``honoured_leader``. Bad files give a Vietnamese error naming the file, the row or path and the
problem, on standard error, with exit code 2.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .awards import allocate_awards
from .inputs import (
    FileError,
    FileProblem,
    ResultsFile,
    load_award_rules,
    load_results,
    load_scale,
)
from .kernel import Kernel
from .ranking import rank
from .reconcile import reconcile_all
from .report import build_report
from .robustness import robustness
from .scoring import InputError, ScoreSheet, UnitInput, score_units

__all__ = ["main", "run"]

EXIT_BAD_INPUT = 2

_ARGPARSE_VI = [
    (r"the following arguments are required: (.*)", r"thiếu tham số bắt buộc: \1"),
    (r"unrecognized arguments: (.*)", r"tham số không hợp lệ: \1"),
    (r"argument (\S+): invalid (\w+) value: (.*)", r"tham số \1: giá trị không hợp lệ \3"),
    (r"argument (\S+): expected one argument", r"tham số \1 cần một giá trị"),
    (r"argument (\S+): expected at least one argument", r"tham số \1 cần ít nhất một giá trị"),
    (r"argument (\S+): invalid choice: (.*)", r"tham số \1: lựa chọn không hợp lệ \2"),
]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        for pattern, repl in _ARGPARSE_VI:
            if re.match(pattern, message):
                message = re.sub(pattern, repl, message)
                break
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"Lỗi: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m thidua.engine",
        description="Chấm điểm, xếp hạng, đề nghị khen thưởng trên tệp số liệu.",
    )
    sub = parser.add_subparsers(
        dest="command", required=True, parser_class=_Parser, metavar="{score,validate}"
    )
    score = sub.add_parser("score", help="chấm điểm, xếp hạng, đề nghị khen thưởng")
    score.add_argument("--scale", required=True, help="thang điểm (JSON)")
    score.add_argument("--results", required=True, help="số liệu tự chấm (JSON hoặc CSV)")
    score.add_argument(
        "--inspections", nargs="+", default=[], help="phiếu kiểm tra chéo (JSON hoặc CSV)"
    )
    score.add_argument("--awards", help="quy chế đề nghị khen thưởng (JSON)")
    score.add_argument("--honoured", help="đơn vị được suy tôn dẫn đầu Cụm")
    score.add_argument(
        "--robustness", type=int, default=0, metavar="N", help="số lần mô phỏng độ ổn định"
    )
    score.add_argument("--seed", type=int, default=0, help="hạt giống ngẫu nhiên (tái lập kết quả)")
    score.add_argument(
        "--weight-jitter", type=float, default=0.2, help="dao động trọng số nhóm (0,2 = ±20%%)"
    )
    score.add_argument(
        "--input-noise", type=float, default=0.02, help="nhiễu số liệu đo lường (0,02 = 2%%)"
    )
    score.add_argument(
        "--no-explanations", action="store_true", help="không in diễn giải từng tiêu chí"
    )
    validate = sub.add_parser("validate", help="kiểm tra thang điểm, quy chế khen thưởng")
    validate.add_argument("--scale", required=True)
    validate.add_argument("--awards")
    return parser


def _score_file(kernel: Kernel, loaded: ResultsFile, units: list[UnitInput]) -> list[ScoreSheet]:
    try:
        return score_units(kernel.scale, units, kernel=kernel)
    except InputError as exc:
        raise FileError(loaded.problems(exc)) from None


def run(
    scale_path: str,
    results_path: str,
    *,
    inspections: Sequence[str] = (),
    awards_path: str | None = None,
    honoured: str | None = None,
    robustness_samples: int = 0,
    seed: int = 0,
    weight_jitter: float = 0.2,
    input_noise: float = 0.02,
    explanations: bool = True,
) -> dict[str, Any]:
    """Everything ``score`` does, returning the document (raises :class:`FileError`)."""
    scale = load_scale(scale_path)
    kernel = Kernel(scale)
    rules = load_award_rules(awards_path) if awards_path else None
    results = load_results(results_path, scale)
    sheets = _score_file(kernel, results, results.units)
    consolidations = []
    if inspections:
        inspection_sheets = []
        for path in inspections:
            loaded = load_results(path, scale)
            default_source = loaded.meta.get("source") or f"Đoàn kiểm tra ({Path(path).name})"
            units = [
                UnitInput(
                    u.unit,
                    u.results,
                    u.targets,
                    u.remarks,
                    "inspection",
                    u.source or default_source,
                )
                for u in loaded.units
            ]
            known = {s.unit for s in sheets}
            strangers = [
                FileProblem(
                    path,
                    loaded.unit_place(i),
                    f"đơn vị “{u.unit}” không có trong số liệu tự chấm",
                )
                for i, u in enumerate(units)
                if u.unit not in known
            ]
            if strangers:
                raise FileError(strangers)
            inspection_sheets.extend(_score_file(kernel, loaded, units))
        consolidations = reconcile_all(sheets, inspection_sheets)
        final = [c.sheet for c in consolidations]
    else:
        final = sheets
    ranking = rank(final)
    honoured = honoured or results.meta.get("honoured_leader")
    allocation = None
    if rules is not None:
        if honoured is not None and honoured not in {s.unit for s in final}:
            raise FileError(
                [
                    FileProblem(
                        results_path,
                        "honoured_leader",
                        f"đơn vị được suy tôn “{honoured}” không có trong số liệu",
                    )
                ]
            )
        allocation = allocate_awards(ranking, rules, honoured=honoured)
    robust = None
    if robustness_samples:
        robust = robustness(
            ranking,
            samples=robustness_samples,
            seed=seed,
            weight_jitter=weight_jitter,
            input_noise=input_noise,
            kernel=kernel,
        )
    meta = {
        "results": str(results_path),
        "inspections": list(inspections),
        "awards": awards_path,
        "honoured_leader": honoured,
        **{k: v for k, v in results.meta.items() if k in ("note", "cluster", "year")},
    }
    return build_report(
        scale,
        final,
        ranking,
        consolidations=consolidations,
        allocation=allocation,
        robust=robust,
        meta=_plain(meta),
        explanations=explanations,
    )


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "as_tuple"):  # Decimal from the JSON reader
        return str(value)
    return value


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "validate":
            load_scale(args.scale)
            if args.awards:
                load_award_rules(args.awards)
            print(json.dumps({"valid": True}, ensure_ascii=False))
            return 0
        if args.robustness < 0:
            raise FileError([FileProblem("--robustness", "", "số lần mô phỏng không được âm")])
        if not 0 <= args.weight_jitter < 1 or args.input_noise < 0:
            raise FileError(
                [
                    FileProblem(
                        "--weight-jitter/--input-noise",
                        "",
                        "dao động trọng số phải trong [0; 1), nhiễu không âm",
                    )
                ]
            )
        doc = run(
            args.scale,
            args.results,
            inspections=args.inspections,
            awards_path=args.awards,
            honoured=args.honoured,
            robustness_samples=args.robustness,
            seed=args.seed,
            weight_jitter=args.weight_jitter,
            input_noise=args.input_noise,
            explanations=not args.no_explanations,
        )
    except FileError as exc:
        count = len(exc.problems)
        sys.stderr.write(f"Lỗi: {count} vấn đề trong tệp đầu vào:\n" if count > 1 else "Lỗi: ")
        for problem in exc.problems:
            sys.stderr.write(f"{'- ' if count > 1 else ''}{problem}\n")
        return EXIT_BAD_INPUT
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    return 0
