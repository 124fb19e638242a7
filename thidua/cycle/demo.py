"""The demo years: Cluster 3 / 2021 complete, Cluster 3 / 2025 open and collecting results.

2021 uses the real members, leader, published top three and award outcome; every per-unit value is
illustrative ("dữ liệu minh họa") and comes from docs/examples/cum3-2021. Every step goes through
the same model methods a user's click does, so the demo's audit trail is a real one.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from thidua.cycle.models import (
    Council,
    CouncilMember,
    Covenant,
    Cycle,
    Drive,
    HonourVote,
    Inspection,
    InspectionTeam,
    Proposal,
    Registration,
    ResultSheet,
)
from thidua.cycle.outcome import review
from thidua.cycle.scoring import set_method
from thidua.org.models import Cluster, Unit, User, resolve_unit

EXAMPLES = Path(settings.BASE_DIR) / "docs" / "examples" / "cum3-2021"
DEMO_NOTE = (
    "Dữ liệu minh họa: thành viên, Cụm trưởng, ba đơn vị dẫn đầu và kết quả khen thưởng năm 2021 là thông tin "
    "đã công bố; số liệu, điểm từng đơn vị do nhóm phát triển tạo ra để trình diễn."
)
PASSWORD = "ThiDua@2025"
# The 2021 vote's trustees' passphrases: typed by the loader as the trustees would, never stored
# (only their public shares are). Demo values, published here like the demo password.
VOTE_PASSPHRASES = {
    "secretariat": "Thường trực Cụm 3 năm 2021 (minh họa)",
    "ministry": "Đại diện Bộ giám sát suy tôn 2021 (minh họa)",
}
COVENANT_TEXT = (
    "Thực hiện phong trào thi đua “Vì an ninh Tổ quốc” năm {year}, Công an các tỉnh trong {cluster} "
    "giao ước thi đua: hoàn thành xuất sắc các chỉ tiêu Bộ Công an giao; bảo đảm tuyệt đối an ninh, an toàn "
    "{events}; kéo giảm tội phạm về trật tự xã hội; tỷ lệ điều tra khám phá án đạt và "
    "vượt chỉ tiêu; {population}; xây dựng lực lượng trong sạch, vững mạnh."
)
# What each demo year's covenant names: a year reads like that year (Đề án 06 was approved on
# 06/01/2022; in 2021 the two projects of population data and citizen ID cards were its forerunners).
COVENANT_WORDS = {
    2021: {
        "events": "Đại hội đại biểu toàn quốc lần thứ XIII của Đảng và cuộc bầu cử đại biểu Quốc hội "
        "khóa XV, đại biểu Hội đồng nhân dân các cấp nhiệm kỳ 2021–2026",
        "population": "hoàn thành Dự án Cơ sở dữ liệu quốc gia về dân cư và Dự án sản xuất, cấp, quản "
        "lý căn cước công dân",
    },
    2025: {
        "events": "đại hội đảng bộ các cấp nhiệm kỳ 2025–2030, tiến tới Đại hội đại biểu toàn quốc lần "
        "thứ XIV của Đảng, và việc sắp xếp đơn vị hành chính từ ngày 01/7/2025",
        "population": "thực hiện hiệu quả Đề án 06",
    },
}


def covenant_words(year: int) -> dict[str, str]:
    """The covenant's year-bound words; a year without its own reads plainly (Đề án 06 from 2022)."""
    plain = {
        "events": "các sự kiện chính trị quan trọng",
        "population": "thực hiện hiệu quả Đề án 06"
        if year >= 2022
        else "hoàn thành chỉ tiêu về dữ liệu dân cư, căn cước công dân",
    }
    return COVENANT_WORDS.get(year, plain)


# The year's peak and thematic drives (Cluster 3 / 2021): the Ministry's real campaigns of that
# year; their targets and results are illustrative.
DRIVES_2021 = [
    (
        "thematic",
        "Thi đua đặc biệt bảo vệ tuyệt đối an toàn Đại hội đại biểu toàn quốc lần thứ XIII của Đảng",
        "2021-01-01",
        "2021-02-05",
        "Bảo vệ tuyệt đối an toàn Đại hội; không để xảy ra điểm nóng về an ninh, trật tự.",
    ),
    (
        "peak",
        "Đợt cao điểm tấn công, trấn áp tội phạm, bảo đảm an ninh, trật tự Tết Nguyên đán Tân Sửu 2021",
        "2021-01-15",
        "2021-02-28",
        "Kéo giảm tội phạm về trật tự xã hội và tai nạn giao thông so với Tết Canh Tý 2020.",
    ),
    (
        "peak",
        "Đợt cao điểm bảo vệ cuộc bầu cử đại biểu Quốc hội khóa XV và đại biểu Hội đồng nhân dân các cấp "
        "nhiệm kỳ 2021–2026",
        "2021-03-15",
        "2021-05-31",
        "Bảo đảm tuyệt đối an toàn ngày bầu cử 23/5/2021.",
    ),
    (
        "thematic",
        "Cao điểm thu nhận hồ sơ, cấp căn cước công dân gắn chíp trước ngày 01/7/2021",
        "2021-01-15",
        "2021-06-30",
        "Thu nhận hồ sơ cấp căn cước công dân cho 100% công dân đủ điều kiện.",
    ),
]
# The 2025 scale is the 2021 one with that year's events, comparisons and law.
SCALE_2025_WORDS = {
    "cuộc bầu cử đại biểu Quốc hội khóa XV và đại biểu HĐND các cấp nhiệm kỳ 2021–2026": (
        "đại hội đảng bộ các cấp nhiệm kỳ 2025–2030"
    ),
    "so với năm 2020": "so với năm 2024",
    "Hoàn thành cấp căn cước công dân cho công dân đủ điều kiện trước ngày 01/7/2021": (
        "Hoàn thành cấp căn cước, định danh điện tử mức độ 2 cho công dân đủ điều kiện"
    ),
    "Dự án dữ liệu dân cư, căn cước công dân": "Đề án 06: dữ liệu dân cư, căn cước, định danh điện tử",
}
BASIS_2025 = (
    "Luật Thi đua, khen thưởng 2022 (06/2022/QH15); Nghị định 98/2023/NĐ-CP; Nghị định 152/2025/NĐ-CP; "
    "chỉ tiêu công tác năm 2025 của Bộ Công an."
)
AWARD_BASIS_2025 = {
    "CO_CP": "Luật Thi đua, khen thưởng 2022, Điều 25: tập thể dẫn đầu phong trào thi đua của Cụm, Khối "
    "thi đua, đạt tiêu chuẩn Cờ thi đua cấp Bộ; Nghị định 98/2023/NĐ-CP",
    "CO_BCA": "Luật Thi đua, khen thưởng 2022, Điều 26; quy chế hoạt động của Cụm: các đơn vị xếp hạng "
    "tiếp theo, từ 90 điểm trở lên, không vi phạm điểm liệt, tối đa 75% số đơn vị trong Cụm (làm tròn xuống)",
}


class _DemoClock:
    """The 2021 year's steps dated in 2021, as they happened, not at the demo's load time.

    While the year is built, ``django.utils.timezone.now`` (what every model, step and audit record
    reads) gives the moment set by :meth:`at`, a second later at each call so that the audit
    chain's timestamps still follow its order. Only the demo loader sets it, for the span of one
    build; everything else reads the real clock.
    """

    def __init__(self) -> None:
        self._moment: dt.datetime | None = None

    def at(self, day: str, hour: int = 9) -> None:
        self._moment = dt.datetime.combine(
            dt.date.fromisoformat(day), dt.time(hour), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")
        ).astimezone(dt.UTC)

    def now(self) -> dt.datetime:
        assert self._moment is not None
        self._moment += dt.timedelta(seconds=1)
        return self._moment

    @contextmanager
    def running(self, day: str) -> Iterator[_DemoClock]:
        real = timezone.now
        # Fields declared with default=timezone.now hold the function itself (and Django caches
        # it per field): point those at the clock too, for the same span.
        fields = [
            f
            for model in apps.get_models()
            for f in model._meta.concrete_fields
            if getattr(f, "default", None) is real
        ]
        self.at(day)
        timezone.now = self.now
        for f in fields:
            f.default = self.now
            f.__dict__.pop("_get_default", None)
        try:
            yield self
        finally:
            timezone.now = real
            for f in fields:
                f.default = real
                f.__dict__.pop("_get_default", None)


def _load(name: str) -> dict:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def _user(username: str, full_name: str, role: str, unit: Unit) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, full_name=full_name, role=role, unit=unit)
        user.set_password(PASSWORD)
        user.save()
    return user


def unit_officer(unit: Unit) -> User:
    """A demo emulation officer per unit: canbo.<code> (password as the other demo accounts)."""
    return _user(
        f"canbo.{unit.code}", f"Cán bộ thi đua {unit.short_name}", User.Role.UNIT_OFFICER, unit
    )


def _secretariat(cluster: Cluster) -> User:
    leader = cluster.leader
    existing = User.objects.filter(role=User.Role.SECRETARIAT, unit=leader).first()
    return existing or _user(
        f"thuongtruc.{leader.code}",
        f"Thường trực Cụm ({leader.short_name})",
        User.Role.SECRETARIAT,
        leader,
    )


def _inspector(unit: Unit) -> User:
    existing = User.objects.filter(role=User.Role.INSPECTOR, unit=unit).first()
    return existing or _user(
        f"kiemtra.{unit.code}", f"Kiểm tra viên {unit.short_name}", User.Role.INSPECTOR, unit
    )


# The Ministry's emulation council that reviews the 2021 proposals (the demo decisions say "Theo đề
# nghị của Hội đồng Thi đua - Khen thưởng Bộ Công an"): its composition is illustrative, labelled
# so; each member is a read-only Ministry account (hoidong.*) that records opinions.
COUNCIL_NAME = "Hội đồng Thi đua – Khen thưởng Bộ Công an"
COUNCIL_MEMBERS = [
    (
        "hoidong.chutich",
        "Chủ tịch Hội đồng (minh họa)",
        CouncilMember.Role.CHAIR,
        "Thứ trưởng Bộ Công an",
    ),
    (
        "hoidong.phochutich",
        "Phó Chủ tịch Hội đồng (minh họa)",
        CouncilMember.Role.VICE_CHAIR,
        "Cục trưởng Cục Công tác đảng và công tác chính trị",
    ),
    (
        "hoidong.thuky",
        "Ủy viên thư ký Hội đồng (minh họa)",
        CouncilMember.Role.SECRETARY,
        "Trưởng phòng Thi đua, khen thưởng",
    ),
]


def demo_council() -> Council:
    """The active council, made once: two opinions per proposal, the chair's among them."""
    council = Council.current()
    if council is not None:
        return council
    council = Council.objects.create(name=COUNCIL_NAME, opinions_needed=2, chair_must_opine=True)
    ministry = Unit.objects.get(code="x03")
    for username, full_name, role, title in COUNCIL_MEMBERS:
        CouncilMember.objects.create(
            council=council,
            user=_user(username, full_name, User.Role.VIEWER, ministry),
            role=role,
            title=title,
        )
    return council


def _council_review(cycle: Cycle, approver: User) -> None:
    """Every member opines on every submitted proposal, then the approver approves them at once
    (the bulk step, which checks the council's opinions, eligibility and the quotas)."""
    council = demo_council()
    waiting = list(Proposal.objects.filter(cycle=cycle, state=Proposal.State.SUBMITTED))
    for member in council.members.select_related("user"):
        for proposal in waiting:
            review.record_opinion(proposal, by=member.user, stance="agree")
    review.decide_many(cycle, by=approver, ids=[p.pk for p in waiting], decision="approve")


def _approver() -> User:
    existing = User.objects.filter(role=User.Role.MINISTRY_APPROVER).first()
    return existing or _user(
        "bo.pheduyet", "Cán bộ phê duyệt", User.Role.MINISTRY_APPROVER, Unit.objects.get(code="x03")
    )


def _units(codes: list[str]) -> list[Unit]:
    by_code = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    return [by_code[c] for c in codes]


def _results_by_code(year: int) -> dict[str, dict]:
    return {resolve_unit(row["unit"], year).code: row for row in _load("results.json")["units"]}


def _open(
    cluster: Cluster, scale: dict, awards: dict, results: dict[str, dict], secretariat: User
) -> Cycle:
    cycle = Cycle.open(cluster, by=secretariat, demo_note=DEMO_NOTE)
    targets = {code: row["targets"] for code, row in results.items() if row.get("targets")}
    set_method(
        cycle,
        by=secretariat,
        scale=scale,
        award_rules=awards,
        targets=targets,
        operating_rules="Quy chế hoạt động của Cụm (minh họa): Cụm trưởng luân phiên; kiểm tra chéo theo đoàn; "
        "xếp hạng theo thang điểm 100; suy tôn bằng phiếu kín.",
    )
    Covenant.write(
        cycle,
        by=secretariat,
        text=COVENANT_TEXT.format(
            year=cluster.year, cluster=cluster.title, **covenant_words(cluster.year)
        ),
        signing_place=cluster.leader.short_name,
    )
    for unit in cycle.members():
        cycle.covenant.sign(unit=unit, by=unit_officer(unit))
        Registration.register(
            cycle,
            unit=unit,
            by=unit_officer(unit),
            collective_titles=["co_thi_dua_bo_cong_an", "don_vi_quyet_thang"],
            individual_counts={"chien_si_tien_tien": 1200, "chien_si_thi_dua_co_so": 150},
        )
    return cycle


def _report(cycle: Cycle, unit: Unit, row: dict, *, submit: bool = True) -> None:
    sheet = ResultSheet.for_unit(cycle, unit)
    officer = unit_officer(unit)
    sheet.save_values(by=officer, values=row["results"], remarks=row.get("remarks", {}))
    if submit:
        sheet.submit(by=officer)


@transaction.atomic
def build_cluster3_2021(*, council: bool = False) -> Cycle:
    """The closed 2021 year, each step dated in 2021 (the covenant conference in March, the
    year-end conference on 03/12/2021); with `council` (load_demo) the Ministry's council reviews
    the proposals before the approval (the tests' world is built without one)."""
    cluster = Cluster.objects.with_members().get(year=2021, number=3, kind=Cluster.Kind.CLUSTER)
    existing = Cycle.objects.filter(cluster=cluster).first()
    if existing is not None:
        return existing
    with _DemoClock().running("2021-03-12") as clock:
        return _build_2021(cluster, clock, council=council)


def _build_2021(cluster: Cluster, clock: _DemoClock, *, council: bool) -> Cycle:
    secretariat = _secretariat(cluster)
    results = _results_by_code(2021)
    cycle = _open(cluster, _load("scale.json"), _load("awards.json"), results, secretariat)
    for kind, name, starts, ends, targets in DRIVES_2021:
        Drive.save_drive(
            cycle,
            by=secretariat,
            kind=kind,
            name=name,
            starts_on=dt.date.fromisoformat(starts),
            ends_on=dt.date.fromisoformat(ends),
            targets=targets,
            results="Các đơn vị trong Cụm hoàn thành chỉ tiêu của đợt (dữ liệu minh họa).",
        )
    clock.at("2021-03-15")
    cycle.advance(Cycle.Stage.IN_PROGRESS, by=secretariat)
    clock.at("2021-11-05")
    for unit in cycle.members():
        _report(cycle, unit, results[unit.code])
    teams = [
        (
            "Đoàn kiểm tra số 1",
            ["bac-giang", "quang-ninh"],
            ["yen-bai", "thai-nguyen", "hoa-binh", "phu-tho"],
        ),
        (
            "Đoàn kiểm tra số 2",
            ["yen-bai", "thai-nguyen"],
            ["bac-giang", "quang-ninh", "bac-kan", "tuyen-quang"],
        ),
    ]
    for name, inspectors, inspected in teams:
        leader, *members = _units(inspectors)
        InspectionTeam.form(
            cycle,
            by=secretariat,
            name=name,
            leader_unit=leader,
            member_units=members,
            inspected_units=_units(inspected),
        )
    clock.at("2021-11-15")
    cycle.advance(Cycle.Stage.INSPECTION, by=secretariat)
    for inspection in Inspection.objects.filter(cycle=cycle).select_related(
        "team__leader_unit", "unit"
    ):
        inspector = _inspector(inspection.team.leader_unit)
        reported = ResultSheet.objects.get(cycle=cycle, unit=inspection.unit)
        inspection.save_scores(by=inspector, values=reported.values, remarks=reported.remarks)
        inspection.submit(by=inspector)
    clock.at("2021-11-29")
    cycle.advance(Cycle.Stage.RANKING, by=secretariat)
    clock.at("2021-12-03", hour=8)
    cycle.advance(Cycle.Stage.VOTING, by=secretariat)
    approver = _approver()
    vote = HonourVote.open_vote(
        cycle,
        by=secretariat,
        candidate=cluster.leader,
        passphrase=VOTE_PASSPHRASES["secretariat"],
    )
    vote.set_ministry_key(by=approver, passphrase=VOTE_PASSPHRASES["ministry"])
    for unit in cycle.members():
        vote.cast(by=unit_officer(unit), choice="abstain" if unit == cluster.leader else "yes")
    vote.close(by=secretariat, passphrase=VOTE_PASSPHRASES["secretariat"])
    vote.tally(by=approver, passphrase=VOTE_PASSPHRASES["ministry"])
    clock.at("2021-12-06")
    cycle.advance(Cycle.Stage.PROPOSALS, by=secretariat)
    clock.at("2021-12-10")
    cycle.advance(Cycle.Stage.APPROVAL, by=secretariat)
    clock.at("2021-12-24")
    if council:
        _council_review(cycle, approver)
    for proposal in Proposal.objects.filter(cycle=cycle, state=Proposal.State.SUBMITTED):
        proposal.decide(by=approver, decision="approve")
    # The next leader of 2022 was not published: a member other than the 2021 leader, labelled so.
    clock.at("2021-12-28")
    cycle.close(
        by=secretariat,
        next_leader=Unit.objects.get(code="thai-nguyen"),
        next_deputy=Unit.objects.get(code="bac-giang"),
        reason="Dữ liệu minh họa: Cụm trưởng, Cụm phó năm 2022 chưa được công bố.",
    )
    return cycle


def _words_2025(name: str) -> str:
    for old, new in SCALE_2025_WORDS.items():
        name = name.replace(old, new)
    return name


def _scale_2025() -> tuple[dict, dict]:
    scale, awards = copy.deepcopy(_load("scale.json")), copy.deepcopy(_load("awards.json"))
    scale.update(
        code="CUM3-2025",
        version="2025.1",
        year=2025,
        name=scale["name"].replace("2021", "2025"),
        cluster="Cụm thi đua số 3 năm 2025",
    )
    scale.pop("approved", None)
    scale["basis"] = BASIS_2025
    scale.pop("description", None)
    for group in scale["groups"]:
        group.pop("description", None)
        group["name"] = _words_2025(group["name"])
        for criterion in group["criteria"]:
            criterion["name"] = _words_2025(criterion["name"])
    for award in awards["awards"]:
        award["basis"] = AWARD_BASIS_2025.get(award["code"], award["basis"])
    awards.update(
        year=2025, name=awards["name"].replace("2021", "2025"), cluster="Cụm thi đua số 3 năm 2025"
    )
    return scale, awards


def _results_2025(cluster: Cluster) -> dict[str, dict]:
    """Illustrative 2025 values: the 2021 rows shifted per unit, deterministic."""
    rows = list(_results_by_code(2021).values())
    out = {}
    for i, unit in enumerate(m.unit for m in cluster.members()):
        source = copy.deepcopy(rows[i % len(rows)])
        shift = Decimal(i) / 2
        for code, value in source["results"].items():
            if code.startswith("TP") and not isinstance(value, bool) and code != "TP_THUONG":
                source["results"][code] = float(Decimal(str(value)) - shift)
        out[unit.code] = source
    return out


@transaction.atomic
def build_cluster3_2025() -> Cycle:
    """Open and in progress: three units have submitted, Lào Cai has a draft, two have not started."""
    cluster = Cluster.objects.with_members().get(year=2025, number=3, kind=Cluster.Kind.CLUSTER)
    existing = Cycle.objects.filter(cluster=cluster).first()
    if existing is not None:
        return existing
    secretariat = _secretariat(cluster)
    scale, awards = _scale_2025()
    rows = _results_2025(cluster)
    cycle = _open(cluster, scale, awards, rows, secretariat)
    cycle.advance(Cycle.Stage.IN_PROGRESS, by=secretariat)
    by_code = {u.code: u for u in cycle.members()}
    for code in ("cao-bang", "dien-bien", "son-la"):
        _report(cycle, by_code[code], rows[code])
    _report(cycle, by_code["lao-cai-2025"], rows["lao-cai-2025"], submit=False)
    return cycle


def build_demo_years(*, council: bool = False) -> list[Cycle]:
    return [build_cluster3_2021(council=council), build_cluster3_2025()]
