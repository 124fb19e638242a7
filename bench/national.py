"""Synthetic national data for benchmarks: N units × M criteria in K clusters (dữ liệu tổng hợp).

Not real data: the scale and the results are generated, seeded and reproducible, to load the engine
the way a national roll-up would (10,000 units × 200 criteria, 30 clusters by default). The mix of
rule kinds and the shape of the values imitate real scales: percentages with one decimal (86,2%),
changes against last year for lower-better indicators, ID-card counts against per-unit plans,
judged points in quarter steps with remarks, rare deductions and vetoes, and a few missing cells.

    from bench.national import generate
    data = generate(units=10_000, criteria=200, clusters=30, seed=0)
    data.scale, data.units (UnitInput list), data.cluster_of, data.matrices()
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from thidua.engine.scale import Scale, parse_scale  # noqa: E402
from thidua.engine.scoring import UnitInput  # noqa: E402

GROUP_NAMES = [
    "Bảo vệ an ninh quốc gia",
    "Đấu tranh phòng, chống tội phạm",
    "Quản lý nhà nước về trật tự xã hội",
    "Xây dựng lực lượng",
    "Đề án 06",
    "Cải cách hành chính",
    "Hậu cần, kỹ thuật",
    "Công tác đảng, công tác chính trị",
]

# (kind label, share of criteria); shares sum to 1
MIX = [
    ("lin_hi", 0.22),
    ("lin_hi_bonus", 0.08),
    ("lin_lo", 0.10),
    ("thr", 0.15),
    ("aon", 0.10),
    ("plan", 0.05),
    ("judged", 0.15),
    ("yes_no", 0.07),
    ("deduction", 0.04),
    ("bonus", 0.02),
    ("veto", 0.02),
]


def _criterion(kind: str, code: str, k: int) -> dict[str, Any]:
    name = f"Tiêu chí tổng hợp {code}"
    if kind in ("lin_hi", "lin_hi_bonus"):
        rule: dict[str, Any] = {
            "kind": "target",
            "direction": "higher",
            "method": "linear",
            "target": 76 + k % 15,
            "zero_at": 40,
            "unit": "%",
        }
        if kind == "lin_hi_bonus":
            rule["bonus"] = {"per": 1, "points": "0.1", "cap": 1}
        return {"code": code, "name": name, "max_points": 2 + k % 5, "rule": rule}
    if kind == "lin_lo":
        return {
            "code": code,
            "name": name,
            "max_points": 2 + k % 3,
            "rule": {
                "kind": "target",
                "direction": "lower",
                "method": "linear",
                "target": -5,
                "zero_at": 5,
                "unit": "%",
            },
        }
    if kind == "thr":
        return {
            "code": code,
            "name": name,
            "max_points": 4,
            "rule": {
                "kind": "target",
                "direction": "higher",
                "method": "thresholds",
                "target": 90,
                "unit": "%",
                "steps": [
                    {"value": 95, "points": 4},
                    {"value": 90, "points": 3},
                    {"value": 85, "points": 2},
                    {"value": 80, "points": 1},
                ],
            },
        }
    if kind == "aon":
        return {
            "code": code,
            "name": name,
            "max_points": 3,
            "rule": {
                "kind": "target",
                "direction": "higher",
                "method": "all_or_nothing",
                "target": 5,
                "unit": "%",
            },
        }
    if kind == "plan":
        return {
            "code": code,
            "name": name,
            "max_points": 5,
            "rule": {"kind": "plan", "unit": "hồ sơ"},
        }
    if kind == "judged":
        return {"code": code, "name": name, "max_points": 3 + k % 3, "rule": {"kind": "judged"}}
    if kind == "yes_no":
        return {"code": code, "name": name, "max_points": 2, "rule": {"kind": "yes_no"}}
    if kind == "deduction":
        return {
            "code": code,
            "name": name,
            "rule": {"kind": "count", "per_event": -1, "limit": 5, "unit": "trường hợp"},
        }
    if kind == "bonus":
        return {
            "code": code,
            "name": name,
            "rule": {"kind": "count", "per_event": "0.5", "limit": 2, "unit": "lần"},
        }
    scope = (
        {"kind": "veto", "scope": "ranking"}
        if k % 2
        else {"kind": "veto", "scope": "awards", "awards": ["CO_BCA"]}
    )
    return {"code": code, "name": name, "rule": scope}


def national_scale_doc(criteria: int = 200, groups: int = 8, seed: int = 0) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    kinds: list[str] = []
    for kind, share in MIX:
        kinds += [kind] * round(share * criteria)
    kinds = (kinds + ["lin_hi"] * criteria)[:criteria]
    rng.shuffle(kinds)
    per_group = -(-criteria // groups)
    doc_groups = []
    for g in range(groups):
        chunk = kinds[g * per_group : (g + 1) * per_group]
        if not chunk:
            break
        doc_groups.append(
            {
                "code": f"G{g + 1}",
                "name": GROUP_NAMES[g % len(GROUP_NAMES)],
                "criteria": [
                    _criterion(kind, f"G{g + 1}C{j + 1:03d}", j) for j, kind in enumerate(chunk)
                ],
            }
        )
    return {
        "schema": "thidua.scale/1",
        "code": "QG-TONGHOP",
        "name": "Thang điểm tổng hợp toàn quốc (dữ liệu tổng hợp cho đo hiệu năng)",
        "version": "bench.1",
        "note": "Dữ liệu tổng hợp, không phải thang điểm thật",
        "rounding": {"places": 2, "mode": "half_up"},
        "tie_breaks": ["group:G2", "group:G1", "criteria_at_max", "fewer_deductions"],
        "groups": doc_groups,
    }


@dataclass
class National:
    scale: Scale
    units: list[UnitInput]
    cluster_of: list[int]

    def matrices(self) -> tuple[np.ndarray, np.ndarray]:
        """Float results and per-unit targets (NaN = missing / scale default) for the totals path."""
        codes = [c.code for c in self.scale.criteria]
        V = np.array([[u.results.get(c) for c in codes] for u in self.units], dtype=np.float64)
        T = np.full(V.shape, np.nan)
        index = {c: i for i, c in enumerate(codes)}
        for r, u in enumerate(self.units):
            for code, value in u.targets.items():
                T[r, index[code]] = value
        return V, T


def generate(
    units: int = 10_000,
    criteria: int = 200,
    clusters: int = 30,
    seed: int = 0,
    missing_rate: float = 0.002,
) -> National:
    """Seeded synthetic national data (see the module docstring)."""
    scale = parse_scale(national_scale_doc(criteria, seed=seed))
    rng = np.random.default_rng(seed + 1)
    n = len(scale.criteria)
    columns: list[list[Any]] = []
    targets_cols: dict[int, list[int]] = {}
    judged_cols: list[int] = []
    for c in scale.criteria:
        kind = c.rule.kind
        if kind == "target" and c.rule.method == "linear" and c.rule.direction == "higher":
            col = np.round(np.clip(rng.normal(86, 6, units), 40, 100), 1).tolist()
        elif kind == "target" and c.rule.direction == "lower":
            col = np.round(rng.normal(-4, 5, units), 1).tolist()
        elif kind == "target" and c.rule.method == "thresholds":
            col = np.round(np.clip(rng.normal(91, 4, units), 60, 100), 1).tolist()
        elif kind == "target":
            col = np.round(rng.normal(6, 2.5, units), 1).tolist()
        elif kind == "plan":
            plan = rng.integers(200_000, 1_500_000, units)
            targets_cols[c.index] = plan.tolist()
            col = np.round(plan * rng.uniform(0.85, 1.08, units)).astype(int).tolist()
        elif kind == "judged":
            steps = rng.choice([0, 0, 0, 1, 2, 3], units)
            col = (float(c.max_points) - 0.25 * steps).tolist()
            judged_cols.append(c.index)
        elif kind == "yes_no":
            col = (rng.random(units) < 0.9).tolist()
        elif kind == "count":
            col = rng.poisson(0.4, units).tolist()
        else:  # veto
            col = (rng.random(units) < 0.003).tolist()
        columns.append(col)
    missing = rng.random((units, n)) < missing_rate
    codes = [c.code for c in scale.criteria]
    out: list[UnitInput] = []
    for r in range(units):
        row = [col[r] for col in columns]
        for c in np.nonzero(missing[r])[0].tolist():
            row[c] = None
        results = dict(zip(codes, row, strict=True))
        targets = {codes[c]: plans[r] for c, plans in targets_cols.items()}
        remarks = {
            codes[c]: "Nhận xét minh họa của đoàn kiểm tra"
            for c in judged_cols
            if row[c] is not None and row[c] < float(scale.criteria[c].max_points)
        }
        out.append(UnitInput(f"Đơn vị {r + 1:05d}", results, targets, remarks))
    cluster_of = (np.arange(units) % clusters).tolist()
    return National(scale, out, cluster_of)


if __name__ == "__main__":
    data = generate(units=1000)
    print(len(data.units), len(data.scale.criteria), data.scale.total_points)
