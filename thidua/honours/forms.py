"""Forms of the commendation records: input becomes typed, normalised values here."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import forms
from django.db.models import QuerySet

from thidua.engine import text
from thidua.honours.models import (
    DISCIPLINE_FORMS,
    INITIATIVE_KIND_CHOICES,
    REVOCATION_GROUNDS,
    YEAR_MAX,
    YEAR_MIN,
    Commendation,
    Person,
    RatingLevel,
    Scope,
    award_choices,
    user_line_ids,
    user_write_ids,
)
from thidua.lib.steps import VersionedForm
from thidua.org.models import Unit, User

DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]
DATE_HELP = "Dạng ngày/tháng/năm, ví dụ 03/12/2024."


class ViDateField(forms.DateField):
    """dd/mm/yyyy typed as text (the styleguide's date pattern; no browser date picker)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", DATE_FORMATS)
        kwargs.setdefault("help_text", DATE_HELP)
        kwargs.setdefault(
            "widget",
            forms.DateInput(
                format="%d/%m/%Y",
                attrs={
                    "inputmode": "numeric",
                    "class": "input--short",
                    "placeholder": "dd/mm/yyyy",
                },
            ),
        )
        kwargs.setdefault("error_messages", {"invalid": "Ngày không hợp lệ (dạng dd/mm/yyyy)."})
        super().__init__(*args, **kwargs)


def year_field(label: str = "Năm", required: bool = True, **kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        widget=forms.NumberInput(attrs={"class": "input--short"}),
        error_messages={
            "min_value": f"Năm phải từ {YEAR_MIN} trở đi.",
            "max_value": f"Năm phải đến {YEAR_MAX}.",
            "invalid": "Năm phải là số.",
        },
        **kwargs,
    )


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit: Unit) -> str:
        return unit.name if unit.valid_to is None else f"{unit.name} ({unit.period_label})"


def editable_units(user: User) -> QuerySet[Unit]:
    """Units whose records the user may change (all of them for the Ministry approver)."""
    units = Unit.objects.order_by("kind", "sort_key", "valid_from")
    if user.is_superuser or user.role == User.Role.MINISTRY_APPROVER:
        return units
    return units.filter(pk__in=user_write_ids(user))


# ---------------------------------------------------------------------------------------------
# People


class PersonSearchForm(forms.Form):
    q = forms.CharField(label="Họ tên hoặc số hiệu", required=False, max_length=100)
    unit = UnitChoiceField(
        label="Đơn vị", required=False, queryset=Unit.objects.none(), empty_label="Tất cả"
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.order_by("kind", "sort_key")
        if not user.has_national_scope:
            units = units.filter(pk__in=user_line_ids(user))
        self.fields["unit"].queryset = units

    def clean_q(self) -> str:
        return text.normalize(self.cleaned_data["q"])


class PersonCreateForm(forms.Form):
    officer_code = forms.CharField(label="Số hiệu CAND", max_length=20)
    full_name = forms.CharField(label="Họ và tên", max_length=120)
    rank = forms.CharField(label="Cấp bậc hàm", max_length=60, required=False)
    position = forms.CharField(label="Chức vụ", max_length=120, required=False)
    unit = UnitChoiceField(
        label="Đơn vị công tác", queryset=Unit.objects.none(), empty_label="— Chọn —"
    )
    department = forms.CharField(
        label="Bộ phận (phòng, đội, công an xã)", required=False, max_length=200
    )
    start = ViDateField(label="Công tác tại đơn vị từ ngày")
    records_from = year_field(
        "Dữ liệu khen thưởng đầy đủ từ năm",
        required=False,
        help_text="Để trống nếu hồ sơ đầy đủ mọi năm; các năm trước được coi là chưa có dữ liệu.",
    )
    discipline_checked = forms.BooleanField(
        label="Đã xác minh tình trạng kỷ luật", required=False, initial=True
    )
    note = forms.CharField(
        label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = editable_units(user)

    def clean(self) -> dict:
        data = super().clean()
        for name in ("officer_code", "full_name", "rank", "position", "department", "note"):
            if isinstance(data.get(name), str):
                data[name] = text.normalize(data[name])
        return data


class PersonEditForm(VersionedForm):
    full_name = forms.CharField(label="Họ và tên", max_length=120)
    rank = forms.CharField(label="Cấp bậc hàm", max_length=60, required=False)
    position = forms.CharField(label="Chức vụ", max_length=120, required=False)
    records_from = year_field(
        "Dữ liệu khen thưởng đầy đủ từ năm",
        required=False,
        help_text="Để trống nếu hồ sơ đầy đủ mọi năm.",
    )
    discipline_checked = forms.BooleanField(label="Đã xác minh tình trạng kỷ luật", required=False)
    note = forms.CharField(
        label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict:
        data = super().clean()
        for name in ("full_name", "rank", "position", "note"):
            if isinstance(data.get(name), str):
                data[name] = text.normalize(data[name])
        return data


class PostingForm(forms.Form):
    unit = UnitChoiceField(label="Đơn vị", queryset=Unit.objects.none(), empty_label="— Chọn —")
    department = forms.CharField(label="Bộ phận", required=False, max_length=200)
    position = forms.CharField(label="Chức vụ", required=False, max_length=120)
    start = ViDateField(label="Từ ngày")
    end = ViDateField(label="Đến ngày", required=False, help_text="Để trống nếu đang công tác.")

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = editable_units(user)


class RatingForm(forms.Form):
    year = year_field()
    rating = forms.ChoiceField(label="Mức xếp loại", choices=RatingLevel.choices)


class UnitRatingForm(RatingForm):
    pass


def _count(label: str, required: bool = False) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        # No bound here: the model step refuses a bad count with the API's and Excel's message.
        widget=forms.NumberInput(attrs={"class": "input--short"}),
    )


class UnitRosterForm(forms.Form):
    """A unit's roster of a year as counts (UnitYearRoster); empty counts stay unknown."""

    year = year_field()
    members = _count("Tổng quân số", required=True)
    completed = _count("Số hoàn thành nhiệm vụ trở lên")
    advanced = _count("Số đạt Chiến sĩ tiên tiến")
    emulation = _count("Số đạt Chiến sĩ thi đua cơ sở")
    reprimanded = _count("Số bị kỷ luật khiển trách")
    warned = _count("Số bị kỷ luật từ cảnh cáo trở lên")


class InitiativeForm(forms.Form):
    year = year_field("Năm công nhận")
    title = forms.CharField(label="Tên sáng kiến, đề tài", max_length=300)
    kind = forms.ChoiceField(label="Loại", choices=INITIATIVE_KIND_CHOICES)
    scope = forms.ChoiceField(label="Phạm vi công nhận", choices=Scope.choices)
    decision_no = forms.CharField(label="Số quyết định công nhận", required=False, max_length=60)


class DisciplineForm(forms.Form):
    awaiting_review = forms.BooleanField(
        label="Đang xem xét kỷ luật (chưa có quyết định)", required=False
    )
    form = forms.ChoiceField(
        label="Hình thức kỷ luật", required=False, choices=[("", "—"), *DISCIPLINE_FORMS]
    )
    start = ViDateField(label="Từ ngày")
    end = ViDateField(
        label="Đến ngày", required=False, help_text="Ngày hết thời hạn kỷ luật (dd/mm/yyyy)."
    )
    decision_no = forms.CharField(label="Số quyết định", required=False, max_length=60)
    note = forms.CharField(label="Ghi chú", required=False, max_length=300)


# ---------------------------------------------------------------------------------------------
# Commendations


def _award_field(recipient: str | None = None) -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Danh hiệu, hình thức khen thưởng",
        choices=[("", "— Chọn —"), *award_choices(recipient)],
    )


class CommendationFilterForm(forms.Form):
    year = year_field("Năm", required=False)
    award = forms.ChoiceField(
        label="Hình thức", required=False, choices=[("", "Tất cả"), *award_choices()]
    )
    recipient = forms.ChoiceField(
        label="Đối tượng",
        required=False,
        choices=[("", "Tất cả"), *Commendation.Recipient.choices],
    )
    state = forms.ChoiceField(
        label="Tình trạng",
        required=False,
        choices=[("", "Tất cả"), ("valid", "Còn hiệu lực"), ("revoked", "Đã hủy bỏ, thu hồi")],
    )
    q = forms.CharField(label="Tìm (tên, số quyết định)", required=False, max_length=100)

    def clean_q(self) -> str:
        return text.normalize(self.cleaned_data["q"])


class _CommendationFields(forms.Form):
    award_code = _award_field()
    year = year_field("Năm thành tích")
    decision_no = forms.CharField(label="Số quyết định", max_length=60)
    decision_date = ViDateField(label="Ngày quyết định")
    issuer = forms.CharField(
        label="Cơ quan, người ban hành",
        max_length=200,
        help_text="Ví dụ: Bộ trưởng Bộ Công an; Giám đốc Công an tỉnh.",
    )
    legal_basis = forms.CharField(label="Căn cứ pháp lý", required=False, max_length=300)
    achievement_ref = forms.CharField(
        label="Mã thành tích",
        required=False,
        max_length=80,
        help_text="Mỗi thành tích chỉ được khen một lần: dùng cùng một mã để phát hiện trùng.",
    )
    achievement = forms.CharField(
        label="Thành tích được khen", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self) -> dict:
        data = super().clean()
        for name in ("decision_no", "issuer", "legal_basis", "achievement_ref", "achievement"):
            if isinstance(data.get(name), str):
                data[name] = text.normalize(data[name])
        return data


class CommendationCreateForm(_CommendationFields):
    recipient_kind = forms.ChoiceField(
        label="Đối tượng", choices=Commendation.Recipient.choices, widget=forms.RadioSelect
    )
    person = forms.ModelChoiceField(
        label="Cá nhân", required=False, queryset=Person.objects.none(), empty_label="— Chọn —"
    )
    unit = UnitChoiceField(
        label="Tập thể (tên đơn vị khi được khen)",
        required=False,
        queryset=Unit.objects.none(),
        empty_label="— Chọn —",
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = Person.objects.select_related("current_unit")
        if not (user.is_superuser or user.role == User.Role.MINISTRY_APPROVER):
            people = people.filter(current_unit_id__in=user_write_ids(user))
        self.fields["person"].queryset = people
        self.fields["person"].label_from_instance = lambda p: f"{p.full_name} ({p.officer_code})"
        self.fields["unit"].queryset = editable_units(user)
        self.order_fields(["recipient_kind", "person", "unit"])

    def clean(self) -> dict:
        data = super().clean()
        kind = data.get("recipient_kind")
        if kind == Commendation.Recipient.INDIVIDUAL and not data.get("person"):
            self.add_error("person", "Chọn cá nhân được khen.")
        if kind == Commendation.Recipient.COLLECTIVE and not data.get("unit"):
            self.add_error("unit", "Chọn tập thể được khen.")
        if kind == Commendation.Recipient.INDIVIDUAL:
            data["unit"] = None
        else:
            data["person"] = None
        return data

    def model_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "recipient_kind"}


class CommendationEditForm(VersionedForm, _CommendationFields):
    pass


class RevokeForm(VersionedForm):
    decision_no = forms.CharField(label="Số quyết định hủy bỏ, thu hồi", max_length=60)
    decision_date = ViDateField(label="Ngày quyết định hủy bỏ")
    ground = forms.ChoiceField(
        label="Căn cứ hủy bỏ", choices=[("", "— Chọn —"), *REVOCATION_GROUNDS]
    )
    reason = forms.CharField(label="Lý do", widget=forms.Textarea(attrs={"rows": 3}))


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="Tệp đính kèm",
        help_text="PDF, JPG, PNG, DOCX hoặc XLSX; tối đa 10 MB.",
        error_messages={"required": "Chọn tệp để tải lên.", "empty": "Tệp rỗng."},
    )


# ---------------------------------------------------------------------------------------------
# Eligibility, suggestions, import, rules


class EligibilityForm(forms.Form):
    award = forms.ChoiceField(label="Danh hiệu, hình thức", choices=())
    year = year_field("Năm xét")
    as_of = ViDateField(
        label="Ngày xét",
        required=False,
        help_text="Để trống: 31/12 của năm xét. Bộ quy tắc áp dụng là bộ có hiệu lực vào ngày này.",
    )
    achievement_ref = forms.CharField(
        label="Mã thành tích đề nghị",
        required=False,
        max_length=80,
        help_text="Nếu có: kiểm tra thành tích đã được khen thưởng chưa.",
    )

    def __init__(self, *args: Any, recipient: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["award"].choices = [("", "— Chọn —"), *award_choices(recipient)]

    def clean_achievement_ref(self) -> str:
        return text.normalize(self.cleaned_data["achievement_ref"])


class SubjectForm(forms.Form):
    """The eligibility page without a subject: pick a person or a unit."""

    person = forms.ModelChoiceField(
        label="Cá nhân", required=False, queryset=Person.objects.none(), empty_label="— Chọn —"
    )
    unit = UnitChoiceField(
        label="hoặc tập thể",
        required=False,
        queryset=Unit.objects.none(),
        empty_label="— Chọn —",
        to_field_name="code",
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.visible_to(user)
        self.fields["person"].label_from_instance = lambda p: f"{p.full_name} ({p.officer_code})"
        units = Unit.objects.order_by("kind", "sort_key")
        if not user.has_national_scope:
            units = units.filter(pk__in=user_line_ids(user))
        self.fields["unit"].queryset = units


class YearForm(forms.Form):
    year = year_field("Năm xét")


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Tệp Excel (.xlsx)",
        help_text="Dùng tệp mẫu tải về ở trên; tối đa 10 MB.",
        error_messages={"required": "Chọn tệp Excel để nhập.", "empty": "Tệp rỗng."},
    )
    dry_run = forms.BooleanField(
        label="Chỉ kiểm tra, chưa lưu",
        required=False,
        help_text="Kiểm tra toàn bộ tệp và báo lỗi từng dòng; không ghi gì vào hệ thống.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("Chỉ nhận tệp Excel .xlsx (dùng tệp mẫu).")
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError("Tệp quá lớn; tối đa 10 MB.")
        return upload


class RuleSetForm(forms.Form):
    effective_from = ViDateField(
        label="Hiệu lực từ ngày",
        help_text="Các năm có ngày xét (mặc định 31/12) từ ngày này trở đi được xét theo phiên bản mới.",
    )
    reason = forms.CharField(
        label="Lý do, căn cứ ban hành",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Ví dụ: Thông tư số …/2026/TT-BCA sửa đổi tỷ lệ Chiến sĩ thi đua cơ sở.",
    )
    data = forms.CharField(
        label="Nội dung bộ quy tắc (JSON)",
        widget=forms.Textarea(attrs={"rows": 24, "class": "mono", "spellcheck": "false"}),
        help_text="Đổi “id” thành mã mới. Có thể dùng “extends” để kế thừa một bộ có sẵn và chỉ ghi các quy tắc thay đổi.",
    )

    def clean_reason(self) -> str:
        return text.normalize(self.cleaned_data["reason"])

    def clean_data(self) -> dict:
        raw = self.cleaned_data["data"]
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                f"JSON không hợp lệ ở dòng {exc.lineno}, cột {exc.colno}: {exc.msg}."
            ) from None
        if not isinstance(data, dict):
            raise forms.ValidationError("Bộ quy tắc phải là một đối tượng JSON ({…}).")
        return data


def today() -> dt.date:
    return dt.date.today()
