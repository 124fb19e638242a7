"""Units through the 1 July 2025 merger: found by year, searched with or without diacritics."""

from __future__ import annotations

import datetime as dt

import pytest

from thidua.org.models import Unit, resolve_unit

pytestmark = pytest.mark.django_db


def test_hoa_binh_is_found_in_2021_and_not_after_the_merger(reference):
    assert resolve_unit("Hòa Bình", 2021).code == "hoa-binh"
    assert Unit.objects.valid_in_year(2021).filter(code="hoa-binh").exists()
    assert not Unit.objects.valid_in_year(2026).filter(code="hoa-binh").exists()


def test_hoa_binh_history_after_2025_leads_to_phu_tho(reference):
    hoa_binh = Unit.objects.get(code="hoa-binh")
    assert hoa_binh.valid_to == dt.date(2025, 6, 30)
    assert hoa_binh.current().short_name == "Phú Thọ"
    assert hoa_binh.current().valid_from == dt.date(2025, 7, 1)


def test_phu_tho_history_shows_hoa_binh_and_vinh_phuc_years(reference):
    phu_tho = resolve_unit("Phú Thọ", 2026)
    names = {u.short_name for u in phu_tho.lineage()}
    assert {"Hòa Bình", "Vĩnh Phúc", "Phú Thọ"} <= names
    assert len([u for u in phu_tho.lineage() if u.short_name == "Phú Thọ"]) == 2  # old and new


@pytest.mark.parametrize(
    ("merged", "into"),
    [
        ("Yên Bái", "Lào Cai"),
        ("Bình Phước", "Đồng Nai"),
        ("Kon Tum", "Quảng Ngãi"),
        ("Đắk Nông", "Lâm Đồng"),
        ("Bình Thuận", "Lâm Đồng"),
        ("Vĩnh Phúc", "Phú Thọ"),
    ],
)
def test_merged_provinces_lead_to_their_successor(reference, merged, into):
    assert resolve_unit(merged, 2024).current().short_name == into


def test_province_counts_before_and_after_the_merger(reference):
    provinces = Unit.objects.filter(kind=Unit.Kind.PROVINCE_POLICE)
    assert provinces.valid_on(dt.date(2025, 6, 30)).count() == 63
    assert provinces.valid_on(dt.date(2025, 7, 1)).count() == 34


@pytest.mark.parametrize("query", ["hoa binh", "Hòa Bình", "Hoà Bình", "HOA BINH", "hòa"])
def test_search_finds_hoa_binh_with_or_without_diacritics(reference, query):
    assert Unit.objects.search(query).filter(code="hoa-binh").exists()


def test_search_finds_a_unit_by_a_recorded_misspelling(reference):
    assert Unit.objects.search("Kom Tum").filter(code="kon-tum").exists()
    assert resolve_unit("Kom Tum", 2022).code == "kon-tum"


def test_old_and_new_tone_placement_resolve_to_the_same_unit(reference):
    assert resolve_unit("Khánh Hoà", 2023) == resolve_unit("Khánh Hòa", 2023)
    assert resolve_unit("Thanh Hoá", 2024) == resolve_unit("Thanh Hóa", 2024)


def test_units_sort_in_vietnamese_alphabetical_order(reference):
    names = list(
        Unit.objects.filter(kind=Unit.Kind.PROVINCE_POLICE)
        .valid_in_year(2021)
        .ordered()
        .values_list("short_name", flat=True)
    )
    expected_subsequence = [
        "An Giang",
        "Bà Rịa - Vũng Tàu",
        "Bạc Liêu",
        "Bắc Giang",
        "Bắc Kạn",
        "Bến Tre",
        "Cà Mau",
        "Cao Bằng",
        "Đà Nẵng",
        "Đắk Lắk",
        "Điện Biên",
        "Đồng Tháp",
        "Gia Lai",
        "Yên Bái",
    ]
    positions = [names.index(name) for name in expected_subsequence]
    assert positions == sorted(positions)
    assert names[0] == "An Giang"
    # Đ is a letter of its own, after D and before E: no Đ-name sorts among the C-names.
    first_d_stroke = min(i for i, n in enumerate(names) if n.startswith("Đ"))
    assert all(n[0] < "D" or n.startswith("D") for n in names[:first_d_stroke])


def test_name_input_is_nfc_normalised_on_save(reference):
    import unicodedata

    unit = Unit(
        code="thu-nghiem",
        name=unicodedata.normalize("NFD", "Công an tỉnh Thử Nghiệm"),
        short_name=unicodedata.normalize("NFD", "Thử Nghiệm"),
        kind="province_police",
        level="department",
    )
    unit.save()
    unit.refresh_from_db()
    assert unit.name == unicodedata.normalize("NFC", "Công an tỉnh Thử Nghiệm")
