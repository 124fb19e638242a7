"""The plan's records: covenant, registrations, drives."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from thidua.cycle.models import Drive
from thidua.cycle.models.plan import COLLECTIVE_TITLES, INDIVIDUAL_TITLES, MAX_INDIVIDUAL_COUNT
from thidua.cycle.plan.forms.common import (
    _date_field,
)
from thidua.cycle.scoring import parse_number
from thidua.engine.text import normalize

# -- covenant, registrations, drives ---------------------------------------------------------------


class RecordForm(forms.Form):
    """The version of the record the user loaded; 0 when there was none yet."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


class CovenantForm(RecordForm):
    text = forms.CharField(
        label="Nội dung giao ước",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        error_messages={"required": "Nội dung giao ước không được để trống."},
    )
    signing_place = forms.CharField(label="Địa điểm ký kết", required=False, max_length=200)
    signing_date = _date_field("Ngày ký kết", required=False)

    def __init__(self, *args: Any, frozen: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if frozen:
            # once a unit signed, the text is what it signed: only the place and date may change
            self.fields["text"].disabled = True
            self.fields["text"].help_text = "Đã có đơn vị ký: nội dung không thể sửa."

    def clean_text(self) -> str:
        return normalize(self.cleaned_data["text"])

    def clean_signing_place(self) -> str:
        return normalize(self.cleaned_data.get("signing_place", ""))


def _count(text: str, what: str) -> int:
    raw = normalize(text).replace(" ", "")
    if not raw:
        return 0
    try:
        value = parse_number(raw)
    except ValueError:
        raise ValidationError(f"“{text}” không phải là số. Nhập số người, ví dụ 1.200.") from None
    if value != value.to_integral_value():
        raise ValidationError(f"Số {what} phải là số nguyên.")
    if value < 0:
        raise ValidationError(f"Số {what} không được âm.")
    if value > MAX_INDIVIDUAL_COUNT:
        limit = f"{MAX_INDIVIDUAL_COUNT:,}".replace(",", ".")
        raise ValidationError(f"Số {what} không được vượt quá {limit} người.")
    return int(value)


class RegistrationForm(RecordForm):
    collective_titles = forms.MultipleChoiceField(
        label="Danh hiệu tập thể đăng ký",
        choices=COLLECTIVE_TITLES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label in INDIVIDUAL_TITLES:
            self.fields[f"count_{code}"] = forms.CharField(
                label=label,
                required=False,
                max_length=12,
                widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "input--short"}),
            )

    def count_fields(self) -> list[forms.BoundField]:
        return [self[f"count_{code}"] for code, _ in INDIVIDUAL_TITLES]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        counts: dict[str, int] = {}
        for code, label in INDIVIDUAL_TITLES:
            name = f"count_{code}"
            try:
                counts[code] = _count(data.get(name) or "", label)
            except ValidationError as exc:
                self.add_error(name, exc)
        base = counts.get("chien_si_thi_dua_co_so", 0)
        if base > counts.get("chien_si_tien_tien", 0):
            self.add_error(
                "count_chien_si_thi_dua_co_so",
                "Không thể vượt số Chiến sĩ tiên tiến (phải là Chiến sĩ tiên tiến trước).",
            )
        if not self.errors and not data.get("collective_titles") and not any(counts.values()):
            self.add_error("collective_titles", "Chưa đăng ký danh hiệu nào.")
        data["individual_counts"] = {code: n for code, n in counts.items() if n}
        return data


class DriveForm(RecordForm):
    kind = forms.ChoiceField(label="Loại đợt thi đua", choices=Drive.Kind.choices)
    name = forms.CharField(label="Tên đợt thi đua", max_length=300)
    starts_on = _date_field("Từ ngày")
    ends_on = _date_field("Đến ngày")
    targets = forms.CharField(
        label="Chỉ tiêu", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    results = forms.CharField(
        label="Kết quả", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "Ngày kết thúc phải sau ngày bắt đầu.")
        return data

    def values(self) -> dict[str, Any]:
        return {
            key: self.cleaned_data[key]
            for key in ("kind", "name", "starts_on", "ends_on", "targets", "results")
        }
