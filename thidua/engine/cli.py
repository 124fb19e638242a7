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
import math
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .awards import allocate_awards
from .cells import CellError
from .inputs import (
    FileError,
    ResultsFile,
    load_award_rules,
    load_results,
    load_scale,
)
from .kernel import Kernel
from .numbers import fmt_number
from .ranking import rank
from .reconcile import reconcile_all
from .report import build_report
from .robustness import DEFAULT_JUDGED_NOISE, MAX_SAMPLES, MAX_SEED, robustness
from .scoring import InputError, ScoreSheet, UnitInput, score_units
from .text import normalize

__all__ = ["main", "run"]

EXIT_BAD_INPUT = 2

# argparse's own messages (Python 3.11–3.13), in the order tried; anything else is said generically
_ARGPARSE_VI = [
    (r"the following arguments are required: (.*)", r"thiếu tham số bắt buộc: \1"),
    (r"unrecognized arguments: (.*)", r"tham số không hợp lệ: \1"),
    (
        r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)",
        r"\1: lựa chọn không hợp lệ \2 (chọn một trong \3)",
    ),
    (r"argument (\S+): invalid (\w+) value: (.*)", r"tùy chọn \1: giá trị không hợp lệ \3"),
    (r"argument (\S+): expected one argument", r"tùy chọn \1 cần một giá trị"),
    (r"argument (\S+): expected at least one argument", r"tùy chọn \1 cần ít nhất một giá trị"),
    (r"argument (\S+): expected (\d+) arguments?", r"tùy chọn \1 cần \2 giá trị"),
    (r"argument (\S+): ignored explicit argument (.*)", r"tùy chọn \1 không nhận giá trị \2"),
    (r"argument (\S+): not allowed with argument (\S+)", r"không dùng \1 cùng với \2"),
    (r"ambiguous option: (\S+) could match (.*)", r"tùy chọn \1 không rõ, có thể là: \2"),
    (r"one of the arguments (.*) is required", r"cần một trong các tùy chọn: \1"),
    (r"argument (\S+): (.*)", r"tùy chọn \1: \2"),  # our own (Vietnamese) type errors
]


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        super().add_usage(usage, actions, groups, "Cách dùng: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse speaking Vietnamese: usage, help and every error; bad input exits with 2."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "lệnh"
        self._optionals.title = "tùy chọn"
        self.add_argument(
            "-h", "--help", action="help", default=argparse.SUPPRESS, help="in hướng dẫn này"
        )

    def error(self, message: str) -> None:  # type: ignore[override]
        for pattern, repl in _ARGPARSE_VI:
            if re.fullmatch(pattern, message, flags=re.DOTALL):
                message = re.sub(pattern, repl, message, flags=re.DOTALL)
                break
        else:
            message = "tham số dòng lệnh không hợp lệ (xem hướng dẫn: -h)"
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"Lỗi: {message}\n")


def _integer(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"cần một số nguyên từ {fmt_number(low)} đến {fmt_number(high)}, nhận được “{text}”"
            )
        return value

    return parse


def _fraction(low: float, high: float, *, open_high: bool) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text.strip().replace(",", "."))
        except ValueError:
            value = math.nan
        if not (low <= value < high if open_high else low <= value <= high):
            bound = f"[{fmt_number(low)}; {fmt_number(high)}{')' if open_high else ']'}"
            raise argparse.ArgumentTypeError(f"cần một số trong {bound}, nhận được “{text}”")
        return value

    return parse


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m thidua.engine",
        description="Chấm điểm, xếp hạng, đề nghị khen thưởng trên tệp số liệu.",
    )
    sub = parser.add_subparsers(
        dest="command",
        required=True,
        parser_class=_Parser,
        metavar="{score,validate}",
        title="lệnh",
    )
    score = sub.add_parser("score", help="chấm điểm, xếp hạng, đề nghị khen thưởng")
    score.add_argument("--scale", required=True, metavar="TỆP", help="thang điểm (JSON)")
    score.add_argument(
        "--results", required=True, metavar="TỆP", help="số liệu tự chấm (JSON hoặc CSV)"
    )
    score.add_argument(
        "--inspections",
        nargs="+",
        default=[],
        metavar="TỆP",
        help="phiếu kiểm tra chéo (JSON hoặc CSV)",
    )
    score.add_argument("--awards", metavar="TỆP", help="quy chế đề nghị khen thưởng (JSON)")
    score.add_argument("--honoured", metavar="ĐƠN_VỊ", help="đơn vị được suy tôn dẫn đầu Cụm")
    score.add_argument(
        "--robustness",
        type=_integer(0, MAX_SAMPLES),
        default=0,
        metavar="N",
        help=f"số lần mô phỏng độ ổn định (0: không mô phỏng; tối đa {fmt_number(MAX_SAMPLES)})",
    )
    score.add_argument(
        "--seed",
        type=_integer(0, MAX_SEED),
        default=0,
        metavar="S",
        help="hạt giống ngẫu nhiên (cùng hạt giống, cùng kết quả)",
    )
    score.add_argument(
        "--weight-jitter",
        type=_fraction(0, 1, open_high=True),
        default=0.2,
        metavar="X",
        help="dao động trọng số nhóm, trong [0; 1) (0,2 = ±20%%)",
    )
    score.add_argument(
        "--input-noise",
        type=_fraction(0, 1, open_high=False),
        default=0.02,
        metavar="X",
        help="nhiễu số liệu đo lường, trong [0; 1] (0,02 = 2%%)",
    )
    score.add_argument(
        "--judged-noise",
        type=_fraction(0, 100, open_high=False),
        default=None,
        metavar="ĐIỂM",
        help="độ lệch chuẩn của điểm chấm (mặc định: độ lệch giữa các đoàn kiểm tra, "
        f"hoặc {fmt_number(DEFAULT_JUDGED_NOISE)} điểm nếu không có)",
    )
    score.add_argument(
        "--no-explanations", action="store_true", help="không in diễn giải từng tiêu chí"
    )
    validate = sub.add_parser("validate", help="kiểm tra thang điểm, quy chế khen thưởng")
    validate.add_argument("--scale", required=True, metavar="TỆP", help="thang điểm (JSON)")
    validate.add_argument("--awards", metavar="TỆP", help="quy chế đề nghị khen thưởng (JSON)")
    return parser


class OptionError(ValueError):
    """A command-line option whose value cannot be used (not a file problem)."""

    def __init__(self, option: str, message: str) -> None:
        self.option = option
        super().__init__(f"tùy chọn {option}: {message}")


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
    judged_noise: float | None = None,
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
                CellError.in_file(
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
    from_option = bool(honoured)
    honoured = normalize(honoured) if honoured else results.meta.get("honoured_leader")
    allocation = None
    if rules is not None:
        if honoured is not None and honoured not in {s.unit for s in final}:
            message = f"đơn vị được suy tôn “{honoured}” không có trong số liệu"
            if from_option:
                raise OptionError("--honoured", message)
            raise FileError([CellError.in_file(results_path, "honoured_leader", message)])
        allocation = allocate_awards(ranking, rules, honoured=honoured)
    robust = None
    if robustness_samples:
        robust = robustness(
            ranking,
            samples=robustness_samples,
            seed=seed,
            weight_jitter=weight_jitter,
            input_noise=input_noise,
            judged_noise=judged_noise,
            inspections=consolidations,
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
            judged_noise=args.judged_noise,
            explanations=not args.no_explanations,
        )
    except OptionError as exc:
        sys.stderr.write(f"Lỗi: {exc}\n")
        return EXIT_BAD_INPUT
    except FileError as exc:
        count = len(exc.problems)
        sys.stderr.write(f"Lỗi: {count} vấn đề trong tệp đầu vào:\n" if count > 1 else "Lỗi: ")
        for problem in exc.problems:
            sys.stderr.write(f"{'- ' if count > 1 else ''}{problem}\n")
        return EXIT_BAD_INPUT
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    return 0
