"""The cycle's bridge to the pure engine: inputs in, explained scores and rankings out, stored.

The year's ranking and recomputations live here, above the models; what the models themselves need
lives below them: the scale and the typed values in thidua/cycle/scales.py, the storing of a score
sheet in thidua/cycle/models/results.py (both re-exported here for the pages and the API).

Scores are never edited: they are recomputed from stored inputs by the engine, and each stored
sheet keeps the method version, the inputs and every criterion's explanation.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from thidua.audit.log import record as audit
from thidua.cycle import workflow
from thidua.cycle.models import (
    Cycle,
    Dispute,
    Inspection,
    MethodVersion,
    Ranking,
    RankingEntry,
    ResultSheet,
    ScoreSheet,
)
from thidua.cycle.models.plan import method_token
from thidua.cycle.models.results import (  # noqa: F401  (the storing steps, beside ScoreSheet)
    clean_inspection,
    score_inspection,
    score_self,
)
from thidua.cycle.models.results import store_score as _store
from thidua.cycle.scales import (  # noqa: F401  (the pure part, below the models; imported from here too)
    _clean_values,
    _engine_values,
    _score,
    clean_results,
    criterion_names,
    display_value,
    input_kind,
    missing_required,
    parse_number,
    same_value,
    scale_of,
    show_value,
)
from thidua.engine.ranking import rank
from thidua.engine.reconcile import Consolidation, reconcile
from thidua.engine.robustness import robustness
from thidua.engine.scoring import InputError
from thidua.lib.workflow import StaleEdit, WorkflowError
from thidua.org.models import User

ROBUSTNESS_SAMPLES = 2000


# -- the scale -------------------------------------------------------------------------------------


# -- scoring and storing ----------------------------------------------------------------------------


def consolidations(cycle: Cycle) -> list[Consolidation]:
    """Every reporting member's consolidated sheet, recomputed from stored inputs. A pure read:
    rules checks call it often, so it neither stores nor audits (rank_cycle does)."""
    method = cycle.method
    results = {r.unit_id: r for r in ResultSheet.objects.filter(cycle=cycle)}
    inspections: dict[int, list[Inspection]] = {}
    for inspection in Inspection.objects.filter(
        cycle=cycle, state=Inspection.State.SUBMITTED
    ).select_related("team"):
        inspections.setdefault(inspection.unit_id, []).append(inspection)
    out = []
    for unit in cycle.members():
        result = results.get(unit.pk)
        if result is None:
            continue
        own = _score(method, unit, result.values, result.remarks, "self", unit.short_name)
        others = [
            _score(method, unit, i.values, i.remarks, "inspection", i.team.name)
            for i in inspections.get(unit.pk, [])
        ]
        out.append(reconcile(own, others))
    return out


@transaction.atomic
def rank_cycle(
    cycle: Cycle, *, by: User | None, reason: str = "", samples: int = ROBUSTNESS_SAMPLES
) -> Ranking:
    """Step 8: consolidate every member, rank with the scale's tie-breaks, measure robustness."""
    method = cycle.method
    units = cycle.members()
    by_code = {u.code: u for u in units}
    consolidated = consolidations(cycle)
    for item in consolidated:
        inputs = {"inspections": [i.source for i in item.inspections]}
        _store(
            cycle,
            by_code[item.unit],
            ScoreSheet.Stage.CONSOLIDATED,
            "",
            method,
            inputs,
            item.sheet,
            by,
            reason,
        )
    sheets = [c.sheet for c in consolidated]
    ranking = rank(sheets, scale_of(method).tie_breaks)
    report = (
        robustness(ranking, samples=samples, seed=cycle.pk, inspections=consolidated)
        if len(ranking.entries) > 1 and samples
        else None
    )
    bands = {r.unit: r for r in report.units} if report else {}
    data = {
        **ranking.to_dict(),
        "discrepancies": [d.to_dict() for c in consolidated for d in c.flags],
        "robustness": report.to_dict() if report else None,
        "method": method.number,
    }
    row = Ranking.objects.create(
        cycle=cycle,
        method=method,
        computed_by=by,
        data=data,
        robustness_samples=samples if report else 0,
    )
    entries = []
    for position, entry in enumerate(ranking.entries, start=1):
        band = bands.get(entry.unit)
        entries.append(
            RankingEntry(
                ranking=row,
                unit=by_code[entry.unit],
                position=position,
                rank=entry.rank,
                total=entry.total,
                note=entry.note,
                median_rank=band.median_rank if band else None,
                rank_p5=band.p5_rank if band else None,
                rank_p95=band.p95_rank if band else None,
                p_first=band.p_first if band else None,
            )
        )
    for offset, excluded in enumerate(ranking.excluded, start=len(ranking.entries) + 1):
        entries.append(
            RankingEntry(
                ranking=row,
                unit=by_code[excluded.unit],
                position=offset,
                rank=None,
                total=excluded.sheet.total if not excluded.sheet.blocked_by else None,
                vetoed=True,
                note="; ".join(excluded.reasons),
            )
        )
    RankingEntry.objects.bulk_create(entries)
    audit(
        actor=by,
        action="rank",
        obj=row,
        after={
            "method": method.number,
            "ranking": [(e.unit.code, e.rank, str(e.total)) for e in entries],
        },
        reason=reason,
    )
    return row


@transaction.atomic
def recompute_ranking(cycle: Cycle, *, by: User, reason: str = "") -> Ranking:
    """The secretariat recomputes the ranking in force (ranking or voting stage), e.g. after a
    dispute was resolved; the reason goes to the audit log."""
    cycle.require_step(workflow.RECOMPUTE, by)
    return rank_cycle(cycle, by=by, reason=reason)


@transaction.atomic
def recompute_cycle(cycle: Cycle, *, by: User | None, reason: str) -> None:
    """After a method change: rescore every stored sheet from its inputs, and re-rank if ranked."""
    for sheet in ResultSheet.objects.filter(
        cycle=cycle, state=ResultSheet.State.SUBMITTED
    ).select_related("unit", "cycle"):
        score_self(sheet, by=by, reason=reason)
    for inspection in Inspection.objects.filter(
        cycle=cycle, state=Inspection.State.SUBMITTED
    ).select_related("unit", "team", "cycle"):
        score_inspection(inspection, by=by, reason=reason)
    if cycle.at_least(Cycle.Stage.RANKING):
        rank_cycle(cycle, by=by, reason=reason)


def apply_dispute(dispute: Dispute, *, by: User) -> None:
    """An accepted dispute corrects the value in the unit's submitted inspections, then rescored."""
    scale = scale_of(dispute.cycle.method)
    cleaned, errors = _clean_values(scale, {dispute.criterion: dispute.corrected_value})
    if errors:
        raise ValidationError({"corrected_value": errors[dispute.criterion]})
    for inspection in Inspection.objects.filter(
        cycle=dispute.cycle, unit=dispute.unit, state=Inspection.State.SUBMITTED
    ).select_related("team", "unit", "cycle"):
        before = {dispute.criterion: inspection.values.get(dispute.criterion)}
        inspection.values = {**inspection.values, **cleaned}
        inspection.remarks = {
            **inspection.remarks,
            dispute.criterion: f"Theo kết luận khiếu nại: {dispute.resolution}",
        }
        inspection.version += 1
        inspection.save(update_fields=["values", "remarks", "version"])
        audit(
            actor=by,
            action="correct",
            obj=inspection,
            before=before,
            after={dispute.criterion: cleaned.get(dispute.criterion)},
            reason=dispute.resolution,
        )
        score_inspection(inspection, by=by, reason=dispute.resolution)
    if dispute.cycle.at_least(Cycle.Stage.RANKING):
        rank_cycle(dispute.cycle, by=by, reason=f"Giải quyết khiếu nại: {dispute.resolution}")


# -- the steps that change what was scored (DESIGN.md §4.7: the step calls the recompute) ----------


@transaction.atomic
def set_method(cycle: Cycle, *, by: User, **changes: Any) -> MethodVersion:
    """Adopt or change the method (Cycle.store_method); when that made a new version of a locked
    method, every stored sheet is rescored from its inputs and the year re-ranked, in the same
    transaction."""
    previous = cycle.method
    version = cycle.store_method(by=by, **changes)
    if previous is not None and version.pk != previous.pk:
        recompute_cycle(
            cycle,
            by=by,
            reason=f"Phương pháp chấm phiên bản {version.number}: {version.reason}",
        )
    return version


def change_method(cycle: Cycle, *, by: User, expected_token: str, **changes: Any) -> MethodVersion:
    """set_method(cycle, by=, **changes) only if nobody changed the method since `expected_token`.

    One transaction: the cycle row is locked, the token compared, the method set (and, once locked,
    every sheet recomputed). Stored results the new scale cannot score refuse the whole change.
    """
    try:
        with transaction.atomic():
            Cycle.objects.select_for_update().filter(pk=cycle.pk).first()
            cycle._method = None  # read the method in force now, not the one cached at page load
            if method_token(cycle.method) != expected_token:
                raise StaleEdit("phương pháp chấm")
            return set_method(cycle, by=by, **changes)
    except InputError as exc:
        cycle._method = None
        problems = "; ".join(str(p) for p in exc.problems[:5])
        more = f" (và {len(exc.problems) - 5} lỗi khác)" if len(exc.problems) > 5 else ""
        raise WorkflowError(
            "Không áp dụng được: số liệu đơn vị đã gửi không chấm được theo thang điểm mới — "
            f"{problems}{more}. Chưa có gì thay đổi."
        ) from None


@transaction.atomic
def resolve_dispute(
    dispute: Dispute, *, by: User, accept: bool, resolution: str, corrected_value: Any = None
) -> None:
    """Conclude a dispute (Dispute.record_resolution); accepting corrects the value in every
    submitted inspection of the unit, rescored and re-ranked, in the same transaction."""
    dispute.record_resolution(
        by=by, accept=accept, resolution=resolution, corrected_value=corrected_value
    )
    if accept:
        apply_dispute(dispute, by=by)
