"""Forms of the Ministry's publication of clusters and blocks (members, leader, deputy)."""

from __future__ import annotations

from typing import Any

from django import forms

from thidua.engine import text
from thidua.org.models import Cluster, Membership, Unit

YEAR_ERRORS = {
    "min_value": "Năm phải từ 1990 trở đi.",
    "max_value": "Năm phải đến 2100.",
    "invalid": "Năm phải là số.",
    "required": "Phải nhập năm thi đua.",
}


def _units():
    return Unit.objects.exclude(kind=Unit.Kind.MINISTRY).order_by("kind", "sort_key")


def _name(unit: Unit) -> str:
    return f"{unit.name} ({unit.period_label})" if unit.valid_to or unit.valid_from else unit.name


class ClusterPublishForm(forms.Form):
    year = forms.IntegerField(
        label="Năm thi đua", min_value=1990, max_value=2100, error_messages=YEAR_ERRORS
    )
    kind = forms.ChoiceField(label="Loại", choices=Cluster.Kind.choices)
    number = forms.IntegerField(
        label="Số",
        min_value=1,
        max_value=99,
        error_messages={"required": "Phải nhập số cụm, khối.", "invalid": "Số cụm phải là số."},
    )
    name = forms.CharField(label="Tên (nếu có)", required=False, max_length=200)
    leader = forms.ModelChoiceField(
        label="Đơn vị trưởng (Cụm trưởng, Khối trưởng)",
        queryset=_units(),
        empty_label="— Chọn đơn vị —",
        error_messages={"required": "Phải chọn đơn vị trưởng."},
    )
    deputy = forms.ModelChoiceField(
        label="Đơn vị phó (Cụm phó, Khối phó)",
        queryset=_units(),
        empty_label="— Chọn đơn vị —",
        error_messages={"required": "Phải chọn đơn vị phó."},
    )
    members = forms.ModelMultipleChoiceField(
        label="Các đơn vị thành viên khác",
        queryset=_units(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )
    reason = forms.CharField(
        label="Căn cứ (văn bản của Bộ)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("leader", "deputy", "members"):
            self.fields[name].label_from_instance = _name
        self.fields["members"].error_messages["invalid_choice"] = "Đơn vị không có trong danh sách."

    def clean_name(self) -> str:
        return text.normalize(self.cleaned_data["name"])

    def clean_reason(self) -> str:
        return text.normalize(self.cleaned_data["reason"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        year = data.get("year")
        if year:
            for field in ("leader", "deputy"):
                unit = data.get(field)
                if unit is not None and not unit.exists_in_year(year):
                    self.add_error(
                        field, f"{unit.name} không tồn tại trong năm {year} ({unit.period_label})."
                    )
            gone = [u.name for u in data.get("members") or [] if not u.exists_in_year(year)]
            if gone:
                self.add_error("members", f"Không tồn tại trong năm {year}: {', '.join(gone)}.")
        return data


class CompositionForm(forms.Form):
    add = forms.ModelMultipleChoiceField(
        label="Thêm đơn vị",
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    remove = forms.ModelMultipleChoiceField(
        label="Bớt đơn vị",
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(
        label="Lý do thay đổi",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Phải nêu lý do thay đổi thành phần cụm."},
    )

    def __init__(self, *args: Any, cluster: Cluster, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        member_ids = [m.unit_id for m in cluster.memberships.all()]
        self.fields["add"].queryset = (
            Unit.objects.valid_in_year(cluster.year)
            .exclude(kind=Unit.Kind.MINISTRY)
            .exclude(pk__in=member_ids)
            .order_by("kind", "sort_key")
        )
        self.fields["remove"].queryset = Unit.objects.filter(
            memberships__cluster=cluster, memberships__role=Membership.Role.MEMBER
        ).order_by("sort_key")
        for name in ("add", "remove"):
            self.fields[name].label_from_instance = lambda unit: unit.name
            self.fields[name].error_messages["invalid_choice"] = (
                "Đơn vị “%(value)s” không thể chọn ở đây."
            )

    def clean_reason(self) -> str:
        reason = text.normalize(self.cleaned_data["reason"])
        if not reason:
            raise forms.ValidationError("Phải nêu lý do thay đổi thành phần cụm.")
        return reason
