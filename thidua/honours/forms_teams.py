"""Forms of a unit's subordinate units page: register a team, give one team's year data.

Fields offer choices (selects) but accept any text: the step (honours/teams.py) checks the value,
so a forged or mistyped one is refused with the API's and the Excel sheet's sentence."""

from __future__ import annotations

from typing import Any

from django import forms

from thidua.honours.forms import _count
from thidua.honours.models import RatingLevel
from thidua.honours.teams import TEAM_LEVELS
from thidua.org.models import Unit


def _select(label: str, choices: list[tuple[str, str]], required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, strip=True, widget=forms.Select(choices=choices)
    )


LEVEL_CHOICES = [(code, Unit.Level(code).label) for code in TEAM_LEVELS]


class TeamForm(forms.Form):
    name = forms.CharField(
        label="Tên đơn vị trực thuộc",
        help_text="Ví dụ: Phòng Cảnh sát giao thông; Đội Cảnh sát giao thông số 1; Công an xã …",
    )
    level = _select("Cấp", LEVEL_CHOICES, required=True)
    parent = _select("Đơn vị cấp trên", [])

    def __init__(self, *args: Any, teams: list[Unit], unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, auto_id="team_%s", **kwargs)
        self.fields["parent"].widget.choices = [("", f"— trực thuộc thẳng {unit.short_name} —")] + [
            (t.name, t.name) for t in teams
        ]


class TeamRosterForm(forms.Form):
    """One team's roster of a year (and the team's rating): UnitYearRoster's counts."""

    name = _select("Đơn vị trực thuộc", [], required=True)
    year = forms.IntegerField(
        label="Năm", widget=forms.NumberInput(attrs={"class": "input--short"})
    )
    rating = _select("Xếp loại đơn vị", [("", "— giữ như đã ghi —"), *RatingLevel.choices])
    members = _count("Tổng quân số", required=True)
    completed = _count("Số hoàn thành nhiệm vụ trở lên")
    advanced = _count("Số đạt Chiến sĩ tiên tiến")
    emulation = _count("Số đạt Chiến sĩ thi đua cơ sở")
    reprimanded = _count("Số bị kỷ luật khiển trách")
    warned = _count("Số bị kỷ luật từ cảnh cáo trở lên")

    def __init__(self, *args: Any, teams: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, auto_id="roster_%s", **kwargs)
        self.fields["name"].widget.choices = [(t.name, t.name) for t in teams]
