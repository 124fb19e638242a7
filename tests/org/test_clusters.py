"""Clusters by year: one leader, one deputy, one cluster per unit per year, handover by rotation."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from thidua.audit.models import AuditRecord
from thidua.org.loaders import load_clusters
from thidua.org.models import Cluster, Handover, Membership, Unit, resolve_unit

pytestmark = pytest.mark.django_db


def test_cluster_3_of_2021_has_its_eight_real_members_with_yen_bai_leading(cluster3_2021):
    names = {m.unit.short_name for m in cluster3_2021.members()}
    assert names == {
        "Yên Bái",
        "Thái Nguyên",
        "Hòa Bình",
        "Bắc Giang",
        "Bắc Kạn",
        "Tuyên Quang",
        "Quảng Ninh",
        "Phú Thọ",
    }
    assert cluster3_2021.leader.short_name == "Yên Bái"
    assert cluster3_2021.published["proposals"]["Cờ thi đua của Chính phủ"] == ["Yên Bái"]


def test_cluster_numbers_are_reused_with_other_provinces_in_another_year(reference):
    cluster_2025 = Cluster.objects.with_members().get(year=2025, number=3)
    assert cluster_2025.leader.short_name == "Cao Bằng"
    assert "Yên Bái" not in {m.unit.short_name for m in cluster_2025.members()}
    lao_cai = next(m.unit for m in cluster_2025.members() if m.unit.short_name == "Lào Cai")
    assert lao_cai.code == "lao-cai-2025"  # the merged province, not the old one


def test_every_real_cluster_is_loaded_with_next_leaders(reference):
    assert Cluster.objects.count() == 7
    handover = Handover.objects.get(cluster__year=2022, cluster__number=6)
    assert (handover.next_leader.short_name, handover.next_deputy.short_name) == (
        "Bình Phước",
        "Kon Tum",
    )


def test_a_cluster_cannot_have_two_leaders(cluster3_2021):
    other = next(m for m in cluster3_2021.members() if m.role == Membership.Role.MEMBER)
    other.role = Membership.Role.LEADER
    with pytest.raises(ValidationError, match="một đơn vị Cụm trưởng"):
        other.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        other.save()


def test_setting_a_new_leader_demotes_the_previous_one_and_is_audited(cluster3_2021, cast):
    bac_giang = Unit.objects.get(code="bac-giang")
    cluster3_2021.set_role(bac_giang, Membership.Role.LEADER, by=cast.secretariat)
    roles = dict(Membership.objects.filter(cluster=cluster3_2021).values_list("unit__code", "role"))
    assert roles["bac-giang"] == "leader" and roles["yen-bai"] == "member"
    records = AuditRecord.objects.filter(model="org.membership", actor=cast.secretariat)
    assert records.count() == 2


def test_a_unit_belongs_to_one_cluster_of_the_movement_per_year(cluster3_2021):
    cluster6 = Cluster.objects.get(year=2021, number=3).movement.clusters.create(
        year=2021, number=6
    )
    with pytest.raises(ValidationError, match="cụm thi đua khác"):
        cluster6.add_member(Unit.objects.get(code="bac-giang"))


def test_a_unit_must_exist_in_the_clusters_year(reference):
    cluster = Cluster.objects.get(year=2025, number=4)
    next_year = cluster.movement.clusters.create(year=2026, number=8)
    with pytest.raises(ValidationError, match="không tồn tại trong năm 2026"):
        next_year.add_member(Unit.objects.get(code="hoa-binh"))
    assert not next_year.memberships.exists()


def test_the_same_leader_two_years_running_needs_a_reason(reference, cast):
    cluster = Cluster.objects.with_members().get(year=2025, number=4)
    phu_tho, quang_ninh = Unit.objects.get(code="phu-tho-2025"), Unit.objects.get(code="quang-ninh")
    with pytest.raises(ValidationError) as excinfo:
        cluster.record_handover(next_leader=phu_tho, next_deputy=quang_ninh, by=cast.approver)
    assert "luân phiên" in str(excinfo.value.message_dict["reason"])
    assert not Handover.objects.filter(cluster=cluster).exists()
    handover = cluster.record_handover(
        next_leader=phu_tho,
        next_deputy=quang_ninh,
        by=cast.approver,
        reason="Hội nghị thống nhất đề nghị Phú Thọ tiếp tục làm Cụm trưởng do đăng cai sự kiện của Bộ.",
    )
    assert handover.next_leader == phu_tho
    record = AuditRecord.objects.filter(model="org.handover").latest("seq")
    assert record.actor == cast.approver and "tiếp tục làm Cụm trưởng" in record.reason


def test_recording_the_handover_again_updates_it_and_keeps_the_history(reference, cast):
    cluster = Cluster.objects.with_members().get(year=2025, number=4)
    bac_ninh, quang_ninh, lang_son = (
        Unit.objects.get(code=c) for c in ("bac-ninh-2025", "quang-ninh", "lang-son")
    )
    cluster.record_handover(next_leader=bac_ninh, next_deputy=quang_ninh, by=cast.approver)
    cluster.record_handover(next_leader=bac_ninh, next_deputy=lang_son, by=cast.approver)
    assert Handover.objects.get(cluster=cluster).next_deputy == lang_son
    history = AuditRecord.objects.filter(model="org.handover").order_by("seq")
    assert [r.action for r in history][-2:] == ["create", "update"]


def test_handover_deputy_must_differ_from_leader(cluster3_2021, cast):
    bac_giang = Unit.objects.get(code="bac-giang")
    with pytest.raises(ValidationError, match="khác Cụm trưởng"):
        cluster3_2021.record_handover(
            next_leader=bac_giang, next_deputy=bac_giang, by=cast.secretariat
        )


def test_handover_to_a_unit_that_no_longer_exists_next_year_is_refused(reference, cast):
    cluster = Cluster.objects.with_members().get(year=2024, number=6)
    hoa_binh = resolve_unit("Hòa Bình", 2024)
    thanh_hoa = resolve_unit("Thanh Hóa", 2024)
    with pytest.raises(ValidationError, match="không còn tồn tại vào cuối năm 2025"):
        cluster.record_handover(
            next_leader=thanh_hoa, next_deputy=hoa_binh, by=cast.secretariat, reason="x"
        )
    assert not Handover.objects.filter(cluster=cluster).exists()


def test_loading_the_real_clusters_twice_changes_nothing(reference):
    counts = (
        Cluster.objects.count(),
        Membership.objects.count(),
        Handover.objects.count(),
        AuditRecord.objects.count(),
    )
    stats = load_clusters()
    assert stats.created == 0 and stats.updated == 0
    assert (
        Cluster.objects.count(),
        Membership.objects.count(),
        Handover.objects.count(),
        AuditRecord.objects.count(),
    ) == counts
