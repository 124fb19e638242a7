"""Shared by the plan forms: dates, numbers as stored, the method form every change carries."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from thidua.cycle.scoring import parse_number
from thidua.engine.text import normalize

MAX_JSON_BYTES = 2 * 1024 * 1024
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATE_HELP = "Dạng ngày/tháng/năm, ví dụ 15/03/2025."


def _date_field(label: str, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(
            format="%d/%m/%Y",
            attrs={"inputmode": "numeric", "class": "input--short", "placeholder": "dd/mm/yyyy"},
        ),
        help_text=DATE_HELP,
        error_messages={
            "invalid": "Ngày không hợp lệ: nhập theo dạng ngày/tháng/năm, ví dụ 15/03/2025.",
            "required": "Vui lòng nhập ngày.",
        },
    )


def json_number(value: Decimal) -> int | str:
    """How a number goes into a stored document: an integer as such, a decimal as exact text."""
    return int(value) if value == value.to_integral_value() else format(value.normalize(), "f")


def _number(text: str, what: str = "Giá trị") -> Decimal:
    try:
        return parse_number(text)
    except ValueError:
        raise ValidationError(
            f"{what} “{text}” không phải là số (dùng dấu phẩy cho phần thập phân, ví dụ 92,5)."
        ) from None


# -- the method ------------------------------------------------------------------------------------


class MethodForm(forms.Form):
    """What every change of the method carries: the token of the method loaded, and a reason."""

    token = forms.CharField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label="Lý do thay đổi",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def __init__(self, *args: Any, locked: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.locked = locked
        if locked:
            self.fields["reason"].required = True
            self.fields[
                "reason"
            ].help_text = (
                "Bắt buộc: phương pháp đã khóa, thay đổi sẽ tạo phiên bản mới và tính lại điểm."
            )
            self.fields["reason"].error_messages["required"] = (
                "Phương pháp chấm đã khóa: phải nêu lý do thay đổi."
            )
        else:
            self.fields["reason"].help_text = "Không bắt buộc; được ghi vào nhật ký thay đổi."

    def clean_reason(self) -> str:
        return normalize(self.cleaned_data.get("reason", ""))

    def changes(self) -> dict[str, Any]:
        """Keyword arguments for scoring.set_method (besides the cycle and by=)."""
        return {"reason": self.cleaned_data["reason"]}


def _show(value: Any) -> str:
    """A stored number as a Vietnamese user types it (92,5; 520000 stays without separators)."""
    if value is None or value == "":
        return ""
    try:
        number = parse_number(value)
    except ValueError:
        return str(value)
    return json_number(number).__str__().replace(".", ",")
