"""The import itself: read and check the whole file, then, in one transaction, check every row
against the database and write; all or nothing (rolled back at the first refused row, not even
started when the file itself has problems)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from thidua import untrusted
from thidua.honours.importers.checking import Importer
from thidua.honours.importers.reading import Row, read_rows, unknown_sheets
from thidua.honours.importers.sheets import SHEETS, ImportResult, SheetSpec, problem
from thidua.org.models import User


class _Rollback(Exception):
    pass


Progress = Callable[..., None]  # progress(done=None, *, total=None, step=None)
BATCH = 100  # rows between two progress reports


def import_workbook(
    upload,
    user: User,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    before_commit: Callable[[], None] | None = None,
) -> ImportResult:
    """Check every row of every sheet; save all of them, or nothing.

    `progress` (a job's) hears how far the reading and then the writing are, every BATCH rows:
    the work counts each data row twice (read and checked, then checked against the database and
    written). `before_commit` runs inside the one transaction just before it commits (a job checks
    there that it was not given up meanwhile); an exception from it rolls everything back.
    """
    report = progress or (lambda *args, **kwargs: None)
    result = ImportResult()
    try:
        wb = untrusted.open_workbook(upload)
    except untrusted.FileRefused as exc:  # not a workbook, a zip bomb, a DTD, a damaged part
        result.errors.append(problem("—", 1, f"Không đọc được tệp: {exc.message}"))
        return result
    importer = Importer(user, writing=not dry_run)
    importer.errors += unknown_sheets(wb)
    parsed: list[tuple[SheetSpec, list[Row]]] = []
    estimate = sum(
        max((wb[spec.name].max_row or 1) - 1, 0) for spec in SHEETS if spec.name in wb.sheetnames
    )
    report(0, total=2 * max(estimate, 1), step="Đang đọc và kiểm tra tệp…")
    read = 0
    for spec in SHEETS:
        if spec.name in wb.sheetnames:
            rows: list[Row] = []
            for row in read_rows(wb[spec.name], spec, importer.errors):
                rows.append(row)
                read += 1
                if read % BATCH == 0:
                    report(
                        read, step=f"Đang đọc và kiểm tra trang “{spec.name}”: dòng {row.number}"
                    )
            parsed.append((spec, rows))
    wb.close()
    report(read, total=2 * max(read, 1), step=f"Đã đọc {read} dòng dữ liệu.")
    if not parsed:
        importer.errors.append(
            problem("—", 1, "Tệp không có trang dữ liệu nào của tệp mẫu (Cán bộ, Khen thưởng…).")
        )
    if importer.errors:
        result.errors = importer.errors
        return result
    if not any(rows for _, rows in parsed):
        result.errors.append(problem("—", 2, "Tệp không có dòng dữ liệu nào."))
        return result
    try:
        with transaction.atomic():
            importer.load(parsed)
            written = 0
            for spec, rows in parsed:
                handler = getattr(importer, f"{spec.key}_row")
                for i, row in enumerate(rows, start=1):
                    handler(row)
                    if importer.errors and importer.writing:
                        importer.stop_writing()  # all or nothing: this file will not be saved
                    written += 1
                    if written % BATCH == 0 or i == len(rows):
                        report(
                            read + written,
                            step=f"Đang kiểm tra và ghi trang “{spec.name}”: {i}/{len(rows)} dòng",
                        )
                importer.flush()
            if importer.errors or dry_run:
                raise _Rollback
            report(step="Đang hoàn tất: ghi một lần toàn bộ dữ liệu…")
            importer.write_audit()
            if before_commit is not None:
                before_commit()
    except _Rollback:
        pass
    result.errors = sorted(
        importer.errors, key=lambda e: ([s.name for s in SHEETS].index(e.sheet), e.row)
    )
    result.counts = importer.counts
    result.saved = not result.errors and not dry_run
    return result
