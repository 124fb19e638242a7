"""Data behind the dashboards: a cluster over the years, and every cluster of a year for the Ministry.

Chart configs are plain JSON for Chart.js (static/js/app.js draws them under the CSP): no callbacks.
Every function here reads with a fixed number of queries, whatever the number of units or clusters.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Prefetch

from thidua.cycle.models import (
    CovenantSignature,
    Cycle,
    HonourVote,
    Proposal,
    Ranking,
    RankingEntry,
    Registration,
    ResultSheet,
    ScoreSheet,
)
from thidua.engine.numbers import fmt_number
from thidua.org.models import Cluster, Membership, Unit, User

PALETTE = ["#1d4479", "#a8191f", "#d9a51c", "#1a6b3b", "#6c7685", "#2b5793", "#855300", "#98a1ae"]

# -- who may see a year's ranking (the rule of access.ranking_is_published, for any cluster-year) ---


def may_see_ranking(user: User, cycle: Cycle) -> bool:
    """The Ministry and the cluster's secretariat always; its members once ranked."""
    cluster = cycle.cluster
    if user.has_national_scope or user.is_secretariat_of(cluster):
        return True
    members = {m.unit_id for m in cluster.memberships.all()}
    return user.unit_id in members and cycle.at_least(Cycle.Stage.RANKING)


def visible_cycles_of_number(user: User, cluster: Cluster) -> list[Cycle]:
    """The years of this cluster number whose ranking the user may see, oldest first."""
    clusters = Cluster.objects.visible_to(user).filter(
        number=cluster.number, kind=cluster.kind, movement=cluster.movement_id
    )
    cycles = (
        Cycle.objects.filter(cluster__in=clusters)
        .select_related("cluster")
        .prefetch_related(
            Prefetch("cluster__memberships", queryset=Membership.objects.select_related("unit"))
        )
        .order_by("cluster__year")
    )
    return [c for c in cycles if may_see_ranking(user, c)]


def latest_rankings(cycles: list[Cycle]) -> dict[int, int]:
    """cycle id → id of the ranking in force (the latest computed)."""
    latest: dict[int, int] = {}
    rows = Ranking.objects.filter(cycle__in=cycles).order_by("cycle", "-computed_at", "-pk")
    for cycle_id, ranking_id in rows.values_list("cycle_id", "pk"):
        latest.setdefault(cycle_id, ranking_id)
    return latest


# -- the cluster dashboard -------------------------------------------------------------------------


@dataclass
class ClusterDashboard:
    years: list[int]
    history: list[dict[str, Any]]  # one row per unit: name, ranks by year
    history_chart: dict[str, Any] | None
    groups_chart: dict[str, Any] | None
    group_rows: list[dict[str, Any]]
    group_names: list[str]
    heat_columns: list[dict[str, str]]
    heat_rows: list[dict[str, Any]]
    band_chart: dict[str, Any] | None
    ranked: list[RankingEntry] = field(default_factory=list)


def cluster_dashboard(user: User, cycle: Cycle) -> ClusterDashboard:
    cycles = visible_cycles_of_number(user, cycle.cluster)
    if cycle.pk not in {c.pk for c in cycles}:
        cycles.append(cycle)
        cycles.sort(key=lambda c: c.cluster.year)
    latest = latest_rankings(cycles)
    entries = list(
        RankingEntry.objects.filter(ranking_id__in=latest.values())
        .select_related("unit", "ranking")
        .order_by("position")
    )
    years = [c.cluster.year for c in cycles if c.pk in latest]
    year_of = {latest[c.pk]: c.cluster.year for c in cycles if c.pk in latest}
    history, history_chart = rank_history(entries, year_of, years)
    current = [e for e in entries if e.ranking.cycle_id == cycle.pk]
    ranked = [e for e in current if not e.vetoed]
    sheets = list(
        ScoreSheet.objects.filter(cycle=cycle, stage=ScoreSheet.Stage.CONSOLIDATED).select_related(
            "unit"
        )
    )
    order = {e.unit_id: e.position for e in current}
    sheets.sort(key=lambda s: (order.get(s.unit_id, 10_000), s.unit.sort_key))
    group_names, group_rows, groups_chart = group_scores(sheets)
    heat_columns, heat_rows = attainment(sheets)
    from thidua.cycle.views.ranking import robustness_chart

    return ClusterDashboard(
        years=years,
        history=history,
        history_chart=history_chart,
        groups_chart=groups_chart,
        group_rows=group_rows,
        group_names=group_names,
        heat_columns=heat_columns,
        heat_rows=heat_rows,
        band_chart=robustness_chart(ranked),
        ranked=ranked,
    )


def rank_history(
    entries: list[RankingEntry], year_of: dict[int, int], years: list[int]
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Rank of every unit in every year it was ranked; units come and go between years."""
    by_unit: dict[int, dict[int, int | None]] = defaultdict(dict)
    units: dict[int, Unit] = {}
    for e in entries:
        units[e.unit_id] = e.unit
        by_unit[e.unit_id][year_of[e.ranking_id]] = None if e.vetoed else e.rank
    rows = sorted(
        (
            {"unit": units[uid], "ranks": [ranks.get(y) for y in years], "in": set(ranks)}
            for uid, ranks in by_unit.items()
        ),
        key=lambda r: (r["ranks"][-1] is None, r["ranks"][-1] or 0, r["unit"].sort_key),
    )
    names = Counter(row["unit"].short_name for row in rows)
    for row in rows:
        row["label"] = _unit_label(row["unit"], names[row["unit"].short_name] > 1)
        row["cells"] = [
            {"year": y, "rank": r, "absent": y not in row["in"]}
            for y, r in zip(years, row["ranks"], strict=True)
        ]
    if not years:
        return rows, None
    most = max((len(ranks) for ranks in _ranked_counts(entries, year_of).values()), default=1)
    chart = {
        "type": "line",
        "data": {
            "labels": [str(y) for y in years],
            "datasets": [
                {
                    "label": row["label"],
                    "data": row["ranks"],
                    "borderColor": PALETTE[i % len(PALETTE)],
                    "backgroundColor": PALETTE[i % len(PALETTE)],
                    "spanGaps": False,
                    "pointRadius": 5,
                    "tension": 0,
                }
                for i, row in enumerate(rows)
            ],
        },
        "options": {
            "scales": {
                "y": {
                    "reverse": True,
                    "min": 1,
                    "max": max(most, 2),
                    "ticks": {"stepSize": 1, "precision": 0},
                    "title": {"display": True, "text": "Hạng (1 ở trên cùng)"},
                },
            },
            "plugins": {"legend": {"position": "bottom"}},
        },
    }
    return rows, chart


def _unit_label(unit: Unit, ambiguous: bool) -> str:
    """The short name; for a merged province and its successor (same name), with its period."""
    if not ambiguous:
        return unit.short_name
    if unit.valid_to:
        return f"{unit.short_name} (đến {unit.valid_to.year})"
    if unit.valid_from:
        return f"{unit.short_name} (từ {unit.valid_from.year})"
    return f"{unit.short_name} ({unit.code})"


def _ranked_counts(entries: list[RankingEntry], year_of: dict[int, int]) -> dict[int, list[int]]:
    counts: dict[int, list[int]] = defaultdict(list)
    for e in entries:
        if e.rank is not None:
            counts[year_of[e.ranking_id]].append(e.rank)
    return counts


def _dec(value: Any) -> Decimal | None:
    try:
        return None if value is None else Decimal(str(value))
    except InvalidOperation:
        return None


def group_scores(
    sheets: list[ScoreSheet],
) -> tuple[list[str], list[dict[str, Any]], dict[str, Any] | None]:
    """Points by group per unit (the consolidated subtotals), as a table and stacked bars."""
    groups: dict[str, str] = {}
    for sheet in sheets:
        for g in sheet.sheet.get("groups", []):
            groups.setdefault(g["code"], g["name"])
    rows = []
    for sheet in sheets:
        points = {g["code"]: _dec(g.get("points")) for g in sheet.sheet.get("groups", [])}
        rows.append(
            {
                "unit": sheet.unit,
                "points": [_text(points.get(code)) for code in groups],
                "total": _text(sheet.total),
                "values": points,
            }
        )
    if not rows:
        return list(groups.values()), rows, None
    chart = {
        "type": "bar",
        "data": {
            "labels": [r["unit"].short_name for r in rows],
            "datasets": [
                {
                    "label": name,
                    "data": [_float(r["values"].get(code)) for r in rows],
                    "backgroundColor": PALETTE[i % len(PALETTE)],
                    "borderColor": PALETTE[i % len(PALETTE)],
                }
                for i, (code, name) in enumerate(groups.items())
            ],
        },
        "options": {
            "scales": {
                "x": {"stacked": True},
                "y": {"stacked": True, "title": {"display": True, "text": "Điểm"}},
            },
            "plugins": {"legend": {"position": "bottom"}},
        },
    }
    for r in rows:
        del r["values"]
    return list(groups.values()), rows, chart


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _text(value: Decimal | None) -> str:
    return "—" if value is None else fmt_number(value)


# Attainment bands of the heat map (value ÷ target): <80%, 80–95%, 95–100%, 100–110%, ≥110%.
HEAT_BANDS = (Decimal("0.8"), Decimal("0.95"), Decimal("1"), Decimal("1.1"))


def heat_class(ratio: Decimal) -> int:
    return sum(1 for bound in HEAT_BANDS if ratio >= bound)


def attainment_ratio(value: Decimal, target: Decimal, rule: str) -> Decimal | None:
    """How far the result reaches the unit's target; for "lower is better" indicators, inverted."""
    if "/lower" in rule:
        if value <= 0:
            return Decimal(2) if target >= 0 else None
        return target / value
    if target <= 0:
        return None
    return value / target


def attainment(sheets: list[ScoreSheet]) -> tuple[list[dict[str, str]], list[dict[str, Any]]]:
    """Heat map rows: per unit and target criterion, consolidated value ÷ the unit's target."""
    columns: dict[str, dict[str, str]] = {}
    for sheet in sheets:
        for c in sheet.sheet.get("criteria", []):
            if "target" in c.get("inputs", {}):
                columns.setdefault(c["code"], {"code": c["code"], "name": c["name"]})
    rows = []
    for sheet in sheets:
        by_code = {c["code"]: c for c in sheet.sheet.get("criteria", [])}
        cells = []
        for code in columns:
            c = by_code.get(code)
            inputs = c.get("inputs", {}) if c else {}
            value, target = _dec(inputs.get("value")), _dec(inputs.get("target"))
            ratio = (
                attainment_ratio(value, target, c.get("rule", ""))
                if c and value is not None and target is not None and not c.get("missing")
                else None
            )
            unit = inputs.get("unit") or ""
            cells.append(
                {
                    "ratio": ratio,
                    "heat": None if ratio is None else heat_class(ratio),
                    "text": "—" if ratio is None else f"{fmt_number(ratio * 100, 0)}%",
                    "title": (
                        f"Kết quả {fmt_number(value)}{unit}; chỉ tiêu {fmt_number(target)}{unit}"
                        if value is not None and target is not None
                        else "Thiếu số liệu"
                    ),
                }
            )
        rows.append({"unit": sheet.unit, "cells": cells})
    # A criterion no unit can be measured on (e.g. a target stated against last year) is left out.
    keep = [i for i in range(len(columns)) if any(r["cells"][i]["ratio"] is not None for r in rows)]
    for row in rows:
        row["cells"] = [row["cells"][i] for i in keep]
    names = list(columns.values())
    return [names[i] for i in keep], rows


# -- the Ministry dashboard -------------------------------------------------------------------------


@dataclass
class ClusterRow:
    cluster: Cluster
    cycle: Cycle | None
    leader: Unit | None
    members: int
    honoured: Unit | None = None
    proposals: list[tuple[str, str, int]] = field(default_factory=list)  # (label, badge, count)
    unsigned: list[Unit] = field(default_factory=list)
    unregistered: list[Unit] = field(default_factory=list)
    not_submitted: list[Unit] = field(default_factory=list)

    @property
    def late(self) -> int:
        return len(self.unsigned) + len(self.unregistered) + len(self.not_submitted)


def years_with_clusters() -> list[int]:
    return sorted(set(Cluster.objects.values_list("year", flat=True)), reverse=True)


def ministry_rows(year: int) -> list[ClusterRow]:
    """Every cluster and block of the year, with what each is waiting for (8 queries in all)."""
    clusters = list(
        Cluster.objects.filter(year=year).with_members().order_by("movement", "kind", "number")
    )
    cycles = {c.cluster_id: c for c in Cycle.objects.filter(cluster__year=year)}
    signed = set(
        CovenantSignature.objects.filter(covenant__cycle__cluster__year=year).values_list(
            "covenant__cycle_id", "unit_id"
        )
    )
    registered = set(
        Registration.objects.filter(cycle__cluster__year=year).values_list("cycle_id", "unit_id")
    )
    submitted = set(
        ResultSheet.objects.filter(
            cycle__cluster__year=year, state=ResultSheet.State.SUBMITTED
        ).values_list("cycle_id", "unit_id")
    )
    honoured = {
        v.cycle_id: v.candidate
        for v in HonourVote.objects.filter(cycle__cluster__year=year, passed=True).select_related(
            "candidate"
        )
    }
    proposals = Counter(
        Proposal.objects.filter(cycle__cluster__year=year).values_list("cycle_id", "state")
    )
    rows = []
    for cluster in clusters:
        cycle = cycles.get(cluster.pk)
        members = [m.unit for m in cluster.members()]
        row = ClusterRow(cluster=cluster, cycle=cycle, leader=cluster.leader, members=len(members))
        if cycle is not None:
            cycle.cluster = cluster
            row.honoured = honoured.get(cycle.pk)
            row.proposals = [
                (label, Proposal(state=state).badge, proposals[(cycle.pk, state)])
                for state, label in Proposal.State.choices
                if proposals[(cycle.pk, state)]
            ]
            row.unsigned = [u for u in members if (cycle.pk, u.pk) not in signed]
            row.unregistered = [u for u in members if (cycle.pk, u.pk) not in registered]
            if cycle.at_least(Cycle.Stage.IN_PROGRESS):
                row.not_submitted = [u for u in members if (cycle.pk, u.pk) not in submitted]
        rows.append(row)
    return rows


def progress_chart(rows: list[ClusterRow]) -> dict[str, Any] | None:
    """Share of member units that signed, registered and reported, per opened cluster (%)."""
    opened = [r for r in rows if r.cycle is not None and r.members]
    if not opened:
        return None

    def share(r: ClusterRow, missing: list[Unit]) -> float:
        return round(100 * (r.members - len(missing)) / r.members, 1)

    return {
        "type": "bar",
        "data": {
            "labels": [r.cluster.title for r in opened],
            "datasets": [
                {
                    "label": "Đã ký giao ước",
                    "data": [share(r, r.unsigned) for r in opened],
                    "backgroundColor": PALETTE[0],
                },
                {
                    "label": "Đã đăng ký danh hiệu",
                    "data": [share(r, r.unregistered) for r in opened],
                    "backgroundColor": PALETTE[2],
                },
                {
                    "label": "Đã gửi kết quả",
                    "data": [
                        share(r, r.not_submitted)
                        if r.cycle.at_least(Cycle.Stage.IN_PROGRESS)
                        else 0
                        for r in opened
                    ],
                    "backgroundColor": PALETTE[3],
                },
            ],
        },
        "options": {
            "indexAxis": "y",
            "scales": {
                "x": {
                    "min": 0,
                    "max": 100,
                    "title": {"display": True, "text": "% đơn vị thành viên"},
                }
            },
            "plugins": {"legend": {"position": "bottom"}},
        },
    }
