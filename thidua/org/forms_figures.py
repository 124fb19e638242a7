"""The form of a cluster's published year figures: Vietnamese numbers ("3.356"), one total a line."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from thidua.engine.numbers import NumberError, fmt_number, read_number, read_qualified
from thidua.engine.text import normalize

LINE_HELP = (
    "Mỗi dòng một số liệu: tên, dấu hai chấm, số và đơn vị — ví dụ “Điều tra khám phá: 3.264 vụ”."
)


def _count(text: str, label: str) -> int | None:
    text = normalize(text or "")
    if not text:
        return None
    try:
        value = read_number(text)
    except NumberError:
        raise forms.ValidationError(f"{label}: “{text}” không phải là số (ví dụ 3.356).") from None
    if value < 0 or value != value.to_integral_value():
        raise forms.ValidationError(f"{label}: phải là số nguyên không âm.")
    return int(value)


class PublishedFiguresForm(forms.Form):
    collectives = forms.CharField(
        label="Khen thưởng trong năm: lượt tập thể", required=False, max_length=20
    )
    individuals = forms.CharField(
        label="Khen thưởng trong năm: lượt cá nhân", required=False, max_length=20
    )
    totals = forms.CharField(
        label="Số liệu tổng hợp của Cụm",
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=LINE_HELP,
    )
    source = forms.CharField(
        label="Nguồn công bố",
        required=False,
        max_length=500,
        help_text="Ví dụ: Báo Công an nhân dân, 12/01/2026; Báo cáo tổng kết của Cụm.",
    )

    def __init__(self, *args: Any, kind_word: str = "Cụm", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["totals"].label = f"Số liệu tổng hợp của {kind_word}"
        self.fields[
            "source"
        ].help_text = f"Ví dụ: Báo Công an nhân dân, 12/01/2026; Báo cáo tổng kết của {kind_word}."

    @classmethod
    def initial_from(cls, figures: dict[str, Any]) -> dict[str, str]:
        def show(value: Any) -> str:
            return "" if value is None else fmt_number(Decimal(str(value)))

        lines = []
        for item in figures["totals"]:
            unit = item.get("unit") or ""
            number = show(item["value"]) + (unit if unit == "%" else f" {unit}" if unit else "")
            lines.append(f"{item['name']}: {number}")
        return {
            "collectives": show(figures["collectives"]),
            "individuals": show(figures["individuals"]),
            "totals": "\n".join(lines),
            "source": figures["source"],
        }

    def clean_collectives(self) -> int | None:
        return _count(self.cleaned_data.get("collectives"), "Lượt tập thể")

    def clean_individuals(self) -> int | None:
        return _count(self.cleaned_data.get("individuals"), "Lượt cá nhân")

    def clean_source(self) -> str:
        return normalize(self.cleaned_data.get("source") or "")

    def clean_totals(self) -> list[dict[str, Any]]:
        totals, errors = [], []
        for number, line in enumerate((self.cleaned_data.get("totals") or "").splitlines(), 1):
            line = normalize(line)
            if not line:
                continue
            name, sep, figure = line.rpartition(":")
            name = name.strip()
            if not sep or not name:
                errors.append(f"Dòng {number}: thiếu tên hoặc dấu hai chấm (“Tên: 3.264 vụ”).")
                continue
            try:
                value = read_qualified(figure.strip())
            except NumberError:
                errors.append(
                    f"Dòng {number}: “{figure.strip()}” không phải là số (ví dụ 3.264 vụ)."
                )
                continue
            totals.append({"name": name, "value": str(value.number), "unit": value.unit})
        if errors:
            raise forms.ValidationError(errors)
        return totals
