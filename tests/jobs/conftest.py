"""Helpers of the background-job tests: large honours workbooks, a Run that records its progress."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from thidua.honours.importers import template_workbook
from thidua.jobs.runner import Run


def people_workbook(rows: int, prefix: str, *, unit_of=lambda i: "bac-giang") -> bytes:
    """The downloadable template with `rows` new officers on the “Cán bộ” sheet."""
    wb = load_workbook(io.BytesIO(template_workbook()))
    ws = wb["Cán bộ"]
    for i in range(rows):
        ws.append(
            [
                f"{prefix}-{i:05d}",
                f"Nguyễn Văn Số {i}",
                "Đại úy",
                "Cán bộ",
                unit_of(i),
                "",
                "01/03/2016",
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(body: bytes, name: str = "ho-so-toan-quoc.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body)


class RecordingRun(Run):
    """A job's Run that keeps every progress report it hears, in order."""

    def __init__(self, job) -> None:
        super().__init__(job)
        self.reports: list[tuple[int, int, str]] = []

    def progress(self, done=None, *, total=None, step=None) -> None:
        super().progress(done, total=total, step=step)
        self.reports.append((self.done, self.total, self.step))
