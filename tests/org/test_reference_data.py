"""The reference units file, checked on its own: plain JSON, no Django, no database.

Run alone with ``pytest tests/org/test_reference_data.py -p no:django``. The expected merger
mapping below was written from Nghị quyết 202/2025/QH15 independently of the data file.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from thidua.engine.text import match_name, normalize, same_name, slugify_vi

HERE = Path(__file__).resolve()
UNITS_FILE = HERE.parents[2] / "thidua" / "org" / "data" / "units.json"

LAST_DAY_BEFORE = dt.date(2025, 6, 30)
FIRST_DAY_AFTER = dt.date(2025, 7, 1)

# Nghị quyết 202/2025/QH15: the new unit and the provinces merged into it.
MERGERS = {
    "Tuyên Quang": {"Hà Giang", "Tuyên Quang"},
    "Lào Cai": {"Yên Bái", "Lào Cai"},
    "Thái Nguyên": {"Bắc Kạn", "Thái Nguyên"},
    "Phú Thọ": {"Vĩnh Phúc", "Hòa Bình", "Phú Thọ"},
    "Bắc Ninh": {"Bắc Giang", "Bắc Ninh"},
    "Hưng Yên": {"Thái Bình", "Hưng Yên"},
    "Hải Phòng": {"Hải Dương", "Hải Phòng"},
    "Ninh Bình": {"Hà Nam", "Ninh Bình", "Nam Định"},
    "Quảng Trị": {"Quảng Bình", "Quảng Trị"},
    "Đà Nẵng": {"Quảng Nam", "Đà Nẵng"},
    "Quảng Ngãi": {"Kon Tum", "Quảng Ngãi"},
    "Gia Lai": {"Gia Lai", "Bình Định"},
    "Khánh Hòa": {"Ninh Thuận", "Khánh Hòa"},
    "Lâm Đồng": {"Lâm Đồng", "Đắk Nông", "Bình Thuận"},
    "Đắk Lắk": {"Đắk Lắk", "Phú Yên"},
    "Hồ Chí Minh": {"Bà Rịa - Vũng Tàu", "Bình Dương", "Hồ Chí Minh"},
    "Đồng Nai": {"Bình Phước", "Đồng Nai"},
    "Tây Ninh": {"Long An", "Tây Ninh"},
    "Cần Thơ": {"Cần Thơ", "Sóc Trăng", "Hậu Giang"},
    "Vĩnh Long": {"Bến Tre", "Vĩnh Long", "Trà Vinh"},
    "Đồng Tháp": {"Tiền Giang", "Đồng Tháp"},
    "Cà Mau": {"Bạc Liêu", "Cà Mau"},
    "An Giang": {"Kiên Giang", "An Giang"},
}
UNCHANGED = {
    "Hà Nội",
    "Huế",
    "Lai Châu",
    "Điện Biên",
    "Sơn La",
    "Lạng Sơn",
    "Quảng Ninh",
    "Thanh Hóa",
    "Nghệ An",
    "Hà Tĩnh",
    "Cao Bằng",
}
CITIES_AFTER = {"Hà Nội", "Huế", "Hải Phòng", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ"}

FIELDS = {
    "code": str,
    "name": str,
    "short_name": str,
    "kind": str,
    "level": str,
    "parent": (str, type(None)),
    "gso_code": (str, type(None)),
    "valid_from": (str, type(None)),
    "valid_to": (str, type(None)),
    "successor": (str, type(None)),
    "aliases": list,
    "source": str,
}


# ---------------------------------------------------------------------------------- helpers


@cache
def data() -> dict[str, Any]:
    return json.loads(UNITS_FILE.read_text(encoding="utf-8"))


def units() -> list[dict[str, Any]]:
    return data()["units"]


def by_code() -> dict[str, dict[str, Any]]:
    return {u["code"]: u for u in units()}


def provinces() -> list[dict[str, Any]]:
    return [u for u in units() if u["kind"] == "province_police"]


def day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def valid_on(unit: dict[str, Any], when: dt.date) -> bool:
    start, end = day(unit["valid_from"]), day(unit["valid_to"])
    return (start is None or start <= when) and (end is None or when <= end)


def provinces_on(when: dt.date) -> list[dict[str, Any]]:
    return [u for u in provinces() if valid_on(u, when)]


def predecessors(code: str) -> list[dict[str, Any]]:
    return [u for u in units() if u["successor"] == code]


def alias_names(unit: dict[str, Any]) -> list[str]:
    return [a["name"] for a in unit["aliases"]]


def resolve(name: str, when: dt.date) -> list[dict[str, Any]]:
    """Every unit valid on `when` whose short name or a recorded alias is `name`."""
    return [
        u
        for u in units()
        if valid_on(u, when) and any(same_name(name, n) for n in [u["short_name"], *alias_names(u)])
    ]


def cluster_files() -> list[Path]:
    """The clusters file shipped in the repository and the shared one (from any parent folder)."""
    found = [UNITS_FILE.parent / "clusters.json"]
    found += [parent / "shared" / "data" / "clusters.json" for parent in HERE.parents]
    unique: dict[Path, Path] = {}
    for path in found:
        if path.is_file():
            unique.setdefault(path.resolve(), path)
    return list(unique.values())


# ---------------------------------------------------------------------------------- the file


def test_the_file_names_its_sources_and_date() -> None:
    assert data()["source"] and all(s["ref"] for s in data()["source"])
    assert any("202/2025/QH15" in s["ref"] for s in data()["source"])
    dt.date.fromisoformat(data()["as_of"])


def test_every_unit_has_the_documented_fields() -> None:
    for unit in units():
        assert set(unit) == set(FIELDS), unit["code"]
        for field, kind in FIELDS.items():
            assert isinstance(unit[field], kind), (unit["code"], field)
        assert unit["kind"] in {
            "ministry",
            "ministry_department",
            "province_police",
            "academy",
            "command",
        }
        assert unit["level"] in {"ministry", "department"}
        assert 0 < len(unit["source"]) <= 300, unit["code"]
        for alias in unit["aliases"]:
            assert alias["kind"] in {"misspelling", "former_name"}
            assert alias["source"]


def test_codes_are_unique_lower_case_slugs() -> None:
    codes = Counter(u["code"] for u in units())
    assert [c for c, n in codes.items() if n > 1] == []
    for code in codes:
        assert code == slugify_vi(code), code


def test_names_are_stored_in_normalized_form() -> None:
    for unit in units():
        for name in [unit["name"], unit["short_name"], *alias_names(unit)]:
            assert normalize(name) == name


def test_dates_are_iso_and_ordered() -> None:
    for unit in units():
        start, end = day(unit["valid_from"]), day(unit["valid_to"])
        assert start is None or end is None or start <= end, unit["code"]


def test_every_unit_but_the_ministry_belongs_to_the_ministry() -> None:
    (ministry,) = [u for u in units() if u["kind"] == "ministry"]
    assert (ministry["code"], ministry["name"], ministry["parent"]) == ("bca", "Bộ Công an", None)
    assert ministry["level"] == "ministry"
    for unit in units():
        if unit is not ministry:
            assert unit["parent"] == "bca", unit["code"]
            assert unit["level"] == "department", unit["code"]


def test_ministry_departments_include_x03_with_a_source() -> None:
    departments = {u["code"]: u for u in units() if u["kind"] == "ministry_department"}
    assert departments["x03"]["name"] == "Cục Công tác đảng và công tác chính trị"
    assert departments["c08"]["name"] == "Cục Cảnh sát giao thông"
    assert all(u["gso_code"] is None and u["source"] for u in departments.values())


# ---------------------------------------------------------------------------------- provinces


def test_63_provinces_before_the_merger_and_34_after() -> None:
    assert len(provinces_on(LAST_DAY_BEFORE)) == 63
    assert len(provinces_on(FIRST_DAY_AFTER)) == 34
    assert len(provinces_on(dt.date(2021, 1, 1))) == 63
    assert len(provinces_on(dt.date(2030, 1, 1))) == 34


@pytest.mark.parametrize("when", [dt.date(2021, 12, 31), LAST_DAY_BEFORE, FIRST_DAY_AFTER])
def test_short_names_and_codes_are_unique_on_any_day(when: dt.date) -> None:
    valid = provinces_on(when)
    assert len({normalize(u["short_name"]) for u in valid}) == len(valid)
    assert len({u["gso_code"] for u in valid}) == len(valid)
    assert all(len(u["gso_code"]) == 2 and u["gso_code"].isdigit() for u in valid)


def test_unit_names_are_built_from_the_short_name() -> None:
    for unit in provinces():
        short = unit["short_name"]
        if short == "Hồ Chí Minh":
            assert unit["name"] == "Công an Thành phố Hồ Chí Minh"
        elif short in CITIES_AFTER:
            assert unit["name"] == f"Công an thành phố {short}"
        else:
            assert unit["name"] == f"Công an tỉnh {short}"


def test_every_merged_province_ends_on_30_june_and_its_successor_starts_on_1_july() -> None:
    units_by_code = by_code()
    for unit in provinces():
        if unit["successor"] is None:
            continue
        successor = units_by_code[unit["successor"]]
        assert unit["valid_to"] == "2025-06-30", unit["code"]
        assert successor["valid_from"] == "2025-07-01", successor["code"]
        assert successor["successor"] is None and successor["valid_to"] is None
        assert successor["kind"] == "province_police"


def test_old_units_keep_their_slug_and_new_units_add_2025() -> None:
    for unit in provinces():
        slug = slugify_vi(unit["short_name"])
        new = unit["valid_from"] == "2025-07-01"
        assert unit["code"] == (f"{slug}-2025" if new else slug), unit["code"]


@pytest.mark.parametrize(("new", "merged"), sorted(MERGERS.items()))
def test_the_merger_mapping_of_resolution_202(new: str, merged: set[str]) -> None:
    (unit,) = [u for u in provinces_on(FIRST_DAY_AFTER) if u["short_name"] == new]
    assert unit["code"] == f"{slugify_vi(new)}-2025"
    assert unit["valid_from"] == "2025-07-01"
    assert {p["short_name"] for p in predecessors(unit["code"])} == merged


def test_the_eleven_unchanged_provinces_are_one_unit_valid_throughout() -> None:
    unchanged = [u for u in provinces() if u["valid_to"] is None and u["valid_from"] is None]
    assert {u["short_name"] for u in unchanged} == UNCHANGED
    assert all(u["successor"] is None and not predecessors(u["code"]) for u in unchanged)
    assert len(MERGERS) + len(UNCHANGED) == 34
    assert sum(len(m) for m in MERGERS.values()) + len(UNCHANGED) == 63


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("hoa-binh", "phu-tho-2025"),
        ("vinh-phuc", "phu-tho-2025"),
        ("phu-tho", "phu-tho-2025"),
        ("yen-bai", "lao-cai-2025"),
        ("binh-phuoc", "dong-nai-2025"),
        ("kon-tum", "quang-ngai-2025"),
        ("dak-nong", "lam-dong-2025"),
        ("binh-thuan", "lam-dong-2025"),
        ("ha-giang", "tuyen-quang-2025"),
        ("binh-dinh", "gia-lai-2025"),
        ("ba-ria-vung-tau", "ho-chi-minh-2025"),
    ],
)
def test_named_mergers_lead_to_their_successor(old: str, new: str) -> None:
    assert by_code()[old]["successor"] == new


def test_hue_keeps_its_code_through_the_rename_and_records_its_former_name() -> None:
    hue = by_code()["hue"]
    assert (hue["name"], hue["valid_from"], hue["valid_to"], hue["gso_code"]) == (
        "Công an thành phố Huế",
        None,
        None,
        "46",
    )
    former = {a["name"]: a for a in hue["aliases"] if a["kind"] == "former_name"}
    assert former["Thừa Thiên Huế"]["valid_to"] == "2024-12-31"
    assert "thua-thien-hue" not in by_code()
    assert [u["code"] for u in resolve("Thừa Thiên Huế", dt.date(2021, 6, 1))] == ["hue"]


def test_kom_tum_is_a_recorded_misspelling_of_kon_tum() -> None:
    aliases = by_code()["kon-tum"]["aliases"]
    assert [(a["name"], a["kind"]) for a in aliases] == [("Kom Tum", "misspelling")]
    assert [u["code"] for u in resolve("Kom Tum", dt.date(2022, 11, 25))] == ["kon-tum"]


def test_the_34_provinces_match_the_vietnam_provinces_package() -> None:
    package = pytest.importorskip("vietnam_provinces")
    expected = {
        normalize(p.name.removeprefix("Thành phố ")): int(p.code)
        for p in package.Province.iter_all()
    }
    ours = {normalize(u["short_name"]): int(u["gso_code"]) for u in provinces_on(FIRST_DAY_AFTER)}
    assert ours == expected
    cities = {
        normalize(p.name.removeprefix("Thành phố "))
        for p in package.Province.iter_all()
        if p.division_type.value == "thành phố trung ương"
    }
    assert cities == {normalize(c) for c in CITIES_AFTER}


# ---------------------------------------------------------------------------------- clusters


def cluster_reference_day(cluster: dict[str, Any]) -> dt.date:
    """The day a cluster's members are read on: its conference, or else the end of its year (a 2025
    cluster reported after the merger lists the new provinces)."""
    return day(cluster.get("conference")) or dt.date(cluster["year"], 12, 31)


def cluster_names(cluster: dict[str, Any]) -> list[tuple[str, dt.date]]:
    when = cluster_reference_day(cluster)
    names = [*(cluster.get("members") or [])]
    names += [cluster[k] for k in ("leader", "host", "honoured_leader") if cluster.get(k)]
    names += cluster.get("ranking_published") or []
    for awarded in (cluster.get("proposals") or {}).values():
        names += awarded
    names += re.findall(r"'([^']+)'", cluster.get("notes", ""))  # spellings quoted from the source
    pairs = [(n, when) for n in names]
    next_year = dt.date(cluster["year"] + 1, 12, 31)
    pairs += [(cluster[k], next_year) for k in ("next_leader", "next_deputy") if cluster.get(k)]
    return pairs


@pytest.fixture(params=cluster_files() or [None], ids=lambda p: str(p) if p else "none")
def clusters(request: pytest.FixtureRequest) -> list[dict[str, Any]]:
    if request.param is None:
        pytest.skip(
            "No clusters.json found (looked for thidua/org/data/clusters.json and "
            "shared/data/clusters.json in every parent folder of this test)."
        )
    return json.loads(request.param.read_text(encoding="utf-8"))["clusters"]


def test_every_cluster_member_resolves_to_exactly_one_unit_of_its_year(
    clusters: list[dict[str, Any]],
) -> None:
    checked = 0
    for cluster in clusters:
        for name, when in cluster_names(cluster):
            found = resolve(name, when)
            assert len(found) == 1, (cluster["cluster"], cluster["year"], name, found)
            valid = provinces_on(when)
            aliases = {a: u["short_name"] for u in valid for a in alias_names(u)}
            assert (
                match_name(name, [u["short_name"] for u in valid], aliases)
                == (found[0]["short_name"])
            )
            checked += 1
    assert checked > 40
    kon_tum = [c for c in clusters if "'Kom Tum'" in c.get("notes", "")]
    assert kon_tum, "the Cụm 6 / 2022 report spells Kon Tum as 'Kom Tum'"
    assert ("Kom Tum", cluster_reference_day(kon_tum[0])) in cluster_names(kon_tum[0])


def test_clusters_of_2025_resolve_to_the_merged_provinces(
    clusters: list[dict[str, Any]],
) -> None:
    (cluster,) = [c for c in clusters if (c["cluster"], c["year"]) == (3, 2025)]
    when = cluster_reference_day(cluster)
    codes = {resolve(name, when)[0]["code"] for name in cluster["members"]}
    assert {"lao-cai-2025", "tuyen-quang-2025", "cao-bang"} <= codes


def test_the_projects_copy_of_the_published_clusters_matches_shared_data():
    import json
    from pathlib import Path

    own = Path(__file__).resolve().parents[2] / "thidua" / "org" / "data" / "clusters.json"
    for parent in Path(__file__).resolve().parents:
        shared = parent / "shared" / "data" / "clusters.json"
        if shared.is_file():
            assert json.loads(own.read_text(encoding="utf-8")) == json.loads(
                shared.read_text(encoding="utf-8")
            )
            return
    pytest.skip("shared/data/clusters.json is not beside this checkout: nothing to compare with")


# ---------------------------------------------------------------------------------- blocks

BLOCKS_FILE = UNITS_FILE.parent / "blocks.json"

# Named at the 78th national conference (December 2022) among the units competing in blocks.
CONFERENCE_78_UNITS = {
    "Cục Kế hoạch và tài chính": "ministry_department",
    "Cục An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao": "ministry_department",
    "Học viện Cảnh sát nhân dân": "academy",
    "Trường Đại học Phòng cháy chữa cháy": "academy",
    "Bộ Tư lệnh Cảnh vệ": "command",
}


def blocks() -> list[dict[str, Any]]:
    return json.loads(BLOCKS_FILE.read_text(encoding="utf-8"))["blocks"]


def test_the_ministry_units_seen_at_the_78th_conference_are_in_the_reference_data() -> None:
    by_name = {u["name"]: u for u in units()}
    for name, kind in CONFERENCE_78_UNITS.items():
        assert by_name[name]["kind"] == kind, name
        assert by_name[name]["parent"] == "bca" and by_name[name]["source"], name
    assert by_code()["k01"]["name"] == "Bộ Tư lệnh Cảnh vệ"
    assert by_code()["a05"]["short_name"].startswith("Cục An ninh mạng")


def test_ministry_unit_names_are_unique() -> None:
    ministry_units = [u for u in units() if u["kind"] != "province_police"]
    assert len(ministry_units) >= 25
    assert len({normalize(u["short_name"]) for u in ministry_units}) == len(ministry_units)


def test_every_block_member_is_a_ministry_unit_of_its_year_named_once() -> None:
    seen: set[tuple[int, str]] = set()
    for block in blocks():
        when = dt.date(block["year"], 12, 31)
        assert block["source"] and block["url"].startswith("http"), block
        assert block["leader"] in block["members"]
        for name in block["members"]:
            (unit,) = resolve(name, when)
            assert unit["kind"] in {"ministry_department", "academy", "command"}, name
            assert (block["year"], unit["code"]) not in seen, name
            seen.add((block["year"], unit["code"]))
    assert {(b["block"], b["year"]) for b in blocks()} >= {(2, 2021), (8, 2022), (1, 2025)}
