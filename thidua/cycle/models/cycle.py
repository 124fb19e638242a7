"""The cycle (one emulation year of one cluster) and its method: scale, targets, award rules.

The method is versioned: before scoring starts the secretariat edits it freely (every change
audited); once scoring has started it is locked, and a change is a new version with a reason, after
which the step that made it (thidua.cycle.scoring.set_method) recomputes every sheet from its stored
inputs.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from thidua.audit.log import record as audit
from thidua.audit.log import snapshot
from thidua.cycle import gates, workflow
from thidua.cycle.workflow import Action, Stage
from thidua.engine.awards import validate_award_rules
from thidua.engine.scale import parse_scale, validate_scale
from thidua.engine.text import normalize
from thidua.lib.workflow import WorkflowError
from thidua.org.models import Cluster, Unit, User


class Cycle(models.Model):
    Stage = Stage  # the year's stages and what each needs: thidua.cycle.workflow

    ORDER = list(Stage)

    cluster = models.OneToOneField(Cluster, on_delete=models.PROTECT, related_name="cycle")
    stage = models.CharField(
        "giai đoạn", max_length=16, choices=Stage.choices, default=Stage.PLANNING
    )
    opened_at = models.DateTimeField("mở năm thi đua lúc", default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    method_locked_at = models.DateTimeField("khóa phương pháp chấm lúc", null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    demo_note = models.CharField(
        "ghi chú dữ liệu",
        max_length=300,
        blank=True,
        help_text="Ví dụ: “Dữ liệu minh họa” cho số liệu tạo ra để trình diễn.",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "năm thi đua của cụm"
        verbose_name_plural = "năm thi đua của cụm"

    def __str__(self) -> str:
        return str(self.cluster)

    # -- reading ---------------------------------------------------------------------------------

    @property
    def year(self) -> int:
        return self.cluster.year

    @property
    def method(self) -> MethodVersion | None:
        """The method in force: the latest version."""
        cached = getattr(self, "_method", None)
        if cached is None:
            cached = self.methods.order_by("-number").first()
            self._method = cached
        return cached

    @property
    def method_locked(self) -> bool:
        return self.method_locked_at is not None

    def page_url(self, name: str, *args: Any) -> str:
        """The address of one of the year's pages (`name` is its URL name)."""
        return reverse(name, args=[self.cluster.year, self.cluster.number, *args])

    def members(self) -> list[Unit]:
        return [m.unit for m in self.cluster.members()]

    def member_ids(self) -> set[int]:
        return {m.unit_id for m in self.cluster.memberships.all()}

    def stage_index(self, stage: str | None = None) -> int:
        return self.ORDER.index(Cycle.Stage(stage or self.stage))

    def at_least(self, stage: str) -> bool:
        return self.stage_index() >= self.stage_index(stage)

    # -- checks ----------------------------------------------------------------------------------

    def require_secretariat(self, user: User) -> None:
        if not user.is_secretariat_of(self.cluster):
            raise PermissionDenied(
                "Chỉ Thường trực Cụm (đơn vị Cụm trưởng) được thực hiện thao tác này."
            )

    def require_stage(self, *stages: str, action: str) -> None:
        workflow.require_stage(self, stages, action)

    def require_step(self, action: Action, by: User, **matter) -> None:
        """Who may take this step and at which stages, from the year's table (403, then 409)."""
        action.require(by, self, **matter)

    def require_member(self, unit: Unit | None) -> None:
        if unit is None or unit.pk not in self.member_ids():
            raise PermissionDenied("Đơn vị của bạn không phải thành viên của cụm thi đua này.")

    # -- steps -----------------------------------------------------------------------------------

    @classmethod
    @transaction.atomic
    def open(cls, cluster: Cluster, *, by: User, demo_note: str = "") -> Cycle:
        """Step 1: the secretariat opens the year for its cluster."""
        if not by.is_secretariat_of(cluster):
            raise PermissionDenied(workflow.OPEN.refusal)
        if cls.objects.filter(cluster=cluster).exists():
            raise WorkflowError(f"{cluster} đã được mở.")
        if cluster.leader is None:
            raise WorkflowError("Cụm chưa có đơn vị Cụm trưởng: chưa thể mở năm thi đua.")
        cycle = cls.objects.create(cluster=cluster, opened_by=by, demo_note=demo_note)
        audit(actor=by, action="open", obj=cycle, after=snapshot(cycle))
        return cycle

    @transaction.atomic
    def store_method(
        self,
        *,
        by: User,
        scale: dict[str, Any] | None = None,
        award_rules: dict[str, Any] | None = None,
        targets: dict[str, dict[str, Any]] | None = None,
        operating_rules: str | None = None,
        vote_quorum: str | None = None,
        vote_threshold: str | None = None,
        reason: str = "",
    ) -> MethodVersion:
        """Store the method adopted or changed. Locked after scoring starts: then a new version with
        a reason. Only stores: the step that changes the method (thidua.cycle.scoring.set_method)
        rescores the year when a new version was made (DESIGN.md §4.7)."""
        workflow.CHANGE_METHOD.require_actor(by, self)
        if self.stage == Cycle.Stage.CLOSED:
            raise WorkflowError("Năm thi đua đã kết thúc: không thể thay đổi phương pháp chấm.")
        reason = normalize(reason)
        current = self.method
        values = {
            "scale": scale if scale is not None else (current.scale if current else {}),
            "award_rules": award_rules
            if award_rules is not None
            else (current.award_rules if current else {}),
            "targets": targets if targets is not None else (current.targets if current else {}),
            "operating_rules": normalize(operating_rules)
            if operating_rules is not None
            else (current.operating_rules if current else ""),
            "vote_quorum": vote_quorum
            or (current.vote_quorum if current else MethodVersion.DEFAULT_QUORUM),
            "vote_threshold": vote_threshold
            or (current.vote_threshold if current else MethodVersion.DEFAULT_THRESHOLD),
        }
        candidate = MethodVersion(cycle=self, **values)
        candidate.validate(members={u.code for u in self.members()})
        if current is not None and self.method_locked:
            if not reason:
                raise ValidationError(
                    {
                        "reason": "Phương pháp chấm đã khóa (đã bắt đầu chấm điểm): phải nêu lý do thay đổi."
                    }
                )
            candidate.number = current.number + 1
            candidate.reason, candidate.created_by = reason, by
            candidate.save()
            audit(
                actor=by,
                action="new_version",
                obj=candidate,
                before=current.summary(),
                after=candidate.summary(),
                reason=reason,
            )
            self._method = candidate
            return candidate
        if current is None:
            candidate.number, candidate.created_by, candidate.reason = 1, by, reason
            candidate.save()
            audit(actor=by, action="create", obj=candidate, after=candidate.summary())
            self._method = candidate
            return candidate
        before = current.summary()
        for name, value in values.items():
            setattr(current, name, value)
        current.reason = reason or current.reason
        current.save()
        audit(
            actor=by,
            action="update",
            obj=current,
            before=before,
            after=current.summary(),
            reason=reason,
        )
        return current

    def lock_method(self, *, by: User | None) -> None:
        if self.method_locked_at is None:
            self.method_locked_at = timezone.now()
            self.save(update_fields=["method_locked_at"])
            audit(
                actor=by,
                action="lock_method",
                obj=self,
                after={"method_locked_at": self.method_locked_at.isoformat()},
            )

    @transaction.atomic
    def advance(self, to: str, *, by: User) -> None:
        """Move to the next stage, checking what that stage needs (thidua.cycle.gates.STAGES)."""
        workflow.ADVANCE.require_actor(by, self)
        to = Cycle.Stage(to)
        if self.stage_index(to) != self.stage_index() + 1:
            raise WorkflowError(
                f"Chỉ chuyển được sang giai đoạn kế tiếp (đang ở “{self.get_stage_display()}”)."
            )
        problems = gates.problems_before(self, to)
        if problems:
            raise WorkflowError("Chưa thể chuyển sang “" + to.label + "”: " + " ".join(problems))
        before = snapshot(self, ["stage"])
        self.stage = to
        if to == Cycle.Stage.INSPECTION:
            self.lock_method(by=by)
        self.save(update_fields=["stage"])
        audit(actor=by, action="advance", obj=self, before=before, after=snapshot(self, ["stage"]))
        gates.on_enter(self, to, by=by)


class MethodVersion(models.Model):
    """The cluster's method for the year: scale (with tie-breaks), targets, award rules, vote rules."""

    DEFAULT_QUORUM = "2/3"  # at least this share of members present (voting)
    DEFAULT_THRESHOLD = "1/2"  # strictly more than this share of ALL members in favour

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="methods")
    number = models.PositiveIntegerField("phiên bản")
    scale = models.JSONField("thang điểm", default=dict)
    award_rules = models.JSONField("quy chế khen thưởng", default=dict)
    targets = models.JSONField("chỉ tiêu riêng từng đơn vị", default=dict, blank=True)
    operating_rules = models.TextField("quy chế hoạt động của Cụm", blank=True)
    vote_quorum = models.CharField(
        "tỷ lệ có mặt tối thiểu khi suy tôn", max_length=8, default=DEFAULT_QUORUM
    )
    vote_threshold = models.CharField(
        "tỷ lệ tán thành (trên tổng số thành viên) phải vượt",
        max_length=8,
        default=DEFAULT_THRESHOLD,
    )
    reason = models.TextField("lý do", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "phương pháp chấm điểm"
        verbose_name_plural = "phương pháp chấm điểm"
        constraints = [
            models.UniqueConstraint(fields=["cycle", "number"], name="method_version_unique")
        ]
        ordering = ["cycle", "number"]

    def __str__(self) -> str:
        return f"Phương pháp chấm {self.cycle} — phiên bản {self.number}"

    @staticmethod
    def parse_fraction(value: str, field: str) -> Fraction:
        try:
            fraction = Fraction(value.replace(",", ".").strip())
        except (ValueError, ZeroDivisionError):
            raise ValidationError(
                {field: f"“{value}” không phải một tỷ lệ (ví dụ: 2/3 hoặc 0,5)."}
            ) from None
        if not 0 < fraction <= 1:
            raise ValidationError({field: "Tỷ lệ phải lớn hơn 0 và không quá 1."})
        return fraction

    @property
    def quorum(self) -> Fraction:
        return self.parse_fraction(self.vote_quorum, "vote_quorum")

    @property
    def threshold(self) -> Fraction:
        return self.parse_fraction(self.vote_threshold, "vote_threshold")

    def parsed_scale(self):
        return parse_scale(self.scale)

    def validate(self, *, members: set[str]) -> None:
        """Every problem at once, each with its path, in Vietnamese."""
        errors: dict[str, list[str]] = {}
        if self.scale:
            problems = validate_scale(self.scale)
            if problems:
                errors["scale"] = [str(p) for p in problems]
        if self.award_rules:
            problems = validate_award_rules(self.award_rules)
            if problems:
                errors["award_rules"] = [str(p) for p in problems]
        if self.targets:
            if not isinstance(self.targets, dict):
                errors["targets"] = ["Chỉ tiêu phải là bảng {mã đơn vị: {mã tiêu chí: giá trị}}."]
            else:
                unknown = sorted(set(self.targets) - members)
                if unknown:
                    errors["targets"] = [
                        f"targets.{code}: không phải đơn vị thành viên của Cụm." for code in unknown
                    ]
                codes = self._criterion_codes() if self.scale and "scale" not in errors else None
                for unit_code, row in self.targets.items():
                    if not isinstance(row, dict):
                        errors.setdefault("targets", []).append(
                            f"targets.{unit_code}: phải là bảng {{mã tiêu chí: giá trị}}."
                        )
                        continue
                    for code in row:
                        if codes is not None and code not in codes:
                            errors.setdefault("targets", []).append(
                                f"targets.{unit_code}.{code}: thang điểm không có tiêu chí này."
                            )
        for field in ("vote_quorum", "vote_threshold"):
            try:
                self.parse_fraction(getattr(self, field), field)
            except ValidationError as exc:
                errors.setdefault(field, []).extend(exc.message_dict[field])
        if errors:
            raise ValidationError(errors)

    def _criterion_codes(self) -> set[str]:
        scale = parse_scale(self.scale)
        return {criterion.code for group in scale.groups for criterion in group.criteria}

    def summary(self) -> dict[str, Any]:
        """What the audit keeps of a version: fingerprints, not the whole documents twice."""
        from thidua.engine.scale import fingerprint

        return {
            "number": self.number,
            "scale": fingerprint(self.scale) if self.scale else None,
            "scale_version": self.scale.get("version") if self.scale else None,
            "award_rules": fingerprint(self.award_rules) if self.award_rules else None,
            "targets": fingerprint(self.targets) if self.targets else None,
            "operating_rules_chars": len(self.operating_rules),
            "vote_quorum": self.vote_quorum,
            "vote_threshold": self.vote_threshold,
        }


def _close(
    self: Cycle, *, by: User, next_leader: Unit, next_deputy: Unit, reason: str = ""
) -> None:
    """Step 12: record next year's leader and deputy (rotation rule), then close the year."""
    with transaction.atomic():
        self.require_step(workflow.HAND_OVER, by)
        self.cluster.record_handover(
            next_leader=next_leader, next_deputy=next_deputy, by=by, reason=reason
        )
        self.advance(Cycle.Stage.CLOSED, by=by)
        self.closed_at = timezone.now()
        self.save(update_fields=["closed_at"])


Cycle.close = _close
