"""Figures read from a unit's year-end report into its results sheet (issue 19).

The officer uploads the report; the engine (:mod:`thidua.engine.extract`) reads every figure and
suggests one per measured criterion; nothing enters the sheet until the officer accepts a value
(as suggested or corrected). The report is kept as evidence, and each accepted value keeps the
figure and the sentence it came from, shown beside the value to whoever may see the sheet.
"""

from __future__ import annotations

import hashlib
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone

from thidua.audit.log import record as audit
from thidua.audit.log import snapshot
from thidua.cycle.models.results import ResultSheet
from thidua.engine.extract import SourceError, find_figures, suggest, text_of_bytes
from thidua.engine.text import normalize
from thidua.org.models import User

REPORT_MAX_BYTES = 20 * 1024 * 1024
REPORT_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
    ".txt": "text/plain; charset=utf-8",
}


def report_path(instance: ReportReading, filename: str) -> str:
    sheet = instance.sheet
    return (
        f"bao-cao/{sheet.cycle.year}/cum-{sheet.cycle.cluster.number}/{sheet.unit.code}/{filename}"
    )


class ReportReading(models.Model):
    """One uploaded report, the figures read from it, and the values the officer accepted."""

    sheet = models.ForeignKey(ResultSheet, on_delete=models.CASCADE, related_name="readings")
    file = models.FileField(upload_to=report_path, max_length=300)
    original_name = models.CharField("tên tệp", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    text = models.TextField("nội dung đọc được")
    figures = models.JSONField("số liệu đọc được", default=list)
    suggestions = models.JSONField("gợi ý theo tiêu chí", default=list)
    # code → {"value", "figure", "suggested", "by", "at"}: what was accepted into the sheet
    accepted = models.JSONField("giá trị đã nhận vào bảng", default=dict)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "báo cáo đọc số liệu"
        verbose_name_plural = "báo cáo đọc số liệu"

    def __str__(self) -> str:
        return self.original_name

    @classmethod
    @transaction.atomic
    def read(cls, sheet: ResultSheet, *, by: User, upload, progress=None) -> ReportReading:
        """Read an uploaded report for ``sheet`` (the unit's officer, a draft in the reporting
        stage). Refused with a Vietnamese message when the file is not a readable report.
        ``progress(done, total, step=…)``: told each step (a long report runs as a job)."""

        def step(done: int, text: str) -> None:
            if progress is not None:
                progress(done, total=4, step=text)

        step(0, "Đang kiểm tra tệp…")
        sheet.require_editable(by=by)
        from thidua.cycle.scales import scale_of

        method = sheet.cycle.method
        if method is None or not method.scale:
            raise ValidationError({"file": "Cụm chưa ban hành thang điểm: chưa thể đọc số liệu."})
        name = normalize(PurePath(upload.name or "").name)[:200]
        suffix = PurePath(name).suffix.lower()
        if suffix not in REPORT_TYPES:
            raise ValidationError({"file": "Chỉ đọc được báo cáo dạng DOCX, PDF hoặc TXT."})
        if upload.size > REPORT_MAX_BYTES:
            raise ValidationError({"file": "Tệp báo cáo quá lớn; tối đa 20 MB."})
        if upload.size == 0:
            raise ValidationError({"file": "Tệp rỗng."})
        data = b"".join(upload.chunks())
        step(1, "Đang đọc nội dung báo cáo…")
        if suffix == ".docx":
            from thidua import untrusted

            try:
                untrusted.check_attachment(data, suffix)
            except untrusted.FileRefused as exc:
                raise ValidationError({"file": f"Tệp không đọc được: {exc.message}"}) from None
        try:
            text = text_of_bytes(data, name)
        except SourceError as exc:
            raise ValidationError({"file": str(exc)}) from None
        step(2, "Đang tìm số liệu trong báo cáo…")
        figures = find_figures(text)
        if not figures:
            raise ValidationError(
                {
                    "file": "Không tìm thấy số liệu nào trong báo cáo (số kèm đơn vị như “92%”, “3.264 vụ”)."
                }
            )
        step(3, f"Đã thấy {len(figures)} số liệu; đang gợi ý theo tiêu chí…")
        suggestions = suggest(scale_of(method), figures)
        digest = hashlib.sha256(data).hexdigest()
        reading = cls(
            sheet=sheet,
            original_name=name,
            content_type=REPORT_TYPES[suffix],
            size=len(data),
            sha256=digest,
            text=text,
            figures=[f.to_dict() for f in figures],
            suggestions=[s.to_dict() for s in suggestions],
            uploaded_by=by,
        )
        reading.file.save(f"{digest[:16]}{suffix}", ContentFile(data), save=False)
        reading.save()
        audit(
            actor=by,
            action="upload",
            obj=reading,
            after=snapshot(reading, ["original_name", "sha256", "size"]),
        )
        step(4, "Đã đọc xong.")
        return reading

    def suggestion_for(self, code: str) -> dict[str, Any] | None:
        return next((s for s in self.suggestions if s["criterion"] == code), None)

    @transaction.atomic
    def accept(
        self,
        *,
        by: User,
        values: dict[str, str],
        expected_version: int | None = None,
    ) -> None:
        """Put the officer's values (criterion → value as typed, suggested or corrected) into the
        sheet, each remembered with the figure it was suggested from. All or nothing: a value the
        scale refuses leaves the sheet and this reading unchanged."""
        sheet = ResultSheet.objects.select_for_update().get(pk=self.sheet_id)
        sheet.require_editable(by=by)
        if not values:
            raise ValidationError({"values": "Chưa chọn giá trị nào để đưa vào bảng số liệu."})
        unknown = [c for c in values if self.suggestion_for(c) is None]
        if unknown:
            raise ValidationError(
                {"values": "Chỉ nhận được giá trị của tiêu chí có gợi ý từ báo cáo này."}
            )
        merged = {**sheet.written_values(), **values}
        sheet.save_values(
            by=by, values=merged, remarks=sheet.remarks, expected_version=expected_version
        )
        before = snapshot(self, ["accepted"])
        now = timezone.now().isoformat()
        accepted = dict(self.accepted)
        for code in values:
            suggestion = self.suggestion_for(code)
            assert suggestion is not None
            accepted[code] = {
                "value": sheet.values.get(code),
                "figure": suggestion["figure"],
                "suggested": suggestion["value"],
                "by": by.pk,
                "at": now,
            }
        self.accepted = accepted
        self.save(update_fields=["accepted"])
        audit(
            actor=by, action="update", obj=self, before=before, after=snapshot(self, ["accepted"])
        )
        self.sheet = sheet

    def figure(self, index: int) -> dict[str, Any]:
        return self.figures[index]

    def highlighted(self, index: int) -> tuple[str, str, str]:
        """The figure's sentence cut around the figure: (before, figure, after)."""
        f = self.figures[index]
        ev = f["evidence"]
        sentence_start = self.text.rfind(ev, 0, f["start"] + len(ev))
        if sentence_start < 0:
            return f["evidence"], "", ""
        a, b = f["start"] - sentence_start, f["end"] - sentence_start
        return ev[:a], ev[a:b], ev[b:]


def value_sources(sheet: ResultSheet) -> dict[str, dict[str, Any]]:
    """For each criterion whose current value was accepted from a report: the report, the figure's
    sentence split around the figure, and who accepted it. A value changed by hand afterwards no
    longer names a source."""
    from thidua.cycle.scales import same_value, show_value

    sources: dict[str, dict[str, Any]] = {}
    for reading in sheet.readings.order_by("uploaded_at", "pk"):
        for code, item in reading.accepted.items():
            if not same_value(sheet.values.get(code), item["value"]):
                continue
            before, figure, after = reading.highlighted(item["figure"])
            sources[code] = {
                "reading": reading,
                "before": before,
                "figure": figure,
                "after": after,
                "suggested": show_value(str(item["suggested"])),
                "corrected": not same_value(item["value"], str(item["suggested"])),
            }
    return sources


def source_out(source: dict[str, Any]) -> dict[str, Any]:
    """One entry of :func:`value_sources` as data (the API's score output): the sentence, the
    figure as written in it, and the report it stands in."""
    reading = source["reading"]
    return {
        "sentence": f"{source['before']}{source['figure']}{source['after']}",
        "figure": source["figure"],
        "report": reading.original_name,
        "reading": reading.pk,
        "uploaded_at": reading.uploaded_at.isoformat(),
        "suggested": source["suggested"],
        "corrected": source["corrected"],
    }
