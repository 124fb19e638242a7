"""Vectorised points for a whole batch of units (NumPy), exact to the Decimal reference.

The reference semantics live in :func:`thidua.engine.rules.evaluate` (Decimal). Scoring 10,000 units ×
200 criteria one Decimal at a time would take tens of seconds, so :class:`Kernel` compiles a scale
into parameter vectors, one *family* of criteria at a time, and computes every unit's points with a
handful of array operations:

- ``lin``  target attainment scored linearly, and percentage of plan (first turned into a rate);
- ``aon``  target attainment, all-or-nothing;
- ``thr``  target attainment by thresholds (steps padded to one matrix);
- ``cnt``  ± points per event with a cap; ``jdg`` judged points; ``yn`` yes/no; ``veto``.

Exactness: the float result ``y = points × 10^places`` is rounded with the scale's mode. Where a float
could disagree with the Decimal reference — ``y`` within 10⁻⁶ of a rounding boundary, a rate within a
hair of the plan threshold, a whole-step bonus at a step — the cell is flagged *ambiguous* and the
caller recomputes it with the reference. Elsewhere float and Decimal agree: inputs have at most 15
significant digits (see :mod:`thidua.engine.numbers`), so their floats compare exactly like the
Decimals, and a few float operations err by ~10⁻¹⁵ relative, far below 10⁻⁶.

Every function accepts leading axes (``(units, criteria)`` or ``(samples, units, criteria)``) so the
Monte Carlo of :mod:`thidua.engine.robustness` reuses the same code with ``exact=False``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from .rules import CountRule, JudgedRule, PlanRule, TargetRule, VetoRule, YesNoRule
from .scale import Scale

__all__ = ["Kernel"]

EPS = 1e-6  # distance to a boundary below which a cell is recomputed exactly


@dataclass(frozen=True, slots=True)
class _Bonus:
    """Bonus parameters for the columns of a family (cap 0 = no bonus)."""

    per: np.ndarray
    pts: np.ndarray
    cap: np.ndarray
    whole: np.ndarray  # bool
    any: bool
    any_whole: bool


def _bonus(rules: list) -> _Bonus:
    per = np.array([float(r.bonus.per) if r.bonus else 1.0 for r in rules])
    pts = np.array([float(r.bonus.points) if r.bonus else 0.0 for r in rules])
    cap = np.array([float(r.bonus.cap) if r.bonus else 0.0 for r in rules])
    whole = np.array([bool(r.bonus and r.bonus.whole_steps) for r in rules])
    return _Bonus(per, pts, cap, whole, bool(cap.any()), bool(whole.any()))


class Kernel:
    """A scale compiled for vectorised scoring. Build once per scale, reuse for every batch."""

    def __init__(self, scale: Scale) -> None:
        self.scale = scale
        crits = scale.criteria
        self.n = len(crits)
        self.places = scale.rounding.places
        self.factor = float(10**self.places)
        self.mode = scale.rounding.mode
        self.max_points = np.array([float(c.max_points) for c in crits])
        self.max_scaled = np.array([int(c.max_points * 10**self.places) for c in crits], np.int64)
        # default targets (NaN where the rule has none: each unit must bring its own)
        t0 = []
        for c in crits:
            r = c.rule
            value = (
                r.target
                if isinstance(r, TargetRule)
                else r.plan
                if isinstance(r, PlanRule)
                else None
            )
            t0.append(np.nan if value is None else float(value))
        self.default_targets = np.array(t0)
        self.default_target_decimals = tuple(
            c.rule.target
            if isinstance(c.rule, TargetRule)
            else c.rule.plan
            if isinstance(c.rule, PlanRule)
            else None
            for c in crits
        )

        def idx(pred) -> np.ndarray:
            return np.array([c.index for c in crits if pred(c)], dtype=np.intp)

        def is_target(method: str):
            return lambda c: isinstance(c.rule, TargetRule) and c.rule.method == method

        # linear family: target/linear and plan
        self.lin = idx(lambda c: is_target("linear")(c) or isinstance(c.rule, PlanRule))
        lin_rules = [crits[i].rule for i in self.lin]
        self.lin_plan = np.array([isinstance(r, PlanRule) for r in lin_rules], dtype=bool)
        self.lin_any_plan = bool(self.lin_plan.any())
        self.lin_s = np.array(
            [1.0 if isinstance(r, PlanRule) or r.direction == "higher" else -1.0 for r in lin_rules]
        )
        self.lin_zero = np.array(
            [
                float(r.zero_at) if isinstance(r, PlanRule) or r.zero_at is not None else 0.0
                for r in lin_rules
            ]
        )
        self.lin_full = np.array(
            [float(r.full_at) if isinstance(r, PlanRule) else np.nan for r in lin_rules]
        )
        self.lin_max = self.max_points[self.lin]
        self.lin_bonus = _bonus(lin_rules)

        self.aon = idx(is_target("all_or_nothing"))
        aon_rules = [crits[i].rule for i in self.aon]
        self.aon_s = np.array([1.0 if r.direction == "higher" else -1.0 for r in aon_rules])
        self.aon_max = self.max_points[self.aon]
        self.aon_bonus = _bonus(aon_rules)

        self.thr = idx(is_target("thresholds"))
        thr_rules = [crits[i].rule for i in self.thr]
        k = max((len(r.steps) for r in thr_rules), default=0)
        self.thr_s = np.array([1.0 if r.direction == "higher" else -1.0 for r in thr_rules])
        # steps best first, padded with unreachable steps (value +inf in the "s·value" space)
        self.thr_val = np.full((len(thr_rules), k), np.inf)
        self.thr_pts = np.zeros((len(thr_rules), k))
        for j, r in enumerate(thr_rules):
            for m, step in enumerate(r.steps):
                self.thr_val[j, m] = self.thr_s[j] * float(step.value)
                self.thr_pts[j, m] = float(step.points)
        self.thr_bonus = _bonus(thr_rules)

        self.cnt = idx(lambda c: isinstance(c.rule, CountRule))
        cnt_rules = [crits[i].rule for i in self.cnt]
        self.cnt_per = np.array([float(r.per_event) for r in cnt_rules])
        self.cnt_lo = np.array([float(-r.limit) if r.per_event < 0 else 0.0 for r in cnt_rules])
        self.cnt_hi = np.array([0.0 if r.per_event < 0 else float(r.limit) for r in cnt_rules])

        self.jdg = idx(lambda c: isinstance(c.rule, JudgedRule))
        self.yn = idx(lambda c: isinstance(c.rule, YesNoRule))
        self.yn_expected = np.array([1.0 if crits[i].rule.expected else 0.0 for i in self.yn])
        self.yn_max = self.max_points[self.yn]
        self.veto = idx(lambda c: isinstance(c.rule, VetoRule))
        self.veto_ranking = np.array(
            [crits[i].rule.scope == "ranking" for i in self.veto], dtype=bool
        )
        self.deduction = idx(lambda c: isinstance(c.rule, CountRule) and c.rule.per_event < 0)
        self.bool_columns = idx(lambda c: isinstance(c.rule, VetoRule | YesNoRule))
        self.block = np.array([c.missing == "block" for c in crits], dtype=bool)
        # groups are contiguous runs of columns (criteria are numbered in scale order)
        starts, pos = [], 0
        for g in scale.groups:
            starts.append(pos)
            pos += len(g.criteria)
        self.group_starts = np.array(starts, dtype=np.intp)

    # ------------------------------------------------------------------------------------------

    def _apply_bonus(
        self, a: np.ndarray, b: _Bonus, raw: np.ndarray, amb: np.ndarray | None
    ) -> np.ndarray:
        """Add the bonus for attainment ``a`` (≥ 0 where the target is met)."""
        if not b.any:
            return raw
        excess = np.maximum(a, 0.0)  # NaN (no target) stays NaN and yields no bonus below
        steps = excess / b.per
        if b.any_whole:
            whole_steps = np.floor(steps)
            if amb is not None:
                near = np.abs(steps - np.rint(steps)) < EPS
                amb |= near & b.whole & (excess > 0)
            steps = np.where(b.whole, whole_steps, steps)
        bonus = np.minimum(steps * b.pts, b.cap)
        return raw + np.where(bonus > 0, bonus, 0.0)

    def raw(
        self, V: np.ndarray, T: np.ndarray, exact: bool = True
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Unrounded points for every cell, and (exact mode) the ambiguous cells so far.

        ``V`` and ``T`` have shape ``(..., n)``; ``T`` holds the effective targets (NaN = none).
        Missing values (NaN in ``V``) give NaN points; the caller applies the missing policy.
        """
        out = np.zeros(np.broadcast_shapes(V.shape, T.shape))
        amb = np.zeros(out.shape, dtype=bool) if exact else None
        if self.lin.size:
            x = V[..., self.lin]
            t = T[..., self.lin]
            if self.lin_any_plan:
                rate = x * 100.0 / t
                x = np.where(self.lin_plan, rate, x)
                t = np.where(self.lin_plan, self.lin_full, t)
            a = self.lin_s * (x - t)
            d = self.lin_s * (t - self.lin_zero)
            r = np.clip(1.0 + a / d, 0.0, 1.0) * self.lin_max
            sub_amb = None
            if exact:
                sub_amb = np.zeros(r.shape, dtype=bool)
                if self.lin_any_plan:  # the rate is a quotient: is it a hair from full_at?
                    sub_amb |= self.lin_plan & (np.abs(a) < EPS * np.abs(t))
            r = self._apply_bonus(a, self.lin_bonus, r, sub_amb)
            out[..., self.lin] = r
            if exact:
                amb[..., self.lin] = sub_amb
        if self.aon.size:
            x = V[..., self.aon]
            a = self.aon_s * (x - T[..., self.aon])
            r = np.where(a >= 0, self.aon_max, 0.0)
            r = np.where(np.isnan(x), np.nan, r)
            sub_amb = np.zeros(r.shape, dtype=bool) if exact else None
            out[..., self.aon] = self._apply_bonus(a, self.aon_bonus, r, sub_amb)
            if exact:
                amb[..., self.aon] = sub_amb
        if self.thr.size:
            x = V[..., self.thr]
            sx = self.thr_s * x
            r = np.zeros(sx.shape)
            for m in range(self.thr_val.shape[1] - 1, -1, -1):  # worst step first, best wins
                r = np.where(sx >= self.thr_val[:, m], self.thr_pts[:, m], r)
            r = np.where(np.isnan(x), np.nan, r)
            a = self.thr_s * (x - T[..., self.thr])
            sub_amb = np.zeros(r.shape, dtype=bool) if exact else None
            out[..., self.thr] = self._apply_bonus(a, self.thr_bonus, r, sub_amb)
            if exact:
                amb[..., self.thr] = sub_amb
        if self.cnt.size:
            out[..., self.cnt] = np.clip(V[..., self.cnt] * self.cnt_per, self.cnt_lo, self.cnt_hi)
        if self.jdg.size:
            out[..., self.jdg] = V[..., self.jdg]
        if self.yn.size:
            x = V[..., self.yn]
            r = np.where(x == self.yn_expected, self.yn_max, 0.0)
            out[..., self.yn] = np.where(np.isnan(x), np.nan, r)
        if self.veto.size:
            out[..., self.veto] = np.where(np.isnan(V[..., self.veto]), np.nan, 0.0)
        return out, amb

    def round_scaled(self, raw: np.ndarray, amb: np.ndarray | None) -> np.ndarray:
        """Round ``raw`` points to the scale's places; returns integers ``points × 10^places``.

        NaN (missing) becomes 0. In exact mode, cells within ``EPS`` of a rounding boundary are
        added to ``amb`` for the caller to recompute with Decimal.
        """
        y = np.nan_to_num(raw, nan=0.0) * self.factor
        mag = np.abs(y)
        frac = mag - np.floor(mag)
        if self.mode == "down":
            r = np.trunc(y)
            if amb is not None:
                amb |= (frac > 1.0 - EPS) | ((frac < EPS) & (frac > 0.0))
        else:
            r = np.copysign(np.floor(mag + 0.5), y)
            if amb is not None:
                amb |= np.abs(frac - 0.5) < EPS
        return r.astype(np.int64)

    def scaled_points(
        self, V: np.ndarray, T: np.ndarray, exact: bool = True
    ) -> tuple[np.ndarray, np.ndarray | None]:
        raw, amb = self.raw(V, T, exact)
        return self.round_scaled(raw, amb), amb

    def effective_targets(self, T: np.ndarray | None, units: int) -> np.ndarray:
        """Per-unit targets with the scale's defaults where a unit has none (NaN)."""
        if T is None:
            return np.broadcast_to(self.default_targets, (units, self.n))
        return np.where(np.isnan(T), self.default_targets, T)

    def to_decimal(self, scaled: int) -> Decimal:
        return Decimal(int(scaled)).scaleb(-self.places)
