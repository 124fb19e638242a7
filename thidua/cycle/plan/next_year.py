"""The next year of a cluster: last year's method offered as a draft, and a unit's years compared.

- `method_draft(cycle)`: the method in force last year in the cluster of the same number (scale,
  award rules, operating rules, vote rules, and the targets of the units that are still members),
  with what could not be carried (targets of units that left) and who has no target yet.
- `adopt_method(cycle, by=…)`: the secretariat adopts the draft as this year's method, through
  `scoring.set_method` (validated against this year's members, audited, refused once locked); the
  method pages then edit it as usual.
- `unit_years(user, unit, year)`: for a unit (and the units merged into it), every year up to
  `year`: its cluster, score, rank among how many, and the titles and forms the register holds for
  it, with a chart of the rank (Chart.js config, plain JSON). The rank of a year run in the system
  is the latest computed ranking's, shown only to those who may see that year's ranking; a year
  not run in the system shows the leading places the press published.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from thidua.cycle.dashboards import PALETTE, may_see_ranking
from thidua.cycle.models import Cycle, MethodVersion, RankingEntry
from thidua.cycle.scoring import set_method
from thidua.engine.numbers import fmt_number
from thidua.honours.models import Commendation
from thidua.lib.workflow import WorkflowError
from thidua.org.models import Cluster, Membership, Unit, User

METHOD_FIELDS = (
    "scale",
    "award_rules",
    "targets",
    "operating_rules",
    "vote_quorum",
    "vote_threshold",
)


def previous_cycle(cycle: Cycle) -> Cycle | None:
    """Last year's cycle of the cluster with the same number (its composition may differ)."""
    cluster = cycle.cluster
    return (
        Cycle.objects.filter(
            cluster__movement=cluster.movement_id,
            cluster__kind=cluster.kind,
            cluster__number=cluster.number,
            cluster__year__lt=cluster.year,
            methods__isnull=False,
        )
        .select_related("cluster")
        .order_by("-cluster__year")
        .first()
    )


@dataclass
class MethodDraft:
    source: Cycle
    version: MethodVersion
    values: dict[str, Any]
    dropped_targets: list[str] = field(default_factory=list)  # codes of units no longer members
    without_targets: list[Unit] = field(default_factory=list)  # members with no target carried

    @property
    def criteria(self) -> int:
        return sum(len(g.get("criteria", [])) for g in self.values["scale"].get("groups", []))


def method_draft(cycle: Cycle) -> MethodDraft | None:
    source = previous_cycle(cycle)
    if source is None:
        return None
    version = source.method
    members = {u.code: u for u in cycle.members()}
    targets = version.targets or {}
    values = {name: getattr(version, name) for name in METHOD_FIELDS}
    for name in ("scale", "award_rules"):
        values[name] = for_year(values[name], source.year, cycle.year, cycle.cluster)
    values["targets"] = {code: row for code, row in targets.items() if code in members}
    return MethodDraft(
        source=source,
        version=version,
        values=values,
        dropped_targets=sorted(code for code in targets if code not in members),
        without_targets=[u for code, u in members.items() if targets and code not in targets],
    )


def for_year(doc: dict[str, Any], old: int, new: int, cluster: Cluster) -> dict[str, Any]:
    """A copy of a scale or award-rules document that names the new year and cluster (its year,
    name, code and version labels); every rule inside is kept as it was."""
    if not doc:
        return doc
    copy = dict(doc)
    if copy.get("year") == old:
        copy["year"] = new
    for key in ("name", "code", "version"):
        if isinstance(copy.get(key), str):
            copy[key] = copy[key].replace(str(old), str(new))
    if isinstance(copy.get("cluster"), str):
        copy["cluster"] = f"{cluster.title} năm {new}"
    return copy


def adopt_method(cycle: Cycle, *, by: User) -> MethodVersion:
    """Last year's method becomes this year's (a draft the secretariat then edits)."""
    draft = method_draft(cycle)
    if draft is None:
        raise WorkflowError("Không có phương pháp chấm của năm trước để kế thừa.")
    if cycle.method_locked:
        raise WorkflowError(
            "Phương pháp chấm năm nay đã khóa (đã bắt đầu chấm điểm): không kế thừa được nữa."
        )
    reason = (
        f"Kế thừa phương pháp chấm năm {draft.source.year} "
        f"(phiên bản {draft.version.number}) làm bản nháp."
    )
    try:
        return set_method(cycle, by=by, reason=reason, **draft.values)
    except ValidationError as exc:
        raise ValidationError(
            ["Phương pháp năm trước không dùng được cho năm nay:", *exc.messages]
        ) from None


# -- a unit over the years ------------------------------------------------------------------------


@dataclass
class YearRow:
    year: int
    cluster: Cluster
    rank: int | None = None
    of: int | None = None
    total: Decimal | None = None
    source: str = ""  # "hệ thống" | "báo chí" | ""
    hidden: bool = False  # a ranking the user may not see yet
    awards: list[str] = field(default_factory=list)

    @property
    def total_text(self) -> str:
        return fmt_number(self.total, 2) if self.total is not None else ""


def unit_years(user: User, unit: Unit, year: int) -> tuple[list[YearRow], dict[str, Any] | None]:
    """Every year of the unit's line up to `year`, oldest first, and the rank chart."""
    line = unit.current().lineage()
    line_ids = [u.pk for u in line]
    memberships = (
        Membership.objects.filter(unit__in=line_ids, year__lte=year)
        .select_related("cluster", "unit")
        .order_by("year")
    )
    rows: dict[int, YearRow] = {}
    member_of: dict[int, Membership] = {}
    for m in memberships:
        rows.setdefault(m.year, YearRow(m.year, m.cluster))
        member_of.setdefault(m.year, m)
    cycles = {
        c.cluster_id: c
        for c in Cycle.objects.filter(cluster__in=[r.cluster.pk for r in rows.values()])
        .select_related("cluster")
        .prefetch_related("cluster__memberships")
    }
    latest: dict[int, int] = {}
    from thidua.cycle.dashboards import latest_rankings

    latest = latest_rankings(list(cycles.values()))
    entries = {
        (e.ranking_id, e.unit_id): e
        for e in RankingEntry.objects.filter(ranking_id__in=latest.values(), unit__in=line_ids)
    }
    counts: dict[int, int] = {}
    for ranking_id in latest.values():
        counts[ranking_id] = RankingEntry.objects.filter(
            ranking_id=ranking_id, vetoed=False
        ).count()
    for y, row in rows.items():
        cycle = cycles.get(row.cluster.pk)
        m = member_of[y]
        if cycle is not None and cycle.pk in latest:
            if not may_see_ranking(user, cycle):
                row.hidden = True
                continue
            entry = entries.get((latest[cycle.pk], m.unit_id))
            if entry is not None:
                row.rank = None if entry.vetoed else entry.rank
                row.total, row.source = entry.total, "hệ thống"
                row.of = counts[latest[cycle.pk]]
        else:
            published = (row.cluster.published or {}).get("ranking_published") or []
            names = {m.unit.short_name, m.unit.name}
            for index, name in enumerate(published, start=1):
                if name in names:
                    row.rank, row.source = index, "báo chí"
            if published and row.rank is None:
                row.source = "báo chí"
            row.of = len(row.cluster.memberships.all()) or None
    awards = (
        Commendation.objects.filter(unit__in=line_ids, year__in=list(rows), revoked=False)
        .order_by("year", "decision_date")
        .values_list("year", "award_code")
    )
    from thidua.honours.models import award_name

    for y, code in awards:
        rows[y].awards.append(award_name(code))
    ordered = [rows[y] for y in sorted(rows)]
    return ordered, rank_chart(unit, ordered)


def rank_chart(unit: Unit, rows: list[YearRow]) -> dict[str, Any] | None:
    if not any(r.rank for r in rows):
        return None
    most = max((r.of or r.rank or 1) for r in rows)
    return {
        "type": "line",
        "data": {
            "labels": [str(r.year) for r in rows],
            "datasets": [
                {
                    "label": f"Hạng của {unit.short_name}",
                    "data": [r.rank for r in rows],
                    "borderColor": PALETTE[0],
                    "backgroundColor": PALETTE[0],
                    "spanGaps": False,
                    "pointRadius": 5,
                    "tension": 0,
                }
            ],
        },
        "options": {
            "scales": {
                "y": {
                    "reverse": True,
                    "min": 1,
                    "max": most,
                    "ticks": {"stepSize": 1, "precision": 0},
                    "title": {"display": True, "text": "Hạng (1 là cao nhất)"},
                }
            },
        },
    }
