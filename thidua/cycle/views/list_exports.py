"""Excel exports of the lists of a cluster's year that have no export of their own elsewhere:
inspection teams, disputes, award proposals and drives.

Each export shows exactly what its page shows to the same user: the rows come from the same access
helpers (thidua.cycle.access) as the page. House style (thidua.honours.exports.workbook): title,
who exported it and when, a bold frozen filterable header, real numbers and dates.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from thidua.cycle.access import (
    CycleAccess,
    disputes_for_user,
    get_cycle_for_user,
    proposals_for_user,
)
from thidua.cycle.models import Drive, Inspection, InspectionTeam, ResultSheet
from thidua.cycle.results.forms import show_value
from thidua.cycle.scoring import criterion_names
from thidua.honours.exports import exported_by, workbook, xlsx_response
from thidua.org.models import User


def _slug(access: CycleAccess) -> str:
    cluster = access.cycle.cluster
    kind = "khoi" if cluster.kind == cluster.Kind.BLOCK else "cum"
    return f"{kind}-{cluster.number}-{cluster.year}"


def _when(value: dt.datetime | None) -> dt.datetime | None:
    """A stored moment as Excel shows it: local time, no time zone (Excel has none)."""
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _officers(team: InspectionTeam) -> str:
    """The team's officers as its page names them, "Name (Unit)", in the page's order."""
    people = team.officers()
    return "; ".join(
        f"{u.display_name} ({u.unit.short_name})" if u.unit else u.display_name for u in people
    )


def teams_export(request: HttpRequest, year: int, number: int) -> HttpResponse:
    """One row per inspected unit: its team, the team's leader, member units and officers, the
    state."""
    access = get_cycle_for_user(request.user, year, number)
    teams = (
        InspectionTeam.objects.filter(cycle=access.cycle)
        .select_related("leader_unit")
        .prefetch_related(
            "member_units",
            Prefetch("members", queryset=User.objects.select_related("unit")),
            Prefetch("inspections", queryset=Inspection.objects.select_related("unit")),
        )
    )
    rows = [
        [
            team.name,
            team.leader_unit.name,
            "; ".join(u.name for u in team.member_units.all()),
            _officers(team),
            inspection.unit.name,
            "Đã gửi kết quả" if inspection.state == Inspection.State.SUBMITTED else "Đang chấm",
            _when(inspection.submitted_at),
        ]
        for team in teams
        for inspection in team.inspections.all()
    ]
    data = workbook(
        f"Kiểm tra chéo năm {year} — {access.cycle.cluster}",
        [
            "Đoàn kiểm tra",
            "Trưởng đoàn",
            "Đơn vị thành viên",
            "Cán bộ kiểm tra",
            "Đơn vị được kiểm tra",
            "Trạng thái",
            "Gửi lúc",
        ],
        rows,
        subtitle=exported_by(request.user),
        widths=[24, 32, 50, 50, 32, 16, 16],
        sheet="Kiểm tra chéo",
    )
    return xlsx_response(data, f"kiem-tra-cheo-{_slug(access)}.xlsx")


DISPUTE_STATES = {"open": "Chờ giải quyết", "accepted": "Chấp nhận", "rejected": "Không chấp nhận"}


def disputes_export(request: HttpRequest, year: int, number: int) -> HttpResponse:
    """The disputes the user may see, with the figures the page weighs them by."""
    access = get_cycle_for_user(request.user, year, number)
    cycle = access.cycle
    names = criterion_names(cycle.method)
    disputes = list(disputes_for_user(access).select_related("unit", "raised_by", "resolved_by"))
    units = {d.unit_id for d in disputes}
    reported = dict(
        ResultSheet.objects.filter(cycle=cycle, unit_id__in=units).values_list("unit_id", "values")
    )
    verified: dict[int, list[tuple[str, dict]]] = defaultdict(list)
    for inspection in Inspection.objects.filter(
        cycle=cycle, unit_id__in=units, state=Inspection.State.SUBMITTED
    ).select_related("team"):
        verified[inspection.unit_id].append((inspection.team.name, inspection.values))
    rows = []
    for d in disputes:
        code = d.criterion
        checks = "; ".join(
            f"{team}: {show_value(values.get(code)) or 'chưa có'}"
            for team, values in verified[d.unit_id]
        )
        rows.append(
            [
                d.unit.name,
                code,
                names.get(code, ""),
                d.statement,
                DISPUTE_STATES.get(d.state, d.state),
                _when(d.raised_at),
                d.raised_by.display_name,
                show_value(reported.get(d.unit_id, {}).get(code)) or "",
                checks,
                d.resolution,
                "" if d.corrected_value is None else show_value(d.corrected_value),
                _when(d.resolved_at),
                d.resolved_by.display_name if d.resolved_by else "",
            ]
        )
    data = workbook(
        f"Khiếu nại điểm năm {year} — {cycle.cluster}",
        [
            "Đơn vị",
            "Mã tiêu chí",
            "Tiêu chí",
            "Nội dung khiếu nại",
            "Trạng thái",
            "Gửi lúc",
            "Người gửi",
            "Đơn vị báo cáo",
            "Kết quả các đoàn kiểm tra",
            "Kết luận",
            "Giá trị đúng",
            "Kết luận lúc",
            "Người kết luận",
        ],
        rows,
        subtitle=exported_by(request.user),
        widths=[30, 12, 40, 60, 16, 16, 24, 14, 40, 60, 12, 16, 24],
        sheet="Khiếu nại",
    )
    return xlsx_response(data, f"khieu-nai-{_slug(access)}.xlsx")


def proposals_export(request: HttpRequest, year: int, number: int) -> HttpResponse:
    """The award proposals, their state and the Ministry's decision."""
    access = get_cycle_for_user(request.user, year, number)
    rows = []
    for p in proposals_for_user(access):
        why, _, legal = p.basis.partition(" Căn cứ: ")
        rows.append(
            [
                p.rank,
                p.unit.name,
                p.award_name,
                p.get_origin_display(),
                _number(p.total),
                why,
                legal,
                p.adjustment_reason,
                p.get_state_display(),
                p.decision_reason,
                p.decided_by.display_name if p.decided_by else "",
                _when(p.decided_at),
            ]
        )
    data = workbook(
        f"Đề nghị khen thưởng năm {year} — {access.cycle.cluster}",
        [
            "Hạng",
            "Đơn vị",
            "Hình thức khen thưởng",
            "Nguồn đề nghị",
            "Tổng điểm",
            "Căn cứ đề nghị",
            "Căn cứ pháp lý",
            "Lý do điều chỉnh, rút",
            "Trạng thái",
            "Ý kiến của Bộ",
            "Người quyết định",
            "Ngày quyết định",
        ],
        rows,
        subtitle=exported_by(request.user),
        widths=[8, 32, 34, 18, 10, 50, 50, 40, 16, 40, 24, 16],
        sheet="Đề nghị khen thưởng",
    )
    return xlsx_response(data, f"de-nghi-khen-thuong-{_slug(access)}.xlsx")


def drives_export(request: HttpRequest, year: int, number: int) -> HttpResponse:
    """The drives of the year, as the drives page lists them."""
    access = get_cycle_for_user(request.user, year, number)
    rows = [
        [
            d.name,
            d.get_kind_display(),
            d.phase()[1],
            d.starts_on,
            d.ends_on,
            d.targets,
            d.results,
        ]
        for d in Drive.objects.filter(cycle=access.cycle)
    ]
    data = workbook(
        f"Các đợt thi đua năm {year} — {access.cycle.cluster}",
        ["Đợt thi đua", "Loại", "Tình trạng", "Từ ngày", "Đến ngày", "Chỉ tiêu", "Kết quả"],
        rows,
        subtitle=exported_by(request.user),
        widths=[50, 16, 14, 12, 12, 60, 60],
        sheet="Đợt thi đua",
    )
    return xlsx_response(data, f"dot-thi-dua-{_slug(access)}.xlsx")
