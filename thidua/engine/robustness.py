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
- noise applies to measured values (target attainment and percentage of plan); counts, judged
  points, yes/no answers and vetoes are facts and stay fixed, as do criteria consolidated from
  disagreeing inspections (they have no single input to perturb);
- simulated points are not rounded and tie-breaks are not applied: ties (rare once noise is on)
  share the better rank, so P(rank 1) of tied leaders can sum to more than 1;
- the same ``seed`` and ``samples`` give the same figures on every machine: samples are drawn in
  fixed chunks from ``numpy.random.default_rng(seed)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .kernel import Kernel
from .numbers import to_decimal
from .ranking import Ranking, rank
from .scoring import ScoreSheet

__all__ = ["RobustnessReport", "UnitRobustness", "robustness"]

CHUNK = 1000  # samples per vectorised step (fixed: part of the reproducibility contract)


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
            "model": (
                "Trọng số mỗi nhóm nhân ngẫu nhiên đều trong [1 − x; 1 + x]; giá trị đo lường "
                "(chỉ tiêu, tỷ lệ kế hoạch) cộng sai số chuẩn σ × max(|giá trị|, |chỉ tiêu|)"
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


def robustness(
    data: Ranking | Sequence[ScoreSheet],
    *,
    samples: int = 10_000,
    weight_jitter: float = 0.2,
    input_noise: float = 0.0,
    seed: int = 0,
    kernel: Kernel | None = None,
) -> RobustnessReport:
    """Monte Carlo stability of a ranking (see the module docstring for the model)."""
    if samples < 1:
        raise ValueError("Số lần mô phỏng phải là số nguyên dương")
    if not 0 <= weight_jitter < 1:
        raise ValueError("Biên độ dao động trọng số phải trong [0; 1)")
    if input_noise < 0:
        raise ValueError("Độ nhiễu số liệu không được âm")
    ranking = data if isinstance(data, Ranking) else rank(list(data))
    entries = ranking.entries
    if not entries:
        return RobustnessReport(samples, seed, weight_jitter, input_noise, ())
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
    return RobustnessReport(samples, seed, weight_jitter, input_noise, units)
