"""Vectorised points for a whole batch of units (NumPy), exact to the Decimal reference.

The reference semantics live in :func:`thidua.engine.rules.evaluate` (Decimal). Scoring 10,000 units ×
200 criteria one Decimal at a time would take tens of seconds, so :class:`Kernel` compiles a scale
into parameter vectors, one *family* of criteria at a time, and computes every unit's points with a
handful of array operations:

- ``lin`` / ``linb``  linear target attainment without / with a bonus (either direction);
- ``plan``  percentage of plan (the rate scored linearly);
- ``aon``   all-or-nothing; ``thr`` thresholds (steps as per-step vectors);
- ``cnt``   ± points per event with a cap; ``jdg`` judged points; ``yn`` yes/no; ``veto``.

Exactness: ``y = points × 10^places`` is rounded with the scale's mode. Where a float could
disagree with the Decimal reference — ``y`` within 10⁻⁶ of a rounding boundary, a rate a hair from
the plan threshold, a whole-step bonus at a step — the cell is flagged *ambiguous* and recomputed
exactly: by :meth:`Kernel.exact_linear` (integer arithmetic) for linear cells, by the reference
otherwise. Elsewhere float and Decimal agree: a float input is its own shortest decimal, Decimal
inputs have at most 15 significant digits (see :mod:`thidua.engine.numbers`), so comparisons agree,
and a few float operations err by ~10⁻¹⁵ relative, far below 10⁻⁶.

Three consumers: :meth:`Kernel.points` (per-cell points for the batch path),
:meth:`Kernel.block_totals` (totals only: sums as dot products, no per-cell arrays for whole-number
families) and :meth:`Kernel.raw` (unrounded points with leading sample axes for the Monte Carlo of
:mod:`thidua.engine.robustness`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from .numbers import CONTEXT
from .rules import kind_of
from .scale import Scale

__all__ = ["FAMILIES", "Kernel", "cells_of"]

#: the vectorised families; each rule kind names the one that scores a rule (``family``).
#: ``ref`` is the one family without arrays: each cell through the kind's Decimal ``evaluate``
#: (always re-checked and recomputed exactly) — a new rule kind works before it has a family.
FAMILIES = ("lin", "linb", "plan", "aon", "thr", "cnt", "jdg", "yn", "veto", "ref")

EPS = 1e-6  # distance to a boundary below which a cell is recomputed exactly


def _weighted(matrix: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Row sums of ``matrix × weights`` without BLAS: a multi-threaded BLAS call per small block
    stalls when the machine is busy, and einsum's own loop is as fast at these sizes."""
    return np.einsum("ij,j->i", matrix, weights)


def cells_of(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of the true cells of a 2-D mask (10× faster than ``np.nonzero``)."""
    return np.divmod(np.flatnonzero(mask), mask.shape[1])


@dataclass(frozen=True, slots=True)
class _Bonus:
    """Bonus parameters for the columns of a family (cap 0 = no bonus)."""

    per: np.ndarray
    pts: np.ndarray
    cap: np.ndarray
    whole: np.ndarray  # bool
    any: bool
    any_whole: bool
    ptsF: np.ndarray  # scaled by 10^places
    capF: np.ndarray


def _bonus(rules: list, factor: float = 100.0) -> _Bonus:
    per = np.array([float(r.bonus.per) if r.bonus else 1.0 for r in rules])
    pts = np.array([float(r.bonus.points) if r.bonus else 0.0 for r in rules])
    cap = np.array([float(r.bonus.cap) if r.bonus else 0.0 for r in rules])
    whole = np.array([bool(r.bonus and r.bonus.whole_steps) for r in rules])
    return _Bonus(
        per, pts, cap, whole, bool(cap.any()), bool(whole.any()), pts * factor, cap * factor
    )


class Kernel:
    """A scale compiled for vectorised scoring. Build once per scale, reuse for every batch."""

    def __init__(self, scale: Scale, *, reference: bool = False) -> None:
        """``reference``: score every column through the ``ref`` family (slow; for checking)."""
        self.scale = scale
        crits = scale.criteria
        self.n = len(crits)
        self.places = scale.rounding.places
        self.factor = float(10**self.places)
        self.mode = scale.rounding.mode
        self.max_points = np.array([float(c.max_points) for c in crits])
        self.max_scaled = np.array(
            [int(c.max_points.scaleb(self.places, CONTEXT)) for c in crits], np.int64
        )
        # default targets (NaN where the rule has none: each unit must bring its own)
        kinds = [kind_of(c.rule) for c in crits]
        self.default_target_decimals = tuple(
            k.default_target(c.rule) for k, c in zip(kinds, crits, strict=True)
        )
        self.default_targets = np.array(
            [np.nan if t is None else float(t) for t in self.default_target_decimals]
        )
        # each rule kind names the family that scores a rule (see the module docstring)
        family = [
            "ref" if reference else k.family(c.rule) for k, c in zip(kinds, crits, strict=True)
        ]
        self.kinds = kinds

        def idx(pred) -> np.ndarray:
            return np.array([c.index for c in crits if pred(c)], dtype=np.intp)

        def of_family(name: str):
            return lambda c: family[c.index] == name

        # linear target attainment, without and with a bonus (split: the bonus costs array passes)
        self.lin = idx(of_family("lin"))
        self.lin_zero = np.array([float(crits[i].rule.zero_at or 0) for i in self.lin])
        self.is_lin = np.zeros(self.n, dtype=bool)
        self.is_lin[self.lin] = True
        self.zero_all = np.zeros(self.n)
        self.lin_s = np.array(
            [1.0 if crits[i].rule.direction == "higher" else -1.0 for i in self.lin]
        )
        self.lin_maxF = self.max_points[self.lin] * self.factor
        self.zero_all[self.lin] = self.lin_zero
        self.linb = idx(of_family("linb"))
        self.is_lin[self.linb] = True  # not-met cells of these have no bonus: exact_linear applies
        linb_rules = [crits[i].rule for i in self.linb]
        self.linb_s = np.array([1.0 if r.direction == "higher" else -1.0 for r in linb_rules])
        self.linb_zero = np.array([float(r.zero_at or 0) for r in linb_rules])
        self.zero_all[self.linb] = self.linb_zero
        self.linb_maxF = self.max_points[self.linb] * self.factor
        self.linb_bonus = _bonus(linb_rules, self.factor)
        # percentage of plan: the rate 100·actual/plan scored linearly between zero_at and full_at
        self.plan = idx(of_family("plan"))
        plan_rules = [crits[i].rule for i in self.plan]
        self.plan_zero = np.array([float(r.zero_at) for r in plan_rules])
        self.plan_full = np.array([float(r.full_at) for r in plan_rules])
        self.plan_maxF = self.max_points[self.plan] * self.factor
        self.plan_bonus = _bonus(plan_rules, self.factor)

        self.aon = idx(of_family("aon"))
        aon_rules = [crits[i].rule for i in self.aon]
        self.aon_s = np.array([1.0 if r.direction == "higher" else -1.0 for r in aon_rules])
        self.aon_maxF = self.max_points[self.aon] * self.factor
        self.aon_bonus = _bonus(aon_rules, self.factor)

        self.thr = idx(of_family("thr"))
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
        self.thr_bonus = _bonus(thr_rules, self.factor)
        # thresholds as increments: reaching step m adds points_m − points_(m+1) (worse step)
        padded = np.concatenate([self.thr_pts, np.zeros((len(thr_rules), 1))], axis=1)
        self.thr_deltas = [
            (
                np.ascontiguousarray(self.thr_val[:, m]),
                (padded[:, m] - padded[:, m + 1]) * self.factor,
            )
            for m in range(k)
        ]
        # one contiguous (value, points) vector pair per step, worst step first
        self.thr_steps = [
            (
                np.ascontiguousarray(self.thr_val[:, m]),
                np.ascontiguousarray(self.thr_pts[:, m]) * self.factor,
            )
            for m in range(k - 1, -1, -1)
        ]

        self.cnt = idx(of_family("cnt"))
        cnt_rules = [crits[i].rule for i in self.cnt]
        self.cnt_per = np.array([float(r.per_event) for r in cnt_rules])
        self.cnt_lo = np.array([float(-r.limit) if r.per_event < 0 else 0.0 for r in cnt_rules])
        self.cnt_hi = np.array([0.0 if r.per_event < 0 else float(r.limit) for r in cnt_rules])
        self.cnt_perF = self.cnt_per * self.factor
        self.cnt_loF = self.cnt_lo * self.factor
        self.cnt_hiF = self.cnt_hi * self.factor

        self.jdg = idx(of_family("jdg"))
        self.jdg_F = np.full(len(self.jdg), self.factor)
        self.yn = idx(of_family("yn"))
        self.yn_expected = np.array([1.0 if crits[i].rule.expected else 0.0 for i in self.yn])
        self.yn_maxF = self.max_points[self.yn] * self.factor
        self.veto = idx(of_family("veto"))
        self.deduction = idx(lambda c: kinds[c.index].is_deduction(c.rule))
        self.bool_columns = idx(lambda c: kinds[c.index].input == "bool")
        self.judged_columns = idx(lambda c: kinds[c.index].input == "judged")
        # criteria whose "yes, it occurred" disqualifies the unit (any family)
        self.veto_columns = idx(lambda c: kinds[c.index].veto(c.rule, True) is not None)
        self.ref = idx(of_family("ref"))

        def whole(*arrays: np.ndarray) -> bool:  # parameters already whole once scaled?
            return all(bool(np.all(a == np.rint(a))) for a in arrays)

        self.aon_rounding = None if whole(self.aon_maxF) and not self.aon_bonus.any else "nonneg"
        self.thr_rounding = (
            None if whole(self.thr_pts * self.factor) and not self.thr_bonus.any else "nonneg"
        )
        self.cnt_rounding = None if whole(self.cnt_perF, self.cnt_loF, self.cnt_hiF) else "signed"
        self.yn_rounding = None if whole(self.yn_maxF) else "nonneg"
        self.block = np.array([c.missing == "block" for c in crits], dtype=bool)
        self.block_columns = np.nonzero(self.block)[0]
        # groups are contiguous runs of columns (criteria are numbered in scale order)
        starts, pos = [], 0
        for g in scale.groups:
            starts.append(pos)
            pos += len(g.criteria)
        self.group_starts = np.array(starts, dtype=np.intp)

    # ------------------------------------------------------------------------------------------
    # Families. Each returns ``y`` = unrounded points × 10^places for its columns (NaN: missing)
    # and, in exact mode, the cells whose float comparison could differ from Decimal.

    def _bonus_scaled(self, a: np.ndarray, b: _Bonus, amb: np.ndarray | None) -> np.ndarray:
        """Scaled bonus for attainment ``a`` (≥ 0 where the target is met; NaN: no target)."""
        steps = np.maximum(a, 0.0)
        steps /= b.per
        if b.any_whole:
            if amb is not None:
                amb |= b.whole & (steps > 0) & (np.abs(steps - np.rint(steps)) < EPS)
            steps = np.where(b.whole, np.floor(steps), steps)
        steps *= b.ptsF
        np.minimum(steps, b.capF, out=steps)
        return np.fmax(steps, 0.0, out=steps)  # NaN (no target) gives no bonus

    def families(
        self,
        V: np.ndarray,
        T: np.ndarray,
        exact: bool = True,
        fill: bool = False,
        custom: np.ndarray | None = None,
        totals: bool = False,
    ) -> list[tuple]:
        """``(columns, y, ambiguous, rounding)`` per family, for values ``V`` and targets ``T``.

        Shapes are ``(..., n)``. ``y`` is the points × 10^places; a missing value (NaN) gives 0
        (``fmax``/``fmin`` turn NaN into the bound, comparisons with NaN are false): the caller
        knows the missing cells from ``V`` and applies the scale's policy. ``rounding`` is
        ``None`` when ``y`` is already whole, else ``"nonneg"`` or ``"signed"``; ``ambiguous``
        (exact mode) flags the cells to recompute exactly. With ``fill``, NaN targets in ``T``
        mean the scale's default (filled for the columns that use a target only). ``custom``
        marks the columns where some unit has its own target: the others read the defaults
        (a vector) instead of ``T``.
        """
        out = []

        def target(cols: np.ndarray) -> np.ndarray:
            if custom is not None and not custom[cols].any():
                return self.default_targets[cols]
            t = T[..., cols]
            return np.where(np.isnan(t), self.default_targets[cols], t) if fill else t

        def flags(shape) -> np.ndarray | None:
            return np.zeros(shape, dtype=bool) if exact else None

        def attained(x, t, zero, maxF):  # max × (x − z)/(t − z) within [0, max], both directions
            y = x - zero
            if t.ndim == 1:  # one target per column: fold max/(t − z) into one factor
                y *= maxF / (t - zero)
                np.fmax(y, 0.0, out=y)
                return np.fmin(y, maxF, out=y)
            y /= t - zero
            np.fmax(y, 0.0, out=y)
            np.fmin(y, 1.0, out=y)
            y *= maxF
            return y

        if self.lin.size:
            y = attained(V[..., self.lin], target(self.lin), self.lin_zero, self.lin_maxF)
            out.append((self.lin, y, flags(y.shape), "nonneg"))
        if self.linb.size:
            x = V[..., self.linb]
            t = target(self.linb)
            y = attained(x, t, self.linb_zero, self.linb_maxF)
            amb = flags(y.shape)
            x = (x - t) * self.linb_s
            y += self._bonus_scaled(x, self.linb_bonus, amb)
            out.append((self.linb, y, amb, "nonneg"))
        if self.plan.size:
            rate = V[..., self.plan] * 100.0
            rate /= target(self.plan)
            y = attained(rate, self.plan_full, self.plan_zero, self.plan_maxF)
            amb = None
            if exact:  # the rate is a quotient: a hair from full_at could compare either way
                amb = np.abs(rate - self.plan_full) < EPS * self.plan_full
            if self.plan_bonus.any:
                y += self._bonus_scaled(rate - self.plan_full, self.plan_bonus, amb)
            out.append((self.plan, y, amb, "nonneg"))
        if self.aon.size and not (totals and self.aon_rounding is None):
            a = V[..., self.aon] - target(self.aon)
            a *= self.aon_s
            y = np.where(a >= 0, self.aon_maxF, 0.0)
            amb = flags(y.shape)
            if self.aon_bonus.any:
                y += self._bonus_scaled(a, self.aon_bonus, amb)
            out.append((self.aon, y, amb, self.aon_rounding))
        if self.thr.size and not (totals and self.thr_rounding is None):
            x = V[..., self.thr]
            sx = x * self.thr_s
            y = np.zeros(sx.shape)
            for val, ptsF in self.thr_steps:  # worst step first, the best step reached wins
                y = np.where(sx >= val, ptsF, y)
            amb = flags(y.shape)
            if self.thr_bonus.any:
                x = (x - target(self.thr)) * self.thr_s
                y += self._bonus_scaled(x, self.thr_bonus, amb)
            out.append((self.thr, y, amb, self.thr_rounding))
        if self.cnt.size:
            y = V[..., self.cnt] * self.cnt_perF
            np.nan_to_num(y, copy=False)  # missing: 0 (fmax/fmin would give a bound)
            np.fmax(y, self.cnt_loF, out=y)
            np.fmin(y, self.cnt_hiF, out=y)
            out.append((self.cnt, y, flags(y.shape), self.cnt_rounding))
        if self.jdg.size and not totals:
            # judged points carry at most `places` decimals (checked on input): y is a whole
            # number up to float error, so rint is exact
            y = np.rint(V[..., self.jdg] * self.factor)
            np.fmax(y, 0.0, out=y)
            out.append((self.jdg, y, flags(y.shape), None))
        if self.yn.size and not (totals and self.yn_rounding is None):
            y = np.where(V[..., self.yn] == self.yn_expected, self.yn_maxF, 0.0)
            out.append((self.yn, y, flags(y.shape), self.yn_rounding))
        if self.veto.size and not totals:  # vetoes score 0: nothing to add to a total
            y = np.zeros(V[..., self.veto].shape)
            out.append((self.veto, y, flags(y.shape), None))
        if self.ref.size:
            y = self._reference(V[..., self.ref], target(self.ref))
            amb = np.ones(y.shape, dtype=bool) if exact else None  # the batch recomputes them
            out.append((self.ref, y, amb, "signed"))
        return out

    def _reference(self, V: np.ndarray, T: np.ndarray) -> np.ndarray:
        """Scaled unrounded points of the ``ref`` columns, cell by cell with the Decimal reference
        (missing or unscorable cells: 0; the batch checks and recomputes every present cell)."""
        T = np.broadcast_to(T, V.shape)
        y = np.zeros(V.shape)
        for at in np.ndindex(V.shape):
            v, t = V[at], T[at]
            if np.isnan(v):
                continue
            crit = self.scale.criteria[int(self.ref[at[-1]])]
            kind = self.kinds[crit.index]
            value = bool(v) if kind.input == "bool" else Decimal(repr(float(v)))
            target = None if np.isnan(t) else Decimal(repr(float(t)))
            try:
                raw = kind.evaluate(crit.rule, crit.max_points, value, target, crit.rounding).raw
            except (ArithmeticError, AssertionError, ValueError):
                continue
            y[at] = float(raw) * self.factor
        return y

    def round_scaled(
        self, y: np.ndarray, amb: np.ndarray | None, rounding: str | None = "signed"
    ) -> np.ndarray:
        """Round scaled points to whole numbers with the scale's mode (float array).

        ``rounding`` None: ``y`` is already whole. In exact mode, cells within ``EPS`` of a
        rounding boundary are added to ``amb``.
        """
        if rounding is None:
            return y
        if self.mode == "down":
            r = np.trunc(y)
            if amb is not None:
                frac = np.abs(y - r)
                amb |= (frac > 1.0 - EPS) | ((frac < EPS) & (frac > 0.0))
            return r
        # half modes: exact halves are ambiguous anyway, so floor(|y| + 0.5) serves both
        nonneg = rounding == "nonneg"
        w = y + 0.5 if nonneg else np.abs(y) + 0.5
        r = np.floor(w)
        if amb is not None:
            w -= r
            w -= 0.5
            amb |= np.abs(w, out=w) > 0.5 - EPS
        return r if nonneg else np.copysign(r, y, out=r)

    def raw(self, V: np.ndarray, T: np.ndarray) -> np.ndarray:
        """Unrounded scaled points for every cell (float; missing: 0). For simulations."""
        out = np.empty(np.broadcast_shapes(V.shape, T.shape))
        with np.errstate(all="ignore"):
            for cols, y, _, _ in self.families(V, T, exact=False):
                out[..., cols] = y
        return out

    def points(self, V: np.ndarray, T: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Rounded scaled points (int64; missing: 0) and the ambiguous cells, shape ``(U, n)``."""
        P = np.zeros(V.shape, dtype=np.int64)
        amb = np.zeros(V.shape, dtype=bool)
        with np.errstate(all="ignore"):
            for cols, y, a, rounding in self.families(V, T, exact=True):
                P[:, cols] = self.round_scaled(y, a, rounding)
                amb[:, cols] = a
        amb &= ~np.isnan(V)
        return P, amb

    def _whole_totals(self, V: np.ndarray, T: np.ndarray, fill: bool, custom) -> np.ndarray:
        """Scaled totals of the families whose points are whole numbers, without per-cell arrays.

        A sum of whole-number points is a dot product: all-or-nothing is ``[met] · max``,
        thresholds ``Σ_steps [reached] · Δpoints``, yes/no ``[answer] · max``; judged points (at
        most ``places`` decimals) are summed then rounded once — exact, since each cell is a whole
        number up to float error (unvalidated inputs with more decimals would differ).
        """
        total = np.zeros(V.shape[0])
        if self.aon.size and self.aon_rounding is None:
            t = self.default_targets[self.aon]
            if custom is not None and custom[self.aon].any():
                t = T[:, self.aon]
                if fill:
                    t = np.where(np.isnan(t), self.default_targets[self.aon], t)
            met = (V[:, self.aon] - t) * self.aon_s >= 0
            total += _weighted(met, self.aon_maxF)
        if self.thr.size and self.thr_rounding is None:
            sx = V[:, self.thr] * self.thr_s
            for val, delta in self.thr_deltas:  # reaching a step adds its increment
                total += _weighted(sx >= val, delta)
        if self.yn.size and self.yn_rounding is None:
            total += _weighted(V[:, self.yn] == self.yn_expected, self.yn_maxF)
        if self.jdg.size:
            total += np.rint(_weighted(np.nan_to_num(V[:, self.jdg]), self.jdg_F))
        return total

    def block_totals(
        self,
        V: np.ndarray,
        T: np.ndarray,
        exact: bool,
        fill: bool = False,
        custom: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Totals of a block of units: scaled sums (float, whole numbers), the blocked units and
        the ambiguous cells as arrays ``(rows, columns, rounded value used)``."""
        found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        with np.errstate(all="ignore"):
            total = self._whole_totals(V, T, fill, custom)
            for cols, y, a, rounding in self.families(V, T, exact, fill, custom, totals=True):
                r = self.round_scaled(y, a, rounding)
                total += r.sum(axis=1)  # exact: whole numbers below 2^53
                if exact and rounding is not None and a.any():
                    rows, js = cells_of(a)
                    found.append((rows, cols[js], r[rows, js]))
        if self.block_columns.size:
            blocked = np.isnan(V[:, self.block_columns]).any(axis=1)
        else:
            blocked = np.zeros(V.shape[0], dtype=bool)
        if found:
            rows, cols, used = (np.concatenate(parts) for parts in zip(*found, strict=True))
            keep = ~np.isnan(V[rows, cols])  # missing cells score 0 whatever their rounding
            cells = (rows[keep], cols[keep], used[keep].astype(np.int64))
        else:
            cells = (np.zeros(0, np.intp), np.zeros(0, np.intp), np.zeros(0, np.int64))
        return total, blocked, cells

    def exact_linear(
        self, cols: np.ndarray, v: np.ndarray, t: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Exact scaled points of linear-target cells (no bonus) in integer arithmetic.

        For cells whose value, target, zero point and maximum are decimals with at most 6 places
        (checked exactly: ``q / 10^k == x``), ``y = M·10^p·(v − z) / (t − z)`` is a ratio of
        integers and is rounded exactly with the scale's mode — the Decimal reference's result,
        without Decimal. Returns ``(ok, scaled)``; cells not ``ok`` need the reference.
        """
        z = self.zero_all[cols]
        m = self.max_points[cols]
        places = np.zeros(len(cols), dtype=np.int64)
        # interior cells only: strictly between the zero point and the target (so no bonus)
        ok = (v > np.minimum(z, t)) & (v < np.maximum(z, t))
        for x in (v, t, z, m):
            found = np.full(len(cols), -1)
            for k in range(7):
                p = 10.0**k
                q = np.rint(x * p)
                hit = (found < 0) & (np.abs(q) < 2.0**52) & (q / p == x)
                found[hit] = k
            ok &= found >= 0
            places = np.maximum(places, found)
        scale = 10.0**places
        vi, ti, zi, mi = (np.rint(x * scale) for x in (v, t, z, m))
        num = mi * self.factor * (vi - zi)  # y = num / den
        den = scale * (ti - zi)
        ok &= (np.abs(num) < 2.0**62) & (np.abs(den) < 2.0**62) & (den != 0)
        num = np.where(ok, num, 0).astype(np.int64)
        den = np.where(ok, den, 1).astype(np.int64)
        flip = den < 0
        num[flip], den[flip] = -num[flip], -den[flip]  # num ≥ 0 for interior cells
        if self.mode == "down":
            scaled = num // den
        else:
            q, r = np.divmod(num, den)
            twice = 2 * r
            up = twice > den
            if self.mode == "half_up":
                up |= twice == den
            else:
                up |= (twice == den) & (q % 2 == 1)
            scaled = q + up
        return ok, scaled

    def effective_targets(self, T: np.ndarray | None, units: int) -> np.ndarray:
        """Per-unit targets with the scale's defaults where a unit has none (NaN)."""
        if T is None:
            return np.broadcast_to(self.default_targets, (units, self.n))
        return np.where(np.isnan(T), self.default_targets, T)

    def to_decimal(self, scaled: int) -> Decimal:
        return Decimal(int(scaled)).scaleb(-self.places, CONTEXT)
