"""Issue 19: figures that are not scores. An ``info`` criterion is reported, shown and summed, and
never changes a unit's points — whatever its value, and whether or not it is given (even on a
scale where a missing value blocks the total)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from thidua.engine.scale import parse_scale, validate_scale
from thidua.engine.scoring import score_unit
from thidua.engine.testing import group, linear, scale_doc


def info(code: str, unit: str, **rule) -> dict:
    return {"code": code, "name": f"Số liệu {code}", "rule": {"kind": "info", "unit": unit, **rule}}


def scales(missing: str):
    scored = [linear("TP1", 10, target=76, zero_at=50)]
    informed = [
        *scored,
        info("TP1_KP", "vụ", rate="TP1", role="numerator"),
        info("TP1_XR", "vụ", rate="TP1", role="denominator"),
        info("CCCD", "thẻ"),
    ]
    return (
        parse_scale(scale_doc([group("G", scored)], missing=missing)),
        parse_scale(scale_doc([group("G", informed)], missing=missing)),
    )


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["zero", "block"]),
    st.one_of(st.none(), st.decimals(0, 100, places=1, allow_nan=False)),
    st.dictionaries(
        st.sampled_from(["TP1_KP", "TP1_XR", "CCCD"]),
        st.decimals(0, 10**7, places=0, allow_nan=False),
    ),
)
def test_information_figures_never_change_points(missing, rate, figures):
    plain, informed = scales(missing)
    values = {} if rate is None else {"TP1": rate}
    without = score_unit(plain, {}, values, unit="U")
    with_info = score_unit(informed, {}, {**values, **figures}, unit="U")
    assert with_info.total == without.total
    assert with_info.blocked_by == without.blocked_by
    for code in figures:
        line = with_info.explanation(code)
        assert line.points == 0
        assert "không tính điểm" in line.formula


def test_an_information_figure_has_no_points_and_its_parts_go_together():
    doc = scale_doc([group("G", [{**info("X", "vụ"), "max_points": 5}])])
    assert [str(p) for p in validate_scale(doc)] == [
        "groups[0].criteria[0].max_points: chỉ tiêu thông tin không tính điểm: max_points phải "
        "là 0 hoặc bỏ trống"
    ]
    doc = scale_doc([group("G", [info("X", "vụ", rate="TP1")])])
    assert [str(p) for p in validate_scale(doc)] == [
        "groups[0].criteria[0].rule.role: rate và role đi cùng nhau"
    ]
    informed = scales("zero")[1]
    assert informed.criterion("TP1_KP").max_points == Decimal(0)


@given(
    st.lists(
        st.tuples(st.integers(0, 10**6), st.integers(1, 10**6)).filter(lambda t: t[0] <= t[1]),
        min_size=1,
        max_size=8,
    )
)
def test_the_pooled_rate_is_total_over_total_and_lies_between_the_units_rates(pairs):
    from thidua.engine.rules.info import pooled_rate

    informed = scales("zero")[1]
    units = [{"TP1_KP": Decimal(n), "TP1_XR": Decimal(d)} for n, d in pairs]
    rate, top, bottom, unit = pooled_rate(informed, "TP1", units)
    assert (top, bottom, unit) == (sum(n for n, _ in pairs), sum(d for _, d in pairs), "vụ")
    assert rate * bottom == top * 100 or abs(rate - Decimal(top) * 100 / bottom) < Decimal("1e-20")
    rates = [Decimal(n) * 100 / d for n, d in pairs]
    assert min(rates) - Decimal("1e-20") <= rate <= max(rates) + Decimal("1e-20")
    assert pooled_rate(informed, "CCCD", units) is None  # no parts: no pooled rate
