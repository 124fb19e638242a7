"""``python -m thidua.extract REPORT [--scale SCALE.json]``: one JSON document on standard output,
``{"figures": [...], "suggestions": [...]}``.

Each figure: ``value``, ``unit``, ``indicator``, ``qualifier``, ``comparison``, ``evidence`` (its
sentence) and ``start``/``end`` (offsets of the figure in the report's text, as read by
:mod:`.sources`); a range adds ``high``. With a scale, each suggestion maps a criterion to a figure:
``{"criterion", "value", "figure" (index in figures), "confidence" (0..1)}``. A file that cannot be
read gives a Vietnamese message on standard error and exit code 2, as the scoring command does.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

from ..cli import EXIT_BAD_INPUT, _Parser
from ..inputs import FileError, load_scale
from .figures import find_figures
from .sources import SourceError, read_text
from .suggest import suggest

__all__ = ["main", "run"]


def _parser() -> _Parser:
    parser = _Parser(
        prog="python -m thidua.extract",
        description="Đọc số liệu từ báo cáo tổng kết (.txt, .docx, .pdf có lớp chữ).",
    )
    parser.add_argument("report", metavar="REPORT", help="tệp báo cáo")
    parser.add_argument("--scale", help="thang điểm (JSON) để gợi ý số liệu cho từng tiêu chí")
    return parser


def run(report: str, scale_path: str | None = None) -> dict[str, Any]:
    """The document the command prints (raises :class:`SourceError` or :class:`FileError`)."""
    scale = load_scale(scale_path) if scale_path else None
    figures = find_figures(read_text(report))
    suggestions = suggest(scale, figures) if scale is not None else []
    return {
        "figures": [f.to_dict() for f in figures],
        "suggestions": [s.to_dict() for s in suggestions],
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        doc = run(args.report, args.scale)
    except SourceError as exc:
        sys.stderr.write(f"Lỗi: tệp '{args.report}': {exc}\n")
        return EXIT_BAD_INPUT
    except FileError as exc:
        count = len(exc.problems)
        sys.stderr.write(f"Lỗi: {count} vấn đề trong tệp đầu vào:\n" if count > 1 else "Lỗi: ")
        for problem in exc.problems:
            sys.stderr.write(f"{'- ' if count > 1 else ''}{problem}\n")
        return EXIT_BAD_INPUT
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    return 0
