"""Reading the engine's plain files (scale, results, inspections, award rules) with clear errors.

Every problem becomes a :class:`.cells.CellError` naming the file, the place (a JSON path such as
``units[3].results.TP1`` or, for CSV, ``dòng 5, cột TP1``) and the problem in Vietnamese, so that a
secretary can fix the file without reading code. :class:`FileError` carries them all.

Results files (schema ``thidua.results/1``) are JSON::

    {"schema": "thidua.results/1", "scale": {"code": "CUM3-2021", "version": "2021.1"},
     "stage": "self", "source": "…", "honoured_leader": "Yên Bái",
     "units": [{"unit": "Yên Bái", "results": {"TP1": 92.1, …}, "targets": {"DA1": 520000},
                "remarks": {"ANQG1": "…"}}]}

or CSV, one row per unit: a ``unit`` column, one column per criterion code, ``target:CODE`` columns
for a unit's own targets, ``remark:CODE`` columns for judged remarks and an optional
``honoured_leader`` column (``có`` on the row of the unit the cluster voted to honour). Lines starting with ``#``
before the header are comments. The delimiter is ``,`` or ``;``; decimals use a dot, or a comma
when the delimiter is ``;``; no thousands separators. Yes/no cells accept ``có``/``không``,
``true``/``false``, ``1``/``0``; an empty cell is a missing result.

Unit names are compared in their canonical form (:func:`thidua.engine.text.normalize`: NFC, trimmed,
inner spaces collapsed), so ``"Yên Bái "`` and a decomposed ``"Yên Bái"`` are the same unit; a bad
number (``NaN``, ``Infinity``, too many digits, too large) is refused with the same message in JSON
and CSV, in results and in targets.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from .awards import AwardRules, AwardRulesError, parse_award_rules
from .cells import CellError
from .numbers import NOT_FINITE, NumberError, to_decimal
from .rules import kind_of
from .scale import Scale, ScaleError, parse_scale
from .scoring import InputError, InputProblem, UnitInput
from .text import normalize

__all__ = [
    "CellError",
    "FileError",
    "ResultsFile",
    "load_award_rules",
    "load_json",
    "load_results",
    "load_scale",
]

RESULTS_SCHEMA = "thidua.results/1"
HONOURED_COLUMN = "honoured_leader"  # CSV: "có" on the honoured leader's row
_TRUE = {"có", "co", "true", "1", "x", "yes", "đúng", "đạt"}
_FALSE = {"không", "khong", "false", "0", "no", "sai", "không đạt"}


class FileError(ValueError):
    def __init__(self, problems: list[CellError]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class ResultsFile:
    """A loaded results or inspection file, able to say where each unit sits in it."""

    path: str
    units: list[UnitInput]
    meta: dict[str, Any] = field(default_factory=dict)
    unit_rows: list[int] | None = None  # CSV: the line of each unit; JSON: None

    def unit_place(self, index: int) -> str:
        if self.unit_rows is None:
            return f"units[{index}]"
        return f"dòng {self.unit_rows[index]}" if 0 <= index < len(self.unit_rows) else "?"

    def locate(self, problem: InputProblem) -> str:
        """Where an engine input problem (found by unit index) is in this file."""
        if self.unit_rows is None:
            return problem.path
        place = self.unit_place(problem.index)
        if not problem.code:
            return place
        column = {"results": problem.code, "targets": f"target:{problem.code}"}.get(
            problem.field, f"remark:{problem.code}"
        )
        return f"{place}, cột '{column}'"

    def problems(self, error: InputError) -> list[CellError]:
        """Engine input problems translated to places in this file."""
        return [
            CellError.in_file(self.path, self.locate(p), f"{p.message} (đơn vị {p.unit})")
            for p in error.problems
        ]


class _NotFinite:
    """``NaN``, ``Infinity`` or ``-Infinity`` in a JSON file: not JSON, refused where it stands."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


def _not_finite_paths(value: Any, path: str = "") -> list[str]:
    if isinstance(value, _NotFinite):
        return [path]
    if isinstance(value, Mapping):
        return [p for k, v in value.items() for p in _not_finite_paths(v, _join(path, str(k)))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _not_finite_paths(v, f"{path}[{i}]")]
    return []


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


_JSON_ERRORS = [  # the json module's messages, in Vietnamese
    ("Expecting value", "thiếu giá trị"),
    ("Expecting ',' delimiter", "thiếu dấu phẩy ','"),
    ("Expecting ':' delimiter", "thiếu dấu hai chấm ':'"),
    ("Expecting property name enclosed in double quotes", "tên khóa phải trong dấu ngoặc kép"),
    ("Unterminated string", "chuỗi thiếu dấu ngoặc kép đóng"),
    ("Invalid control character", "ký tự điều khiển trong chuỗi"),
    ("Invalid \\escape", "ký tự thoát '\\' không hợp lệ"),
    ("Invalid \\uXXXX escape", "mã \\uXXXX không hợp lệ"),
    ("Extra data", "còn dữ liệu thừa sau nội dung JSON"),
]


def _unit_name(raw: Any) -> tuple[str, str]:
    """A unit's name in canonical form, or why it is not one."""
    if not isinstance(raw, str) or not normalize(raw):
        return "", "thiếu tên đơn vị"
    name = normalize(raw)
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") for ch in name):
        return "", f"tên đơn vị “{name.encode('unicode_escape').decode()}” chứa ký tự điều khiển"
    return name, ""


def _read_text(path: str | Path) -> str:
    """The file's text (UTF-8, with or without BOM); every failure said in Vietnamese."""
    name = str(path)
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        why = "không tìm thấy tệp"
    except IsADirectoryError:
        why = "đây là một thư mục, không phải tệp"
    except PermissionError:
        why = "không có quyền đọc tệp"
    except UnicodeDecodeError as exc:
        why = f"tệp không phải văn bản UTF-8 (byte thứ {exc.start + 1} không hợp lệ)"
    except OSError:
        why = "không đọc được tệp"
    raise FileError([CellError.in_file(name, "", why)])


def load_json(path: str | Path) -> Any:
    """JSON with exact decimals; a syntax error names its line and column, a ``NaN`` or
    ``Infinity`` (which JSON does not have) its path."""
    name = str(path)
    text = _read_text(path)
    try:
        doc = json.loads(text, parse_float=Decimal, parse_constant=_NotFinite)
    except json.JSONDecodeError as exc:
        where = f"dòng {exc.lineno}, cột {exc.colno}"
        why = next((vi for en, vi in _JSON_ERRORS if exc.msg.startswith(en)), "sai cú pháp")
        raise FileError([CellError.in_file(name, where, f"JSON không hợp lệ ({why})")]) from None
    except RecursionError:
        raise FileError([CellError.in_file(name, "", "JSON lồng nhau quá sâu")]) from None
    bad = _not_finite_paths(doc)
    if bad:
        raise FileError([CellError.in_file(name, where, NOT_FINITE) for where in bad])
    return doc


def load_scale(path: str | Path) -> Scale:
    doc = load_json(path)
    try:
        return parse_scale(doc)
    except ScaleError as exc:
        raise FileError(
            [CellError.in_file(str(path), p.path, p.message) for p in exc.problems]
        ) from None


def load_award_rules(path: str | Path) -> AwardRules:
    doc = load_json(path)
    try:
        return parse_award_rules(doc)
    except AwardRulesError as exc:
        raise FileError(
            [CellError.in_file(str(path), p.path, p.message) for p in exc.problems]
        ) from None


def load_results(path: str | Path, scale: Scale) -> ResultsFile:
    """Load a results (or inspection) file, JSON or CSV by its extension."""
    if str(path).lower().endswith(".csv"):
        return _load_csv(path, scale)
    return _load_results_json(path, scale)


def _check_scale_ref(
    name: str, where: str, ref: Any, scale: Scale, problems: list[CellError]
) -> None:
    if ref is None:
        return
    if not isinstance(ref, Mapping):
        problems.append(CellError.in_file(name, where, 'phải là {"code": …, "version": …}'))
        return
    code, version = ref.get("code"), ref.get("version")
    if (code is not None and code != scale.code) or (
        version is not None and str(version) != scale.version
    ):
        problems.append(
            CellError.in_file(
                name,
                where,
                f"số liệu lập cho thang điểm {code} phiên bản {version}, "
                f"khác thang điểm đang dùng {scale.code} phiên bản {scale.version}",
            )
        )


def _load_results_json(path: str | Path, scale: Scale) -> ResultsFile:
    name = str(path)
    doc = load_json(path)
    problems: list[CellError] = []
    if not isinstance(doc, Mapping):
        raise FileError([CellError.in_file(name, "", "phải là một đối tượng JSON {…}")])
    allowed = {
        "schema",
        "note",
        "scale",
        "cluster",
        "year",
        "stage",
        "source",
        "honoured_leader",
        "units",
    }
    for key in doc:
        if key not in allowed:
            problems.append(CellError.in_file(name, str(key), "khóa không được hỗ trợ (gõ nhầm?)"))
    if doc.get("schema", RESULTS_SCHEMA) != RESULTS_SCHEMA:
        problems.append(CellError.in_file(name, "schema", f"cần '{RESULTS_SCHEMA}'"))
    _check_scale_ref(name, "scale", doc.get("scale"), scale, problems)
    stage = doc.get("stage", "self")
    if stage not in ("self", "inspection"):
        problems.append(
            CellError.in_file(
                name, "stage", "phải là 'self' (tự chấm) hoặc 'inspection' (kiểm tra)"
            )
        )
    source = doc.get("source", "")
    raw_units = doc.get("units")
    units: list[UnitInput] = []
    if not isinstance(raw_units, list) or not raw_units:
        problems.append(
            CellError.in_file(name, "units", "cần danh sách đơn vị [{unit, results, …}]")
        )
        raw_units = []
    seen: dict[str, int] = {}
    for i, item in enumerate(raw_units):
        where = f"units[{i}]"
        if not isinstance(item, Mapping):
            problems.append(CellError.in_file(name, where, "phải là một đối tượng JSON {…}"))
            continue
        for key in item:
            if key not in ("unit", "results", "targets", "remarks", "source"):
                problems.append(
                    CellError.in_file(name, f"{where}.{key}", "khóa không được hỗ trợ (gõ nhầm?)")
                )
        unit = item.get("unit")
        unit, why = _unit_name(unit)
        if why:
            problems.append(CellError.in_file(name, f"{where}.unit", why))
            continue
        if unit in seen:
            problems.append(
                CellError.in_file(
                    name, f"{where}.unit", f"đơn vị “{unit}” trùng với units[{seen[unit]}]"
                )
            )
        seen[unit] = i
        parts = {}
        for key in ("results", "targets", "remarks"):
            value = item.get(key, {})
            if not isinstance(value, Mapping):
                problems.append(
                    CellError.in_file(name, f"{where}.{key}", "phải là một đối tượng {mã: giá trị}")
                )
                value = {}
            parts[key] = value
        if "results" not in item:
            problems.append(CellError.in_file(name, f"{where}.results", "thiếu (bắt buộc)"))
        units.append(
            UnitInput(
                unit,
                parts["results"],
                parts["targets"],
                parts["remarks"],
                "inspection" if stage == "inspection" else "self",
                str(item.get("source", source) or ""),
            )
        )
    if problems:
        raise FileError(problems)
    meta = {
        k: doc[k]
        for k in ("note", "scale", "cluster", "year", "stage", "source", "honoured_leader")
        if k in doc
    }
    honoured = meta.get("honoured_leader")
    if honoured is not None:
        if not isinstance(honoured, str) or not normalize(honoured):
            raise FileError([CellError.in_file(name, "honoured_leader", "phải là tên một đơn vị")])
        meta["honoured_leader"] = normalize(honoured)
    return ResultsFile(name, units, meta)


def _yes_no(text: str) -> bool | None:
    text = text.strip()
    if not text:
        return None
    low = text.casefold()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise NumberError(f"'{text}' không phải có/không")


def _cell_value(scale: Scale, code: str, text: str, decimal_comma: bool) -> Any:
    text = text.strip()
    if not text:
        return None
    rule = scale.criterion(code).rule
    if kind_of(rule).input == "bool":
        return _yes_no(text)
    return _number(text, decimal_comma)


def _number(text: str, decimal_comma: bool) -> Decimal:
    if decimal_comma and "," in text and "." not in text:
        text = text.replace(",", ".")
    return to_decimal(text)


def _load_csv(path: str | Path, scale: Scale) -> ResultsFile:
    name = str(path)
    raw = _read_text(path)
    lines = raw.splitlines(keepends=True)
    skipped = 0
    while skipped < len(lines) and (lines[skipped].startswith("#") or not lines[skipped].strip()):
        skipped += 1
    body = "".join(lines[skipped:])
    if not body.strip():
        raise FileError([CellError.in_file(name, "", "tệp CSV không có dòng tiêu đề")])
    header_line = lines[skipped]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    parsed = csv.reader(io.StringIO(body), delimiter=delimiter)
    try:
        records = list(parsed)
    except csv.Error as exc:
        why = (
            "dòng chứa ký tự NUL (tệp nhị phân?)"
            if "NUL" in str(exc)
            else "một ô dài quá giới hạn"
            if "field limit" in str(exc)
            else "sai cú pháp CSV (dấu ngoặc kép, xuống dòng)"
        )
        raise FileError(
            [CellError.in_file(name, f"dòng {skipped + parsed.line_num}", why)]
        ) from None
    reader = iter(records)
    header = [h.strip() for h in next(reader)]
    problems: list[CellError] = []
    header_row = skipped + 1
    if not header or header[0].casefold() not in ("unit", "đơn vị", "don_vi"):
        problems.append(
            CellError.in_file(
                name, f"dòng {header_row}, cột 1", "cột đầu tiên phải là 'unit' (tên đơn vị)"
            )
        )
    columns: list[tuple[str, str] | None] = [None]
    for k, title in enumerate(header[1:], start=2):
        if title.casefold() == HONOURED_COLUMN:
            columns.append(("honoured", ""))
            continue
        kind, _, code = title.partition(":") if ":" in title else ("result", "", title)
        if kind not in ("result", "target", "remark") or not scale.has_criterion(code):
            problems.append(
                CellError.in_file(
                    name,
                    f"dòng {header_row}, cột {k} ('{title}')",
                    "không có tiêu chí mã này trong thang điểm"
                    if kind in ("result", "target", "remark")
                    else f"tiêu đề cột phải là MÃ, target:MÃ, remark:MÃ hoặc {HONOURED_COLUMN}",
                )
            )
            columns.append(None)
        else:
            columns.append((kind, code))
    units: list[UnitInput] = []
    rows_of_units: list[int] = []
    seen: dict[str, int] = {}
    honoured: list[tuple[int, str]] = []
    for offset, record in enumerate(reader, start=1):
        row_no = header_row + offset
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            problems.append(
                CellError.in_file(
                    name, f"dòng {row_no}", f"có {len(record)} cột, tiêu đề có {len(header)} cột"
                )
            )
            continue
        unit, why = _unit_name(record[0])
        if why:
            problems.append(CellError.in_file(name, f"dòng {row_no}, cột 1", why))
            continue
        if unit in seen:
            problems.append(
                CellError.in_file(
                    name, f"dòng {row_no}, cột 1", f"đơn vị “{unit}” trùng với dòng {seen[unit]}"
                )
            )
        seen[unit] = row_no
        results: dict[str, Any] = {}
        targets: dict[str, Any] = {}
        remarks: dict[str, str] = {}
        for k, (cell, col) in enumerate(zip(record, columns, strict=True), start=1):
            if col is None:
                continue
            kind, code = col
            try:
                if kind == "result":
                    value = _cell_value(scale, code, cell, delimiter == ";")
                    if value is not None:
                        results[code] = value
                elif kind == "target" and cell.strip():
                    targets[code] = _number(cell.strip(), delimiter == ";")
                elif kind == "remark" and cell.strip():
                    remarks[code] = cell.strip()
                elif kind == "honoured" and _yes_no(cell):
                    honoured.append((row_no, unit))
            except NumberError as exc:
                problems.append(
                    CellError.in_file(name, f"dòng {row_no}, cột {k} ('{header[k - 1]}')", str(exc))
                )
        units.append(UnitInput(unit, results, targets, remarks, "self", ""))
        rows_of_units.append(row_no)
    if not units and not problems:
        problems.append(CellError.in_file(name, "", "không có dòng số liệu nào"))
    if len(honoured) > 1:
        problems.append(
            CellError.in_file(
                name,
                f"cột '{HONOURED_COLUMN}'",
                "chỉ một đơn vị được suy tôn dẫn đầu Cụm, tệp đánh dấu "
                + ", ".join(f"“{unit}” (dòng {row})" for row, unit in honoured),
            )
        )
    if problems:
        raise FileError(problems)
    meta: dict[str, Any] = {"stage": "self"}
    if honoured:
        meta["honoured_leader"] = honoured[0][1]
    return ResultsFile(name, units, meta, rows_of_units)
