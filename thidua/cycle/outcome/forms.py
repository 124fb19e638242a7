"""Forms of the year's outcome: recompute, honouring vote, proposals, the Ministry's decision.

Input becomes typed, normalised values here; the model steps decide whether the action is allowed.
"""

from __future__ import annotations

from django import forms

from thidua.cycle.models import HonourVote
from thidua.engine.awards import parse_award_rules
from thidua.engine.text import normalize
from thidua.lib.steps import VersionedForm
from thidua.org.models import Unit


class ReasonField(forms.CharField):
    """Free text normalised to NFC with single spaces (so a reason of blanks counts as none)."""

    def __init__(self, *, label: str, required: bool = True, rows: int = 2, **kwargs) -> None:
        super().__init__(
            label=label,
            required=required,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": rows}),
            **kwargs,
        )

    def clean(self, value):
        return super().clean(normalize(value or ""))


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


def _members_queryset(cycle):
    return Unit.objects.filter(pk__in=cycle.member_ids()).order_by("sort_key")


class RecomputeForm(forms.Form):
    reason = ReasonField(
        label="Lý do tính lại",
        required=False,
        help_text="Ví dụ: sau khi giải quyết khiếu nại. Được ghi vào nhật ký.",
    )


class PassphraseField(forms.CharField):
    """A trustee's passphrase: never echoed back, never stored (only its public share is)."""

    def __init__(self, *, label: str, **kwargs) -> None:
        super().__init__(
            label=label,
            strip=False,
            max_length=500,
            widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
            error_messages={"required": "Nhập cụm mật khẩu."},
            **kwargs,
        )


class NewPassphraseForm(forms.Form):
    """A trustee sets their passphrase for this vote (typed twice)."""

    passphrase = PassphraseField(
        label="Cụm mật khẩu của bạn",
        help_text=(
            "Ít nhất 12 ký tự, nên là một câu dễ nhớ. Chỉ bạn biết cụm mật khẩu này: hệ thống không "
            "lưu nó và không khôi phục được. Thiếu nó thì không kiểm phiếu được."
        ),
    )
    confirm = PassphraseField(label="Nhập lại cụm mật khẩu")

    def clean(self):
        data = super().clean()
        if data.get("passphrase") and data.get("confirm") != data["passphrase"]:
            self.add_error("confirm", "Hai lần nhập cụm mật khẩu không giống nhau.")
        return data


class OpenVoteForm(NewPassphraseForm):
    candidate = UnitChoiceField(
        label="Đơn vị được đề nghị suy tôn",
        queryset=Unit.objects.none(),
        empty_label=None,
        help_text="Mặc định là đơn vị xếp hạng 1.",
    )
    field_order = ["candidate", "passphrase", "confirm"]

    def __init__(self, *args, cycle, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["candidate"].queryset = _members_queryset(cycle)


class PassphraseForm(forms.Form):
    """A trustee types their passphrase again to close or tally the vote."""

    passphrase = PassphraseField(label="Cụm mật khẩu của bạn (đã đặt khi mở biểu quyết)")


class BallotForm(forms.Form):
    choice = forms.ChoiceField(
        label="Biểu quyết của đơn vị",
        choices=HonourVote.Choice.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Chọn Đồng ý, Không đồng ý hoặc Không biểu quyết."},
    )


class WithdrawForm(forms.Form):
    reason = ReasonField(
        label="Lý do rút đề nghị",
        error_messages={"required": "Phải nêu lý do rút đề nghị."},
    )


class AddProposalForm(forms.Form):
    unit = UnitChoiceField(label="Đơn vị", queryset=Unit.objects.none())
    award_code = forms.ChoiceField(label="Hình thức khen thưởng")
    reason = ReasonField(
        label="Lý do điều chỉnh",
        error_messages={"required": "Điều chỉnh đề nghị phải nêu lý do."},
        help_text="Ví dụ: Hội nghị Cụm thống nhất xét đơn vị đồng hạng ở cuối chỉ tiêu.",
    )

    def __init__(self, *args, cycle, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _members_queryset(cycle)
        rules = parse_award_rules(cycle.method.award_rules) if cycle.method else None
        self.fields["award_code"].choices = [("", "— Chọn hình thức —")] + (
            [(a.code, a.name) for a in rules.awards] if rules else []
        )


class DecisionForm(VersionedForm):
    DECISIONS = [
        ("approve", "Phê duyệt"),
        ("return", "Trả lại (nêu lý do)"),
        ("reject", "Không phê duyệt (nêu lý do)"),
    ]

    decision = forms.ChoiceField(
        label="Quyết định",
        choices=DECISIONS,
        widget=forms.RadioSelect,
        error_messages={"required": "Chọn phê duyệt, trả lại hoặc không phê duyệt."},
    )
    reason = ReasonField(label="Ý kiến của Bộ", required=False)

    def clean(self):
        data = super().clean()
        if data.get("decision") in ("return", "reject") and not data.get("reason"):
            self.add_error("reason", "Trả lại hoặc không phê duyệt thì phải nêu lý do.")
        return data
