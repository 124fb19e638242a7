"""What the documents say about Cluster 3 / 2021, assembled from the cycle's stored records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.documents.conftest import PUBLISHED_AWARDS, RANK_ORDER
from thidua.cycle.models import Cycle, ScoreSheet
from thidua.documents.context import NotReady, build_context, head_title
from thidua.engine.numbers import CONTEXT, dsum

pytestmark = pytest.mark.django_db


def _context(world):
    cycle = Cycle.objects.select_related("cluster").get(pk=world.cycle2021.pk)
    return build_context(cycle)


def test_context_of_cluster3_2021_carries_the_published_outcome(world):
    ctx = _context(world)
    assert [r.unit.short_name for r in ctx.rows] == RANK_ORDER
    assert [r.rank for r in ctx.rows] == list(range(1, 9))
    by_award = {
        award: [p.unit.short_name for p in rows] for award, rows in ctx.proposals_by_award()
    }
    assert by_award == PUBLISHED_AWARDS
    assert ctx.published_commendations == {"collectives": 3356, "individuals": 7918}
    assert ctx.honoured.code == "yen-bai"
    assert (ctx.vote.present, ctx.vote.yes, ctx.vote.no, ctx.vote.abstain) == (8, 7, 0, 1)
    assert ctx.vote.need_present == 6 and ctx.vote.need_yes == 5


def test_context_places_and_dates_the_documents_at_the_conference(world):
    ctx = _context(world)
    assert ctx.place_date == "Yên Bái, ngày 03 tháng 12 năm 2021"
    assert ctx.date == dt.date(2021, 12, 3)
    assert ctx.issuer == "CỤM THI ĐUA SỐ 3" and ctx.symbol == "CTĐ3"
    assert ctx.signer_title == "Giám đốc Công an tỉnh Yên Bái"
    assert (ctx.next_leader.code, ctx.next_deputy.code) == ("thai-nguyen", "bac-giang")
    assert ctx.demo_note.startswith("Dữ liệu minh họa")


def test_registration_rate_counts_every_member_that_registered(world):
    ctx = _context(world)
    assert (ctx.registered, ctx.member_count, ctx.registration_rate) == (8, 8, Decimal(100))
    assert ("Chiến sĩ tiên tiến", 9600) in ctx.registration_individuals


def test_clearance_rate_is_the_mean_of_the_consolidated_inputs_against_the_target(world):
    ctx = _context(world)
    values = [
        Decimal(line["inputs"]["value"])
        for sheet in ScoreSheet.objects.filter(
            cycle=world.cycle2021, stage=ScoreSheet.Stage.CONSOLIDATED
        )
        for line in sheet.sheet["criteria"]
        if line["code"] == "TP1"
    ]
    mean = CONTEXT.divide(dsum(values), Decimal(len(values)))
    tp1 = next(i for i in ctx.indicators if i.code == "TP1")
    assert len(values) == 8 and tp1.value == mean and tp1.target == Decimal(76)
    assert tp1.sentence.startswith("Tỷ lệ điều tra khám phá án hình sự: bình quân đạt 90,5%")
    assert "cao hơn chỉ tiêu Bộ giao (76%) 14,5%" in tp1.sentence
    assert tp1.sentence.endswith("8/8 đơn vị đạt chỉ tiêu.")


def test_lower_is_better_indicators_speak_of_a_decrease(world):
    ctx = _context(world)
    fires = next(i for i in ctx.indicators if i.code == "QL4")
    assert "bình quân giảm" in fires.sentence and "chỉ tiêu Bộ giao: giảm 10%" in fires.sentence
    judged = {i.code for i in ctx.indicators}
    assert "ANQG1" not in judged  # judged criteria are assessments, not indicators


def test_a_vetoed_unit_is_listed_apart_with_its_reason(world):
    ranking = world.cycle2021.rankings.order_by("-computed_at", "-pk").first()
    ranking.entries.filter(unit__code="phu-tho").update(
        vetoed=True, rank=None, note="vi phạm điểm liệt: Có cán bộ chiến sĩ bị truy cứu"
    )
    ctx = _context(world)
    assert [r.unit.short_name for r in ctx.excluded] == ["Phú Thọ"]
    assert len(ctx.ranked) == 7
    assert ctx.excluded[0].note.startswith("Vi phạm điểm liệt")


def test_a_year_without_ranking_has_no_documents_yet(world):
    with pytest.raises(NotReady, match="Chưa có bảng tổng hợp điểm"):
        build_context(world.cycle2025)


def test_head_title_names_the_office_of_the_units_head(world):
    assert head_title(world.unit("yen-bai")) == "Giám đốc Công an tỉnh Yên Bái"
    assert head_title(world.unit("x03")).startswith("Cục trưởng Cục")


def test_assembling_the_context_takes_a_fixed_number_of_queries(
    world, django_assert_max_num_queries
):
    cycle = Cycle.objects.select_related("cluster").get(pk=world.cycle2021.pk)
    with django_assert_max_num_queries(15):
        build_context(cycle)
