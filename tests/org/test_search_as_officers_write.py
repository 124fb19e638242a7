"""Names as officers write them: the unit prefix, run-together and c/k spellings of place names,
and the y/i variants ("chiến sỹ") find what they name — in units, people and commendations."""

from __future__ import annotations

import pytest

from tests.honours.conftest import CSTDCS, award_to, person
from thidua.engine import text
from thidua.org.models import Unit

pytestmark = pytest.mark.django_db


def codes(query: str) -> set[str]:
    return set(Unit.objects.search(query).values_list("code", flat=True))


@pytest.mark.parametrize(
    "query", ["Công an tỉnh Kom Tum", "Kom Tum", "CA tỉnh Kon Tum", "Công an Kon Tum", "kontum"]
)
def test_a_unit_is_found_with_its_prefix_and_by_a_recorded_misspelling(reference, query):
    assert "kon-tum" in codes(query)


@pytest.mark.parametrize("query", ["Daklak", "Đắc Lắc", "Đắk Lắk", "Công an tỉnh Đắc Lắc"])
def test_dak_lak_is_found_however_it_is_spelt(reference, query):
    assert "dak-lak" in codes(query)


def test_the_prefix_alone_still_lists_the_provinces(reference):
    assert {"kon-tum", "dak-lak", "yen-bai"} <= codes("Công an tỉnh")


def test_one_normaliser_folds_the_variants_for_stored_keys_and_queries():
    assert text.search_key("chiến sỹ") == text.search_key("Chiến sĩ") == "chien si"
    assert text.search_key("Đắc Lắc") == text.search_key("Daklak") == "dak lak"
    assert text.unit_query_key("Công an tỉnh Kom Tum") == "kom tum"
    assert text.slugify_vi("Đắk Lắk") == "dak-lak"  # slugs are not search keys


def test_a_person_written_sy_is_found_as_si(reference):
    from thidua.honours.models import Person

    p = person("bac-giang", name="Nguyễn Sỹ Hùng")
    assert list(Person.objects.search("Nguyễn Sĩ Hùng")) == [p]


def test_commendations_are_found_by_the_award_as_officers_write_it(cast):
    from thidua.org.models import User

    award_to(person("bac-giang", name="Trần Văn Bình"), CSTDCS, 2024)
    client = cast.client(User.objects.filter(is_superuser=False, role="ministry_approver").first())
    page = client.get("/khen-thuong/quyet-dinh/", {"q": "chiến sỹ thi đua"}).content.decode()
    assert "Trần Văn Bình" in page
    page = client.get("/khen-thuong/quyet-dinh/", {"q": "huân chương"}).content.decode()
    assert "Trần Văn Bình" not in page
