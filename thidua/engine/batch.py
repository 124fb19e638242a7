"""The batch path: many units scored at once, with full explanations, exact to the reference.

:func:`score_batch` (called by :func:`thidua.engine.scoring.score_units`; it imports nothing from that module) turns the units' result
mappings into a float matrix, validates it with array operations, computes every cell with
:class:`thidua.engine.kernel.Kernel`, recomputes the few ambiguous cells with the Decimal reference,
and assembles one :class:`~thidua.engine.scoring.ScoreSheet` per unit with one
:class:`~thidua.engine.scoring.Explanation` per criterion.

Where the time goes (10,000 units × 200 criteria, ``bench/bench_engine.py``): reading the result
mappings into rows and a float matrix (about half), building the Decimal points and the sheets, and
ranking; the arithmetic itself is a few dozen milliseconds. Rows are read with one ``itemgetter``
call per unit, types are checked per column, floats and database Decimals convert in bulk, and
validation runs on arrays (only flagged cells are re-checked one by one, for the message). Points
become shared Decimal objects through a lookup table; explanation records are created only when read
(:class:`~thidua.engine.sheets.ExplanationRow`).

:func:`totals_only` is the lean path for callers that need totals only (dashboards, simulations): a
float matrix in, exact scaled-integer totals out.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from decimal import Decimal
from operator import itemgetter
from typing import Any

import numpy as np

from .kernel import Kernel, cells_of
from .numbers import CONTEXT, MAX_ABS, MAX_DIGITS, NumberError, fmt_number, to_decimal
from .rules import (
    ValueProblem,
    check_target,
    check_value,
    evaluate,
    kind_of,
)
from .scale import Scale
from .sheets import ScoreSheet, Veto, is_missing
from .unit_inputs import InputError, InputProblem, Judgement, UnitInput, check_unit

__all__ = ["Prepared", "prepare", "score_batch", "totals_only"]

_NUMERIC_FAST = {float, int, type(None)}
_DECIMAL_FAST = {float, int, type(None), Decimal}  # e.g. values from database DecimalFields
_BOOL_FAST = {bool, type(None)}
_MAX = float(MAX_ABS)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic GC while building millions of acyclic tuples (restored afterwards)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _RemarkRow(Sequence):
    """A unit's remarks aligned with the criteria, without a 200-slot list per unit."""

    __slots__ = ("by_code", "codes")

    def __init__(self, codes: Sequence[str], by_code: dict[str, Any]) -> None:
        self.codes = codes
        self.by_code = by_code

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, key):  # type: ignore[override]
        if isinstance(key, slice):
            return list(map(self.by_code.get, self.codes[key]))
        return self.by_code.get(self.codes[key])


class Prepared:
    """A batch ready for the kernel: float matrices plus the raw inputs for explanations."""

    __slots__ = ("T", "V", "remark_rows", "rows", "target_rows", "units")

    def __init__(self, units, V, T, rows, target_rows, remark_rows) -> None:
        self.units: list[UnitInput] = units
        self.V: np.ndarray = V
        self.T: np.ndarray = T
        self.rows: list[list[Any]] = rows
        self.target_rows: list[Sequence[Any]] = target_rows
        self.remark_rows: list[Sequence[Any]] = remark_rows


def _target_decimal(t: Any) -> Decimal | None:
    """A target of ``target_rows`` (already a canonical Decimal) or a float from a matrix."""
    return t if t is None or isinstance(t, Decimal) else to_decimal(t)


def _number_error(raw: Any) -> NumberError:
    """The reference path's refusal of a value the array checks flagged (same words)."""
    try:
        to_decimal(raw)
    except NumberError as exc:
        return exc
    return NumberError(f"số quá lớn (giới hạn {fmt_number(MAX_ABS)})")


def _problem(problems, i, unit, fld, code, exc) -> None:
    problems.append(InputProblem(i, unit.unit, fld, code, str(exc)))


def _unknown(unit: UnitInput, i: int, fld: str, codes: set[str]) -> list[InputProblem]:
    message = "không có tiêu chí mã này trong thang điểm"
    return [InputProblem(i, unit.unit, fld, str(code), message) for code in sorted(codes, key=str)]


def _decimal_value(crit, raw: Any) -> Any:
    if kind_of(crit.rule).input == "bool" or isinstance(raw, bool):
        return raw
    return to_decimal(raw)


def prepare(scale: Scale, kernel: Kernel, units: list[UnitInput]) -> Prepared:
    """Read and validate every unit's inputs; raise :class:`InputError` with every problem."""
    codes = [c.code for c in scale.criteria]
    index = {code: k for k, code in enumerate(codes)}
    problems: list[InputProblem] = []
    rows = _read_rows(scale, units, codes, problems)
    if any(not p.code for p in problems):  # not even mappings: nothing more to check
        raise InputError(problems)
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in codes]
    remark_overrides = _split_judged_cells(kernel, rows, columns)
    V = _value_matrix(scale, kernel, units, rows, columns, problems)
    T, target_rows, bad_targets = _target_matrix(kernel, units, index, problems)
    remark_rows, has_remark = _remark_rows(units, codes, index, remark_overrides, len(rows))
    if bad_targets:  # the value is still checked on its own (as the reference does), the rules
        # needing the target are not: reported once, not again as "missing target"
        reported = {(p.index, p.code) for p in problems if p.field == "results"}
        for i, k in sorted(bad_targets):
            crit, raw = scale.criteria[k], rows[i][k]
            if not is_missing(raw) and (i, crit.code) not in reported:
                try:
                    value = _decimal_value(crit, raw)
                    check_value(crit.rule, crit.max_points, value, scale.rounding.places)
                except (NumberError, ValueProblem) as exc:
                    _problem(problems, i, units[i], "results", crit.code, exc)
            V[i, k] = np.nan
    _check_cells(scale, kernel, V, T, rows, target_rows, remark_rows, has_remark, units, problems)
    if problems:
        problems.sort(
            key=lambda p: (
                p.index,
                scale.criterion(p.code).index if p.code and scale.has_criterion(p.code) else -1,
            )
        )
        raise InputError(problems)
    return Prepared(units, V, T, rows, target_rows, remark_rows)


def _read_rows(
    scale: Scale, units: list[UnitInput], codes: list[str], problems: list
) -> list[list]:
    """One row of raw results per unit (scale order), reporting unknown codes."""
    n = len(codes)
    known = frozenset(codes)
    get_all = itemgetter(*codes) if n > 1 else (lambda m: (m[codes[0]],))
    rows: list[list[Any]] = []
    for i, u in enumerate(units):
        res = u.results
        plain = type(res) is dict and type(u.targets) is dict and type(u.remarks) is dict
        if not (plain or all(isinstance(m, Mapping) for m in (res, u.targets, u.remarks))) or not (
            type(u.unit) is str and u.unit.strip()
        ):
            problems.extend(check_unit(scale, u, i))
            rows.append([None] * n)
            continue
        try:  # all criteria present (the usual case): one C call
            row = list(get_all(res))
            complete = True
        except KeyError:
            row = list(map(res.get, codes))
            complete = False
        if not (complete and len(res) == n) and not known.issuperset(res):
            problems.extend(_unknown(u, i, "results", res.keys() - known))
        if u.targets and not u.targets.keys() <= known:
            problems.extend(_unknown(u, i, "targets", u.targets.keys() - known))
        if u.remarks and not u.remarks.keys() <= known:
            problems.extend(_unknown(u, i, "remarks", u.remarks.keys() - known))
        rows.append(row)
    return rows


def _split_judged_cells(kernel: Kernel, rows: list[list], columns: list) -> dict:
    """Judged values may carry their remark inline (``Judgement`` or a mapping): split them."""
    remark_overrides: dict[tuple[int, int], str] = {}
    for c in kernel.judged_columns.tolist():
        if set(map(type, columns[c])) <= _NUMERIC_FAST:
            continue
        for i, row in enumerate(rows):
            v = row[c]
            if isinstance(v, Judgement | Mapping):
                points = v.points if isinstance(v, Judgement) else v.get("points")
                remark = v.remark if isinstance(v, Judgement) else v.get("remark")
                row[c] = points
                if remark is not None:
                    remark_overrides[(i, c)] = remark
        columns[c] = tuple(row[c] for row in rows)
    return remark_overrides


def _value_matrix(scale, kernel, units, rows, columns, problems) -> np.ndarray:
    """The float matrix of results (NaN: missing), converted in bulk where the types allow."""
    crits = scale.criteria
    n, U = len(crits), len(rows)
    types = [set(map(type, col)) for col in columns]
    bool_cols = set(kernel.bool_columns.tolist())
    slow = [
        c for c in range(n) if not types[c] <= (_BOOL_FAST if c in bool_cols else _DECIMAL_FAST)
    ]
    decimal_cols = [c for c in range(n) if c not in bool_cols and Decimal in types[c]]
    if not slow and not decimal_cols:
        V = np.array(rows, dtype=np.float64).reshape(U, n)
    else:
        V = np.empty((U, n))
        for c, col in enumerate(columns):
            if c not in slow:
                try:
                    V[:, c] = np.array(col, dtype=np.float64)
                except ValueError:  # a signalling NaN Decimal: missing, as in the reference
                    V[:, c] = [np.nan if is_missing(v) else float(v) for v in col]
                continue
            crit = crits[c]
            for i, raw in enumerate(col):
                if is_missing(raw):
                    V[i, c] = np.nan
                    continue
                try:
                    value = _decimal_value(crit, raw)
                    check_value(crit.rule, crit.max_points, value, scale.rounding.places)
                    V[i, c] = float(value)
                except (NumberError, ValueProblem) as exc:
                    _problem(problems, i, units[i], "results", crit.code, exc)
                    V[i, c] = np.nan
    for c in decimal_cols:
        # Decimals convert fast; only those whose text is longer than MAX_DIGITS can have too many
        # significant digits (the text holds every digit of the coefficient): a closer look
        col = columns[c]
        long = np.fromiter(map(len, map(str, col)), dtype=np.int64, count=U) > MAX_DIGITS
        for i in np.nonzero(long)[0].tolist():
            raw = col[i]
            if isinstance(raw, Decimal) and not raw.is_nan():
                try:
                    to_decimal(raw)
                except NumberError as exc:
                    _problem(problems, i, units[i], "results", crits[c].code, exc)
                    V[i, c] = np.nan
    with np.errstate(invalid="ignore"):
        bad = np.abs(V) > _MAX  # ±inf and huge ints (NaN compares False)
    for i, c in zip(*cells_of(bad), strict=True):
        _problem(problems, int(i), units[i], "results", crits[c].code, _number_error(rows[i][c]))
    V[bad] = np.nan  # reported once, not again by the rule checks
    return V


def _target_matrix(kernel, units, index, problems):
    """Targets: the scale's defaults, overridden per unit (sparse; assigned in one go)."""
    U, n = len(units), kernel.n
    T = np.tile(kernel.default_targets, (U, 1)) if U else np.empty((0, n))
    default_row = kernel.default_target_decimals
    target_rows: list[Sequence[Any]] = [default_row] * U
    bad_targets: set[tuple[int, int]] = set()
    t_rows: list[int] = []
    t_cols: list[int] = []
    t_vals: list[float] = []
    for i, u in enumerate(units):
        if not u.targets or not isinstance(u.targets, Mapping):
            continue
        trow = list(default_row)
        for code, raw in u.targets.items():
            k = index.get(code)
            if k is None or raw is None:
                continue  # unknown code (already reported) or no target of its own
            try:
                if type(raw) is int and -_MAX <= raw <= _MAX:  # the usual case: kept as given
                    exact, value = raw, float(raw)
                else:  # recorded as the reference records it (a float as its shortest decimal)
                    exact = to_decimal(raw)
                    value = float(exact)
            except NumberError as exc:
                _problem(problems, i, u, "targets", code, exc)
                bad_targets.add((i, k))
                continue
            t_rows.append(i)
            t_cols.append(k)
            t_vals.append(value)
            trow[k] = exact
        target_rows[i] = trow
    if t_rows:
        T[t_rows, t_cols] = t_vals
    return T, target_rows, bad_targets


def _remark_rows(units, codes, index, remark_overrides, U):
    """Remarks aligned with the criteria (shared empty row unless a unit has some), and a mask
    of the cells with a non-blank remark."""
    no_remarks = (None,) * len(codes)
    remark_rows: list[Sequence[Any]] = [no_remarks] * U
    remarked: list[tuple[int, int]] = []
    known = index.keys()
    for i, u in enumerate(units):
        rem = u.remarks
        if rem and isinstance(rem, Mapping):
            # a copy: the sheet must not change if the caller edits its mapping later
            by_code = (
                dict(rem) if rem.keys() <= known else {c: r for c, r in rem.items() if c in index}
            )
            remark_rows[i] = _RemarkRow(codes, by_code)
            remarked += [(i, index[c]) for c, r in by_code.items() if type(r) is str and r.strip()]
    for (i, c), remark in remark_overrides.items():
        row = remark_rows[i]
        by_code = dict(row.by_code) if isinstance(row, _RemarkRow) else {}
        by_code[codes[c]] = remark
        remark_rows[i] = _RemarkRow(codes, by_code)
        if isinstance(remark, str) and remark.strip():
            remarked.append((i, c))
    has_remark = np.zeros((U, len(codes)), dtype=bool)
    if remarked:
        has_remark[tuple(np.array(remarked).T)] = True
    return remark_rows, has_remark


def _check_cells(
    scale, kernel, V, T, rows, target_rows, remark_rows, has_remark, units, problems
) -> None:
    """Vectorised rule checks; flagged cells are re-checked with the reference for the message."""
    crits = scale.criteria
    present = ~np.isnan(V)
    suspects = np.zeros(V.shape, dtype=bool)
    with np.errstate(invalid="ignore"):
        if kernel.cnt.size:
            x = V[:, kernel.cnt]
            suspects[:, kernel.cnt] |= (x < 0) | (x != np.floor(x))
        if kernel.jdg.size:
            x = V[:, kernel.jdg]
            mx = kernel.max_points[kernel.jdg]
            # more decimals than the scale's places: re-checked exactly (a tolerance would let
            # 5.0000000000001 or 1e-250 through, which the reference refuses)
            suspects[:, kernel.jdg] |= (
                (x < 0) | (x > mx) | (np.round(x, scale.rounding.places) != x)
            )
            suspects[:, kernel.jdg] |= (x < mx) & ~has_remark[:, kernel.jdg]
        if kernel.aon.size:
            suspects[:, kernel.aon] |= np.isnan(T[:, kernel.aon])
        for cols, sign, zero in (
            (kernel.lin, kernel.lin_s, kernel.lin_zero),
            (kernel.linb, kernel.linb_s, kernel.linb_zero),
        ):
            if cols.size:  # a linear target must lie beyond the zero point, in its direction
                t = T[:, cols]
                suspects[:, cols] |= np.isnan(t) | ~(sign * (t - zero) > 0)
        if kernel.plan.size:
            t = T[:, kernel.plan]
            suspects[:, kernel.plan] |= ~(t > 0) | (V[:, kernel.plan] < 0)
        suspects[:, kernel.ref] = True  # no vectorised check: each cell by the reference
    suspects &= present
    for i, c in zip(*cells_of(suspects), strict=True):
        i, c = int(i), int(c)
        crit = crits[c]
        try:
            value = _decimal_value(crit, rows[i][c])
            check_value(crit.rule, crit.max_points, value, scale.rounding.places)
            raw_t = target_rows[i][c]
            check_target(crit.rule, _target_decimal(raw_t))
            remark = remark_rows[i][c]
            kind_of(crit.rule).check_remark(crit.rule, crit.max_points, value, remark)
        except (NumberError, ValueProblem) as exc:
            _problem(problems, i, units[i], "results", crit.code, exc)


def resolve(
    kernel: Kernel,
    rows: np.ndarray,
    cols: np.ndarray,
    V: np.ndarray,
    T: np.ndarray,
    value_at: Callable[[int, int], Any],
    target_at: Callable[[int, int], Any],
) -> np.ndarray:
    # T: effective targets, or with NaN meaning the scale's default
    """Exact scaled points of ambiguous cells: integer arithmetic for linear targets, the Decimal
    reference for the rest (and for linear cells whose inputs have too many decimals)."""
    result = np.zeros(len(rows), dtype=np.int64)
    todo = np.ones(len(rows), dtype=bool)
    lin = kernel.is_lin[cols]
    if lin.any():
        k = np.nonzero(lin)[0]
        t = T[rows[k], cols[k]]
        t = np.where(np.isnan(t), kernel.default_targets[cols[k]], t)
        ok, scaled = kernel.exact_linear(cols[k], V[rows[k], cols[k]], t)
        result[k[ok]] = scaled[ok]
        todo[k[ok]] = False
    if todo.any():
        k = np.nonzero(todo)[0]
        cells = list(zip(rows[k].tolist(), cols[k].tolist(), strict=True))
        result[k] = exact_points(kernel.scale, cells, value_at, target_at)
    return result


def exact_points(
    scale: Scale,
    cells: Iterable[tuple[int, int]],
    value_at: Callable[[int, int], Any],
    target_at: Callable[[int, int], Any],
) -> list[int]:
    """Scaled points of the given cells by the Decimal reference.

    Cells with the same criterion, value and target share one computation: real data repeat
    (percentages with one decimal), and the ambiguous cells of a batch are mostly such repeats.
    """
    crits = scale.criteria
    places = scale.rounding.places
    cache: dict[tuple[int, Any, Any], int] = {}
    out = []
    for i, c in cells:
        raw, t = value_at(i, c), target_at(i, c)
        key = (c, raw, t)
        scaled = cache.get(key)
        if scaled is None:
            crit = crits[c]
            value = _decimal_value(crit, raw)
            target = _target_decimal(t)
            points = evaluate(crit.rule, crit.max_points, value, target, scale.rounding).points
            scaled = cache[key] = int(points.scaleb(places, CONTEXT))
        out.append(scaled)
    return out


def _decimals(kernel: Kernel, values: np.ndarray) -> np.ndarray:
    """Object array of shared Decimals for scaled integer points (few distinct values)."""
    if values.size == 0:
        return np.empty(values.shape, dtype=object)
    lo, hi = int(values.min()), int(values.max())
    if hi - lo <= max(4096, values.size // 4):  # dense table: index by value
        table = np.array([kernel.to_decimal(k) for k in range(lo, hi + 1)] + [None], dtype=object)
        return table[values - lo]
    uniq, inverse = np.unique(values, return_inverse=True)
    table = np.array([kernel.to_decimal(k) for k in uniq.tolist()] + [None], dtype=object)
    return table[inverse.reshape(values.shape)]


def score_batch(
    scale: Scale, units: list[UnitInput], *, kernel: Kernel | None = None
) -> list[ScoreSheet]:
    """Score every unit; see :func:`thidua.engine.scoring.score_units`."""
    kernel = kernel or Kernel(scale)
    prep = prepare(scale, kernel, units)
    V, T = prep.V, prep.T
    P, amb = kernel.points(V, T)
    missing = np.isnan(V)
    for i, c in zip(*(a.tolist() for a in cells_of(missing)), strict=True):  # NaN: record None
        prep.rows[i][c] = None
    if amb.any():
        rows, cols = cells_of(amb)
        P[rows, cols] = resolve(
            kernel,
            rows,
            cols,
            V,
            T,
            lambda i, c: prep.rows[i][c],
            lambda i, c: prep.target_rows[i][c],
        )
    return _assemble(scale, kernel, prep, P, missing)


def _assemble(
    scale, kernel, prep: Prepared, P: np.ndarray, missing: np.ndarray
) -> list[ScoreSheet]:
    U = P.shape[0]
    if U == 0:
        return []
    starts = kernel.group_starts
    G = np.add.reduceat(P, starts, axis=1) if P.shape[1] else np.zeros((U, 0), np.int64)
    blocked_cells = missing & kernel.block
    group_blocked = np.add.reduceat(blocked_cells.astype(np.int64), starts, axis=1) > 0
    totals = G.sum(axis=1)
    blocked = group_blocked.any(axis=1)
    deductions = (
        P[:, kernel.deduction].sum(axis=1) if kernel.deduction.size else np.zeros(U, np.int64)
    )
    positive = kernel.max_scaled > 0
    at_max = ((kernel.max_scaled <= P) & positive).sum(axis=1)
    vetoed = prep.V[:, kernel.veto_columns] == 1.0

    point_rows = _decimals(kernel, P).tolist()
    group_rows = _decimals(kernel, G).tolist()
    total_list = _decimals(kernel, totals).tolist()
    deduction_list = _decimals(kernel, deductions).tolist()
    blocked_list = blocked.tolist()
    group_blocked_rows = group_blocked.tolist()
    at_max_list = at_max.tolist()

    crits = scale.criteria
    veto_info = [
        (j, Veto(crits[c].code, crits[c].name, *kernel.kinds[c].veto(crits[c].rule, True)))
        for j, c in enumerate(kernel.veto_columns.tolist())
    ]
    veto_rows = vetoed.tolist()
    group_points = group_rows
    if group_blocked.any():
        group_points = [
            [None if b else p for p, b in zip(gp, gb, strict=True)]
            for gp, gb in zip(group_rows, group_blocked_rows, strict=True)
        ]
    sheets = []
    with _gc_paused():  # tens of thousands of small containers; none is cyclic
        for u in range(U):
            unit = prep.units[u]
            vetoes = [v for j, v in veto_info if veto_rows[u][j]] if veto_info else ()
            sheets.append(
                ScoreSheet(
                    unit.unit,
                    scale,
                    total=None if blocked_list[u] else total_list[u],
                    group_points=group_points[u],
                    vetoes=vetoes,
                    deductions=deduction_list[u],
                    criteria_at_max=at_max_list[u],
                    stage=unit.stage,
                    source=unit.source,
                    cells=(prep.rows[u], prep.target_rows[u], point_rows[u], prep.remark_rows[u]),
                )
            )
    return sheets


def totals_only(
    kernel: Kernel,
    V: np.ndarray,
    T: np.ndarray | None = None,
    *,
    exact: bool = True,
    block: int = 1024,
    workers: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """Totals of many units from a float matrix (units × criteria, NaN = missing).

    Returns ``(scaled_totals, blocked)``: int64 totals ``points × 10^places`` — equal to the
    reference when ``exact`` — and the units whose total a missing result blocks. ``T`` holds
    per-unit targets (NaN: the scale's default). Rows are processed in cache-sized blocks on
    ``workers`` threads (NumPy releases the GIL). Inputs are not validated: use
    :func:`score_batch` for untrusted data.
    """
    U = V.shape[0]
    fill = T is not None  # NaN targets: filled with the defaults inside each block
    if T is None:
        T = np.broadcast_to(kernel.default_targets, V.shape)
        custom = np.zeros(kernel.n, dtype=bool)
    else:  # columns where some unit has its own target; the others use the default vector
        custom = ~np.isnan(T).all(axis=0)
    starts = list(range(0, U, block)) or [0]

    def run(r0: int):
        return kernel.block_totals(V[r0 : r0 + block], T[r0 : r0 + block], exact, fill, custom)

    if workers > 1 and len(starts) > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            parts = list(pool.map(run, starts))
    else:
        parts = [run(r0) for r0 in starts]
    totals = np.concatenate([p[0] for p in parts]).astype(np.int64)
    blocked = np.concatenate([p[1] for p in parts])
    rows = np.concatenate([p[2][0] + r0 for r0, p in zip(starts, parts, strict=True)])
    if rows.size:
        cols = np.concatenate([p[2][1] for p in parts])
        used = np.concatenate([p[2][2] for p in parts])
        bool_columns = set(kernel.bool_columns.tolist())

        def value_at(i: int, c: int) -> Any:
            return bool(V[i, c]) if c in bool_columns else float(V[i, c])

        def target_at(i: int, c: int) -> Any:
            t = T[i, c] if not np.isnan(T[i, c]) else kernel.default_targets[c]
            return None if np.isnan(t) else float(t)

        fixed = resolve(kernel, rows, cols, V, T, value_at, target_at)
        np.add.at(totals, rows, fixed - used)
    return totals, blocked
