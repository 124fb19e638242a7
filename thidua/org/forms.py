"""Forms for units and clusters: input becomes typed, normalised values here."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from thidua.engine import text
from thidua.org.models import Cluster, Handover, Unit


class UnitSearchForm(forms.Form):
    q = forms.CharField(label="Tìm đơn vị", required=False, max_length=100)
    year = forms.IntegerField(label="Năm", required=False, min_value=1990, max_value=2100)
    kind = forms.ChoiceField(
        label="Loại", required=False, choices=[("", "Tất cả"), *Unit.Kind.choices]
    )

    def clean_q(self) -> str:
        return text.normalize(self.cleaned_data["q"])


class ClusterYearForm(forms.Form):
    year = forms.IntegerField(label="Năm thi đua", required=False, min_value=1990, max_value=2100)


class HandoverForm(forms.ModelForm):
    class Meta:
        model = Handover
        fields = ["next_leader", "next_deputy", "reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, cluster: Cluster, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.cluster = cluster
        # Next year's leader and deputy come from the cluster's members (a merged member through
        # the unit that carries it next year), in Vietnamese alphabetical order.
        members = [m.unit for m in cluster.members()]
        lineage = {u.pk for unit in members for u in (unit, *unit.successors())}
        candidates = Unit.objects.valid_in_year(cluster.year + 1).order_by("sort_key")
        if lineage:
            candidates = candidates.filter(pk__in=lineage)
        else:
            candidates = candidates.filter(kind=Unit.Kind.PROVINCE_POLICE)
        for name in ("next_leader", "next_deputy"):
            self.fields[name].queryset = candidates
            self.fields[name].label_from_instance = lambda unit: unit.name
        self.fields["next_deputy"].required = True
        # a block's handover names its Khối trưởng, Khối phó (the model's labels say Cụm)
        self.fields["next_leader"].label = f"{cluster.leader_word} năm sau"
        self.fields["next_deputy"].label = f"{cluster.deputy_word} năm sau"
        self.fields["reason"].label = f"Lý do (nếu {cluster.leader_word} giữ lại)"

    def clean_reason(self) -> str:
        return text.normalize(self.cleaned_data.get("reason", ""))


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": (
            "Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: mật khẩu phân biệt chữ hoa, chữ thường."
        ),
        "inactive": "Tài khoản đã ngừng hoạt động. Vui lòng liên hệ quản trị viên.",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Tên đăng nhập"
        self.fields["password"].label = "Mật khẩu"
        self.fields["username"].error_messages["required"] = "Vui lòng nhập tên đăng nhập."
        self.fields["password"].error_messages["required"] = "Vui lòng nhập mật khẩu."

    def clean_username(self) -> str:
        return text.normalize(self.cleaned_data.get("username", ""))
