"""How stable is a ranking? Monte Carlo over group weights and input noise (vectorised, seeded).

A committee ranks units by totals that depend on choices (the weight of each group) and on
measurements (a clearance rate known to ±1%). This module asks: if each group's weight moved by up
to ±``weight_jitter`` (uniformly, independently per group) and each measured value carried a normal
error of ``input_noise`` (relative: σ = input_noise × max(|value|, |target|)), how would the ranks
move? For each unit it reports the median rank, the 5th–95th percentile band and the probability of
ranking first.

Public API::

    report = robustness(sheets_or_ranking, samples=10_000, weight_jitter=0.2,
                        input_noise=0.02, seed=2021)
    report.units[0].p_first

Notes on the model (documented because a committee will ask):

- only ranked units take part (vetoed units and blocked totals stay out, as in the ranking);
- noise applies to measured values (target attainment and percentage of plan); counts, yes/no
  answers and vetoes are facts and stay fixed, as do measured criteria consolidated from
  disagreeing inspections (they have no single input to perturb);
- judged points (awarded by the inspection team) are judgements, not facts: each carries a normal
  error of σ points (``judged_noise``), kept within [0; maximum]. σ is, by default, the judges' own
  spread — the pooled standard deviation of the points that the unit's self-assessment and its
  inspection teams gave the same judged criterion of the same unit (``inspections``: the
  consolidations of :func:`thidua.engine.reconcile.reconcile_all`) — or, without such pairs,
  :data:`DEFAULT_JUDGED_NOISE` (a quarter point, the step inspectors score in); ``0`` turns it off.
  A lead built from judged points is therefore only as sure as the judges agree;
- simulated points are not rounded and tie-breaks are not applied: ties (rare once noise is on)
  share the better rank, so P(rank 1) of tied leaders can sum to more than 1;
- the same ``seed`` and ``samples`` give the same figures on every machine: samples are drawn in
  fixed chunks from ``numpy.random.default_rng(seed)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

from .kernel import Kernel
from .numbers import fmt_number, to_decimal
from .ranking import Ranking, rank
from .reconcile import Consolidation
from .rules import kind_of
from .scoring import ScoreSheet

__all__ = [
    "DEFAULT_JUDGED_NOISE",
    "MAX_SAMPLES",
    "MAX_SEED",
    "RobustnessReport",
    "UnitRobustness",
    "judged_spread",
    "robustness",
]

CHUNK = 1000  # samples per vectorised step (fixed: part of the reproducibility contract)
#: Most samples one run may take: 0,1% resolution on P(first) many times over; memory ≈ samples ×
#: units × 4 bytes for the ranks (100.000 × 63 provinces ≈ 25 MB).
MAX_SAMPLES = 100_000
MAX_SEED = 2**32 - 1
#: σ of judged points when the judges' spread cannot be measured: a quarter point.
DEFAULT_JUDGED_NOISE = 0.25


@dataclass(frozen=True, slots=True)
class UnitRobustness:
    unit: str
    rank: int  # the actual rank
    median_rank: int
    p5_rank: int  # 5th percentile (best plausible)
    p95_rank: int  # 95th percentile (worst plausible)
    p_first: float  # share of samples ranking first (ties included)

    @property
    def summary(self) -> str:
        share = f"{self.p_first * 100:.1f}".replace(".", ",")
        return (
            f"{self.unit}: hạng {self.rank}; trung vị {self.median_rank}, khoảng 5–95%: "
            f"{self.p5_rank}–{self.p95_rank}; xác suất đứng đầu {share}%"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "rank": self.rank,
            "median_rank": self.median_rank,
            "p5_rank": self.p5_rank,
            "p95_rank": self.p95_rank,
            "p_first": round(self.p_first, 6),
            "summary": self.summary,
        }


@dataclass(frozen=True, slots=True)
class RobustnessReport:
    samples: int
    seed: int
    weight_jitter: float
    input_noise: float
    units: tuple[UnitRobustness, ...]
    judged_noise: float = 0.0
    judged_noise_basis: str = ""

    def unit(self, name: str) -> UnitRobustness:
        for u in self.units:
            if u.unit == name:
                return u
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "samples": self.samples,
            "seed": self.seed,
            "weight_jitter": self.weight_jitter,
            "input_noise": self.input_noise,
            "judged_noise": self.judged_noise,
            "model": (
                "Trọng số mỗi nhóm nhân ngẫu nhiên đều trong [1 − x; 1 + x]; giá trị đo lường "
                "(chỉ tiêu, tỷ lệ kế hoạch) cộng sai số chuẩn σ × max(|giá trị|, |chỉ tiêu|); "
                f"điểm chấm của đoàn kiểm tra cộng sai số chuẩn {_points(self.judged_noise)} "
                f"({self.judged_noise_basis}), giữ trong [0; điểm tối đa]"
            ),
            "units": [u.to_dict() for u in self.units],
        }


def _matrices(kernel: Kernel, sheets: Sequence[ScoreSheet]):
    """Points (exact, as floats), values and targets of the ranked sheets, plus the noisy cells."""
    U, C = len(sheets), kernel.n
    P0 = np.zeros((U, C))
    V = np.full((U, C), np.nan)
    T = np.full((U, C), np.nan)
    measured = np.zeros(C, dtype=bool)
    measured[kernel.lin] = True
    measured[kernel.aon] = True
    measured[kernel.thr] = True
    noisy = np.zeros((U, C), dtype=bool)
    for u, sheet in enumerate(sheets):
        for c, e in enumerate(sheet.explanations):
            P0[u, c] = float(e.points) * kernel.factor  # the kernel works in scaled points
            if measured[c] and e.basis is None and not e.missing:
                V[u, c] = float(to_decimal(e.value))
                if e.target is not None:
                    T[u, c] = float(to_decimal(e.target))
                noisy[u, c] = True
    return P0, V, T, noisy


def _points(value: float) -> str:
    return f"σ = {fmt_number(Decimal(repr(round(value, 4))))} điểm"


def judged_spread(consolidations: Sequence[Consolidation]) -> tuple[float, int] | None:
    """The judges' own spread: pooled standard deviation of the judged points given to the same
    criterion of the same unit by its self-assessment and its inspection sheets, and the number
    of such cells; ``None`` when no cell was judged twice."""
    squares, freedom, cells = 0.0, 0, 0
    for item in consolidations:
        by_code: dict[str, list[float]] = {}
        for sheet in (item.self_sheet, *item.inspections):
            for e in sheet.explanations:
                if kind_of(e.criterion.rule).input == "judged" and not e.missing:
                    by_code.setdefault(e.criterion.code, []).append(float(e.points))
        for points in by_code.values():
            if len(points) >= 2:
                mean = sum(points) / len(points)
                squares += sum((p - mean) ** 2 for p in points)
                freedom += len(points) - 1
                cells += 1
    if not freedom:
        return None
    return math.sqrt(squares / freedom), cells


def _judged_noise(
    judged_noise: float | None, inspections: Sequence[Consolidation]
) -> tuple[float, str]:
    if judged_noise is not None:
        return judged_noise, "do người dùng chọn" if judged_noise else "không áp dụng"
    spread = judged_spread(inspections)
    if spread is None:
        return (
            DEFAULT_JUDGED_NOISE,
            "mặc định: chưa có hai lần chấm cùng một tiêu chí để đo độ lệch",
        )
    sigma, cells = spread
    return sigma, (
        f"độ lệch giữa phiếu tự chấm và phiếu kiểm tra trên {cells} ô điểm chấm được chấm "
        "từ hai lần trở lên"
    )


def robustness(
    data: Ranking | Sequence[ScoreSheet],
    *,
    samples: int = 10_000,
    weight_jitter: float = 0.2,
    input_noise: float = 0.0,
    judged_noise: float | None = None,
    inspections: Sequence[Consolidation] = (),
    seed: int = 0,
    kernel: Kernel | None = None,
) -> RobustnessReport:
    """Monte Carlo stability of a ranking (see the module docstring for the model)."""
    if not 1 <= samples <= MAX_SAMPLES:
        raise ValueError(f"Số lần mô phỏng phải là số nguyên từ 1 đến {fmt_number(MAX_SAMPLES)}")
    if not 0 <= seed <= MAX_SEED:
        raise ValueError(f"Hạt giống ngẫu nhiên phải từ 0 đến {fmt_number(MAX_SEED)}")
    if not 0 <= weight_jitter < 1:
        raise ValueError("Biên độ dao động trọng số phải trong [0; 1)")
    if not 0 <= input_noise <= 1:
        raise ValueError("Độ nhiễu số liệu phải trong [0; 1]")
    if judged_noise is not None and not 0 <= judged_noise <= 100:
        raise ValueError("Độ lệch điểm chấm phải trong [0; 100] điểm")
    sigma_j, basis_j = _judged_noise(judged_noise, inspections)
    ranking = data if isinstance(data, Ranking) else rank(list(data))
    entries = ranking.entries
    if not entries:
        return RobustnessReport(samples, seed, weight_jitter, input_noise, (), sigma_j, basis_j)
    sheets = [e.sheet for e in entries]
    kernel = kernel or Kernel(sheets[0].scale)
    U = len(sheets)
    G = len(kernel.group_starts)
    P0, V, T, noisy = _matrices(kernel, sheets)
    base_groups = np.add.reduceat(P0, kernel.group_starts, axis=1)  # (U, G)
    rng = np.random.default_rng(seed)
    first = np.zeros(U)
    ranks = np.empty((samples, U), dtype=np.int32)
    use_noise = input_noise > 0 and bool(noisy.any())
    scale_ = np.where(noisy, np.maximum(np.abs(V), np.nan_to_num(np.abs(T), nan=0.0)), 0.0)
    scale_ = np.nan_to_num(scale_, nan=0.0) * input_noise
    # judged cells: points (scaled) with their own error, kept within [0; maximum]
    jdg = kernel.jdg
    present = np.array(
        [[not sheet.explanations[c].missing for c in jdg.tolist()] for sheet in sheets],
        dtype=bool,
    ).reshape(U, jdg.size)
    use_judged = sigma_j > 0 and bool(present.any())
    if use_judged:
        Pj = P0[:, jdg]
        maxj = kernel.max_points[jdg] * kernel.factor
        sigma_scaled = np.where(present, sigma_j * kernel.factor, 0.0)
        onehot = np.zeros((jdg.size, G))
        onehot[np.arange(jdg.size), np.searchsorted(kernel.group_starts, jdg, "right") - 1] = 1
    done = 0
    while done < samples:
        n = min(CHUNK, samples - done)
        weights = 1.0 + rng.uniform(-weight_jitter, weight_jitter, size=(n, G))
        if use_noise:
            eps = rng.standard_normal(size=(n, U, kernel.n))
            Vn = V + eps * scale_
            points = np.where(noisy, kernel.raw(Vn, T), P0)
            groups = np.add.reduceat(points, kernel.group_starts, axis=2)  # (n, U, G)
        else:
            groups = np.broadcast_to(base_groups, (n, U, G))
        if use_judged:
            noise = rng.standard_normal(size=(n, U, jdg.size)) * sigma_scaled
            delta = np.clip(Pj + noise, 0.0, maxj) - Pj
            groups = groups + delta @ onehot
        totals = np.einsum("sug,sg->su", groups, weights)
        # competition rank: 1 + number of units strictly ahead
        better = (totals[:, None, :] > totals[:, :, None]).sum(axis=2)
        r = better + 1
        ranks[done : done + n] = r
        first += (r == 1).sum(axis=0)
        done += n
    pct = np.percentile(ranks, [5, 50, 95], axis=0, method="inverted_cdf")
    units = tuple(
        UnitRobustness(
            unit=sheets[u].unit,
            rank=entries[u].rank,
            median_rank=int(pct[1, u]),
            p5_rank=int(pct[0, u]),
            p95_rank=int(pct[2, u]),
            p_first=float(first[u] / samples),
        )
        for u in range(U)
    )
    return RobustnessReport(samples, seed, weight_jitter, input_noise, units, sigma_j, basis_j)
