"""Rule sets as data: which set judges which year, validation with paths and Vietnamese messages,
inheritance between versions, JSON round trips, the catalogue and the generated documentation."""

from __future__ import annotations

import copy
import json
import re
from datetime import date
from pathlib import Path

import pytest

from tests.engine.test_eligibility import CSTD_CAND, DVQT, officer, titles, unit
from thidua.engine.eligibility import (
    Award,
    RuleSetError,
    UnitSpan,
    bundled_rulesets,
    check,
    load_catalogue,
    load_rulesets,
    parse_ruleset,
    ruleset_for,
)
from thidua.engine.eligibility_docs import BEGIN, END, render
from thidua.engine.eligibility_ruleset import QuotaSpec

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("year", "as_of", "expected"),
    [
        (2017, None, "luat-2003-tt-12-2019"),
        (2019, None, "luat-2003-tt-12-2019"),
        (2023, None, "luat-2003-tt-12-2019"),
        (2024, None, "luat-2022-nd-98-2023"),
        (2025, date(2025, 6, 30), "luat-2022-nd-98-2023"),
        (2025, None, "nd-152-2025"),
        (2030, None, "nd-152-2025"),
    ],
)
def test_each_year_is_judged_by_the_set_in_force(year, as_of, expected) -> None:
    assert ruleset_for(year, as_of=as_of).id == expected


def test_year_before_any_rule_set_is_refused_in_vietnamese() -> None:
    with pytest.raises(
        LookupError, match="Không có bộ quy tắc nào có hiệu lực vào ngày 31/12/2016"
    ):
        ruleset_for(2016)


def test_bundled_sets_cover_the_digest_rules_required() -> None:
    required = {1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 18, 26}
    covered = {n for s in bundled_rulesets() for r in s.rules for n in r.digest}
    assert required <= covered
    assert {r.id for r in ruleset_for(2025).rules} >= {
        "R01",
        "R02",
        "R03",
        "R04",
        "R05",
        "R06",
        "R07",
        "R08",
        "R09",
        "R15",
        "R16",
        "R17",
        "R18",
        "R26",
    }


def test_every_rule_cites_a_basis_a_confidence_and_dates() -> None:
    for ruleset in bundled_rulesets():
        for rule in ruleset.rules:
            assert rule.legal_basis.strip() and rule.confidence in "HML", rule.id
            assert rule.title.strip() and rule.digest, rule.id


def test_rule_versions_inside_a_set_follow_their_dates() -> None:
    rules = ruleset_for(2025)
    before = rules.rules_for("co_thi_dua_bo_cong_an", date(2025, 5, 9))
    after = rules.rules_for("co_thi_dua_bo_cong_an", date(2025, 5, 10))
    assert "R26.1" in {r.id for r in before} and "R14" not in {r.id for r in before}
    assert "R14" in {r.id for r in after} and "R26.1" not in {r.id for r in after}


def test_no_lower_award_principle_only_from_july_2025() -> None:
    assert ruleset_for(2024).principle("lower_award_required", date(2024, 12, 31))[0] is True
    value, rule = ruleset_for(2025).principle("lower_award_required", date(2025, 12, 31))
    assert value is False and rule.id == "R17"


def test_quota_parameters_are_data() -> None:
    (quota,) = [r for r in ruleset_for(2024).quotas(date(2024, 12, 31)) if r.id == "R02"]
    assert quota.parameters == {"ty_le_toi_da": 15, "lam_tron": "xuong"}
    assert "ty_le_toi_da" in quota.no_basis  # the 15% cap may not have survived NĐ 91/2017


@pytest.mark.parametrize(
    ("base", "rounding", "expected"),
    [
        (6, "xuong", 0),
        (7, "xuong", 1),
        (13, "xuong", 1),
        (14, "xuong", 2),
        (20, "xuong", 3),
        (100, "xuong", 15),
        (7, "len", 2),
        (10, "gan_nhat", 2),
        (9, "gan_nhat", 1),
        (0, "len", 0),
    ],
)
def test_quota_rounding(base, rounding, expected) -> None:
    from decimal import Decimal

    assert QuotaSpec(Decimal(15), "unit", rounding, "chien_si_tien_tien").limit(base) == expected


def _minimal(**rule) -> dict:
    base = {
        "id": "R90",
        "title": "Quy tắc thử",
        "applies_to": ["chien_si_tien_tien"],
        "legal_basis": "Văn bản thử",
        "confidence": "L",
        "condition": {"kind": "rating_at_least", "rating": "hoan_thanh_tot"},
    }
    return {"id": "thu", "title": "Bộ thử", "effective_from": "2024-01-01", "rules": [base | rule]}


def test_a_valid_custom_set_parses() -> None:
    ruleset = parse_ruleset(_minimal())
    assert [r.id for r in ruleset.rules] == ["R90"]
    assert check(officer(ratings={2024: "T"}), "chien_si_tien_tien", 2024, ruleset).eligible is True


def test_validation_reports_every_problem_with_its_path() -> None:
    data = {
        "id": "hong",
        "title": "Bộ quy tắc lỗi",
        "effective_from": "2024-13-01",
        "surprise": 1,
        "rules": [
            {
                "id": "R01",
                "title": "Lỗi điều kiện",
                "applies_to": ["chien_si_thi_dua_co_so"],
                "legal_basis": "x",
                "confidence": "X",
                "parameters": {"p": 15},
                "condition": {
                    "kind": "all_of",
                    "of": [
                        {"kind": "rating_at_least", "rating": "tot"},
                        {"kind": "holds_title_same_year", "title": "khong_co"},
                        {
                            "kind": "count_initiatives",
                            "min_scope": "$thieu",
                            "years": 0,
                            "at_least": 1,
                        },
                        {
                            "kind": "share_of_members_with_title",
                            "title": "chien_si_tien_tien",
                            "min_percent": 70.5,
                        },
                        {"kind": "no_such_kind"},
                        {"kind": "not_in_discipline", "extra": True},
                    ],
                },
            },
            {
                "id": "bad id",
                "title": "",
                "kind": "quota",
                "applies_to": ["chien_si_tien_tien"],
                "legal_basis": "x",
                "confidence": "H",
                "quota": {
                    "max_percent": 150,
                    "of_award": "chien_si_thi_dua_co_so",
                    "group_by": "tinh",
                },
            },
            {
                "id": "R02",
                "title": "t",
                "applies_to": "*",
                "legal_basis": "x",
                "confidence": "H",
                "kind": "principle",
                "principle": {"unknown": True},
            },
            {
                "id": "R03",
                "title": "a",
                "applies_to": "*",
                "legal_basis": "x",
                "confidence": "H",
                "condition": {"kind": "not_in_discipline"},
                "effective_to": "2024-12-31",
            },
            {
                "id": "R03",
                "title": "b",
                "applies_to": "*",
                "legal_basis": "x",
                "confidence": "H",
                "condition": {"kind": "not_in_discipline"},
                "effective_from": "2024-06-01",
            },
        ],
    }
    with pytest.raises(RuleSetError) as caught:
        parse_ruleset(data)
    found = {(p.path, p.message) for p in caught.value.problems}
    paths = {path for path, _ in found}
    expected_paths = {
        "surprise",
        "effective_from",
        "rules[0].confidence",
        "rules[0].condition.of[0].rating",
        "rules[0].condition.of[1].title",
        "rules[0].condition.of[2].min_scope",
        "rules[0].condition.of[2].years",
        "rules[0].condition.of[3].min_percent",
        "rules[0].condition.of[4].kind",
        "rules[0].condition.of[5].extra",
        "rules[1].id",
        "rules[1].title",
        "rules[1].quota.max_percent",
        "rules[1].quota.of_award",
        "rules[1].quota.group_by",
        "rules[2].principle.unknown",
        "rules[R03]",
    }
    assert expected_paths <= paths, sorted(paths)
    messages = dict(found)
    assert messages["rules[0].condition.of[0].rating"] == "mức đánh giá không hợp lệ: “tot”"
    assert (
        messages["rules[0].condition.of[2].min_scope"]
        == "tham số “thieu” không có trong parameters"
    )
    assert "hình thức thấp hơn" in messages["rules[1].quota.of_award"]
    assert "chồng nhau" in messages["rules[R03]"]
    # every message is in Vietnamese, and the exception text lists them all
    assert all(re.search(r"[ạảãáàâăđêôơưóòỏõọíìỉĩịúùủũụýỳỷỹỵéèẻẽẹ]", m) for _, m in found)
    assert str(caught.value).count("\n") == len(found) - 1


def test_collective_condition_on_individual_title_is_refused() -> None:
    data = _minimal(
        condition={
            "kind": "share_of_members_with_title",
            "title": "chien_si_tien_tien",
            "min_percent": 50,
        }
    )
    with pytest.raises(RuleSetError, match="chỉ dùng cho tập thể"):
        parse_ruleset(data)


def test_newer_set_extends_older_by_id() -> None:
    base = _minimal()
    child = {
        "id": "con",
        "title": "Bộ kế thừa",
        "effective_from": "2025-01-01",
        "extends": "thu",
        "rules": [
            base["rules"][0]
            | {
                "title": "Quy tắc thử, sửa",
                "condition": {"kind": "rating_at_least", "rating": "hoan_thanh_xuat_sac"},
            }
        ],
    }
    parsed = parse_ruleset(child, bases={"thu": base})
    assert [(r.id, r.title) for r in parsed.rules] == [("R90", "Quy tắc thử, sửa")]
    removed = parse_ruleset(child | {"rules": [], "remove": ["R90"]}, bases={"thu": base})
    assert removed.rules == ()
    with pytest.raises(RuleSetError, match="không tìm thấy bộ quy tắc gốc"):
        parse_ruleset(child)


def test_a_problem_in_an_extending_set_is_reported_at_its_own_index() -> None:
    base = _minimal()
    extra = base["rules"][0] | {"id": "R91"}
    child = {
        "id": "con",
        "title": "Bộ kế thừa",
        "effective_from": "2025-01-01",
        "extends": "thu",
        "rules": [extra, extra | {"id": "R92", "confidence": "Z"}],
    }
    with pytest.raises(RuleSetError) as caught:
        parse_ruleset(child, bases={"thu": base})
    # rules[1] of the set as written, not its place after the inherited rules
    assert [p.path for p in caught.value.problems] == ["rules[1].confidence"]


def test_directory_loader_prefixes_problems_with_the_file(tmp_path: Path) -> None:
    bad = _minimal(confidence="Z")
    (tmp_path / "2024-thu.json").write_text(json.dumps(bad), encoding="utf-8")
    (tmp_path / "2025-hong.json").write_text("{", encoding="utf-8")
    with pytest.raises(RuleSetError) as caught:
        load_rulesets(tmp_path)
    paths = [p.path for p in caught.value.problems]
    assert "2024-thu.json: rules[0].confidence" in paths and "2025-hong.json" in paths


@pytest.mark.parametrize("ruleset", bundled_rulesets(), ids=lambda s: s.id)
def test_rule_sets_round_trip_through_json(ruleset) -> None:
    text = json.dumps(ruleset.to_dict(), ensure_ascii=False)
    assert parse_ruleset(json.loads(text)) == ruleset


def test_serialised_rule_keeps_parameters_and_basis() -> None:
    rule = next(r for r in ruleset_for(2024).rules if r.id == "R06")
    data = rule.to_dict()
    assert data["parameters"]["ty_le_chien_si_tien_tien"] == 70
    assert data["legal_basis"].startswith("Luật Thi đua, khen thưởng 2022")


def test_editing_a_parameter_changes_the_verdict_without_code() -> None:
    data = copy.deepcopy(ruleset_for(2024).to_dict())
    for rule in data["rules"]:
        if rule["id"] == "R06":
            rule["parameters"]["ty_le_chien_si_tien_tien"] = 80
    stricter = parse_ruleset(data)
    candidate = unit(cstt=7, csdcs=1)
    assert check(candidate, DVQT, 2024).eligible is True
    assert check(candidate, DVQT, 2024, stricter).eligible is False


def test_unit_line_across_merger_counts_titles_of_predecessors() -> None:
    """A unit-level chain: Đơn vị quyết thắng three years running for the new Công an tỉnh Phú Thọ,
    two of them won by Công an tỉnh Hòa Bình before the merger of 1 July 2025."""
    chain = _minimal(
        applies_to=["co_thi_dua_bo_cong_an"],
        condition={"kind": "consecutive_years_with_title", "title": DVQT, "years": 3},
    )
    ruleset = parse_ruleset(chain)
    lineage = (
        UnitSpan("CAT-HBH", date(1991, 10, 1), date(2025, 6, 30)),
        UnitSpan("CAT-PTO-CU", date(1997, 1, 1), date(2025, 6, 30)),
        UnitSpan("CAT-PTO", date(2025, 7, 1)),
    )
    awards = [
        Award(DVQT, 2023, "1/QĐ", holder="CAT-HBH"),
        Award(DVQT, 2024, "2/QĐ", holder="CAT-HBH"),
        Award(DVQT, 2025, "3/QĐ", holder="CAT-PTO"),
    ]
    merged = unit("CAT-PTO", year=2025, lineage=lineage, awards=awards)
    assert check(merged, "co_thi_dua_bo_cong_an", 2025, ruleset).eligible is True
    # Not in the line (another province) or outside the code's dates (a reused code): ignored.
    stray = [awards[0], Award(DVQT, 2024, "2/QĐ", holder="CAT-LCI"), awards[2]]
    verdict = check(
        unit("CAT-PTO", year=2025, lineage=lineage, awards=stray),
        "co_thi_dua_bo_cong_an",
        2025,
        ruleset,
    )
    assert verdict.eligible is False and "thiếu năm 2024" in verdict.conditions[0].detail
    late = [
        awards[0],
        Award(DVQT, 2024, "2/QĐ", decision_date=date(2025, 8, 1), holder="CAT-HBH"),
        awards[2],
    ]
    assert (
        check(
            unit("CAT-PTO", year=2025, lineage=lineage, awards=late),
            "co_thi_dua_bo_cong_an",
            2025,
            ruleset,
        ).eligible
        is False
    )


def test_person_chain_ignores_which_unit_gave_the_title() -> None:
    units = (
        UnitSpan("CAT-HBH", date(2015, 1, 1), date(2025, 6, 30)),
        UnitSpan("CAT-PTO", date(2025, 7, 1)),
    )
    awards = [
        Award("chien_si_thi_dua_co_so", y, f"{y}/QĐ", holder=h)
        for y, h in ((2023, "CAT-HBH"), (2024, "CAT-HBH"), (2025, "CAT-PTO"))
    ]
    from tests.engine.test_eligibility import idea

    person = officer(units=units, awards=awards, initiatives=[idea(2025, "bo")])
    assert person.unit_on(date(2025, 12, 31)) == "CAT-PTO"
    assert check(person, CSTD_CAND, 2025).eligible is True
    assert (
        check(officer(awards=titles(chien_si_thi_dua_co_so=[2023, 2025])), CSTD_CAND, 2025).eligible
        is False
    )


# --- catalogue ---------------------------------------------------------------------------

DIGEST_NAMES = {
    "co_thi_dua_chinh_phu": "Cờ thi đua của Chính phủ",
    "co_thi_dua_bo_cong_an": "Cờ thi đua của Bộ Công an",
    "don_vi_quyet_thang": "Đơn vị quyết thắng",
    "don_vi_tien_tien": "Đơn vị tiên tiến",
    "bang_khen_thu_tuong": "Bằng khen của Thủ tướng Chính phủ",
    "bang_khen_bo_cong_an": "Bằng khen của Bộ trưởng Bộ Công an",
    "chien_si_tien_tien": "Chiến sĩ tiên tiến",
    "chien_si_thi_dua_co_so": "Chiến sĩ thi đua cơ sở",
    "chien_si_thi_dua_toan_luc_luong_cand": "Chiến sĩ thi đua toàn lực lượng CAND",
    "chien_si_thi_dua_toan_quoc": "Chiến sĩ thi đua toàn quốc",
    "huy_chuong_vi_an_ninh_to_quoc": "Huy chương Vì an ninh Tổ quốc",
    "giay_khen": "Giấy khen",
}
CASH = {
    "co_thi_dua_chinh_phu": "12",
    "co_thi_dua_bo_cong_an": "8",
    "chien_si_thi_dua_toan_quoc": "4.5",
    "chien_si_thi_dua_toan_luc_luong_cand": "3",
    "don_vi_quyet_thang": "1.5",
    "chien_si_thi_dua_co_so": "1",
    "don_vi_tien_tien": "0.8",
    "chien_si_tien_tien": "0.3",
}


def test_catalogue_names_codes_and_cash_multiples() -> None:
    catalogue = load_catalogue()
    for code, name in DIGEST_NAMES.items():
        assert catalogue.get(code).name == name
    for code, multiple in CASH.items():
        assert str(catalogue.get(code).cash_multiple) == multiple
    for kind in catalogue:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", kind.code)
        json.dumps(kind.to_dict())
    assert catalogue.discipline_rank("Cảnh cáo") == catalogue.discipline_rank("canh_cao") == 1
    data = json.loads(json.dumps(catalogue.to_dict(), ensure_ascii=False))
    assert {a["code"] for a in data["awards"]} == set(catalogue.awards)


# --- documentation -----------------------------------------------------------------------


def test_rules_document_matches_the_data() -> None:
    """docs/eligibility-rules.md embeds the generated tables; regenerate with
    `.venv/bin/python -m thidua.engine.eligibility_docs --write docs/eligibility-rules.md`."""
    document = (ROOT / "docs" / "eligibility-rules.md").read_text(encoding="utf-8")
    start, end = document.index(BEGIN), document.index(END) + len(END)
    assert document[start:end] == render()
    assert "configurable, no legal basis found" in document
