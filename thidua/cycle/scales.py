"""The scale of a year's method and the values entered against it: parsed once, typed, checked.

Pure of the year's models (it receives a method version, a unit, values; it stores nothing), so the
models call it without importing the workflow above them (DESIGN.md §4.7, issue #12). Re-exported by
thidua/cycle/scoring.py.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

from thidua.engine import scoring as engine_scoring
from thidua.engine.numbers import NumberError, fmt_number, read_number, read_qualified
from thidua.engine.rules import kind_of
from thidua.engine.scale import Criterion, Scale, fingerprint, parse_scale
from thidua.engine.text import normalize
from thidua.untrusted import strip_control

if TYPE_CHECKING:
    from thidua.cycle.models import MethodVersion
    from thidua.org.models import Unit

_TRUE = {"1", "true", "có", "co", "x", "yes", "đạt", "dat"}
_FALSE = {"0", "false", "không", "khong", "no", "không đạt", "khong dat"}


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
    try:
        return read_number(str(text))
    except NumberError:
        raise ValueError(text) from None


NOT_A_NUMBER = "“{raw}” không phải là số (dùng dấu phẩy cho phần thập phân, ví dụ 92,5)."

HUNDRED = Decimal(100)
# A rate criterion whose name says it measures a change (or where lower is better) is a change.
CHANGE_WORDS = ("so với", "kéo giảm", "tăng", "giảm")


def is_change(criterion: Criterion) -> bool:
    """Whether a "%" criterion measures a change (−5 % accidents) rather than a rate (92 %)."""
    rule = criterion.rule
    if (getattr(rule, "unit", "") or "") != "%":
        return False
    name = criterion.name.casefold()
    return getattr(rule, "direction", "higher") == "lower" or any(w in name for w in CHANGE_WORDS)


def valid_range(criterion: Criterion) -> tuple[Decimal | None, Decimal | None, str]:
    """(low, high, what it is) of a measured criterion's figure; (None, None, "") when anything
    goes (a yes/no or judged criterion: the engine checks judged points). The scale's "min"/"max"
    when set, else: a rate 0–100 %, a change from −100 % (a decrease cannot exceed 100 %), a
    count or a plan figure not negative."""
    if input_kind(criterion) != "number":
        return None, None, ""
    if criterion.plausible_min is not None or criterion.plausible_max is not None:
        return criterion.plausible_min, criterion.plausible_max, "giá trị thang điểm cho phép"
    if is_change(criterion):
        return -HUNDRED, None, "mức tăng, giảm (giảm không quá 100%)"
    if (getattr(criterion.rule, "unit", "") or "") == "%":
        return Decimal(0), HUNDRED, "tỷ lệ phần trăm"
    return Decimal(0), None, "số lượng"


def range_error(criterion: Criterion, number: Decimal) -> str | None:
    """The refusal of a figure outside its criterion's valid range (None inside it): one sentence,
    the same on the results page, the API and the Excel upload (all pass by _clean_values)."""
    low, high, what = valid_range(criterion)
    if (low is None or number >= low) and (high is None or number <= high):
        return None
    unit = getattr(criterion.rule, "unit", "") or ""
    pct = "%" if unit == "%" else ""
    shown = f"{fmt_number(number)}{pct or (' ' + unit if unit else '')}"
    if low is not None and high is not None:
        bounds = f"từ {fmt_number(low)} đến {fmt_number(high)}{pct}"
    elif low is not None:
        bounds = f"từ {fmt_number(low)}{pct} trở lên"
    else:
        bounds = f"không quá {fmt_number(high)}{pct}"
    return f"{shown} nằm ngoài giới hạn cho phép: {what} phải {bounds}."


def parse_result_value(criterion: Criterion, raw: Any) -> tuple[Decimal, str | None]:
    """A measured or judged value as typed on the form, sent through the API or written in an
    Excel cell: its number (what is scored) and its qualifier ("hơn 98" → 98, "hơn"), or
    ValueError with the Vietnamese message. The same function on every path, so that the same
    text is accepted or refused the same way everywhere. A unit written after the number must
    be the criterion's ("92%" for a rate, "3.100 thẻ" for a count of cards)."""
    if not isinstance(raw, str):
        return parse_number(raw), None
    try:
        value = read_qualified(raw)
    except NumberError:
        raise ValueError(NOT_A_NUMBER.format(raw=raw)) from None
    if input_kind(criterion) == "judged":
        if value.qualifier:
            raise ValueError(
                f"“{raw}”: điểm tự chấm là một số cụ thể, không kèm “{value.qualifier}”."
            )
        own = "điểm"
    else:
        own = getattr(criterion.rule, "unit", "") or ""
    if value.unit and value.unit.casefold() != own.casefold():
        said = f"tính bằng {own}" if own else "không có đơn vị tính"
        raise ValueError(f"“{raw}”: tiêu chí {said}, không phải “{value.unit}”.")
    return value.number, value.qualifier


def qualifiers_of(scale: Scale, values: dict[str, Any]) -> dict[str, str]:
    """The qualifier written with each value ("hơn" of "hơn 98"), by criterion code; values
    already refused by :func:`_clean_values` are skipped."""
    out: dict[str, str] = {}
    for code, raw in values.items():
        if not isinstance(raw, str) or not scale.has_criterion(code):
            continue
        criterion = scale.criterion(code)
        if input_kind(criterion) == "bool":
            continue
        try:
            _, qualifier = parse_result_value(criterion, normalize(raw))
        except ValueError:
            continue
        if qualifier:
            out[code] = qualifier
    return out


def written_value(shown: str, qualifier: str | None) -> str:
    """A figure's number with the qualifier the report wrote ("hơn 3.100"), when that qualifier
    is one a value keeps ("đạt hơn" → "hơn"; "tăng", "vượt" describe a change and are dropped)."""
    if not qualifier:
        return shown
    try:
        return read_qualified(f"{qualifier} {shown}").text()
    except NumberError:
        return shown


def with_qualifier(shown: str, qualifier: str | None) -> str:
    """ "hơn 98%" from "98%" and "hơn"."""
    return f"{qualifier} {shown}" if qualifier and shown else shown


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
                number, _ = parse_result_value(
                    criterion, normalize(raw) if isinstance(raw, str) else raw
                )
                refused = range_error(criterion, number)
                if refused:
                    errors[code] = refused
                    continue
                cleaned[code] = str(number)
        except ValueError as exc:
            errors[code] = (
                "Chọn có hoặc không."
                if input_kind(criterion) == "bool"
                else str(exc)
                if isinstance(raw, str)
                else NOT_A_NUMBER.format(raw=raw)
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


def show_value(value: Any) -> str:
    """A stored value as a Vietnamese user reads it ("92,5", "533.300", "Có"); "" when missing."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    try:
        return fmt_number(Decimal(str(value)))
    except ArithmeticError:
        return str(value)
