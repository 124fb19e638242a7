"""Scale documents: parsing, validation with paths, versioning."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest

from thidua.engine.rules import CountRule, PlanRule, TargetRule, VetoRule
from thidua.engine.scale import ScaleError, TieBreak, parse_scale, validate_scale
from thidua.engine.testing import count, group, judged, linear, scale_doc, thresholds, veto

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "cum3-2021"


def example_doc() -> dict:
    return json.loads((EXAMPLES / "scale.json").read_text(encoding="utf-8"), parse_float=Decimal)


def test_cluster_3_example_scale_is_valid_and_worth_100_points() -> None:
    scale = parse_scale(example_doc())
    assert scale.total_points == 100
    assert [g.name for g in scale.groups] == [
        "Bảo vệ an ninh quốc gia",
        "Đấu tranh phòng, chống tội phạm",
        "Quản lý nhà nước về trật tự xã hội",
        "Xây dựng lực lượng",
        "Dự án dữ liệu dân cư, căn cước công dân",
    ]
    assert scale.criterion("TP1").rule == TargetRule(
        direction="higher",
        method="linear",
        target=Decimal(76),
        zero_at=Decimal(50),
        bonus=scale.criterion("TP1").rule.bonus,
        unit="%",
    )
    assert scale.tie_breaks[0] == TieBreak("group", "DTPCTP")
    assert "minh họa" in scale.meta["note"]


def test_validation_reports_every_problem_with_its_path() -> None:
    doc = example_doc()
    doc["groups"][2]["criteria"][1]["max_points"] = -3
    doc["groups"][0]["code"] = "có dấu"
    doc["groups"][1]["criteria"][0]["rule"]["direction"] = "up"
    doc["groups"][4]["criteria"][0]["rule"]["kind"] = "magic"
    doc["tie_breaks"] = ["group:KHONGCO", "luck"]
    del doc["version"]
    paths = {p.path for p in validate_scale(doc)}
    assert {
        "groups[2].criteria[1].max_points",
        "groups[0].code",
        "groups[1].criteria[0].rule.direction",
        "groups[4].criteria[0].rule.kind",
        "tie_breaks[0]",
        "tie_breaks[1]",
        "version",
    } <= paths


def test_problem_text_is_vietnamese_and_starts_with_the_path() -> None:
    doc = example_doc()
    doc["groups"][2]["criteria"][1]["max_points"] = "nhiều"
    (problem,) = [p for p in validate_scale(doc) if "criteria[1]" in p.path]
    assert str(problem) == "groups[2].criteria[1].max_points: 'nhiều' không phải là số"


def test_a_misspelt_key_is_reported_instead_of_silently_ignored() -> None:
    doc = example_doc()
    doc["groups"][1]["criteria"][0]["max_point"] = 10
    problems = validate_scale(doc)
    assert any(
        p.path == "groups[1].criteria[0].max_point" and "gõ nhầm" in p.message for p in problems
    )


def test_group_maximum_must_equal_the_sum_of_its_criteria() -> None:
    doc = example_doc()
    doc["groups"][3]["max_points"] = 20
    (problem,) = validate_scale(doc)
    assert problem.path == "groups[3].max_points"
    assert "15" in problem.message


def test_duplicate_codes_are_reported_where_they_repeat() -> None:
    doc = scale_doc([group("A", [judged("X", 5)]), group("B", [judged("X", 5)])])
    assert [p.path for p in validate_scale(doc)] == ["groups[1].criteria[0].code"]


def test_thresholds_may_not_reward_a_worse_value_with_more_points() -> None:
    doc = scale_doc([group("A", [thresholds("T", 6, [(95, 4), (90, 6)])])])
    (problem,) = validate_scale(doc)
    assert problem.path == "groups[0].criteria[0].rule.steps"


def test_step_points_above_the_maximum_are_refused() -> None:
    doc = scale_doc([group("A", [thresholds("T", 6, [(95, 7)])])])
    assert [p.path for p in validate_scale(doc)] == ["groups[0].criteria[0].rule.steps[0].points"]


def test_lower_better_linear_criterion_needs_its_zero_point() -> None:
    doc = scale_doc([group("A", [linear("TNGT", 4, target=-5, direction="lower")])])
    assert [p.path for p in validate_scale(doc)] == ["groups[0].criteria[0].rule.zero_at"]


def test_a_linear_target_must_lie_beyond_its_zero_point() -> None:
    doc = scale_doc([group("A", [linear("X", 4, target=40, zero_at=50)])])
    assert [p.path for p in validate_scale(doc)] == ["groups[0].criteria[0].rule.target"]


def test_bonus_and_deduction_items_sit_outside_the_nominal_maximum() -> None:
    scale = parse_scale(
        scale_doc([group("A", [judged("J", 10), count("TRU", -1, 5), count("CONG", "0.5", 2)])])
    )
    tru, cong = scale.criterion("TRU"), scale.criterion("CONG")
    assert (tru.max_points, tru.floor, tru.ceiling) == (0, -5, 0)
    assert (cong.max_points, cong.floor, cong.ceiling) == (0, 0, 2)
    assert scale.total_points == 10
    doc = scale_doc([group("A", [count("TRU", -1, 5, max_points=5)])])
    assert [p.path for p in validate_scale(doc)] == ["groups[0].criteria[0].max_points"]


def test_a_veto_on_awards_must_name_the_awards() -> None:
    doc = scale_doc([group("A", [judged("J", 5), veto("V", scope="awards")])])
    assert [p.path for p in validate_scale(doc)] == ["groups[0].criteria[1].rule.awards"]
    rule = (
        parse_scale(scale_doc([group("A", [judged("J", 5), veto("V", "awards", ["CO_BCA"])])]))
        .criterion("V")
        .rule
    )
    assert rule == VetoRule(scope="awards", awards=("CO_BCA",))


def test_parse_raises_with_the_whole_list_of_problems() -> None:
    doc = example_doc()
    doc["groups"][0]["criteria"][0]["max_points"] = -1
    doc["rounding"]["mode"] = "banker"
    with pytest.raises(ScaleError) as caught:
        parse_scale(doc)
    assert len(caught.value.problems) == 2
    assert "Thang điểm không hợp lệ" in str(caught.value)


def test_a_document_that_is_not_an_object_gets_one_clear_problem() -> None:
    assert [str(p) for p in validate_scale([1, 2])] == ["phải là một đối tượng JSON {…}"]


def test_fingerprint_ignores_key_order_and_number_spelling_but_not_values() -> None:
    doc = example_doc()
    same = json.loads(json.dumps(doc, default=float, sort_keys=True))  # 0.5 → float, keys sorted
    changed = copy.deepcopy(doc)
    changed["groups"][1]["criteria"][0]["rule"]["target"] = 75
    a, b, c = parse_scale(doc), parse_scale(same), parse_scale(changed)
    assert a.fingerprint == b.fingerprint != c.fingerprint
    assert a.ident == {"code": "CUM3-2021", "version": "2021.1", "fingerprint": a.fingerprint}


def test_plan_defaults_to_full_points_at_one_hundred_percent() -> None:
    rule = parse_scale(example_doc()).criterion("DA1").rule
    assert rule == PlanRule(
        full_at=Decimal(100), zero_at=Decimal(0), plan=None, bonus=None, unit="hồ sơ"
    )


def test_deduction_rule_is_parsed_with_its_cap() -> None:
    rule = parse_scale(example_doc()).criterion("XD_TRU").rule
    assert rule == CountRule(per_event=Decimal(-1), limit=Decimal(5), unit="trường hợp")
    assert rule.code == "count/deduction"
