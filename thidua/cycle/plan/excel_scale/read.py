"""Reading a scale workbook back into a scale document, every problem on its cell."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from thidua.cycle.plan.excel_scale.columns import (
    CRITERIA_SHEET,
    CRITERION_COLUMNS,
    FIRST,
    GENERAL,
    GENERAL_SHEET,
    GROUP_COLUMNS,
    GROUPS_SHEET,
    KINDS,
    MAX_ROWS,
    TIE_COLUMNS,
    TIES,
    TIES_SHEET,
    Column,
    _free_text,
    _line,
    _read_choice,
)
from thidua.cycle.results.excel import (
    HEADER_ROW,
    open_workbook,
)
from thidua.engine.scale import SCHEMA, Problem, validate_scale
from thidua.lib.cells import CellError, UploadError

# -- reading ---------------------------------------------------------------------------------------


@dataclass
class _Reader:
    """Collects the problems of the upload and where each document path lives in the workbook."""

    errors: list[CellError] = field(default_factory=list)
    places: dict[str, tuple[str, int | None, int | None, str]] = field(default_factory=dict)
    marked: set[tuple[str, int | None, int | None]] = field(default_factory=set)
    dropped: bool = False  # a criterion row was left out: sums of maxima would mislead

    def error(self, sheet: str, row: int | None, col: int | None, header: str, msg: str) -> None:
        self.errors.append(CellError(sheet, row, col, header, msg))
        self.marked.add((sheet, row, col))

    def sorted_errors(self) -> list[CellError]:
        order = [GENERAL_SHEET, GROUPS_SHEET, CRITERIA_SHEET, TIES_SHEET]
        return sorted(
            self.errors,
            key=lambda e: (
                order.index(e.sheet) if e.sheet in order else -1,
                e.row or 0,
                e.column or 0,
            ),
        )

    def place(self, path: str, sheet: str, row: int | None, col: int | None, header: str) -> None:
        self.places[path] = (sheet, row, col, header)

    def locate(self, problem: Problem) -> None:
        path = problem.path
        sums = path == "total_points" or (path.endswith("].max_points") and "criteria[" not in path)
        if self.dropped and sums:
            return
        while True:
            if path in self.places:
                sheet, row, col, header = self.places[path]
                break
            cut = max(path.rfind("."), path.rfind("["))
            if cut <= 0:
                sheet, row, col, header = self.places.get("", (GENERAL_SHEET, None, None, ""))
                break
            path = path[:cut]
        if (sheet, row, col) in self.marked:
            return  # the cell already has its own (more precise) error
        self.errors.append(CellError(sheet, row, col, header, _plain(problem.message) + "."))


PLAIN = (
    ("mốc 0 điểm phải nhỏ hơn full_at", "mốc 0 điểm phải nhỏ hơn mốc đủ điểm"),
    ("chỉ dùng với method linear", "chỉ dùng với cách tính “Tuyến tính”"),
    ("chỉ dùng với method thresholds", "chỉ dùng với cách tính “Theo mức”"),
    ("cần danh sách các mức [{value, points}, …]", "cần các mức, ví dụ 95: 6; 90: 5"),
    (
        "max_points phải là 0 (mức cộng, trừ tối đa ghi ở rule.limit)",
        "để trống Điểm tối đa (mức cộng, trừ tối đa ghi ở cột “Cộng/trừ tối đa”)",
    ),
    ("max_points phải là 0", "để trống Điểm tối đa"),
    ("thiếu (bắt buộc)", "không được để trống"),
    ("cần ít nhất một tiêu chí", f"nhóm chưa có tiêu chí nào ở trang “{CRITERIA_SHEET}”"),
)


def _plain(message: str) -> str:
    for jargon, words in PLAIN:
        message = message.replace(jargon, words)
    return message


def _header_map(r: _Reader, sheet: str, ws, columns: Iterable[Column]) -> dict[str, int]:
    """Column of each known header (by its text), or the error that one is missing."""
    head = next(ws.iter_rows(min_row=HEADER_ROW, max_row=HEADER_ROW, values_only=True), ())
    found = {_line(text).casefold(): col for col, text in enumerate(head, start=1) if text}
    where: dict[str, int] = {}
    for column in columns:
        col = found.get(column.header.casefold())
        if col is None and column.optional:
            continue
        if col is None:
            r.error(
                sheet,
                HEADER_ROW,
                None,
                "",
                f"thiếu cột “{column.header}” (dùng đúng tệp mẫu, không đổi tên cột).",
            )
        else:
            where[column.key] = col
    return where


def _data_rows(r: _Reader, sheet: str, ws) -> Iterable[tuple[int, tuple]]:
    for offset, cells in enumerate(ws.iter_rows(min_row=FIRST, values_only=True)):
        row = FIRST + offset
        if row >= FIRST + MAX_ROWS:
            if any(_free_text(c) for c in cells):
                r.error(sheet, row, None, "", f"trang có quá {MAX_ROWS} dòng dữ liệu.")
                return
            continue
        yield row, tuple(cells)


def _set(target: dict[str, Any], key: str, value: Any) -> None:
    node = target
    *parents, last = key.split(".")
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value


def _read_cells(
    r: _Reader,
    sheet: str,
    row: int,
    cells: tuple,
    columns: Iterable[Column],
    where: Mapping[str, int],
    path: str,
    skip: Callable[[Column], str | None] = lambda column: None,
    out: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The document of one row (or into ``out``): each filled cell read by its column."""
    out = {} if out is None else out
    for column in columns:
        col = where.get(column.key)
        if col is None:
            continue
        r.place(f"{path}.{column.key}" if path else column.key, sheet, row, col, column.header)
        raw = cells[col - 1] if col - 1 < len(cells) else None
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        refused = skip(column)
        if refused:
            r.error(sheet, row, col, column.header, refused)
            continue
        try:
            _set(out, column.key, column.read(raw))
        except CellError as exc:
            r.error(sheet, row, col, column.header, str(exc))
    return out


def _sheet(r: _Reader, wb, name: str):
    if name in wb.sheetnames and hasattr(wb[name], "iter_rows"):
        return wb[name]
    r.error(name, None, None, "", "không tìm thấy trang này trong tệp (dùng đúng tệp mẫu).")
    return None


def _read_general(r: _Reader, ws, doc: dict[str, Any]) -> None:
    by_label = {c.header.casefold(): c for c in GENERAL}
    seen: set[str] = set()
    for row, cells in _data_rows(r, GENERAL_SHEET, ws):
        label = _line(cells[0] if cells else None).casefold()
        column = by_label.get(label)
        if column is None:
            continue
        seen.add(column.key)
        _read_cells(r, GENERAL_SHEET, row, cells, [column], {column.key: 2}, "", out=doc)
    for column in GENERAL:
        if column.key not in seen:
            r.error(
                GENERAL_SHEET, None, None, "", f"thiếu dòng “{column.header}” (dùng đúng tệp mẫu)."
            )
    if "code" in r.places:
        r.place("", *r.places["code"][:2], None, "")


def _blank(cells: tuple, where: Mapping[str, int]) -> bool:
    return not any(_free_text(cells[col - 1]) for col in where.values() if col - 1 < len(cells))


def _read_groups(r: _Reader, ws, doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    where = _header_map(r, GROUPS_SHEET, ws, GROUP_COLUMNS)
    groups: dict[str, dict[str, Any]] = {}
    r.place("groups", GROUPS_SHEET, None, None, "")
    for row, cells in _data_rows(r, GROUPS_SHEET, ws):
        if _blank(cells, where):
            continue
        path = f"groups[{len(doc['groups'])}]"
        r.place(path, GROUPS_SHEET, row, where.get("code"), "Mã nhóm")
        group = _read_cells(r, GROUPS_SHEET, row, cells, GROUP_COLUMNS, where, path)
        code = group.get("code", "")
        if code in groups:
            r.error(
                GROUPS_SHEET,
                row,
                where.get("code"),
                "Mã nhóm",
                f"nhóm “{code}” đã có ở dòng {groups[code]['_row']}.",
            )
            continue
        r.place(f"{path}.criteria", GROUPS_SHEET, row, where.get("code"), "Mã nhóm")
        group["criteria"] = []
        doc["groups"].append(group)
        if code:
            groups[code] = {"_row": row, "doc": group, "path": path}
    return groups


def _kind_check(kind: str | None) -> Callable[[Column], str | None]:
    def skip(column: Column) -> str | None:
        if kind is None or not column.kinds or kind in column.kinds:
            return None
        uses = ", ".join(f"“{KINDS[k]}”" for k in column.kinds)
        return f"cột này chỉ dùng cho loại {uses}; tiêu chí loại “{KINDS[kind]}” để trống ô này."

    return skip


def _read_criteria(r: _Reader, ws, groups: dict[str, dict[str, Any]]) -> None:
    where = _header_map(r, CRITERIA_SHEET, ws, CRITERION_COLUMNS)
    kind_col, group_col = where.get("rule.kind"), where.get("group")
    seen: dict[str, int] = {}
    for row, cells in _data_rows(r, CRITERIA_SHEET, ws):
        if _blank(cells, where):
            continue
        kind = None
        if kind_col is not None and kind_col - 1 < len(cells) and _free_text(cells[kind_col - 1]):
            try:
                kind = _read_choice(KINDS)(cells[kind_col - 1])
            except CellError:
                kind = None  # reported with the row's cells below
        group_code = _line(cells[group_col - 1]) if group_col and group_col - 1 < len(cells) else ""
        target = groups.get(group_code)
        path = (
            f"{target['path']}.criteria[{len(target['doc']['criteria'])}]"
            if target
            else f"_row{row}"
        )
        r.place(path, CRITERIA_SHEET, row, where.get("code"), "Mã tiêu chí")
        item = _read_cells(
            r, CRITERIA_SHEET, row, cells, CRITERION_COLUMNS, where, path, _kind_check(kind)
        )
        item.pop("group", None)
        if kind_col is not None:
            r.place(f"{path}.rule", CRITERIA_SHEET, row, kind_col, "Loại")
        if kind is not None and "rule" not in item:
            item["rule"] = {"kind": kind}
        elif (
            "rule" in item
            and "kind" not in item["rule"]
            and kind_col is not None
            and (CRITERIA_SHEET, row, kind_col) not in r.marked
        ):
            r.error(CRITERIA_SHEET, row, kind_col, "Loại", "chọn loại của tiêu chí.")
        if item.get("rule", {}).get("kind") == "plan" and "target" in item["rule"]:
            item["rule"]["plan"] = item["rule"].pop("target")
            r.place(f"{path}.rule.plan", *r.places[f"{path}.rule.target"])
        code = item.get("code", "")
        if code and code in seen:
            r.error(
                CRITERIA_SHEET,
                row,
                where.get("code"),
                "Mã tiêu chí",
                f"tiêu chí “{code}” đã có ở dòng {seen[code]}.",
            )
            r.dropped = True
            continue
        if code:
            seen[code] = row
        if group_col is None or target is None:
            r.dropped = True
        if group_col is None:
            continue
        if not group_code:
            r.error(CRITERIA_SHEET, row, group_col, "Mã nhóm", "chưa chọn nhóm của tiêu chí.")
        elif target is None:
            r.error(
                CRITERIA_SHEET,
                row,
                group_col,
                "Mã nhóm",
                f"không có nhóm mã “{group_code}” ở trang “{GROUPS_SHEET}”.",
            )
        else:
            target["doc"]["criteria"].append(item)


def _read_ties(r: _Reader, ws, doc: dict[str, Any]) -> None:
    where = _header_map(r, TIES_SHEET, ws, TIE_COLUMNS)
    ties: list[str] = []
    for row, cells in _data_rows(r, TIES_SHEET, ws):
        if _blank(cells, where):
            continue
        path = f"tie_breaks[{len(ties)}]"
        r.place(path, TIES_SHEET, row, where.get("code"), "Mã nhóm / tiêu chí")
        item = _read_cells(r, TIES_SHEET, row, cells, TIE_COLUMNS, where, path)
        by, code = item.get("by"), item.get("code", "")
        if by is None:
            if (TIES_SHEET, row, where.get("by")) not in r.marked:
                r.error(TIES_SHEET, row, where.get("by"), "Xét theo", "chọn tiêu chí phụ.")
            continue
        if by in ("group", "criterion") and not code:
            what = "nhóm" if by == "group" else "tiêu chí"
            r.error(TIES_SHEET, row, where.get("code"), "Mã nhóm / tiêu chí", f"ghi mã {what}.")
            continue
        if by not in ("group", "criterion") and code:
            r.error(
                TIES_SHEET,
                row,
                where.get("code"),
                "Mã nhóm / tiêu chí",
                f"“{TIES[by]}” không cần mã; để trống ô này.",
            )
            continue
        ties.append(f"{by}:{code}" if code else by)
    if ties:
        doc["tie_breaks"] = ties


def _read_document(data: bytes) -> tuple[dict[str, Any], _Reader]:
    """The workbook as a scale document, not yet checked by the engine, and what was found."""
    wb = open_workbook(data)
    r = _Reader()
    doc: dict[str, Any] = {"schema": SCHEMA}
    try:
        sheets = {
            name: _sheet(r, wb, name)
            for name in (GENERAL_SHEET, GROUPS_SHEET, CRITERIA_SHEET, TIES_SHEET)
        }
        if r.errors:
            raise UploadError(r.errors)
        doc["groups"] = []
        reading = GENERAL_SHEET
        try:
            _read_general(r, sheets[GENERAL_SHEET], doc)
            reading = GROUPS_SHEET
            groups = _read_groups(r, sheets[GROUPS_SHEET], doc)
            reading = CRITERIA_SHEET
            _read_criteria(r, sheets[CRITERIA_SHEET], groups)
            reading = TIES_SHEET
            _read_ties(r, sheets[TIES_SHEET], doc)
        except Exception:  # a damaged sheet inside a readable zip: openpyxl raises many kinds
            raise UploadError(
                [
                    CellError(
                        reading,
                        None,
                        None,
                        "",
                        "trang bị hỏng, không đọc được (lưu lại tệp bằng Excel rồi tải lên lại).",
                    )
                ]
            ) from None
    finally:
        wb.close()
    return doc, r


def parse_scale_workbook(data: bytes) -> dict[str, Any]:
    """The scale document of an uploaded workbook, valid for the engine; or UploadError."""
    doc, r = _read_document(data)
    for problem in validate_scale(doc):
        r.locate(problem)
    if r.errors:
        raise UploadError(r.sorted_errors())
    return doc
