"""Who may see and do what in a cluster's year: one helper per object type, for pages and API.

Out-of-scope objects are 404 (not revealed); in-scope but forbidden actions are 403.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache, cached_property

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404

from thidua.cycle import workflow
from thidua.cycle.impartiality import (
    OWN_UNIT_DRAFT,
    concerns,
    handover_sentence,
    may_decide_for,
)
from thidua.cycle.models import (
    Covenant,
    Cycle,
    Dispute,
    Drive,
    Evidence,
    Inspection,
    InspectionTeam,
    Proposal,
    Registration,
    ResultSheet,
)
from thidua.honours.models import by_name
from thidua.lib.plain_rows import RowShape, cache_prefetched, cache_related, hot_rows
from thidua.org.access import get_cluster_for_user, require
from thidua.org.models import Cluster, Membership, Movement, Unit, User
from thidua.org.year_keys import kind_of


@dataclass(frozen=True)
class CycleAccess:
    """What the signed-in user is to this cycle."""

    user: User
    cycle: Cycle
    is_secretariat: bool
    is_member: bool  # an officer of a member unit
    is_approver: bool
    national: bool
    # Units whose matters this user decides in place of the secretariat (the deputy unit's
    # secretariat account, for the leader unit: thidua.cycle.impartiality).
    decides_instead_ids: frozenset[int] = frozenset()

    @cached_property
    def inspected_unit_ids(self) -> frozenset[int]:
        """Units this user inspects: named on a team, or an inspector account of a team's unit
        (read on first use: the pages that never ask make no query for it)."""
        if not self.user.is_authenticated:
            return frozenset()
        return frozenset(
            Inspection.objects.filter(cycle=self.cycle)
            .for_inspector(self.user)
            .values_list("unit_id", flat=True)
        )

    @property
    def own_unit(self) -> Unit | None:
        return self.user.unit if self.is_member else None

    def can_see_unit_details(self, unit: Unit) -> bool:
        """Points and their explanations (score sheets): own unit, secretariat, Ministry, assigned
        inspectors; other members once the ranking is published."""
        if self.can_see_unit_sheet(unit) or unit.pk in self.inspected_unit_ids:
            return True
        return self.is_member and self.cycle.at_least(Cycle.Stage.RANKING)

    def can_see_unit_sheet(self, unit: Unit) -> bool:
        """The raw results sheet and its evidence files (least privilege): the unit's own users,
        the secretariat and the Ministry at any time; an assigned inspector during the
        cross-inspection only. Never another member, published ranking or not."""
        if self.is_secretariat or self.national or self.user.unit_id == unit.pk:
            return True
        stage = self.cycle.stage
        if unit.pk in self.decides_instead_ids:
            return stage in (Cycle.Stage.INSPECTION, Cycle.Stage.RANKING)
        return unit.pk in self.inspected_unit_ids and stage == Cycle.Stage.INSPECTION


def get_cycle_for_user(user: User, year: int, number: int) -> CycleAccess:
    """The cycle of a cluster-year the user may see, with its cluster, movement, host and members.

    Looked up by (year, kind, number): a block's number (`year_keys.BlockNumber`, from a
    /khoi-thi-dua/ address or a block row) finds the block's year, any other number the cluster's.

    One query for the cycle with its cluster and members, whatever the user: the scope rule
    (`Cluster.is_visible_to`, the same as `get_cluster_for_user`) is checked on them. When
    no visible cycle is found, `get_cluster_for_user` gives the answer it always gave (404: no
    such cluster in scope) before this one (404: the year is not opened on the system).
    """
    cycles = _cycles_with_members(year, number, kind_of(number))
    visible = [c for c in cycles if c.cluster.is_visible_to(user)]
    if len(visible) != 1:
        get_cluster_for_user(user, year, number)  # 404 (or several clusters) if not in scope
        kind = Cluster(kind=kind_of(number)).kind_word  # the words of the kind, from the model
        raise Http404(f"{kind} chưa mở năm thi đua trên hệ thống.")
    cycle = visible[0]
    is_secretariat = user.is_secretariat_of(cycle.cluster)
    member_ids = cycle.member_ids()
    access = CycleAccess(
        user=user,
        cycle=cycle,
        is_secretariat=is_secretariat,
        is_member=user.unit_id in member_ids,
        is_approver=user.role == User.Role.MINISTRY_APPROVER or user.is_superuser,
        national=user.has_national_scope,
    )
    instead = _units_decided_instead(access)
    if instead:
        access = replace(access, decides_instead_ids=frozenset(instead))
    return access


# The year's access check runs on every page of a year: its query is written once, in plain SQL
# (thidua.lib.plain_rows says why), and gives what the ORM's select_related of the cluster, its
# movement and host, and prefetch of the memberships with their units would have given.
_YEAR_ROW = (
    RowShape(Cycle, "y"),
    RowShape(Cluster, "c"),
    RowShape(Movement, "mv"),
    RowShape(Unit, "h"),
    RowShape(Membership, "m"),
    RowShape(Unit, "mu"),
)


@cache
def _year_sql() -> str:
    cycle, cluster, movement, host, membership, unit = _YEAR_ROW
    return (
        f"SELECT {', '.join(shape.columns() for shape in _YEAR_ROW)}"
        f" FROM {cycle.table()} JOIN {cluster.table()} ON c.id = y.cluster_id"
        f" JOIN {movement.table()} ON mv.id = c.movement_id"
        f" LEFT JOIN {host.table()} ON h.id = c.host_id"
        f" LEFT JOIN {membership.table()} ON m.cluster_id = c.id"
        f" LEFT JOIN {unit.table()} ON mu.id = m.unit_id"
        " WHERE c.year = %s AND c.number = %s AND c.kind = %s ORDER BY c.id, m.id"
    )


def _cycles_with_members(year: int, number: int, kind: str) -> list[Cycle]:
    """The cycles of (year, number, kind) — one, unless several movements share the number —
    each with its cluster, movement, host and memberships (with units) loaded, in one query."""
    for name, value in (("year", year), ("number", int(number))):
        low, high = connection.ops.integer_field_range(
            Cluster._meta.get_field(name).get_internal_type()
        )
        if not low <= value <= high:  # no such year (the ORM answers nothing too)
            return []
    rows = hot_rows(_year_sql(), [year, int(number), kind])
    cycles: dict[int, Cycle] = {}
    members: dict[int, list[Membership]] = {}
    cycle_shape, cluster_shape, movement_shape, host_shape, membership_shape, unit_shape = _YEAR_ROW
    starts = [sum(shape.width for shape in _YEAR_ROW[:i]) for i in range(len(_YEAR_ROW))]
    for row in rows:
        cycle_id = row[starts[0]]
        if cycle_id not in cycles:
            cycle = cycle_shape.load(row, starts[0])
            cluster = cluster_shape.load(row, starts[1])
            cache_related(cycle, "cluster", cluster)
            cache_related(cluster, "movement", movement_shape.load(row, starts[2]))
            cache_related(cluster, "host", host_shape.load(row, starts[3]))
            cycles[cycle_id] = cycle
            members[cycle_id] = []
        membership = membership_shape.load(row, starts[4])
        if membership is not None:
            cache_related(membership, "cluster", cycles[cycle_id].cluster)
            cache_related(membership, "unit", unit_shape.load(row, starts[5]))
            members[cycle_id].append(membership)
    for cycle_id, cycle in cycles.items():
        cache_prefetched(cycle.cluster, "memberships", members[cycle_id])
    return list(cycles.values())


def get_unit_in_cycle(access: CycleAccess, code: str, *, sheet: bool = False) -> Unit:
    """A member unit whose scores (or, with `sheet`, raw results and evidence) the user may see."""
    for unit in access.cycle.members():
        if unit.code == code:
            allowed = (
                access.can_see_unit_sheet(unit) if sheet else access.can_see_unit_details(unit)
            )
            if not allowed:
                raise Http404("Không tìm thấy số liệu của đơn vị trong phạm vi của bạn.")
            return unit
    raise Http404("Đơn vị không thuộc cụm thi đua này.")


def get_result_sheet_for_user(access: CycleAccess, code: str) -> tuple[ResultSheet, bool]:
    """A unit's results: read by `CycleAccess.can_see_unit_sheet` (own unit, secretariat,
    Ministry, assigned inspectors during the inspection; others' drafts never), editable only by
    its own officers while a draft or returned."""
    unit = get_unit_in_cycle(access, code, sheet=True)
    own = access.user.unit_id == unit.pk
    sheet = ResultSheet.objects.filter(cycle=access.cycle, unit=unit).first()
    if sheet is None:
        if not own:
            raise Http404("Đơn vị chưa nhập số liệu.")
        sheet = ResultSheet.for_unit(access.cycle, unit)
    if (
        not own
        and not (access.is_secretariat or access.national)
        and sheet.state != ResultSheet.State.SUBMITTED
    ):
        raise Http404("Không tìm thấy số liệu của đơn vị trong phạm vi của bạn.")
    can_edit = sheet.editable_by_unit and workflow.ENTER_RESULTS.may(
        access.user, access.cycle, unit=unit
    )
    return sheet, can_edit


def get_inspection_for_user(access: CycleAccess, pk: int) -> tuple[Inspection, bool]:
    """An inspection: its team and the secretariat see it; the inspected unit once submitted.

    Nobody reads for editing, edits or submits the inspection of their own unit (whatever the
    role: 403 while it is being scored); when it is the leader unit's, the deputy unit or the
    Ministry stands in for the secretariat (`thidua.cycle.impartiality`)."""
    inspection = (
        Inspection.objects.filter(cycle=access.cycle, pk=pk)
        .select_related("team", "unit", "team__leader_unit")
        .first()
    )
    if inspection is None:
        raise Http404("Không tìm thấy kết quả kiểm tra.")
    inspection.cycle = access.cycle
    own = concerns(access.user, inspection.unit)
    if own and inspection.state == Inspection.State.DRAFT:
        raise PermissionDenied(OWN_UNIT_DRAFT)
    may_score = inspection.may_score(access.user)
    visible = (
        may_score
        or access.is_secretariat
        or access.national
        or (own and inspection.state == Inspection.State.SUBMITTED)
    )
    if not visible:
        raise Http404("Không tìm thấy kết quả kiểm tra trong phạm vi của bạn.")
    can_edit = (
        may_score
        and inspection.state == Inspection.State.DRAFT
        and workflow.SCORE.open_now(access.cycle)
    )
    return inspection, can_edit


def get_team_for_user(access: CycleAccess, pk: int) -> tuple[InspectionTeam, bool]:
    """A team of this year (404 otherwise; its composition is read by everyone in scope), and
    whether the user may edit or dissolve it: the secretariat, until the inspection stage."""
    team = InspectionTeam.objects.filter(cycle=access.cycle, pk=pk).first()
    if team is None:
        raise Http404("Không tìm thấy đoàn kiểm tra.")
    team.cycle = access.cycle
    return team, workflow.EDIT_TEAM.may(access.user, access.cycle)


def leader_handover(access: CycleAccess, unit: Unit, action: str) -> str:
    """For the secretariat: the sentence saying who acts instead of it on its own unit's matter."""
    if not access.is_secretariat:
        return ""
    return handover_sentence(access.cycle.cluster, unit, action)


def get_proposal_for_user(access: CycleAccess, pk: int) -> tuple[Proposal, bool]:
    """Proposals are visible to the cluster's members and the Ministry; returns can_decide."""
    if not (access.is_member or access.is_secretariat or access.national):
        raise Http404("Không tìm thấy đề nghị.")
    proposal = Proposal.objects.filter(cycle=access.cycle, pk=pk).select_related("unit").first()
    if proposal is None:
        raise Http404("Không tìm thấy đề nghị.")
    can_decide = (
        workflow.DECIDE.permits(access.user, access.cycle)
        and proposal.state == Proposal.State.SUBMITTED
    )
    return proposal, can_decide


# -- results, inspection and disputes (steps 5–7) ---------------------------------------------------


def get_evidence_for_user(access: CycleAccess, code: str, pk: int) -> Evidence:
    """An evidence file: served only to those who may see the unit's sheet (never a public URL):
    the unit, the secretariat, the Ministry, its inspectors during the inspection. Members never
    open another unit's files, before or after the ranking is published."""
    sheet, _ = get_result_sheet_for_user(access, code)
    evidence = Evidence.objects.filter(sheet=sheet, pk=pk).first()
    if evidence is None:
        raise Http404("Không tìm thấy tệp minh chứng.")
    return evidence


def _own_line(access: CycleAccess) -> list[int]:
    """The user's unit and its line (merged into it, or it into): the units they never judge."""
    unit = access.user.unit if access.user.unit_id else None
    if unit is None:
        return []
    return [u.pk for u in unit.lineage()] + [u.pk for u in unit.successors()]


def _units_decided_instead(access: CycleAccess) -> list[int]:
    """Members whose matters this user decides in place of the secretariat (the deputy unit's
    secretariat for the leader unit), besides what the secretariat and the Ministry see anyway."""
    user = access.user
    if access.is_secretariat or access.national or user.role != User.Role.SECRETARIAT:
        return []
    cluster = access.cycle.cluster
    leader = cluster.leader
    if leader is None:
        return []
    leader_line = {u.pk for u in leader.lineage()} | {u.pk for u in leader.successors()}
    return [
        u.pk
        for u in access.cycle.members()
        if u.pk in leader_line and may_decide_for(user, cluster, u)
    ]


def inspections_for_user(access: CycleAccess) -> QuerySet[Inspection]:
    """The inspections this user may open: all for the secretariat and the Ministry, except their
    own unit's while it is scored; a team's own for its inspectors; the unit's own, once
    submitted, for its officers; the leader's for whoever decides in place of the secretariat."""
    inspections = Inspection.objects.filter(cycle=access.cycle)
    user = access.user
    own_draft = Q(unit_id__in=_own_line(access), state=Inspection.State.DRAFT)
    if access.is_secretariat or access.national:
        return inspections.exclude(own_draft)
    if user.role == User.Role.INSPECTOR and user.unit_id:
        return inspections.for_inspector(user).exclude(own_draft)
    instead = access.decides_instead_ids
    mine = Inspection.objects.filter(cycle=access.cycle).for_inspector(user).exclude(own_draft)
    return inspections.filter(
        Q(unit_id=user.unit_id, state=Inspection.State.SUBMITTED)
        | Q(unit_id__in=instead)
        | Q(pk__in=mine.values("pk"))
    )


def disputes_for_user(access: CycleAccess) -> QuerySet[Dispute]:
    """Disputes: all for the secretariat and the Ministry; otherwise the unit's own, those of
    the units the user inspects, and the leader's for the deputy unit deciding them instead."""
    disputes = Dispute.objects.filter(cycle=access.cycle)
    if access.is_secretariat or access.national:
        return disputes
    return disputes.filter(
        Q(unit_id=access.user.unit_id)
        | Q(unit_id__in=access.inspected_unit_ids)
        | Q(unit_id__in=access.decides_instead_ids)
    )


def get_dispute_for_user(access: CycleAccess, pk: int) -> tuple[Dispute, bool]:
    """A dispute in the user's scope, and whether the user may resolve it: the secretariat, or
    the deputy unit or the Ministry for the leader unit's own (never the disputing unit)."""
    dispute = disputes_for_user(access).filter(pk=pk).select_related("unit").first()
    if dispute is None:
        raise Http404("Không tìm thấy khiếu nại.")
    dispute.cycle = access.cycle
    can_resolve = dispute.may_resolve(access.user) and dispute.state == Dispute.State.OPEN
    return dispute, can_resolve


def may_raise_dispute(access: CycleAccess) -> bool:
    """An officer of a member unit (or its secretariat) may dispute the unit's own points."""
    return workflow.RAISE_DISPUTE.permits(access.user, access.cycle)


# -- the plan: covenant, registrations, drives ------------------------------------------------------


def plan_is_open(cycle: Cycle) -> bool:
    """The covenant is signed and titles registered while planning and reporting; then it is closed."""
    return workflow.REGISTER.open_now(cycle) and workflow.SIGN_COVENANT.open_now(cycle)


def units_user_may_sign_for(access: CycleAccess) -> list[Unit]:
    """The secretariat signs for any member (at the conference); an officer only for their own."""
    signs = workflow.SIGN_COVENANT
    return [u for u in access.cycle.members() if signs.permits(access.user, access.cycle, unit=u)]


def get_signing_unit_for_user(access: CycleAccess, code: str | None) -> Unit:
    """The member unit this user signs the covenant for: `code`, or their own unit if none given.

    403 if the user may sign for no unit at all, or not for that one."""
    signable = units_user_may_sign_for(access)
    require(bool(signable), workflow.SIGN_COVENANT.refusal)
    code = code or getattr(access.user.unit, "code", "")
    unit = next((u for u in signable if u.code == code), None)
    require(unit is not None, "Bạn chỉ được ký giao ước cho đơn vị của mình.")
    return unit


def get_covenant_for_user(access: CycleAccess) -> tuple[Covenant | None, bool]:
    """The covenant (None until written), readable by everyone in scope; the secretariat writes it."""
    covenant = Covenant.objects.filter(cycle=access.cycle).first()
    if covenant is not None:
        covenant.cycle = access.cycle  # keep the prefetched members for sign()
    return covenant, workflow.WRITE_COVENANT.may(access.user, access.cycle)


def get_registration_for_user(
    access: CycleAccess, code: str
) -> tuple[Unit, Registration | None, bool]:
    """A member unit and its registration (None if not yet), and whether this user may register
    for it: its own officer, or the secretariat. Registrations are read by everyone in scope."""
    unit = next((u for u in access.cycle.members() if u.code == code), None)
    if unit is None:
        raise Http404("Đơn vị không thuộc cụm thi đua này.")
    registration = (
        Registration.objects.filter(cycle=access.cycle, unit=unit)
        .select_related("registered_by")
        .first()
    )
    return unit, registration, may_register_for(access, unit)


def may_register_for(access: CycleAccess, unit: Unit) -> bool:
    """Whether this user may register titles for a member unit: its own officer, or the secretariat."""
    return workflow.REGISTER.permits(access.user, access.cycle, unit=unit)


def get_drive_for_user(access: CycleAccess, pk: int) -> tuple[Drive, bool]:
    """A drive of this year (404 otherwise); the secretariat edits it until the year is closed."""
    drive = Drive.objects.filter(cycle=access.cycle, pk=pk).first()
    if drive is None:
        raise Http404("Không tìm thấy đợt thi đua.")
    return drive, workflow.EDIT_DRIVE.may(access.user, access.cycle)


# -- ranking, vote, proposals and handover (steps 8–12) ---------------------------------------------

from thidua.cycle.models import HonourVote, Ranking, ScoreSheet  # noqa: E402
from thidua.org.models import Handover  # noqa: E402


def sees_outcome(user: User, cycle: Cycle) -> bool:
    """The year's outcome (ranking, vote, proposals, documents) is for its members, its
    secretariat and the Ministry: the rule of `require_outcome_scope`, for links to those pages."""
    return (
        (user.unit_id is not None and user.unit_id in cycle.member_ids())
        or user.is_secretariat_of(cycle.cluster)
        or user.has_national_scope
    )


def require_outcome_scope(access: CycleAccess) -> None:
    """The year's outcome is for its members, its secretariat and the Ministry (others: 404)."""
    if not sees_outcome(access.user, access.cycle):
        raise Http404("Không tìm thấy kết quả thi đua của cụm trong phạm vi của bạn.")


def ranking_is_published(access: CycleAccess) -> bool:
    """Members see the ranking once the year reached the ranking stage; the secretariat and the
    Ministry see it as soon as it is computed."""
    return access.is_secretariat or access.national or access.cycle.at_least(Cycle.Stage.RANKING)


# What the ranking page reads of a ranking when its rendering is cached (ranking_body's key).
RANKING_KEY_FIELDS = (
    "cycle_id",
    "method_id",
    "computed_at",
    "computed_by_id",
    "data",
    "method__number",
    "computed_by__username",
    "computed_by__full_name",
)


def get_ranking_for_user(
    access: CycleAccess, *, light: bool = False
) -> tuple[Ranking | None, bool]:
    """The ranking in force (None: not computed yet) and whether the user may recompute it.

    `light`: only the fields of RANKING_KEY_FIELDS are read at once (not the method's documents,
    the allocation, the password hash of whoever computed it); any other loads when first used.
    """
    require_outcome_scope(access)
    if not ranking_is_published(access):
        raise Http404("Bảng xếp hạng chưa được công bố.")
    rankings = access.cycle.rankings.select_related("method", "computed_by")
    ranking = (rankings.only(*RANKING_KEY_FIELDS) if light else rankings).first()
    return ranking, workflow.RECOMPUTE.may(access.user, access.cycle)


def get_unit_scores_for_user(access: CycleAccess, code: str) -> tuple[Unit, list[ScoreSheet]]:
    """A unit's score sheets (self-assessment, each submitted inspection, consolidated), for those
    who may see its details (access.can_see_unit_details)."""
    require_outcome_scope(access)
    unit = get_unit_in_cycle(access, code)
    sheets = list(
        ScoreSheet.objects.filter(cycle=access.cycle, unit=unit)
        .select_related("method")
        .order_by("stage", "source")
    )
    return unit, sheets


def get_vote_for_user(access: CycleAccess) -> tuple[HonourVote | None, bool]:
    """The honouring vote (None: not opened) and whether this user may cast the unit's ballot:
    an officer of a member unit (not a read-only account) whose unit has not voted yet."""
    require_outcome_scope(access)
    vote = HonourVote.objects.filter(cycle=access.cycle).select_related("candidate").first()
    can_cast = (
        vote is not None
        and vote.is_open
        and may_vote(access)
        and not vote.has_voted(access.own_unit)
    )
    return vote, can_cast


def may_vote(access: CycleAccess) -> bool:
    """Whether this user's role lets them cast their unit's ballot at all (state aside)."""
    return workflow.CAST_VOTE.permits(access.user, access.cycle)


def proposals_for_user(access: CycleAccess) -> QuerySet[Proposal]:
    """Every proposal of the year, in rank order, for the members, secretariat and Ministry; a
    unit's individual proposals name its people: the unit, the secretariat and the Ministry only."""
    require_outcome_scope(access)
    rows = Proposal.objects.filter(cycle=access.cycle)
    if not (access.is_secretariat or access.national):
        rows = rows.filter(Q(person__isnull=True) | Q(unit_id=access.user.unit_id))
    return rows.select_related("unit", "decided_by").order_by("rank", by_name("person"), "pk")


def get_handover_for_user(access: CycleAccess) -> tuple[Handover | None, bool]:
    """Next year's leader and deputy as recorded, and whether the user may record them and close
    the year (the secretariat, at the approval stage)."""
    require_outcome_scope(access)
    handover = (
        Handover.objects.filter(cluster=access.cycle.cluster)
        .select_related("next_leader", "next_deputy", "recorded_by")
        .first()
    )
    return handover, workflow.HAND_OVER.may(access.user, access.cycle)
