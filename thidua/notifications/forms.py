"""One date per step of the year, typed the Vietnamese way (dd/mm/yyyy)."""

from __future__ import annotations

import datetime as dt

from django import forms

from thidua.notifications.models import STEPS

DATE_HELP = "Dạng ngày/tháng/năm, ví dụ 15/12/2025. Để trống nếu không đặt hạn."


class CalendarForm(forms.Form):
    """A field per step (named after the stage); empty means no deadline for that step."""

    def __init__(self, *args, initial_days: dict[str, dt.date] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for stage in STEPS:
            self.fields[stage.value] = forms.DateField(
                label=stage.label,
                required=False,
                input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                widget=forms.DateInput(
                    format="%d/%m/%Y",
                    attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "size": 12},
                ),
                error_messages={
                    "invalid": "Ngày không hợp lệ: nhập theo dạng ngày/tháng/năm, ví dụ 15/12/2025."
                },
                help_text=DATE_HELP,
            )
            if initial_days and stage.value in initial_days:
                self.initial[stage.value] = initial_days[stage.value]

    def days(self) -> dict[str, dt.date | None]:
        return {stage.value: self.cleaned_data.get(stage.value) for stage in STEPS}
