"""Benchmark of the Excel results upload: 50 units × 200 criteria = 10,000 result rows, each unit's
workbook built by the real template code, filled in (numbers as Vietnamese text and as numeric
cells, Có/Không, judged points with remarks), then parsed and validated by the same code path as an
upload (thidua.cycle.results.excel.parse_results: cell parsing + the form's clean_results with the
engine's checks), without HTTP or the database. Compared with a bare openpyxl read of the same
files (read_only=True, values_only=True).

Prints one JSON line per figure: {"name", "value", "unit", "target", "ok"}.

    .venv/bin/python bench/bench_excel_upload.py
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# No database is touched; a throwaway URL keeps the project's own database out of reach anyway.
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp(prefix='thidua-bench-')}/b.db")
os.environ.setdefault("THIDUA_ENV", "test")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thidua.settings")

import django  # noqa: E402

django.setup()

from openpyxl import load_workbook  # noqa: E402

from thidua.cycle.results import excel  # noqa: E402

UNITS, GROUPS, PER_GROUP = 50, 10, 20  # 10 × 20 = 200 criteria per unit
TARGET_SECONDS = 3.0
KINDS = ("target", "yes_no", "judged", "count")


def _criterion(code: str, kind: str) -> dict:
    rule = {
        "target": {
            "kind": "target",
            "direction": "higher",
            "method": "linear",
            "target": 80,
            "zero_at": 40,
            "unit": "%",
        },
        "yes_no": {"kind": "yes_no", "expected": True},
        "judged": {"kind": "judged"},
        "count": {"kind": "count", "per_event": "-0.5", "limit": 2, "unit": "vụ"},
    }[kind]
    criterion = {"code": code, "name": f"Tiêu chí {code} ({kind})", "rule": rule}
    if kind != "count":
        criterion["max_points"] = 5
    return criterion


def scale_doc() -> dict:
    groups = []
    for g in range(GROUPS):
        criteria = [_criterion(f"G{g}C{i}", KINDS[i % len(KINDS)]) for i in range(PER_GROUP)]
        points = sum(c.get("max_points", 0) for c in criteria)
        groups.append(
            {"code": f"G{g}", "name": f"Nhóm {g + 1}", "max_points": points, "criteria": criteria}
        )
    return {
        "schema": "thidua.scale/1",
        "code": "BENCH",
        "name": "Thang điểm đo hiệu năng",
        "version": "1",
        "year": 2025,
        "rounding": {"places": 2, "mode": "half_up"},
        "missing": "zero",
        "groups": groups,
        "total_points": sum(g["max_points"] for g in groups),
    }


def filled_workbook(method, unit, seed: int) -> bytes:
    """The unit's template as the site serves it, with every input cell filled in."""
    wb = load_workbook(io.BytesIO(excel.results_template(method, unit)))
    ws = wb[excel.RESULTS_SHEET]
    kinds = {c["code"]: c["rule"]["kind"] for g in method.scale["groups"] for c in g["criteria"]}
    for row in range(excel.HEADER_ROW + 1, ws.max_row + 1):
        kind = kinds[ws.cell(row=row, column=1).value]
        n = (row + seed) % 40
        if kind == "count":
            value = n % 4 if n % 2 else str(n % 4)  # events: a numeric cell or text
        elif kind == "yes_no":
            value = "Có" if n % 3 else "Không"
        elif kind == "judged":
            value = 5 if n % 2 else "4,5"
            ws.cell(row=row, column=excel.COL_REMARK, value="Còn tồn tại nhỏ, đã khắc phục")
        else:
            value = f"{60 + n},{n % 10}" if n % 2 else 60 + n  # text "78,3" or a numeric cell
        ws.cell(row=row, column=excel.COL_VALUE, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def saved_by_office(files: list[bytes]) -> list[bytes] | None:
    """The files as a user's spreadsheet program sends them back: resaved by LibreOffice, which
    (like Excel) keeps strings in the shared-strings table. openpyxl writes every string inline,
    which makes its own files about three times slower to read than any real upload; None if
    LibreOffice is not installed."""
    soffice = shutil.which("soffice")
    if soffice is None:
        return None
    with tempfile.TemporaryDirectory(prefix="thidua-bench-xlsx-") as tmp:
        src, out = Path(tmp, "in"), Path(tmp, "out")
        src.mkdir()
        for i, data in enumerate(files):
            (src / f"don-vi-{i:02d}.xlsx").write_bytes(data)
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{tmp}/profile",
                "--headless",
                "--convert-to",
                "xlsx:Calc MS Excel 2007 XML",
                "--outdir",
                str(out),
                *sorted(str(p) for p in src.iterdir()),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        return [(out / f"don-vi-{i:02d}.xlsx").read_bytes() for i in range(len(files))]


def timed(files: list[bytes], method, units) -> tuple[int, float, float]:
    """(values parsed, seconds to parse and validate, seconds for a bare openpyxl read)."""
    start = time.perf_counter()
    rows = 0
    for data, unit in zip(files, units, strict=True):
        values, _ = excel.parse_results(data, method, unit)
        rows += len(values)
    parsed = time.perf_counter() - start
    start = time.perf_counter()
    for data in files:
        bare_read(data)
    return rows, parsed, time.perf_counter() - start


def bare_read(data: bytes) -> int:
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    count = sum(1 for _ in wb[excel.RESULTS_SHEET].iter_rows(values_only=True))
    wb.close()
    return count


def emit(name: str, value: float, unit: str, target, ok: bool) -> None:
    print(
        json.dumps(
            {"name": name, "value": value, "unit": unit, "target": target, "ok": ok},
            ensure_ascii=False,
        )
    )


def main() -> None:
    method = SimpleNamespace(scale=scale_doc(), targets={}, cycle=SimpleNamespace(year=2025))
    units = [SimpleNamespace(code=f"don-vi-{i}", name=f"Công an đơn vị {i}") for i in range(UNITS)]
    files = [filled_workbook(method, unit, i) for i, unit in enumerate(units)]
    excel.parse_results(files[0], method, units[0])  # warm the scale cache, as a server would be
    office = saved_by_office(files)
    rows, parsed, bare = timed(office or files, method, units)
    how = "libreoffice" if office else "openpyxl"
    emit("excel_upload_rows_parsed", rows, "dòng", UNITS * GROUPS * PER_GROUP, rows == 10_000)
    emit(
        f"excel_upload_10k_rows_{how}_saved",
        round(parsed, 3),
        "s",
        f"≤ {TARGET_SECONDS}",
        parsed <= TARGET_SECONDS,
    )
    emit(f"excel_upload_bare_openpyxl_read_{how}_saved", round(bare, 3), "s", None, True)
    emit(f"excel_upload_ratio_to_bare_read_{how}_saved", round(parsed / bare, 2), "×", None, True)
    if office:
        # For reference: the same files as openpyxl writes them (strings inline, slower to read).
        _, parsed, bare = timed(files, method, units)
        emit("excel_upload_10k_rows_openpyxl_saved", round(parsed, 3), "s", None, True)
        emit(
            "excel_upload_ratio_to_bare_read_openpyxl_saved",
            round(parsed / bare, 2),
            "×",
            None,
            True,
        )


if __name__ == "__main__":
    main()
