"""Everything the year-end documents of a cluster-year say, assembled once from the cycle's records.

Nothing here is written back: the documents are a view of the stored, explained results (the latest
ranking, the consolidated score sheets, the vote, the proposals and the handover). Aggregated
indicators are computed from the consolidated inputs of every ranked or excluded unit
(thidua.documents.indicators).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Count
from django.utils import timezone

from thidua.cycle.models import (
    Covenant,
    Cycle,
    HonourVote,
    Proposal,
    Ranking,
    ScoreSheet,
)
from thidua.cycle.models.plan import COLLECTIVE_TITLES, INDIVIDUAL_TITLES
from thidua.cycle.scoring import scale_of
from thidua.documents import numbers as vn
from thidua.documents.indicators import Indicator, as_decimal, cluster_indicators
from thidua.org.models import Cluster, Unit

PARENT_BODY = "BỘ CÔNG AN"
EMULATION_OFFICE = "Cục Công tác đảng và công tác chính trị, Bộ Công an"
AWARD_BOARD = "Hội đồng Thi đua - Khen thưởng Bộ Công an"


class NotReady(Exception):
    """The year has no ranking yet: there is nothing to report. The message is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Group:
    code: str
    name: str
    max_points: Decimal | None


@dataclass(frozen=True)
class UnitRow:
    """One unit of the score table, in ranking order (units excluded by a veto come last)."""

    position: int
    rank: int | None
    unit: Unit
    total: Decimal | None
    groups: tuple[Decimal | None, ...]
    vetoed: bool
    note: str
    award: str = ""

    @property
    def name(self) -> str:
        return self.unit.name


@dataclass(frozen=True)
class VoteTally:
    candidate: Unit
    member_count: int
    present: int
    yes: int
    no: int
    abstain: int
    quorum: str
    threshold: str
    need_present: int
    need_yes: int
    quorum_met: bool
    passed: bool | None
    closed: bool
    voters: tuple[Unit, ...]
    outcome: str


@dataclass(frozen=True)
class ProposalRow:
    unit: Unit
    award_code: str
    award_name: str
    rank: int | None
    total: Decimal | None
    state: str
    state_label: str
    basis: str
    note: str


@dataclass
class DocumentContext:
    cycle: Cycle
    cluster: Cluster
    year: int
    title: str  # "Cụm thi đua số 3"
    issuer: str  # "CỤM THI ĐUA SỐ 3"
    symbol: str  # "CTĐ3"
    place: str  # "Yên Bái"
    date: dt.date
    venue: Unit | None
    leader: Unit | None
    deputy: Unit | None
    members: list[Unit]
    signer_title: str  # "Giám đốc Công an tỉnh Yên Bái"
    demo_note: str
    scale_name: str
    award_rules_name: str
    registered: int
    registration_titles: list[tuple[str, int]]
    registration_individuals: list[tuple[str, int]]
    covenant_signed: int
    covenant_place: str
    covenant_date: dt.date | None
    drives: list[Any]
    teams: list[Any]
    groups: list[Group]
    rows: list[UnitRow]
    indicators: list[Indicator]
    published_commendations: dict[str, int] | None
    vote: VoteTally | None
    proposals: list[ProposalRow]
    award_order: list[tuple[str, str]]  # (code, name) in the rules' order
    next_leader: Unit | None
    next_deputy: Unit | None
    handover_reason: str
    ranking_computed_at: dt.datetime | None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def member_count(self) -> int:
        return len(self.members)

    @property
    def ranked(self) -> list[UnitRow]:
        return [row for row in self.rows if not row.vetoed]

    @property
    def excluded(self) -> list[UnitRow]:
        return [row for row in self.rows if row.vetoed]

    @property
    def registration_rate(self) -> Decimal | None:
        return vn.ratio(self.registered, self.member_count)

    @property
    def place_date(self) -> str:
        return vn.place_date(self.place, self.date)

    @property
    def honoured(self) -> Unit | None:
        if self.vote is not None and self.vote.passed:
            return self.vote.candidate
        return None

    def live_proposals(self) -> list[ProposalRow]:
        dead = {Proposal.State.WITHDRAWN, Proposal.State.REJECTED}
        return [p for p in self.proposals if p.state not in dead]

    def proposals_by_award(self, *, live_only: bool = True) -> list[tuple[str, list[ProposalRow]]]:
        rows = self.live_proposals() if live_only else self.proposals
        out = []
        for code, name in self.award_order:
            chosen = [p for p in rows if p.award_code == code]
            if chosen:
                out.append((name, chosen))
        known = {code for code, _ in self.award_order}
        for p in rows:
            if p.award_code not in known:
                out.append((p.award_name, [q for q in rows if q.award_code == p.award_code]))
                known.add(p.award_code)
        return out


# -- helpers ----------------------------------------------------------------------------------------


def province_name(unit: Unit) -> str:
    """The place a provincial police unit sits in: its short name ("Yên Bái")."""
    return unit.short_name


def head_title(unit: Unit | None) -> str:
    """The office of the unit's head: "Giám đốc Công an tỉnh Yên Bái" (capitalised under a signature)."""
    if unit is None:
        return "Thủ trưởng đơn vị Cụm trưởng"
    if unit.kind == Unit.Kind.PROVINCE_POLICE:
        return f"Giám đốc {unit.name}"
    for prefix, office in (("Cục ", "Cục trưởng"), ("Vụ ", "Vụ trưởng"), ("Bộ Tư lệnh", "Tư lệnh")):
        if unit.name.startswith(prefix):
            return f"{office} {unit.name}"
    return f"Thủ trưởng {unit.name}"


def _symbol(cluster: Cluster) -> str:
    return ("KTĐ" if cluster.kind == Cluster.Kind.BLOCK else "CTĐ") + str(cluster.number)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def _rename_codes(note: str, units: dict[str, Unit]) -> str:
    """Ranking notes name units by code ("hoa-binh"): print their names instead."""
    for code in sorted(units, key=len, reverse=True):
        note = note.replace(code, units[code].short_name)
    return note


# -- the vote ---------------------------------------------------------------------------------------


def _vote(cycle: Cycle) -> VoteTally | None:
    vote = (
        HonourVote.objects.filter(cycle=cycle)
        .select_related("candidate")
        .prefetch_related("voters__unit")
        .first()
    )
    if vote is None:
        return None
    quorum, threshold = Fraction(vote.quorum), Fraction(vote.threshold)
    need_present = -(-quorum.numerator * vote.member_count // quorum.denominator)
    need_yes = threshold.numerator * vote.member_count // threshold.denominator + 1
    closed = vote.state == HonourVote.State.CLOSED
    voters = tuple(sorted((r.unit for r in vote.voters.all()), key=lambda u: u.sort_key))
    return VoteTally(
        candidate=vote.candidate,
        member_count=vote.member_count,
        present=vote.present if closed else len(voters),
        # Counts exist only once tallied (a vote closed without its quorum is never counted).
        yes=vote.yes or 0,
        no=vote.no or 0,
        abstain=vote.abstain or 0,
        quorum=vote.quorum,
        threshold=vote.threshold,
        need_present=need_present,
        need_yes=need_yes,
        quorum_met=vote.quorum_met,
        passed=vote.passed if closed else None,
        closed=closed,
        voters=voters,
        outcome=vote.outcome_text() if closed else "Biểu quyết chưa kết thúc.",
    )


# -- assembling ------------------------------------------------------------------------------------


def _rows(
    ranking: Ranking, sheets: dict[int, ScoreSheet], groups: list[Group], units: dict[str, Unit]
) -> list[UnitRow]:
    rows = []
    previous_total = None
    for entry in ranking.entries.all():
        sheet = sheets.get(entry.unit_id)
        points = {
            g["code"]: as_decimal(g.get("points"))
            for g in (sheet.sheet if sheet else {}).get("groups", [])
        }
        # Only ties need a word in the table; the ranking page explains every position.
        tie = not entry.vetoed and entry.total is not None and entry.total == previous_total
        note = _rename_codes(entry.note, units) if (entry.vetoed or tie) else ""
        if not entry.vetoed:
            previous_total = entry.total
        rows.append(
            UnitRow(
                position=entry.position,
                rank=entry.rank,
                unit=entry.unit,
                total=entry.total,
                groups=tuple(points.get(g.code) for g in groups),
                vetoed=entry.vetoed,
                note=note[:1].upper() + note[1:],
            )
        )
    return rows


def _proposals(cycle: Cycle, honoured_id: int | None, member_count: int) -> list[ProposalRow]:
    rows = []
    for p in Proposal.objects.filter(cycle=cycle).select_related("unit").order_by("rank", "pk"):
        if honoured_id == p.unit_id and p.rank == 1:
            note = "Được suy tôn dẫn đầu Cụm"
        elif honoured_id == p.unit_id:
            note = f"Được suy tôn; xếp hạng {p.rank}/{member_count}"
        else:
            note = f"Xếp hạng {p.rank}/{member_count}" if p.rank else ""
        if p.origin == Proposal.Origin.ADJUSTED and p.adjustment_reason:
            note += f"; điều chỉnh: {p.adjustment_reason}"
        rows.append(
            ProposalRow(
                unit=p.unit,
                award_code=p.award_code,
                award_name=p.award_name,
                rank=p.rank,
                total=p.total,
                state=p.state,
                state_label=p.get_state_display(),
                basis=p.basis,
                note=note,
            )
        )
    return rows


def _registrations(cycle: Cycle) -> tuple[int, list[tuple[str, int]], list[tuple[str, int]]]:
    titles: Counter[str] = Counter()
    people: Counter[str] = Counter()
    registrations = list(cycle.registrations.all())
    for r in registrations:
        titles.update(r.collective_titles)
        people.update({k: int(v) for k, v in r.individual_counts.items() if v})
    collective = [(label, titles[code]) for code, label in COLLECTIVE_TITLES if titles[code]]
    individual = [(label, people[code]) for code, label in INDIVIDUAL_TITLES if people[code]]
    return len(registrations), collective, individual


def build_context(cycle: Cycle) -> DocumentContext:
    """Assemble a cluster-year's documents. Raises NotReady before the year has a ranking."""
    # One query for the cluster with its members, whatever the caller prefetched.
    cluster = (
        Cluster.objects.with_members()
        .select_related("handover__next_leader", "handover__next_deputy")
        .get(pk=cycle.cluster_id)
    )
    cycle.cluster = cluster
    ranking = (
        Ranking.objects.filter(cycle=cycle)
        .order_by("-computed_at", "-pk")
        .prefetch_related("entries__unit")
        .first()
    )
    if ranking is None:
        raise NotReady(
            "Chưa có bảng tổng hợp điểm, xếp hạng: văn bản được lập từ giai đoạn "
            f"“{Cycle.Stage.RANKING.label}”."
        )
    method = cycle.method
    scale = scale_of(method) if method and method.scale else None
    members = cycle.members()
    units = {u.code: u for u in members}
    groups = [Group(g.code, g.name, g.max_points) for g in scale.groups] if scale else []
    sheets = {
        s.unit_id: s
        for s in ScoreSheet.objects.filter(cycle=cycle, stage=ScoreSheet.Stage.CONSOLIDATED)
    }
    rows = _rows(ranking, sheets, groups, units)
    vote = _vote(cycle)
    honoured_id = vote.candidate.pk if vote and vote.passed else None
    proposals = _proposals(cycle, honoured_id, len(members))
    awards = {p.unit.pk: p.award_name for p in proposals if p.state != Proposal.State.WITHDRAWN}
    rows = [UnitRow(**{**r.__dict__, "award": awards.get(r.unit.pk, "")}) for r in rows]
    registered, titles, individuals = _registrations(cycle)
    covenant = Covenant.objects.filter(cycle=cycle).annotate(signed=Count("signatures")).first()
    handover = getattr(cluster, "handover", None)
    venue = cluster.host or cluster.leader
    published = cluster.published.get("commendations_in_year") if cluster.published else None
    award_rules = method.award_rules if method else {}
    return DocumentContext(
        cycle=cycle,
        cluster=cluster,
        year=cluster.year,
        title=cluster.title,
        issuer=cluster.title.upper(),
        symbol=_symbol(cluster),
        place=province_name(venue) if venue else "",
        date=cluster.conference_date or timezone.localdate(),
        venue=venue,
        leader=cluster.leader,
        deputy=cluster.deputy,
        members=members,
        signer_title=head_title(cluster.leader),
        demo_note=cycle.demo_note,
        scale_name=scale.name if scale else "",
        award_rules_name=award_rules.get("name", ""),
        registered=registered,
        registration_titles=titles,
        registration_individuals=individuals,
        covenant_signed=covenant.signed if covenant else 0,
        covenant_place=covenant.signing_place if covenant else "",
        covenant_date=covenant.signing_date if covenant else None,
        drives=list(cycle.drives.all()),
        teams=list(cycle.teams.select_related("leader_unit")),
        groups=groups,
        rows=rows,
        indicators=cluster_indicators(
            scale, [sheets[r.unit.pk] for r in rows if r.unit.pk in sheets], len(members)
        ),
        published_commendations=published if isinstance(published, dict) else None,
        vote=vote,
        proposals=proposals,
        award_order=[(a["code"], a["name"]) for a in award_rules.get("awards", [])],
        next_leader=handover.next_leader if handover else None,
        next_deputy=handover.next_deputy if handover else None,
        handover_reason=handover.reason if handover else "",
        ranking_computed_at=ranking.computed_at,
    )
