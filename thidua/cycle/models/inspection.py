"""Cross-inspection (kiểm tra chéo): teams of other members score each unit; disputes are resolved."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from thidua.audit.log import record as audit
from thidua.audit.log import snapshot
from thidua.cycle import workflow
from thidua.cycle.models.cycle import Cycle
from thidua.engine.text import normalize, person_sort_key
from thidua.lib.workflow import WorkflowError, save_versioned
from thidua.org.models import Unit, User


def officer_order(user: User) -> tuple:
    """Officers by unit (Vietnamese order), then as a list of people: given name, middle name(s),
    family name (engine/text.person_sort_key, as for every list of people)."""
    return (user.unit.sort_key if user.unit else "", person_sort_key(user.display_name))


class InspectionTeam(models.Model):
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField("tên đoàn", max_length=200)
    leader_unit = models.ForeignKey(
        Unit, verbose_name="đơn vị trưởng đoàn", on_delete=models.PROTECT, related_name="+"
    )
    member_units = models.ManyToManyField(
        Unit, verbose_name="đơn vị thành viên đoàn", related_name="+", blank=True
    )
    inspected_units = models.ManyToManyField(
        Unit, verbose_name="đơn vị được kiểm tra", related_name="+"
    )
    # The officers who inspect (people, not units): each fills the team's inspections.
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="cán bộ thành viên đoàn",
        related_name="inspection_teams",
        blank=True,
    )

    class Meta:
        verbose_name = "đoàn kiểm tra chéo"
        verbose_name_plural = "đoàn kiểm tra chéo"
        ordering = ["cycle", "pk"]

    def __str__(self) -> str:
        return self.name

    def inspector_unit_ids(self) -> set[int]:
        return {self.leader_unit_id, *(u.pk for u in self.member_units.all())}

    def officers(self) -> list[User]:
        """The officers named on the team in the order every list of them follows (page, Excel,
        API, form): `officer_order`."""
        return sorted(self.members.all(), key=officer_order)

    def member_ids(self) -> set[int]:
        """The officers named on the team (cached on the instance: one query)."""
        if not hasattr(self, "_member_ids"):
            self._member_ids = {u.pk for u in self.members.all()}
        return self._member_ids

    @classmethod
    def _errors(
        cls,
        cycle: Cycle,
        *,
        name: str,
        leader_unit: Unit,
        member_units: list[Unit],
        inspected_units: list[Unit],
        members: list[User],
        team: InspectionTeam | None = None,
    ) -> dict[str, list[str]]:
        """What is wrong with a team's composition (empty: nothing), by field."""
        from thidua.cycle.impartiality import concerns

        cluster_members = cycle.member_ids()
        errors: dict[str, list[str]] = {}
        inspectors = {leader_unit.pk, *(u.pk for u in member_units)}
        outsiders = [
            u.name
            for u in [leader_unit, *member_units, *inspected_units]
            if u.pk not in cluster_members
        ]
        if outsiders:
            errors["member_units"] = [
                f"{n} không phải thành viên của Cụm." for n in dict.fromkeys(outsiders)
            ]
        own = [u.name for u in inspected_units if u.pk in inspectors]
        if own:
            errors["inspected_units"] = [f"{n} không được tự kiểm tra chính mình." for n in own]
        if not inspected_units:
            errors["inspected_units"] = ["Chọn ít nhất một đơn vị được kiểm tra."]
        others = cls.objects.filter(cycle=cycle, inspected_units__in=inspected_units)
        if team is not None:
            others = others.exclude(pk=team.pk)
        taken = set(others.values_list("inspected_units__name", flat=True)) & {
            u.name for u in inspected_units
        }
        if taken:
            errors.setdefault("inspected_units", []).extend(
                f"{n} đã có đoàn kiểm tra." for n in sorted(taken)
            )
        people: list[str] = []
        for user in members:
            who = user.display_name
            if (
                not user.is_active
                or user.unit_id not in cluster_members
                or user.role not in MEMBER_ROLES
            ):
                people.append(f"{who} không phải cán bộ của đơn vị thành viên Cụm.")
                continue
            mine = [u.short_name for u in inspected_units if concerns(user, u)]
            if mine:
                people.append(
                    f"{who} là cán bộ của {mine[0]}: không ai kiểm tra chính đơn vị mình."
                )
        if people:
            errors["members"] = people
        if not normalize(name):
            errors["name"] = ["Đặt tên đoàn, ví dụ “Đoàn kiểm tra số 1”."]
        return errors

    def _after(self) -> dict[str, Any]:
        return {
            **snapshot(self),
            "member_units": sorted(u.code for u in self.member_units.all()),
            "inspected_units": sorted(u.code for u in self.inspected_units.all()),
            "members": sorted(u.username for u in self.members.all()),
        }

    @classmethod
    @transaction.atomic
    def form(
        cls,
        cycle: Cycle,
        *,
        by: User,
        name: str,
        leader_unit: Unit,
        member_units: list[Unit],
        inspected_units: list[Unit],
        members: list[User] | None = None,
    ) -> InspectionTeam:
        """Step 7: the secretariat forms a team of other members and names its officers; no unit
        (and no officer) inspects itself."""
        cycle.require_step(workflow.FORM_TEAM, by)
        members = list(members or [])
        errors = cls._errors(
            cycle,
            name=name,
            leader_unit=leader_unit,
            member_units=member_units,
            inspected_units=inspected_units,
            members=members,
        )
        if errors:
            raise ValidationError(errors)
        team = cls.objects.create(cycle=cycle, name=normalize(name), leader_unit=leader_unit)
        team.member_units.set(member_units)
        team.inspected_units.set(inspected_units)
        team.members.set(members)
        audit(actor=by, action="create", obj=team, after=team._after())
        for unit in inspected_units:
            Inspection.objects.create(cycle=cycle, team=team, unit=unit)
        return team

    @transaction.atomic
    def edit(
        self,
        *,
        by: User,
        name: str,
        leader_unit: Unit,
        member_units: list[Unit],
        inspected_units: list[Unit],
        members: list[User],
    ) -> None:
        """The secretariat changes the team (units, officers) until the inspection stage starts;
        the inspections follow the inspected units (none has been scored before that stage)."""
        cycle = self.cycle
        workflow.EDIT_TEAM.require(by, cycle)
        errors = self._errors(
            cycle,
            name=name,
            leader_unit=leader_unit,
            member_units=member_units,
            inspected_units=inspected_units,
            members=members,
            team=self,
        )
        if errors:
            raise ValidationError(errors)
        before = self._after()
        self.name, self.leader_unit = normalize(name), leader_unit
        self.save(update_fields=["name", "leader_unit"])
        self.member_units.set(member_units)
        self.inspected_units.set(inspected_units)
        self.members.set(members)
        self.__dict__.pop("_member_ids", None)
        keep = {u.pk for u in inspected_units}
        self.inspections.exclude(unit_id__in=keep).delete()
        existing = set(self.inspections.values_list("unit_id", flat=True))
        for unit in inspected_units:
            if unit.pk not in existing:
                Inspection.objects.create(cycle=cycle, team=self, unit=unit)
        audit(actor=by, action="update", obj=self, before=before, after=self._after())

    @transaction.atomic
    def dissolve(self, *, by: User) -> None:
        """The secretariat dissolves the team (and its unscored inspections) before the
        inspection stage starts."""
        workflow.DISSOLVE_TEAM.require(by, self.cycle)
        before = self._after()
        audit(actor=by, action="delete", obj=self, before=before)
        self.inspections.all().delete()
        self.delete()


# Who may be named on a team: the officers of member units (not read-only accounts).
MEMBER_ROLES = (User.Role.UNIT_OFFICER, User.Role.INSPECTOR, User.Role.SECRETARIAT)


class InspectionQuerySet(models.QuerySet["Inspection"]):
    def filter_by_inspector_unit(self, unit_id: int) -> InspectionQuerySet:
        """Inspections of the teams this unit leads or sits on."""
        return self.filter(
            models.Q(team__leader_unit_id=unit_id) | models.Q(team__member_units__id=unit_id)
        ).distinct()

    def for_inspector(self, user: User) -> InspectionQuerySet:
        """Inspections this user inspects: of the teams naming them, and (an inspector account)
        of the teams their unit leads or sits on."""
        mine = models.Q(team__members=user)
        if user.role == User.Role.INSPECTOR and user.unit_id:
            mine |= models.Q(team__leader_unit_id=user.unit_id)
            mine |= models.Q(team__member_units__id=user.unit_id)
        return self.filter(mine).distinct()


class Inspection(models.Model):
    """One team's scoring of one unit: verified values, judged points, remarks for every change."""

    class State(models.TextChoices):
        DRAFT = "draft", "Đang chấm"
        SUBMITTED = "submitted", "Đã gửi kết quả"

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="inspections")
    team = models.ForeignKey(InspectionTeam, on_delete=models.CASCADE, related_name="inspections")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    values = models.JSONField("số liệu sau kiểm tra", default=dict, blank=True)
    remarks = models.JSONField("nhận xét", default=dict, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = "kết quả kiểm tra chéo"
        verbose_name_plural = "kết quả kiểm tra chéo"
        constraints = [models.UniqueConstraint(fields=["team", "unit"], name="inspection_unique")]

    def __str__(self) -> str:
        return f"{self.team.name} kiểm tra {self.unit.short_name}"

    def is_inspector(self, user: User) -> bool:
        """Named on the team, or an inspector account of a unit the team is made of."""
        if user.pk is not None and user.pk in self.team.member_ids():
            return True
        return user.role == User.Role.INSPECTOR and user.unit_id in self.team.inspector_unit_ids()

    def may_score(self, user: User) -> bool:
        """An inspector of the assigned team, or whoever decides the cluster's matters about this
        unit (the secretariat, which may enter a team's sheet; the deputy unit or the Ministry
        when the inspected unit is the leader's) — never anyone of the inspected unit itself."""
        return workflow.SCORE.permits(
            user, self.cycle, unit=self.unit, inspects=self.is_inspector(user)
        )

    def require_scorer(self, by: User) -> None:
        workflow.SCORE.require_actor(by, self.cycle, unit=self.unit, inspects=self.is_inspector(by))

    def require_editable(self, *, by: User) -> None:
        """What every change needs: an assigned inspector (or the secretariat), the inspection
        stage, and results not yet submitted."""
        self.require_scorer(by)
        workflow.SCORE.require_stage(self.cycle)
        if self.state != self.State.DRAFT:
            raise WorkflowError("Kết quả kiểm tra đã gửi: không thể sửa.")

    @transaction.atomic
    def save_scores(
        self,
        *,
        by: User,
        values: dict[str, Any],
        remarks: dict[str, str],
        expected_version: int | None = None,
    ) -> None:
        self.require_editable(by=by)
        from thidua.cycle.models.results import clean_inspection

        cleaned, cleaned_remarks = clean_inspection(self, values, remarks)
        before = snapshot(self, ["values", "remarks"])
        self.values, self.remarks = cleaned, cleaned_remarks
        save_versioned(self, ["values", "remarks"], expected_version, "kết quả kiểm tra")
        audit(
            actor=by,
            action="update",
            obj=self,
            before=before,
            after=snapshot(self, ["values", "remarks"]),
        )

    @transaction.atomic
    def submit(self, *, by: User, expected_version: int | None = None):
        self.require_scorer(by)
        workflow.SUBMIT_INSPECTION.require_stage(self.cycle)
        if self.state != self.State.DRAFT:
            raise WorkflowError("Kết quả kiểm tra đã gửi.")
        from thidua.cycle.models.results import score_inspection

        self.state, self.submitted_at, self.submitted_by = self.State.SUBMITTED, timezone.now(), by
        save_versioned(
            self, ["state", "submitted_at", "submitted_by"], expected_version, "kết quả kiểm tra"
        )
        audit(
            actor=by,
            action="submit",
            obj=self,
            after=snapshot(self, ["state", "values", "remarks"]),
        )
        return score_inspection(self, by=by)

    @transaction.atomic
    def save_and_submit(
        self,
        *,
        by: User,
        values: dict[str, Any],
        remarks: dict[str, str],
        expected_version: int | None = None,
    ):
        """Save the form and submit it as one action (both or neither)."""
        self.save_scores(by=by, values=values, remarks=remarks, expected_version=expected_version)
        return self.submit(by=by, expected_version=self.version)

    def score_sheet(self):
        """The engine's scoring of this inspection (None until submitted)."""
        from thidua.cycle.models.results import ScoreSheet

        if self.state != self.State.SUBMITTED:
            return None
        return ScoreSheet.objects.filter(
            cycle_id=self.cycle_id,
            unit_id=self.unit_id,
            stage=ScoreSheet.Stage.INSPECTION,
            source=self.team.name,
        ).first()

    def discrepancies(self) -> list[dict[str, Any]]:
        """Criteria of this unit where the sheets differ beyond the scale's threshold.

        From the latest ranking once the year is ranked (every later change re-ranks); before
        that, reconciled now from the self-assessment and the submitted inspections (nothing is
        stored: a page view must not write a consolidated sheet).
        """
        if self.state != self.State.SUBMITTED:
            return []
        ranking = None
        if self.cycle.at_least(Cycle.Stage.RANKING):
            ranking = self.cycle.rankings.order_by("-computed_at", "-pk").first()
        if ranking is not None:
            return [
                d for d in ranking.data.get("discrepancies", []) if d.get("unit") == self.unit.code
            ]
        return [d.to_dict() for d in _reconcile_now(self.cycle, self.unit).flags]


def _reconcile_now(cycle: Cycle, unit: Unit):
    from decimal import Decimal

    from thidua.cycle.models.results import ResultSheet
    from thidua.cycle.scales import scale_of
    from thidua.engine.reconcile import reconcile
    from thidua.engine.scoring import score_unit

    method = cycle.method
    scale = scale_of(method)
    targets = method.targets.get(unit.code, {})

    def score(values: dict, remarks: dict, stage: str, source: str):
        typed = {k: v if isinstance(v, bool) else Decimal(v) for k, v in values.items()}
        return score_unit(
            scale, targets, typed, unit=unit.code, remarks=remarks, stage=stage, source=source
        )

    report = ResultSheet.objects.get(cycle=cycle, unit=unit)
    inspections = Inspection.objects.filter(
        cycle=cycle, unit=unit, state=Inspection.State.SUBMITTED
    ).select_related("team")
    return reconcile(
        score(report.values, report.remarks, "self", unit.short_name),
        [score(i.values, i.remarks, "inspection", i.team.name) for i in inspections],
    )


class Dispute(models.Model):
    """A unit contests a criterion's consolidated points; the secretariat decides with a reason."""

    class State(models.TextChoices):
        OPEN = "open", "Chờ giải quyết"
        ACCEPTED = "accepted", "Chấp nhận"
        REJECTED = "rejected", "Không chấp nhận"

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="disputes")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    criterion = models.CharField("tiêu chí", max_length=40)
    statement = models.TextField("nội dung khiếu nại")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    resolution = models.TextField("kết luận", blank=True)
    corrected_value = models.JSONField("giá trị sau khi giải quyết", null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "khiếu nại điểm"
        verbose_name_plural = "khiếu nại điểm"
        ordering = ["raised_at"]

    def __str__(self) -> str:
        return f"Khiếu nại của {self.unit.short_name} về {self.criterion}"

    @classmethod
    @transaction.atomic
    def raise_(
        cls, cycle: Cycle, *, by: User, unit: Unit, criterion: str, statement: str
    ) -> Dispute:
        cycle.require_member(unit)
        if by.unit_id != unit.pk:
            raise PermissionDenied(
                "Chỉ cán bộ của đơn vị được kiểm tra mới được khiếu nại điểm của đơn vị."
            )
        workflow.RAISE_DISPUTE.require_stage(cycle)
        from thidua.cycle.scales import criterion_names

        statement = normalize(statement)
        errors = {}
        if criterion not in criterion_names(cycle.method):
            errors["criterion"] = "Chọn một tiêu chí của thang điểm."
        if not statement:
            errors["statement"] = "Nêu nội dung khiếu nại."
        if errors:
            raise ValidationError(errors)
        dispute = cls.objects.create(
            cycle=cycle, unit=unit, criterion=criterion, statement=statement, raised_by=by
        )
        audit(actor=by, action="create", obj=dispute, after=snapshot(dispute))
        return dispute

    @transaction.atomic
    def record_resolution(
        self, *, by: User, accept: bool, resolution: str, corrected_value: Any = None
    ) -> None:
        """Record the secretariat's conclusion. Only records: the resolving step
        (thidua.cycle.scoring.resolve_dispute) applies an accepted dispute (DESIGN.md §4.7).

        Decided by the secretariat, or by the deputy unit or the Ministry when the dispute is the
        leader unit's own; never by anyone of the disputing unit."""
        self.require_resolver(by)
        workflow.RESOLVE_DISPUTE.require_stage(self.cycle)
        if self.state != self.State.OPEN:
            raise WorkflowError("Khiếu nại đã được giải quyết.")
        resolution = normalize(resolution)
        if not resolution:
            raise ValidationError({"resolution": "Phải nêu lý do kết luận."})
        if accept and corrected_value is None:
            raise ValidationError(
                {"corrected_value": "Chấp nhận khiếu nại thì phải nhập giá trị đúng."}
            )
        before = snapshot(self)
        self.state = self.State.ACCEPTED if accept else self.State.REJECTED
        self.resolution, self.resolved_by, self.resolved_at = resolution, by, timezone.now()
        self.corrected_value = corrected_value if accept else None
        # Conditional on the dispute still being open: of two concurrent resolutions, one wins.
        fields = ["state", "resolution", "resolved_by", "resolved_at", "corrected_value"]
        updated = Dispute.objects.filter(pk=self.pk, state=self.State.OPEN).update(
            **{name: getattr(self, name) for name in fields}
        )
        if updated != 1:
            raise WorkflowError("Khiếu nại đã được giải quyết.")
        audit(
            actor=by,
            action="resolve",
            obj=self,
            before=before,
            after=snapshot(self),
            reason=resolution,
        )

    def may_resolve(self, user: User) -> bool:
        return workflow.RESOLVE_DISPUTE.permits(user, self.cycle, unit=self.unit)

    def require_resolver(self, user: User) -> None:
        workflow.RESOLVE_DISPUTE.require_actor(user, self.cycle, unit=self.unit)

    @staticmethod
    def figures(cycle: Cycle, disputes: list[Dispute]) -> dict[int, dict[str, Any]]:
        """What the secretariat weighs for each dispute, on the disputed criterion: the unit's
        reported value and each team's verified value (submitted inspections), by dispute pk."""
        from thidua.cycle.models.results import ResultSheet

        units = {d.unit_id for d in disputes}
        reported = dict(
            ResultSheet.objects.filter(cycle=cycle, unit_id__in=units).values_list(
                "unit_id", "values"
            )
        )
        verified: dict[int, list[tuple[str, dict]]] = {}
        for inspection in Inspection.objects.filter(
            cycle=cycle, unit_id__in=units, state=Inspection.State.SUBMITTED
        ).select_related("team"):
            verified.setdefault(inspection.unit_id, []).append(
                (inspection.team.name, inspection.values)
            )
        return {
            d.pk: {
                "reported": reported.get(d.unit_id, {}).get(d.criterion),
                "verified": [(team, v.get(d.criterion)) for team, v in verified.get(d.unit_id, [])],
            }
            for d in disputes
        }
