"""The cycle's bridge to the pure engine: inputs in, explained scores and rankings out, stored.

Scores are never edited: they are recomputed from stored inputs by the engine, and each stored
sheet keeps the method version, the inputs and every criterion's explanation.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from thidua.audit.log import record as audit
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
from thidua.engine import scoring as engine_scoring
from thidua.engine.numbers import fmt_number
from thidua.engine.ranking import rank
from thidua.engine.reconcile import Consolidation, reconcile
from thidua.engine.robustness import robustness
from thidua.engine.rules import kind_of
from thidua.engine.scale import Criterion, Scale, fingerprint, parse_scale
from thidua.engine.text import normalize
from thidua.org.models import Unit, User
from thidua.untrusted import strip_control

ROBUSTNESS_SAMPLES = 2000
_TRUE = {"1", "true", "có", "co", "x", "yes", "đạt", "dat"}
_FALSE = {"0", "false", "không", "khong", "no", "không đạt", "khong dat"}
_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


# -- the scale -------------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _parse(key: str, doc_json: str) -> Scale:
    import json

    return parse_scale(json.loads(doc_json))


def scale_of(method: MethodVersion) -> Scale:
    """The parsed scale of a method version, kept on the instance while its document is unchanged
    (canonicalising a 200-criterion document costs ~14 ms, and a page asks many times)."""
    import json

    cached = getattr(method, "_parsed_scale", None)
    if cached is not None and cached[0] is method.scale:
        return cached[1]
    doc_json = json.dumps(method.scale, sort_keys=True, ensure_ascii=False)
    scale = _parse(fingerprint(method.scale), doc_json)
    method._parsed_scale = (method.scale, scale)
    return scale


def criterion_names(method: MethodVersion | None) -> dict[str, str]:
    if method is None or not method.scale:
        return {}
    return {c.code: c.name for c in scale_of(method).criteria}


def input_kind(criterion: Criterion) -> str:
    """How a form asks for this criterion: "bool", "judged" (points + remark) or "number"."""
    return kind_of(criterion.rule).input


def parse_number(text: Any) -> Decimal:
    """A number as Vietnamese users write it: "92,5" and "520.000" as well as "92.5"."""
    if isinstance(text, bool):
        raise ValueError("not a number")
    if isinstance(text, int | Decimal):
        return Decimal(text)
    if isinstance(text, float):
        if not math.isfinite(text):
            raise ValueError(text)
        return Decimal(repr(text))
    raw = str(text).strip().replace(" ", "").replace("\u00a0", "")
    if "," in raw:
        raw = raw.replace(".", "").replace(",", ".")
    elif _THOUSANDS.match(raw):
        raw = raw.replace(".", "")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


def _parse_bool(text: Any) -> bool:
    if isinstance(text, bool):
        return text
    low = normalize(str(text)).casefold()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ValueError(text)


def _clean_values(scale: Scale, values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Typed, JSON-safe values (Decimals as strings); every problem keyed by criterion code."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for code, raw in values.items():
        if not scale.has_criterion(code):
            errors[code] = "Thang điểm không có tiêu chí này."
            continue
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue  # missing is explicit: the key is absent
        criterion = scale.criterion(code)
        try:
            if input_kind(criterion) == "bool":
                cleaned[code] = _parse_bool(raw)
            else:
                cleaned[code] = str(parse_number(raw))
        except ValueError:
            errors[code] = (
                "Chọn có hoặc không."
                if input_kind(criterion) == "bool"
                else f"“{raw}” không phải là số (dùng dấu phẩy cho phần thập phân, ví dụ 92,5)."
            )
    return cleaned, errors


def _engine_values(cleaned: dict[str, Any]) -> dict[str, Any]:
    return {
        code: value if isinstance(value, bool) else Decimal(value)
        for code, value in cleaned.items()
    }


def _check(
    scale: Scale, unit: Unit, method: MethodVersion, values: dict[str, Any], remarks: dict[str, str]
) -> dict[str, str]:
    """Score once: whatever the engine would refuse later is refused now, criterion by criterion."""
    try:
        engine_scoring.score_unit(
            scale,
            method.targets.get(unit.code, {}),
            _engine_values(values),
            unit=unit.code,
            remarks=remarks,
        )
    except engine_scoring.InputError as exc:
        return {p.code or "unit": p.message for p in exc.problems}
    return {}


def clean_results(
    method: MethodVersion, unit: Unit, values: dict[str, Any], remarks: dict[str, str]
):
    scale = scale_of(method)
    cleaned, errors = _clean_values(scale, values)
    # Control characters pasted into a remark mean nothing and no workbook or document can hold
    # them: removed here, where the form, the API and the Excel upload all pass.
    remarks = {code: normalize(strip_control(text or "")) for code, text in remarks.items()}
    remarks = {code: text for code, text in remarks.items() if text}
    unknown = [code for code in remarks if not scale.has_criterion(code)]
    for code in unknown:
        errors[code] = "Thang điểm không có tiêu chí này."
    if not errors:
        errors.update(_check(scale, unit, method, cleaned, remarks))
    if errors:
        names = {c.code: c.name for c in scale.criteria}
        raise ValidationError(
            {code: f"{names.get(code, code)}: {message}" for code, message in errors.items()}
        )
    return cleaned, remarks


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


def same_value(a: Any, b: Any) -> bool:
    """Equal as the engine sees them: "-15" and "-15.0" are the same figure."""
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return a == b
    try:
        return Decimal(str(a)) == Decimal(str(b))
    except InvalidOperation:
        return str(a) == str(b)


def display_value(value: Any) -> str:
    """A stored value as a Vietnamese reader writes it (92,1; Có/Không; "không có")."""
    if value is None:
        return "không có"
    if isinstance(value, bool):
        return "Có" if value else "Không"
    try:
        return fmt_number(Decimal(str(value)))
    except InvalidOperation:
        return str(value)


def missing_required(method: MethodVersion, values: dict[str, Any]) -> list[str]:
    scale = scale_of(method)
    return [c.name for c in scale.criteria if c.missing == "block" and c.code not in values]


# -- scoring and storing ----------------------------------------------------------------------------


def _score(method: MethodVersion, unit: Unit, values: dict, remarks: dict, stage: str, source: str):
    return engine_scoring.score_unit(
        scale_of(method),
        method.targets.get(unit.code, {}),
        _engine_values(values),
        unit=unit.code,
        remarks=remarks,
        stage=stage,
        source=source,
    )


def _store(
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
    return _store(
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
    return _store(
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
    cycle.require_secretariat(by)
    cycle.require_stage(Cycle.Stage.RANKING, Cycle.Stage.VOTING, action="tính lại bảng xếp hạng")
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
