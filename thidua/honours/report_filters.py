"""The filters of the register's yearly reports (statistics, reward fund), shared by their pages
and the API: years, form, level, collective/individual and a unit found by its name, accents and
spelling variants aside, like every search of the app (Unit.objects.search)."""

from __future__ import annotations

from django import forms

from thidua.engine import text
from thidua.honours.forms import year_field
from thidua.honours.models import Commendation, award_choices
from thidua.honours.statistics import LEVELS, Filters
from thidua.org.models import Unit


class ReportFilterForm(forms.Form):
    year_from = year_field("Từ năm", required=False)
    year_to = year_field("Đến năm", required=False)
    award = forms.ChoiceField(
        label="Hình thức", required=False, choices=[("", "Tất cả"), *award_choices()]
    )
    level = forms.ChoiceField(
        label="Cấp khen", required=False, choices=[("", "Tất cả"), *LEVELS.items()]
    )
    recipient = forms.ChoiceField(
        label="Đối tượng",
        required=False,
        choices=[("", "Tất cả"), *Commendation.Recipient.choices],
    )
    unit = forms.CharField(
        label="Đơn vị",
        required=False,
        max_length=80,
        # Accents and spelling aside: "Lai Châu", "lai chau".
        widget=forms.TextInput(attrs={"placeholder": "Tên đơn vị, ví dụ: Lai Châu"}),
    )

    def clean_unit(self) -> tuple[Unit, ...]:
        """The units whose name, code or recorded alias matches, accents and spelling variants
        aside (Unit.objects.search, as everywhere in the app)."""
        query = text.normalize(self.cleaned_data["unit"])
        if not query:
            return ()
        found = tuple(Unit.objects.search(query).order_by("sort_key", "pk"))
        if not found:
            raise forms.ValidationError(f"Không có đơn vị nào có tên “{query}”.")
        return found

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("year_from"), data.get("year_to")
        if start and end and start > end:
            self.add_error("year_to", f"Năm kết thúc ({end}) trước năm bắt đầu ({start}).")
        return data

    def filters(self) -> Filters:
        if not self.is_bound or not self.is_valid():
            return Filters()
        d = self.cleaned_data
        return Filters(
            year_from=d["year_from"],
            year_to=d["year_to"],
            award=d["award"],
            level=d["level"],
            recipient=d["recipient"],
            units=d["unit"],
        )
