"""A unit's reported results (with evidence) and the score sheets the engine computes from them."""

from __future__ import annotations

from decimal import Decimal
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from thidua.audit.log import record as audit
from thidua.audit.log import snapshot
from thidua.cycle import workflow
from thidua.cycle.models.cycle import Cycle, MethodVersion
from thidua.cycle.scales import (
    _score,
    clean_results,
    criterion_names,
    display_value,
    missing_required,
    qualifiers_of,
    same_value,
    scale_of,
)
from thidua.engine.numbers import fmt_number
from thidua.engine.text import normalize
from thidua.lib.files import FILE_TYPES, MAX_BYTES, StoredFile
from thidua.lib.workflow import WorkflowError, save_versioned
from thidua.org.models import Unit, User

if TYPE_CHECKING:
    from thidua.cycle.models.inspection import Inspection

EVIDENCE_MAX_BYTES = MAX_BYTES
EVIDENCE_TYPES = FILE_TYPES


class ResultSheet(models.Model):
    """Step 5: the values a unit reports per criterion; read-only to the unit once submitted."""

    class State(models.TextChoices):
        DRAFT = "draft", "Nháp"
        SUBMITTED = "submitted", "Đã gửi"
        RETURNED = "returned", "Bị trả lại"

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="result_sheets")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        "trạng thái", max_length=10, choices=State.choices, default=State.DRAFT
    )
    values = models.JSONField("số liệu", default=dict, blank=True)
    remarks = models.JSONField("giải trình", default=dict, blank=True)
    # code → the qualifier written with the value ("hơn" of "hơn 98"): kept and shown, not scored
    qualifiers = models.JSONField("từ kèm số liệu", default=dict, blank=True)
    revision = models.PositiveIntegerField("lần gửi", default=1)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_reason = models.TextField("lý do trả lại", blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "bảng số liệu kết quả"
        verbose_name_plural = "bảng số liệu kết quả"
        constraints = [
            models.UniqueConstraint(fields=["cycle", "unit"], name="result_sheet_unique")
        ]

    def __str__(self) -> str:
        return f"Số liệu {self.unit.short_name} — {self.cycle}"

    @property
    def editable_by_unit(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.RETURNED)

    @classmethod
    def for_unit(cls, cycle: Cycle, unit: Unit) -> ResultSheet:
        sheet, _ = cls.objects.get_or_create(cycle=cycle, unit=unit)
        return sheet

    def is_reporter(self, user: User) -> bool:
        """The unit's own emulation officers (or its secretariat staff) report its results."""
        return user.unit_id == self.unit_id and user.role in (
            User.Role.UNIT_OFFICER,
            User.Role.SECRETARIAT,
        )

    def _require_unit_officer(self, by: User) -> None:
        workflow.ENTER_RESULTS.require_actor(by, self.cycle, unit=self.unit)

    def require_editable(self, *, by: User) -> None:
        """What every change to the draft needs: the unit's officer, the reporting stage, a draft."""
        self._require_unit_officer(by)
        workflow.ENTER_RESULTS.require_stage(self.cycle)
        if not self.editable_by_unit:
            raise WorkflowError(
                "Số liệu đã gửi: không thể sửa. Nếu cần sửa, đề nghị Thường trực Cụm trả lại."
            )

    def written_values(self) -> dict[str, Any]:
        """The stored values as they were written: a qualified one as text ("hơn 98"), for a
        save that keeps the other values as they are."""
        out = dict(self.values)
        for code, qualifier in (self.qualifiers or {}).items():
            if code in out and not isinstance(out[code], bool):
                out[code] = f"{qualifier} {fmt_number(Decimal(str(out[code])))}"
        return out

    @transaction.atomic
    def save_values(
        self,
        *,
        by: User,
        values: dict[str, Any],
        remarks: dict[str, str] | None = None,
        expected_version: int | None = None,
    ) -> None:
        """Save a draft. Values are checked against the scale; every problem is named by criterion."""
        self.require_editable(by=by)
        method = self.cycle.method
        if method is None or not method.scale:
            raise WorkflowError("Cụm chưa ban hành thang điểm: chưa thể nhập số liệu.")
        cleaned, cleaned_remarks = clean_results(method, self.unit, values, remarks or {})
        before = snapshot(self, ["values", "qualifiers", "remarks", "state"])
        self.values, self.remarks = cleaned, cleaned_remarks
        self.qualifiers = qualifiers_of(scale_of(method), values)
        self.updated_at, self.updated_by = timezone.now(), by
        save_versioned(
            self,
            ["values", "qualifiers", "remarks", "updated_at", "updated_by"],
            expected_version,
            "bảng số liệu",
        )
        audit(
            actor=by,
            action="update",
            obj=self,
            before=before,
            after=snapshot(self, ["values", "qualifiers", "remarks", "state"]),
        )

    @transaction.atomic
    def submit(
        self, *, by: User, expected_version: int | None = None, confirmed: str = ""
    ) -> ScoreSheet:
        """Submit to the secretariat; the engine scores the self-assessment at once.

        `confirmed`: the warnings (implausible figures) the officer confirmed, kept in the audit."""
        self._require_unit_officer(by)
        workflow.SUBMIT_RESULTS.require_stage(self.cycle)
        if not self.editable_by_unit:
            raise WorkflowError("Số liệu đã được gửi.")
        missing = missing_required(self.cycle.method, self.values)
        if missing:
            raise ValidationError(
                {
                    "values": [
                        f"{name}: chưa nhập số liệu (bắt buộc theo thang điểm)." for name in missing
                    ]
                }
            )
        before = snapshot(self, ["state", "revision"])
        self.state = self.State.SUBMITTED
        self.submitted_at, self.submitted_by, self.return_reason = timezone.now(), by, ""
        save_versioned(
            self,
            ["state", "submitted_at", "submitted_by", "return_reason"],
            expected_version,
            "bảng số liệu",
        )
        audit(
            actor=by,
            action="submit",
            obj=self,
            before=before,
            after=snapshot(self, ["state", "revision"]),
            reason=confirmed,
        )
        self.cycle.lock_method(by=by)
        return score_self(self, by=by)

    @transaction.atomic
    def save_and_submit(
        self,
        *,
        by: User,
        values: dict[str, Any],
        remarks: dict[str, str] | None = None,
        expected_version: int | None = None,
        confirmed: str = "",
    ) -> ScoreSheet:
        """Save what is on the form and submit it, as one action: if submitting is refused (a
        required value is missing), the draft is not changed either."""
        self.save_values(by=by, values=values, remarks=remarks, expected_version=expected_version)
        return self.submit(by=by, expected_version=self.version, confirmed=confirmed)

    def self_assessment(self) -> ScoreSheet | None:
        """The engine's self-assessment of the submitted sheet (None before submission)."""
        if self.state != self.State.SUBMITTED:
            return None
        return ScoreSheet.objects.filter(
            cycle_id=self.cycle_id, unit_id=self.unit_id, stage=ScoreSheet.Stage.SELF
        ).first()

    @transaction.atomic
    def return_to_unit(self, *, by: User, reason: str, expected_version: int | None = None) -> None:
        """The secretariat sends a submission back with a reason; the unit may then correct it.

        `expected_version`: the version the secretariat read (StaleEdit if the sheet changed since).
        """
        # After reporting closes, a wrong figure is corrected through the inspection and disputes.
        self.cycle.require_step(workflow.RETURN_RESULTS, by)
        reason = normalize(reason)
        if not reason:
            raise ValidationError({"reason": "Phải nêu lý do trả lại."})
        if self.state != self.State.SUBMITTED:
            raise WorkflowError("Chỉ trả lại được bảng số liệu đã gửi.")
        before = snapshot(self, ["state", "revision", "return_reason"])
        self.state, self.return_reason, self.revision = (
            self.State.RETURNED,
            reason,
            self.revision + 1,
        )
        save_versioned(
            self, ["state", "return_reason", "revision"], expected_version, "bảng số liệu"
        )
        audit(
            actor=by,
            action="return",
            obj=self,
            before=before,
            after=snapshot(self, ["state", "revision", "return_reason"]),
            reason=reason,
        )

    @transaction.atomic
    def add_evidence(self, *, by: User, criterion: str, upload) -> Evidence:
        self._require_unit_officer(by)
        if not self.editable_by_unit:
            raise WorkflowError("Số liệu đã gửi: không thể thêm minh chứng.")
        names = criterion_names(self.cycle.method)
        if criterion not in names:
            raise ValidationError({"criterion": "Chọn một tiêu chí của thang điểm."})
        content_type, digest = Evidence.check_file(upload)
        evidence = Evidence(
            sheet=self,
            criterion=criterion,
            original_name=normalize(PurePath(upload.name).name)[:200],
            content_type=content_type,
            size=upload.size,
            sha256=digest,
            uploaded_by=by,
        )
        evidence.file.save(
            f"{digest[:16]}{PurePath(upload.name).suffix.lower()}", upload, save=False
        )
        evidence.save()
        audit(actor=by, action="upload", obj=evidence, after=snapshot(evidence))
        return evidence

    @transaction.atomic
    def remove_evidence(self, *, by: User, evidence: Evidence) -> None:
        """The unit's officer deletes one of its files while the sheet is still a draft; the
        record is audited and the stored file goes once the deletion is committed."""
        self._require_unit_officer(by)
        if evidence.sheet_id != self.pk:
            raise ValidationError({"evidence": "Tệp minh chứng không thuộc bảng số liệu này."})
        if not self.editable_by_unit:
            raise WorkflowError("Số liệu đã gửi: không thể xóa minh chứng.")
        before = snapshot(evidence)
        storage, name = evidence.file.storage, evidence.file.name
        audit(actor=by, action="delete", obj=evidence, before=before)
        evidence.delete()
        transaction.on_commit(lambda: storage.delete(name) if name else None)


def evidence_path(instance: Evidence, filename: str) -> str:
    sheet = instance.sheet
    return f"minh-chung/{sheet.cycle.year}/cum-{sheet.cycle.cluster.number}/{sheet.unit.code}/{filename}"


class Evidence(StoredFile):
    """A file behind one criterion of a unit's result sheet (the common fields: lib.files.StoredFile)."""

    sheet = models.ForeignKey(ResultSheet, on_delete=models.CASCADE, related_name="evidence")
    criterion = models.CharField("tiêu chí", max_length=40)
    file = models.FileField(upload_to=evidence_path, max_length=300)

    class Meta:
        verbose_name = "tệp minh chứng"
        verbose_name_plural = "tệp minh chứng"


class ScoreSheet(models.Model):
    """The engine's scores for one unit at one stage, with the inputs and every line's explanation."""

    class Stage(models.TextChoices):
        SELF = "self", "Tự chấm"
        INSPECTION = "inspection", "Đoàn kiểm tra chấm"
        CONSOLIDATED = "consolidated", "Điểm tổng hợp"

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="score_sheets")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(max_length=12, choices=Stage.choices)
    source = models.CharField("người chấm", max_length=200, blank=True)
    method = models.ForeignKey(MethodVersion, on_delete=models.PROTECT, related_name="+")
    inputs = models.JSONField("dữ liệu đầu vào", default=dict)
    sheet = models.JSONField("bảng điểm và giải thích", default=dict)
    total = models.DecimalField("tổng điểm", max_digits=9, decimal_places=3, null=True)
    vetoed = models.BooleanField("vi phạm điểm liệt", default=False)
    blocked = models.BooleanField("thiếu số liệu bắt buộc", default=False)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "bảng điểm"
        verbose_name_plural = "bảng điểm"
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "unit", "stage", "source"], name="score_sheet_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} — {self.unit.short_name}"


# -- storing the engine's score sheets (called by the steps that submit results and inspections) ----


def store_score(
    cycle: Cycle,
    unit: Unit,
    stage: str,
    source: str,
    method: MethodVersion,
    inputs: dict,
    sheet,
    by: User | None,
    reason: str = "",
) -> ScoreSheet:
    total = None if sheet.blocked_by else sheet.total
    row = ScoreSheet.objects.filter(cycle=cycle, unit=unit, stage=stage, source=source).first()

    # Totals compare as numbers ("97.080" from the database equals "97.08" from the engine), so a
    # recompute that changes nothing writes no audit row.
    def brief(value, number):
        return {
            "total": None if value is None else str(Decimal(value).normalize()),
            "method": number,
        }

    before = brief(row.total, row.method.number) if row else None
    values = {
        "method": method,
        "inputs": inputs,
        "sheet": sheet.to_dict(explanations=True),
        "total": total,
        "vetoed": bool(sheet.ranking_vetoes),
        "blocked": bool(sheet.blocked_by),
        "computed_at": timezone.now(),
    }
    if row is None:
        row = ScoreSheet.objects.create(
            cycle=cycle, unit=unit, stage=stage, source=source, **values
        )
    else:
        for name, value in values.items():
            setattr(row, name, value)
        row.save()
    after = brief(total, method.number)
    if before != after:
        audit(actor=by, action="score", obj=row, before=before, after=after, reason=reason)
    return row


def score_self(sheet: ResultSheet, *, by: User | None, reason: str = "") -> ScoreSheet:
    method = sheet.cycle.method
    engine_sheet = _score(
        method, sheet.unit, sheet.values, sheet.remarks, "self", sheet.unit.short_name
    )
    inputs = {
        "values": sheet.values,
        "remarks": sheet.remarks,
        "targets": method.targets.get(sheet.unit.code, {}),
    }
    return store_score(
        sheet.cycle, sheet.unit, ScoreSheet.Stage.SELF, "", method, inputs, engine_sheet, by, reason
    )


def score_inspection(inspection: Inspection, *, by: User | None, reason: str = "") -> ScoreSheet:
    method = inspection.cycle.method
    engine_sheet = _score(
        method,
        inspection.unit,
        inspection.values,
        inspection.remarks,
        "inspection",
        inspection.team.name,
    )
    inputs = {
        "values": inspection.values,
        "remarks": inspection.remarks,
        "targets": method.targets.get(inspection.unit.code, {}),
    }
    return store_score(
        inspection.cycle,
        inspection.unit,
        ScoreSheet.Stage.INSPECTION,
        inspection.team.name,
        method,
        inputs,
        engine_sheet,
        by,
        reason,
    )


def clean_inspection(inspection: Inspection, values: dict[str, Any], remarks: dict[str, str]):
    """As for results, plus: every value the team changes from the unit's report needs a remark."""
    method = inspection.cycle.method
    cleaned, remarks = clean_results(method, inspection.unit, values, remarks)
    reported = (
        ResultSheet.objects.filter(cycle=inspection.cycle, unit=inspection.unit)
        .values_list("values", flat=True)
        .first()
        or {}
    )
    names = criterion_names(method)
    errors = {
        code: f"{names[code]}: đã điều chỉnh so với số liệu đơn vị báo cáo ({display_value(reported.get(code))}) "
        "— phải ghi nhận xét."
        for code, value in cleaned.items()
        if not same_value(reported.get(code), value) and not remarks.get(code)
    }
    if errors:
        raise ValidationError(errors)
    return cleaned, remarks
