"""One JSON-ready document for a scored year: per unit the total, rank, explained points, vetoes,
reconciliation flags, award decisions and robustness; plus the ranking and the proposals.

Used by the command line (``python -m thidua.engine score``) and usable as-is by an export view.
Decimals are strings (``"96.50"``) so no consumer loses exactness.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .awards import Allocation
from .ranking import Ranking
from .reconcile import Consolidation
from .robustness import RobustnessReport
from .scale import Scale
from .scoring import ScoreSheet

__all__ = ["ENGINE", "build_report"]

ENGINE = {"name": "thidua.engine", "format": 1}


def build_report(
    scale: Scale,
    sheets: Sequence[ScoreSheet],
    ranking: Ranking,
    *,
    consolidations: Sequence[Consolidation] = (),
    allocation: Allocation | None = None,
    robust: RobustnessReport | None = None,
    meta: dict[str, Any] | None = None,
    explanations: bool = True,
) -> dict[str, Any]:
    """Assemble the document; units appear in rank order, then the units not ranked."""
    by_unit = {s.unit: s for s in sheets}
    cons = {c.unit: c for c in consolidations}
    order = [e.unit for e in ranking.entries] + [x.unit for x in ranking.excluded]
    units = []
    for name in order:
        sheet = by_unit[name]
        entry = ranking.entry(name)
        excluded = ranking.excluded_unit(name)
        doc = sheet.to_dict(explanations=explanations)
        doc["rank"] = entry.rank if entry else None
        doc["tied"] = entry.tied if entry else False
        doc["rank_note"] = entry.note if entry else None
        doc["excluded"] = excluded is not None
        doc["exclusion_reasons"] = list(excluded.reasons) if excluded else []
        if name in cons:
            c = cons[name]
            doc["reconciliation"] = {
                "self_total": None if c.self_sheet.total is None else str(c.self_sheet.total),
                "inspections": [
                    {"source": s.source, "total": None if s.total is None else str(s.total)}
                    for s in c.inspections
                ],
                "flags": [f.to_dict() for f in c.flags],
            }
        else:
            doc["reconciliation"] = None
        doc["awards"] = (
            [
                {
                    "award": d.award,
                    "award_name": d.award_name,
                    "granted": d.granted,
                    "reason": d.reason,
                }
                for d in allocation.for_unit(name)
            ]
            if allocation
            else None
        )
        doc["robustness"] = None
        if robust is not None:
            try:
                doc["robustness"] = robust.unit(name).to_dict()
            except KeyError:
                doc["robustness"] = None
        units.append(doc)
    return {
        "engine": ENGINE,
        "scale": {**scale.ident, "name": scale.name, "year": scale.year},
        "input": meta or {},
        "stage": "consolidated" if consolidations else (sheets[0].stage if sheets else "self"),
        "units": units,
        "ranking": ranking.to_dict(),
        "awards": allocation.to_dict() if allocation else None,
        "robustness": robust.to_dict() if robust else None,
    }
