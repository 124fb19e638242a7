"""Excel exports of every honours list: one plain function per list, each returning bytes.

A sheet has the list's title, who exported it and when, the column headers (filterable, frozen)
and real Excel dates and numbers, so the file sorts and filters like any spreadsheet.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from thidua.engine.eligibility import Suggestion
from thidua.engine.eligibility_model import Status
from thidua.honours.models import Commendation, Person

# The list workbook and its download live below every app (org and cycle use them too).
from thidua.lib.list_workbook import (  # noqa: F401
    DATE_FORMAT,
    HEADER_FILL,
    HEADER_FONT,
    XLSX,
    exported_by,
    workbook,
    xlsx_response,
)


def _illustrative(flag: bool) -> str:
    return "dữ liệu minh họa" if flag else ""


# ---------------------------------------------------------------------------------------------
# The lists


def people(rows: Iterable[Person], user) -> bytes:
    return workbook(
        "Danh sách cán bộ, chiến sĩ",
        [
            "Số hiệu CAND",
            "Họ và tên",
            "Cấp bậc hàm",
            "Chức vụ",
            "Đơn vị hiện nay",
            "Dữ liệu đầy đủ từ năm",
            "Đã xác minh kỷ luật",
            "Ghi chú",
        ],
        (
            [
                p.officer_code,
                p.full_name,
                p.rank,
                p.position,
                p.current_unit.name if p.current_unit else "",
                p.records_from,
                "Có" if p.discipline_checked else "Chưa",
                _illustrative(p.illustrative),
            ]
            for p in rows
        ),
        subtitle=exported_by(user),
        widths=[14, 28, 16, 24, 32, 12, 12, 18],
    )


COMMENDATION_HEADERS = [
    "Đối tượng",
    "Cá nhân / Tập thể",
    "Số hiệu CAND",
    "Mã đơn vị",
    "Danh hiệu, hình thức khen thưởng",
    "Năm",
    "Số quyết định",
    "Ngày quyết định",
    "Cơ quan ban hành",
    "Căn cứ pháp lý",
    "Mã thành tích",
    "Thành tích",
    "Tình trạng",
    "QĐ hủy bỏ",
    "Ngày hủy bỏ",
    "Lý do hủy bỏ",
    "Ghi chú",
]


def commendation_row(c: Commendation) -> list[Any]:
    return [
        c.get_recipient_kind_display(),
        c.recipient_name,
        c.person.officer_code if c.person_id else "",
        c.unit.code if c.unit_id else "",
        c.award_name,
        c.year,
        c.decision_no,
        c.decision_date,
        c.issuer,
        c.legal_basis,
        c.achievement_ref,
        c.achievement,
        "Đã hủy bỏ, thu hồi" if c.revoked else "Còn hiệu lực",
        c.revocation_decision_no,
        c.revocation_date,
        c.revocation_reason,
        _illustrative(c.illustrative),
    ]


def commendations(rows: Iterable[Commendation], user, title: str = "") -> bytes:
    return workbook(
        title or "Danh sách quyết định khen thưởng",
        COMMENDATION_HEADERS,
        (commendation_row(c) for c in rows),
        subtitle=exported_by(user),
        widths=[10, 30, 14, 14, 34, 8, 16, 13, 26, 30, 14, 40, 16, 14, 13, 30, 18],
    )


def suggestions(unit, year: int, found: Iterable[tuple[Person, Suggestion]], user) -> bytes:
    def failing(s: Suggestion) -> str:
        return "; ".join(
            f"{c.rule_title or c.text}: {c.text} — {c.detail}"
            for c in s.verdict.conditions
            if c.status is not Status.MET
        )

    return workbook(
        f"Đủ điều kiện xét tặng năm {year} — {unit.name}",
        ["Số hiệu CAND", "Họ và tên", "Danh hiệu, hình thức", "Kết luận", "Dựa trên", "Còn mở"],
        (
            [
                person.officer_code,
                person.full_name,
                s.award_name,
                "Đủ điều kiện" if s.verdict.eligible else "Chưa đủ dữ liệu",
                ", ".join(s.assumes),
                failing(s),
            ]
            for person, s in found
        ),
        subtitle=f"{exported_by(user)}. Bộ quy tắc áp dụng: {_ruleset_of(found)}.",
        widths=[14, 28, 34, 16, 30, 60],
    )


def _ruleset_of(found) -> str:
    for _, s in found:
        return s.verdict.ruleset_title or s.verdict.ruleset_id
    return "—"
