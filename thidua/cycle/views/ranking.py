"""Step 8: the ranking table with its robustness band, and one unit's score drill-down."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_POST

from thidua.cycle import workflow
from thidua.cycle.access import (
    CycleAccess,
    get_cycle_for_user,
    get_unit_scores_for_user,
    ranking_is_published,
    require_outcome_scope,
)
from thidua.cycle.models import Cycle, MethodVersion, Ranking, ScoreSheet
from thidua.cycle.models.outcome import readable_units
from thidua.cycle.outcome.forms import RecomputeForm
from thidua.cycle.results.forms import points_display
from thidua.cycle.scoring import recompute_ranking, scale_of
from thidua.engine.formulas import describe_rule
from thidua.engine.numbers import fmt_number
from thidua.lib.plain_rows import hot_rows
from thidua.lib.steps import run_step
from thidua.org.models import User

# -- the ranking -----------------------------------------------------------------------------------


@require_GET
def cycle_ranking(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    require_outcome_scope(access)
    published = ranking_is_published(access)
    context: dict[str, Any] = {
        "access": access,
        "cycle": access.cycle,
        "content": ranking_content(access, published),
        "can_recompute": published and workflow.RECOMPUTE.may(request.user, access.cycle),
    }
    if context["can_recompute"]:
        context["form"] = RecomputeForm()
    return render(request, "cycle/outcome/ranking.html", context)


@require_POST
def cycle_ranking_recompute(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    workflow.RECOMPUTE.require_actor(request.user, access.cycle)
    form = RecomputeForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    run_step(
        request,
        lambda: recompute_ranking(access.cycle, by=request.user, reason=reason),
        success="Đã tính lại điểm tổng hợp và bảng xếp hạng.",
    )
    return redirect(reverse("cycle_ranking", args=[year, number]))


RANKING_BODY_SECONDS = 24 * 3600


def ranking_content(access: CycleAccess, published: bool) -> SafeString:
    """The ranking page's content (the year's tabs, the stored ranking's tables and chart, or why
    there is none) as HTML, kept in Django's cache under a key made of everything it shows.

    A recomputation stores a new ranking (with its entries) and never changes one: the ranking in
    force is named by its id and the moment it was computed (a database restored from a backup may
    reuse an id, never with the same moment). The rest of the key is what the page shows beside
    the stored figures: the method's number, who computed it, the year's cluster and note, the
    members' codes and names (already loaded by the access check), whether the reader sees it
    (published, or a preview for the secretariat) and the reader's own unit (the highlighted row),
    and the language; the release is in every key's prefix. A key therefore never leads to stale
    HTML, whatever the cache backend and however many app servers share (or do not share) it.
    A hit costs one light query (the ranking in force's identity). Should a ranking name a unit
    that is no longer a member, the key also carries the entries' unit names (one more query).
    """
    cycle, cluster = access.cycle, access.cycle.cluster
    latest = ranking_in_force(cycle.pk) if published else None
    own_unit_id = access.own_unit.pk if access.own_unit else None
    members = tuple(
        (m.unit_id, m.unit.code, m.unit.name, m.unit.short_name) for m in cluster.memberships.all()
    )
    identity: tuple = (
        latest[0] if latest else None,
        str(latest[1]) if latest else None,
        *(latest[2:] if latest else ()),
        cycle.pk,
        cycle.stage,
        cycle.demo_note,
        cluster.kind,
        cluster.year,
        cluster.number,
        cluster.title,
        published,
        own_unit_id,
        members,
        translation.get_language(),
    )
    key = "ranking-body:" + hashlib.sha256(repr(identity).encode()).hexdigest()
    html = cache.get(key)
    if html is not None:
        return mark_safe(html)  # rendered and escaped by the template engine below
    ranking = None
    if latest:  # the very ranking the key names, even if another was computed meanwhile
        ranking = cycle.rankings.select_related("method", "computed_by").get(pk=latest[0])
        member_ids = {m[0] for m in members}
        if any(e.unit_id not in member_ids for e in ranking.rows()):
            # a unit no longer a member: its names join the key
            names = sorted((e.unit_id, e.unit.code, e.unit.name) for e in ranking.rows())
            key += ":" + hashlib.sha256(repr(names).encode()).hexdigest()
            html = cache.get(key)
            if html is not None:
                return mark_safe(html)
    context: dict[str, Any] = {
        "cycle": cycle,
        "published": published,
        "preview": not cycle.at_least(Cycle.Stage.RANKING),
        "own_unit_id": own_unit_id,
        **ranking_context(ranking),
    }
    html = render_to_string("cycle/outcome/_ranking_content.html", context)
    cache.set(key, html, RANKING_BODY_SECONDS)
    return mark_safe(html)


def _ranking_in_force_sql() -> str:
    r, m, u = Ranking._meta, MethodVersion._meta, User._meta
    return (
        f"SELECT r.id, r.computed_at, m.number, u.full_name, u.username FROM {r.db_table} r "
        f"JOIN {m.db_table} m ON m.id = r.method_id "
        f"LEFT JOIN {u.db_table} u ON u.id = r.computed_by_id "
        "WHERE r.cycle_id = %s ORDER BY r.computed_at DESC, r.id DESC LIMIT 1"
    )


_RANKING_IN_FORCE = _ranking_in_force_sql()


def ranking_in_force(cycle_id: int) -> tuple | None:
    """The identity of the year's ranking in force (the latest, as `Ranking.Meta.ordering`): id,
    moment computed, method number, who computed it. The page's one query on a cache hit, in plain
    SQL: the ORM spent longer writing this query than the database answering it."""
    rows = hot_rows(_RANKING_IN_FORCE, [cycle_id])
    return rows[0] if rows else None


def ranking_context(ranking: Ranking | None) -> dict[str, Any]:
    if ranking is None:
        return {"ranking": None}
    ranked = ranking.ranked
    for row in ranked:
        row.median_text = _rank_text(row.median_rank)
        row.band_text = (
            f"{_rank_text(row.rank_p5)}–{_rank_text(row.rank_p95)}"
            if row.rank_p5 is not None
            else "—"
        )
        row.p_first_text = (
            f"{fmt_number(row.p_first * 100, 1)}%" if row.p_first is not None else "—"
        )
    return {
        "ranking": ranking,
        "ranked": ranked,
        "excluded": ranking.excluded,
        "discrepancies": [_readable_discrepancy(d) for d in ranking.discrepancies()],
        "robustness": ranking.robustness_model,
        "tie_breaks": ranking.tie_break_labels(),
        "chart": robustness_chart(ranked),
    }


def _readable_discrepancy(d: dict[str, Any]) -> dict[str, Any]:
    def points(value: str | None) -> str:
        return "thiếu" if value is None else _pts(Decimal(value))

    return {
        **d,
        "self_text": points(d.get("self_points")),
        "inspections_text": "; ".join(
            f"{i['source']}: {points(i.get('points'))}" for i in d.get("inspections", [])
        ),
        "difference_text": points(d.get("difference")),
        "consolidated_text": points(d.get("consolidated")),
    }


def _rank_text(value: float | None) -> str:
    return "—" if value is None else fmt_number(value, 1)


def robustness_chart(ranked: list) -> dict[str, Any] | None:
    """Chart.js floating bars: the 5–95% band of ranks per unit, with the median and actual rank.

    Plain JSON (no callbacks) so app.js can draw it under the CSP; ranks read downwards (1 on top).
    """
    rows = [r for r in ranked if r.rank_p5 is not None]
    if len(rows) < 2:
        return None
    return {
        "type": "bar",
        "data": {
            "labels": [r.unit.short_name for r in rows],
            "datasets": [
                {
                    "type": "line",
                    "label": "Hạng thực tế",
                    "data": [r.rank for r in rows],
                    "showLine": False,
                    "pointStyle": "circle",
                    "pointRadius": 5,
                    "backgroundColor": "#a8191f",
                    "borderColor": "#a8191f",
                    "order": 0,
                },
                {
                    "type": "line",
                    "label": "Hạng trung vị",
                    "data": [r.median_rank for r in rows],
                    "showLine": False,
                    "pointStyle": "rectRot",
                    "pointRadius": 7,
                    "backgroundColor": "#d9a51c",
                    "borderColor": "#855300",
                    "order": 1,
                },
                {
                    "type": "bar",
                    "label": "Khoảng hạng 5–95%",
                    "data": [[r.rank_p5, r.rank_p95] for r in rows],
                    "backgroundColor": "rgba(29, 68, 121, 0.22)",
                    "borderColor": "#1d4479",
                    "borderWidth": 1,
                    "borderSkipped": False,
                    "minBarLength": 6,
                    "barPercentage": 0.5,
                    "order": 2,
                },
            ],
        },
        "options": {
            "scales": {
                "y": {
                    "reverse": True,
                    "min": 0,
                    "max": len(ranked) + 1,
                    "ticks": {"stepSize": 1, "precision": 0},
                    "title": {"display": True, "text": "Hạng (1 ở trên cùng)"},
                },
            },
            "plugins": {"legend": {"position": "bottom"}},
        },
    }


# -- one unit's scores -----------------------------------------------------------------------------


@require_GET
def cycle_unit_score(request: HttpRequest, year: int, number: int, code: str) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    unit, sheets = get_unit_scores_for_user(access, code)
    context = {"access": access, "cycle": access.cycle, "unit": unit, **score_context(sheets)}
    latest = access.cycle.rankings.first()
    entry = latest.entries.filter(unit=unit).first() if latest else None
    if entry is not None:
        names = {u.code: u.short_name for u in access.cycle.members()}
        entry.readable_note = readable_units(entry.note, names)
    context["entry"] = entry
    context["members"] = len(access.cycle.member_ids())
    return render(request, "cycle/outcome/unit_score.html", context)


def score_context(sheets: list[ScoreSheet]) -> dict[str, Any]:
    """The consolidated sheet explained criterion by criterion, and self vs each inspection."""
    by_stage: dict[str, list[ScoreSheet]] = {}
    for sheet in sheets:
        by_stage.setdefault(sheet.stage, []).append(sheet)
    own = (by_stage.get(ScoreSheet.Stage.SELF) or [None])[0]
    inspections = by_stage.get(ScoreSheet.Stage.INSPECTION, [])
    main = (by_stage.get(ScoreSheet.Stage.CONSOLIDATED) or [own])[0]
    if main is None:
        return {"main": None}
    scale = scale_of(main.method)
    groups = []
    for group in main.sheet.get("groups", []):
        criteria = [c for c in main.sheet.get("criteria", []) if c["group"] == group["code"]]
        for c in criteria:
            c["rule_text"] = (
                describe_rule(
                    scale.criterion(c["code"]).rule, scale.criterion(c["code"]).max_points
                )
                if scale.has_criterion(c["code"])
                else c["rule"]
            )
            c["inputs_text"] = inputs_text(c["inputs"])
            c["points_text"] = _pts(Decimal(c["points"]))
            c["max_text"] = _pts(Decimal(c["max_points"])) if Decimal(c["max_points"]) else None
            c["display"] = points_display(c)
        groups.append({**group, "criteria": criteria})
    return {
        "main": main,
        "own": own,
        "inspections": inspections,
        "groups": groups,
        "vetoes": main.sheet.get("vetoes", []),
        "blocked": [
            scale.criterion(code).name if scale.has_criterion(code) else code
            for code in main.sheet.get("blocked_by", [])
        ],
        "comparison": comparison(main, own, inspections),
    }


def _points(sheet: ScoreSheet | None) -> dict[str, Decimal | None]:
    if sheet is None:
        return {}
    return {
        c["code"]: None if c["missing"] else Decimal(c["points"])
        for c in sheet.sheet.get("criteria", [])
    }


def comparison(
    main: ScoreSheet, own: ScoreSheet | None, inspections: list[ScoreSheet]
) -> list[dict[str, Any]]:
    """Per criterion: self points, each inspection's points with its difference, consolidated."""
    own_points = _points(own)
    team_points = [_points(s) for s in inspections]
    main_points = _points(main)
    rows = []
    for c in main.sheet.get("criteria", []):
        mine = own_points.get(c["code"])
        cells = []
        for points in team_points:
            theirs = points.get(c["code"])
            delta = None if mine is None or theirs is None else theirs - mine
            cells.append({"points": _pts(theirs), "delta": delta, "delta_text": _pts(delta)})
        rows.append(
            {
                "code": c["code"],
                "name": c["name"],
                "own": _pts(mine),
                "teams": cells,
                "consolidated": _pts(main_points.get(c["code"])),
                "differs": any(cell["delta"] for cell in cells),
            }
        )
    return rows


def _pts(value: Decimal | None) -> str | None:
    """Points the Vietnamese way, as the engine's sentences write them ("7,5"; "−0,5")."""
    if value is None:
        return None
    text = fmt_number(value)
    return text.replace("-", "−") if value < 0 else text


_BOOL = {True: "có", False: "không"}


def _num(value: Any, unit: str = "") -> str:
    if value is None:
        return "thiếu số liệu"
    if isinstance(value, bool):
        return _BOOL[value]
    try:
        text = fmt_number(Decimal(str(value)))
    except ArithmeticError:
        return str(value)
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}".strip()


def inputs_text(inputs: dict[str, Any]) -> str:
    """What the engine was given for one criterion, in words ("thiếu số liệu" when missing)."""
    if "sheets" in inputs:
        method = {"mean": "trung bình", "median": "trung vị", "min": "thấp nhất", "any": "bất kỳ"}
        parts = "; ".join(
            f"{s['source']}: {_num(s.get('points'))}" for s in inputs.get("sheets", [])
        )
        return f"Tổng hợp ({method.get(inputs.get('method'), inputs.get('method'))}) — {parts}"
    unit = inputs.get("unit") or ""
    if "target" in inputs or "plan" in inputs:
        key, word = ("target", "chỉ tiêu") if "target" in inputs else ("plan", "kế hoạch")
        text = f"Kết quả {_num(inputs['value'], unit)}"
        return f"{text}; {word} {_num(inputs[key], unit)}" if inputs[key] is not None else text
    if "count" in inputs:
        return f"Số lần: {_num(inputs['count'])}"
    if "remark" in inputs:
        text = f"Điểm chấm {_num(inputs.get('points'))}"
        return f"{text}; nhận xét: {inputs['remark']}" if inputs.get("remark") else text
    if "occurred" in inputs:
        return f"Xảy ra: {_num(inputs['occurred'])}"
    if "answer" in inputs:
        return f"Trả lời: {_num(inputs['answer'])}"
    return ", ".join(f"{k}: {_num(v)}" for k, v in inputs.items())
