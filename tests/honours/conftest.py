"""Building people and commendations for the honours tests, through the model steps."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

XS, TOT, HT = "hoan_thanh_xuat_sac", "hoan_thanh_tot", "hoan_thanh"
CSTT, CSTDCS = "chien_si_tien_tien", "chien_si_thi_dua_co_so"
CAND = "chien_si_thi_dua_toan_luc_luong_cand"
DVQT = "don_vi_quyet_thang"
_codes = itertools.count(1)


def unit(code: str):
    from thidua.org.models import Unit

    return Unit.objects.get(code=code)


def person(
    unit_code: str = "bac-giang",
    *,
    name: str = "Nguyễn Văn Kiểm",
    since: dt.date = dt.date(2015, 1, 1),
    ratings: dict[int, str] | None = None,
    titles: dict[str, list[int]] | None = None,
    initiatives: list[tuple[int, str]] = (),
    by=None,
    **fields,
):
    """A person with ratings, titles ({award: [years]}) and initiatives ([(year, scope)])."""
    from thidua.honours.models import Person

    p = Person.create(
        by=by,
        unit=unit(unit_code),
        start=since,
        officer_code=f"KT-{next(_codes):05d}",
        full_name=name,
        **fields,
    )
    for year, rating in (ratings or {}).items():
        p.set_rating(by=by, year=year, rating=rating)
    for year, scope in initiatives:
        p.add_initiative(by=by, year=year, title=f"Sáng kiến {year}", scope=scope, kind="sang_kien")
    for award, years in (titles or {}).items():
        for year in years:
            award_to(p, award, year, by=by)
    return p


def award_to(recipient, award: str, year: int, *, by=None, **fields):
    from thidua.honours.models import Commendation, Person

    target = {"person": recipient} if isinstance(recipient, Person) else {"unit": recipient}
    defaults = {
        "decision_no": f"{year}-{award[:10]}-{next(_codes)}",
        "decision_date": dt.date(year, 12, 20),
        "issuer": "Giám đốc Công an tỉnh",
    }
    return Commendation.create(
        by=by, award_code=award, year=year, **target, **{**defaults, **fields}
    )


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path
