"""Forms of the cross-inspection (steps 6–7): inspection teams, a team's inspection of a unit,
disputes and their resolution.

The inspection form is the results form (thidua.cycle.results.forms.CriterionValuesForm) with the
team's verified values and judged points; a remark is needed wherever they differ from the report.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator

from thidua.cycle.models import Cycle, InspectionTeam, MethodVersion
from thidua.cycle.models.inspection import MEMBER_ROLES, officer_order
from thidua.cycle.results.forms import CriterionValuesForm
from thidua.cycle.scoring import parse_number, scale_of
from thidua.engine.text import normalize
from thidua.org.models import Unit, User


class InspectionForm(CriterionValuesForm):
    """The team's verified values and judged points, with a remark wherever they differ."""

    judged_text = "Đoàn kiểm tra chấm từ 0 đến {max} điểm; dưới tối đa phải có nhận xét"

    def __init__(self, data=None, *, reported: dict[str, Any] | None = None, **kwargs) -> None:
        super().__init__(data, **kwargs)
        self.reported = reported or {}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # The bridge compares the team's figure with the report as text: "-15" typed for a
        # reported "-15.0" is the same figure and must not call for a remark.
        for code, value in self.values.items():
            report = self.reported.get(code)
            if isinstance(value, Decimal) and isinstance(report, str | int | float):
                try:
                    same = parse_number(report) == value
                except ValueError:
                    same = False
                if same:
                    self.values[code] = report
        return cleaned


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


class _OfficerIterator(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in sorted(self.queryset, key=officer_order):
            yield self.choice(obj)


class OfficerMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = _OfficerIterator

    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name} ({obj.unit.short_name})"


class TeamForm(forms.Form):
    name = forms.CharField(label="Tên đoàn", max_length=200, help_text="Ví dụ: Đoàn kiểm tra số 1.")
    leader_unit = UnitChoiceField(
        label="Đơn vị trưởng đoàn", queryset=Unit.objects.none(), empty_label="— Chọn đơn vị —"
    )
    member_units = UnitMultipleChoiceField(
        label="Đơn vị thành viên đoàn",
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    inspected_units = UnitMultipleChoiceField(
        label="Đơn vị được kiểm tra",
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Chọn ít nhất một đơn vị được kiểm tra."},
    )
    members = OfficerMultipleChoiceField(
        label="Cán bộ thành viên đoàn",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Cán bộ của các đơn vị trong Cụm, không thuộc đơn vị được kiểm tra.",
    )

    def __init__(self, *args, cycle: Cycle, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        members = Unit.objects.filter(pk__in=cycle.member_ids()).order_by("sort_key")
        for name in ("leader_unit", "member_units", "inspected_units"):
            self.fields[name].queryset = members
        self.fields["members"].queryset = (
            User.objects.filter(
                is_active=True, unit_id__in=cycle.member_ids(), role__in=MEMBER_ROLES
            )
            .select_related("unit")
            .order_by("unit__sort_key", "username")  # shown in officer_order
        )

    @classmethod
    def of(cls, team: InspectionTeam) -> TeamForm:
        """The form filled with a team's composition, to edit it."""
        return cls(
            cycle=team.cycle,
            prefix=f"doan{team.pk}",
            initial={
                "name": team.name,
                "leader_unit": team.leader_unit_id,
                "member_units": [u.pk for u in team.member_units.all()],
                "inspected_units": [u.pk for u in team.inspected_units.all()],
                "members": [u.pk for u in team.members.all()],
            },
        )

    def step_kwargs(self) -> dict[str, Any]:
        """The cleaned composition, as InspectionTeam.form / edit take it."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "leader_unit": data["leader_unit"],
            "member_units": list(data["member_units"]),
            "inspected_units": list(data["inspected_units"]),
            "members": list(data["members"]),
        }

    def clean_name(self) -> str:
        return normalize(self.cleaned_data["name"])


class DisputeForm(forms.Form):
    criterion = forms.ChoiceField(label="Tiêu chí khiếu nại")
    statement = forms.CharField(
        label="Nội dung khiếu nại",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Nêu điểm, số liệu đơn vị đề nghị xem xét lại và căn cứ (minh chứng).",
        error_messages={"required": "Nêu nội dung khiếu nại."},
    )

    def __init__(self, *args, method: MethodVersion, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["criterion"].choices = [("", "— Chọn tiêu chí —")] + [
            (c.code, f"{c.code}. {c.name}") for c in scale_of(method).criteria
        ]

    def clean_statement(self) -> str:
        return normalize(self.cleaned_data["statement"])


class ResolveForm(forms.Form):
    decision = forms.ChoiceField(
        label="Kết luận",
        choices=[("accept", "Chấp nhận khiếu nại"), ("reject", "Không chấp nhận")],
        widget=forms.RadioSelect,
        error_messages={"required": "Chọn chấp nhận hoặc không chấp nhận."},
    )
    corrected_value = forms.CharField(
        label="Giá trị đúng",
        required=False,
        max_length=40,
        help_text="Khi chấp nhận: số liệu (ví dụ 92,5) hoặc Có/Không.",
    )
    resolution = forms.CharField(
        label="Lý do kết luận",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Phải nêu lý do kết luận."},
    )

    def clean_resolution(self) -> str:
        return normalize(self.cleaned_data["resolution"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        value = normalize(cleaned.get("corrected_value") or "")
        cleaned["corrected_value"] = value or None
        if cleaned.get("decision") == "accept" and not value:
            self.add_error("corrected_value", "Chấp nhận khiếu nại thì phải nhập giá trị đúng.")
        return cleaned

    @property
    def accept(self) -> bool:
        return self.cleaned_data.get("decision") == "accept"
