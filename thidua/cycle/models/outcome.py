"""Ranking, award proposals and their approval (the honouring vote is in vote.py)."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from thidua.audit.log import record as audit
from thidua.audit.log import snapshot
from thidua.cycle import workflow
from thidua.cycle.models.cycle import Cycle, MethodVersion
from thidua.engine.text import normalize
from thidua.lib.workflow import WorkflowError, save_versioned
from thidua.org.models import Unit, User


def readable_units(text: str, names: dict[str, str]) -> str:
    """The engine names units by code ("yen-bai"); people read their names ("Yên Bái")."""
    if not text or not names:
        return text
    codes = sorted(names, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, codes)) + r")(?![\w-])")
    return pattern.sub(lambda m: names[m.group(1)], text)


class Ranking(models.Model):
    """Step 8: one computation of the consolidated scores and ranking (the latest is in force)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="rankings")
    method = models.ForeignKey(MethodVersion, on_delete=models.PROTECT, related_name="+")
    computed_at = models.DateTimeField(default=timezone.now)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    data = models.JSONField("xếp hạng (đầy đủ)", default=dict)
    allocation = models.JSONField("phân bổ khen thưởng theo quy chế", default=dict, blank=True)
    robustness_samples = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "bảng xếp hạng"
        verbose_name_plural = "bảng xếp hạng"
        get_latest_by = "computed_at"
        ordering = ["-computed_at", "-pk"]

    def __str__(self) -> str:
        return f"Xếp hạng {self.cycle} ({self.computed_at:%d/%m/%Y %H:%M})"

    # -- reading (one query for the entries, whatever the number of units) -------------------------

    def rows(self) -> list[RankingEntry]:
        """Every entry in display order, each with `tied`, `kind` and readable `reasons`/`note`."""
        cached = getattr(self, "_rows", None)
        if cached is not None:
            return cached
        rows = list(self.entries.select_related("unit").order_by("position"))
        self._rows = rows
        names = self.unit_names()
        ranked = {e["unit"]: e for e in self.data.get("entries", [])}
        excluded = {x["unit"]: x for x in self.data.get("excluded", [])}
        for row in rows:
            code = row.unit.code
            row.tied = bool(ranked.get(code, {}).get("tied"))
            row.kind = excluded.get(code, {}).get("kind", "veto" if row.vetoed else "")
            row.reasons = [
                readable_units(r, names)
                for r in excluded.get(code, {}).get("reasons", [row.note] if row.vetoed else [])
            ]
            row.readable_note = readable_units(row.note, names)
        return rows

    def unit_names(self) -> dict[str, str]:
        return {e.unit.code: e.unit.short_name for e in getattr(self, "_rows", None) or self.rows()}

    @property
    def ranked(self) -> list[RankingEntry]:
        return [e for e in self.rows() if not e.vetoed]

    @property
    def excluded(self) -> list[RankingEntry]:
        return [e for e in self.rows() if e.vetoed]

    def readable(self, text: str) -> str:
        return readable_units(text, self.unit_names())

    def tie_break_labels(self) -> list[str]:
        """The scale's tie-break order in words, e.g. điểm nhóm “Đấu tranh phòng, chống tội phạm”."""
        from thidua.cycle.scales import scale_of

        scale = scale_of(self.method)
        groups = {g.code: g.name for g in scale.groups}
        criteria = {c.code: c.name for c in scale.criteria}
        labels = []
        for item in self.data.get("tie_breaks", []):
            by, _, code = item.partition(":")
            if by == "group":
                labels.append(f"điểm nhóm “{groups.get(code, code)}”")
            elif by == "criterion":
                labels.append(f"điểm tiêu chí “{criteria.get(code, code)}”")
            elif by == "criteria_at_max":
                labels.append("số tiêu chí đạt điểm tối đa")
            elif by == "fewer_deductions":
                labels.append("ít điểm trừ hơn")
            else:
                labels.append(item)
        return labels

    def discrepancies(self) -> list[dict[str, Any]]:
        """Criteria where the self-assessment and the inspections differ beyond the threshold."""
        names = self.unit_names()
        return [
            {
                **d,
                "unit_name": names.get(d["unit"], d["unit"]),
                "reason": readable_units(d["reason"], names),
            }
            for d in self.data.get("discrepancies", [])
        ]

    @property
    def robustness_model(self) -> dict[str, Any] | None:
        """How the robustness band was measured (samples, jitter), without the per-unit rows."""
        report = self.data.get("robustness")
        if not report:
            return None
        return {k: v for k, v in report.items() if k != "units"}

    def decisions(self) -> list[dict[str, Any]]:
        """The engine's award decisions (granted or refused), each with its reason in words."""
        names = self.unit_names()
        return [
            {
                **d,
                "unit_name": names.get(d["unit"], d["unit"]),
                "reason": readable_units(d["reason"], names),
            }
            for d in (self.allocation or {}).get("decisions", [])
        ]

    def refusals(self) -> list[dict[str, Any]]:
        """Every award the rules refused a unit, with the reason (granted is false)."""
        return [d for d in self.decisions() if not d["granted"]]


class RankingEntry(models.Model):
    ranking = models.ForeignKey(Ranking, on_delete=models.CASCADE, related_name="entries")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField("thứ tự hiển thị")
    rank = models.PositiveSmallIntegerField("hạng", null=True, blank=True)
    total = models.DecimalField("tổng điểm", max_digits=9, decimal_places=3, null=True)
    vetoed = models.BooleanField("bị loại (điểm liệt)", default=False)
    note = models.TextField("ghi chú", blank=True)
    median_rank = models.FloatField(null=True, blank=True)
    rank_p5 = models.FloatField(null=True, blank=True)
    rank_p95 = models.FloatField(null=True, blank=True)
    p_first = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = "dòng xếp hạng"
        verbose_name_plural = "dòng xếp hạng"
        ordering = ["ranking", "position"]
        constraints = [
            models.UniqueConstraint(fields=["ranking", "unit"], name="ranking_entry_unique")
        ]

    def __str__(self) -> str:
        return f"{self.rank or '—'}. {self.unit.short_name}"


class Proposal(models.Model):
    """Steps 10–11: an award proposed for a unit, adjusted only within the rules, decided by the Ministry."""

    class Origin(models.TextChoices):
        ENGINE = "engine", "Theo quy chế (tự động)"
        ADJUSTED = "adjusted", "Thường trực Cụm điều chỉnh"
        # Proposals outside the cluster's ranking (review.py): a unit's individual titles, and
        # state or Government awards proposed with their dossier.
        UNIT = "unit", "Đơn vị đề nghị cá nhân"
        OUTSIDE = "outside", "Đề nghị ngoài xếp hạng của Cụm"

    class State(models.TextChoices):
        DRAFT = "draft", "Dự kiến"
        SUBMITTED = "submitted", "Đã trình Bộ"
        APPROVED = "approved", "Bộ phê duyệt"
        RETURNED = "returned", "Bộ trả lại"
        REJECTED = "rejected", "Bộ không phê duyệt"
        WITHDRAWN = "withdrawn", "Đã rút"

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="proposals")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "honours.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dossier = models.TextField("tóm tắt thành tích, hồ sơ đề nghị", blank=True)
    award_code = models.CharField("mã hình thức", max_length=40)
    award_name = models.CharField("hình thức khen thưởng", max_length=200)
    rank = models.PositiveSmallIntegerField("hạng", null=True, blank=True)
    total = models.DecimalField("tổng điểm", max_digits=9, decimal_places=3, null=True)
    basis = models.TextField("căn cứ đề nghị")
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.ENGINE)
    adjustment_reason = models.TextField("lý do điều chỉnh", blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    decision_reason = models.TextField("ý kiến của Bộ", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # The line of the Ministry's decision that confers it (thidua/cycle/outcome/decisions.py): set when
    # the draft is built from the approved proposals; the approval is recorded by its signature.
    decision_line = models.ForeignKey(
        "honours.DecisionLine",
        verbose_name="dòng quyết định khen thưởng",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "đề nghị khen thưởng"
        verbose_name_plural = "đề nghị khen thưởng"
        ordering = ["cycle", "rank", "pk"]

    def __str__(self) -> str:
        if self.person_id:
            return f"{self.award_name} — {self.person.full_name} ({self.unit.short_name})"
        return f"{self.award_name} — {self.unit.short_name}"

    @property
    def live(self) -> bool:
        return self.state not in (self.State.WITHDRAWN, self.State.REJECTED)

    @property
    def badge(self) -> str:
        """The CSS badge of the state (design system vocabulary)."""
        return {
            self.State.DRAFT: "badge--draft",
            self.State.SUBMITTED: "badge--submitted",
            self.State.APPROVED: "badge--approved",
            self.State.RETURNED: "badge--returned",
            self.State.REJECTED: "badge--rejected",
            self.State.WITHDRAWN: "badge--locked",
        }[self.state]

    @property
    def pending(self) -> bool:
        """Still waiting for a step before the year can close (not decided for good)."""
        return self.state in (self.State.DRAFT, self.State.SUBMITTED, self.State.RETURNED)

    @transaction.atomic
    def withdraw(self, *, by: User, reason: str, expected_version: int | None = None) -> None:
        """Step 10: the secretariat withdraws a draft or returned proposal, with a reason."""
        self.cycle.require_step(workflow.WITHDRAW_PROPOSAL, by)
        if self.state not in (self.State.DRAFT, self.State.RETURNED):
            raise WorkflowError("Chỉ rút được đề nghị đang dự kiến hoặc bị Bộ trả lại.")
        reason = normalize(reason)
        if not reason:
            raise ValidationError({"reason": "Phải nêu lý do rút đề nghị."})
        before = snapshot(self, ["state"])
        self.state, self.adjustment_reason = self.State.WITHDRAWN, reason
        save_versioned(self, ["state", "adjustment_reason"], expected_version, "đề nghị")
        audit(
            actor=by,
            action="withdraw",
            obj=self,
            before=before,
            after=snapshot(self, ["state"]),
            reason=reason,
        )

    @transaction.atomic
    def decide(
        self, *, by: User, decision: str, reason: str = "", expected_version: int | None = None
    ) -> None:
        """Step 11: the Ministry approves, returns (with a reason) or rejects (with a reason)."""
        self.cycle.require_step(workflow.DECIDE, by)
        if self.state != self.State.SUBMITTED:
            raise WorkflowError("Chỉ xét duyệt được đề nghị đã trình Bộ.")
        targets = {
            "approve": self.State.APPROVED,
            "return": self.State.RETURNED,
            "reject": self.State.REJECTED,
        }
        if decision not in targets:
            raise ValidationError({"decision": "Chọn phê duyệt, trả lại hoặc không phê duyệt."})
        reason = normalize(reason)
        if decision != "approve" and not reason:
            raise ValidationError({"reason": "Trả lại hoặc không phê duyệt thì phải nêu lý do."})
        before = snapshot(self, ["state", "decision_reason"])
        self.state, self.decision_reason = targets[decision], reason
        self.decided_by, self.decided_at = by, timezone.now()
        save_versioned(
            self,
            ["state", "decision_reason", "decided_by", "decided_at"],
            expected_version,
            "đề nghị",
        )
        audit(
            actor=by,
            action=decision,
            obj=self,
            before=before,
            after=snapshot(self, ["state", "decision_reason"]),
            reason=reason,
        )
