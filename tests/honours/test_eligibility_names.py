"""Award names resolve through the catalogue's names and aliases in the cycle's proposal checks;
a name that resolves to nothing is reported, never a silently skipped check (issue 15)."""

from __future__ import annotations

import pytest

from tests.honours.conftest import CSTT
from thidua.cycle.models import Proposal
from thidua.cycle.outcome.eligibility import catalogue_code, ineligible, verdict_for

pytestmark = pytest.mark.django_db


def test_the_clusters_bang_khen_name_is_the_ministers_bang_khen(world):
    assert catalogue_code("Bằng khen của Bộ Công an") == "bang_khen_bo_cong_an"
    assert catalogue_code("bằng khen  của bộ trưởng bộ công an") == "bang_khen_bo_cong_an"
    assert catalogue_code("Chiến sỹ thi đua cơ sở") == "chien_si_thi_dua_co_so"


def test_a_proposal_under_the_clusters_name_is_checked(world):
    proposal = world.proposal("bac-giang")
    proposal.award_name = "Bằng khen của Bộ Công an"
    verdict = verdict_for(proposal)
    assert verdict is not None and verdict.award == "bang_khen_bo_cong_an"
    # The checks that bar any award ran: discipline and one achievement, one reward.
    assert {c.kind for c in verdict.conditions} >= {"not_in_discipline", "achievement_not_rewarded"}


def test_a_name_that_resolves_to_nothing_is_an_error(world):
    proposal = world.proposal("bac-giang")
    proposal.award_name = "Huy hiệu lạ của Cụm"
    problems = ineligible(world.cycle2021, [proposal])
    assert len(problems) == 1
    assert "“Huy hiệu lạ của Cụm” không khớp danh hiệu, hình thức nào" in problems[0]
    assert Proposal.objects.filter(pk=proposal.pk).exists()


def _decision_rows(award_person: str, award_unit: str) -> dict[str, list[list]]:
    return {
        "Khen thưởng": [
            ["KT-9001", "", award_person, 2024, "88/QĐ-CAT", "20/12/2024", "Giám đốc Công an tỉnh"],
            ["", "bac-giang", award_unit, 2024, "9/QĐ-BCA", "15/01/2025", "Bộ trưởng Bộ Công an"],
        ],
    }


def test_the_excel_import_resolves_variant_names_and_aliases(cast):
    from tests.honours.test_import_export import GOOD, filled
    from thidua.honours.importers import import_workbook
    from thidua.honours.models import Commendation

    sheets = {**GOOD, **_decision_rows("chiến sỹ tiên tiến", "Bằng khen của Bộ Công an")}
    result = import_workbook(filled(sheets), cast.officer_a)
    assert result.ok, [str(e) for e in result.errors]
    assert Commendation.objects.filter(person__officer_code="KT-9001", award_code=CSTT).exists()
    assert Commendation.objects.filter(
        unit__code="bac-giang", award_code="bang_khen_bo_cong_an", year=2024
    ).exists()


def test_the_excel_import_refuses_a_name_that_resolves_to_nothing(cast):
    from tests.honours.test_import_export import GOOD, filled
    from thidua.honours.importers import import_workbook

    sheets = {**GOOD, **_decision_rows("Huy hiệu lạ", "Bằng khen của Bộ Công an")}
    result = import_workbook(filled(sheets), cast.officer_a)
    assert not result.ok and not result.saved
    text = " ".join(str(e) for e in result.errors)
    assert "Huy hiệu lạ" in text and "không khớp" in text
