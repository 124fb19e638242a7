"""Building the scale in the page: edit, add and remove a criterion (the document is checked whole)."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from thidua.cycle.plan.forms.common import (
    MethodForm,
    _number,
    _show,
    json_number,
)
from thidua.cycle.scoring import parse_number
from thidua.engine.rules import SCALE_RULE_KINDS
from thidua.engine.scale import validate_scale
from thidua.engine.text import normalize

# -- building the scale in the page ------------------------------------------------------------------

NEW_KINDS = [
    ("judged", "Đoàn kiểm tra chấm điểm (0 đến điểm tối đa)"),
    ("yes_no", "Có/không (đạt được điểm tối đa)"),
    ("target", "Chỉ tiêu càng cao càng tốt, tính tuyến tính"),
    ("deduction", "Điểm trừ theo số lần vi phạm"),
]
_FIELD_OF = {  # the end of a problem's path inside the edited criterion → the form field
    "code": "code",
    "name": "name",
    "max_points": "max_points",
    "description": "description",
    "rule.target": "target",
    "rule.zero_at": "zero_at",
    "rule.per_event": "per_event",
    "rule.limit": "limit",
}


def criterion_path(doc: dict[str, Any], code: str) -> tuple[int, int] | None:
    for gi, group in enumerate(doc.get("groups", [])):
        for ci, criterion in enumerate(group.get("criteria", [])):
            if isinstance(criterion, dict) and criterion.get("code") == code:
                return gi, ci
    return None


def group_index(doc: dict[str, Any], code: str) -> int | None:
    for gi, group in enumerate(doc.get("groups", [])):
        if group.get("code") == code:
            return gi
    return None


def recount(doc: dict[str, Any]) -> None:
    """Declared maxima follow the criteria: each group's max_points and the scale's total_points."""
    grand = Decimal(0)
    for group in doc.get("groups", []):
        total = Decimal(0)
        for criterion in group.get("criteria", []):
            kind = SCALE_RULE_KINDS.get(criterion.get("rule", {}).get("kind"))
            nominal = kind is None or kind.nominal_points
            if nominal and criterion.get("max_points") is not None:
                total += parse_number(criterion["max_points"])
        if "max_points" in group:
            group["max_points"] = json_number(total)
        grand += total
    if "total_points" in doc:
        doc["total_points"] = json_number(grand)


class ScaleEditForm(MethodForm):
    """Shared by the criterion forms: build the new document, then check it as an upload would be."""

    def __init__(self, *args: Any, doc: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.doc = doc
        self.new_doc: dict[str, Any] | None = None
        self.where: tuple[int, int] | None = None  # the edited criterion, for error paths

    def build(self, doc: dict[str, Any]) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        doc = copy.deepcopy(self.doc)
        self.build(doc)
        recount(doc)
        prefix = f"groups[{self.where[0]}].criteria[{self.where[1]}]." if self.where else None
        for problem in validate_scale(doc):
            field = None
            if prefix and problem.path.startswith(prefix):
                rest = problem.path[len(prefix) :]
                field = "max_points" if rest.startswith("rule.steps") else _FIELD_OF.get(rest)
            if field and field in self.fields:
                self.add_error(field, f"{problem.message[:1].upper()}{problem.message[1:]}.")
            else:
                self.add_error(None, str(problem))
        self.new_doc = doc
        return data

    def changes(self) -> dict[str, Any]:
        return {**super().changes(), "scale": self.new_doc}

    @staticmethod
    def positive(text: str, what: str) -> Decimal:
        value = _number(text, what)
        if value <= 0:
            raise ValidationError(f"{what} phải lớn hơn 0.")
        return value


class CriterionEditForm(ScaleEditForm):
    """Rename a criterion, change its maximum (and its default target where it has one)."""

    name = forms.CharField(label="Tên tiêu chí", max_length=500)
    max_points = forms.CharField(
        label="Điểm tối đa",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "input--short"}),
    )
    target = forms.CharField(
        label="Chỉ tiêu mặc định",
        required=False,
        max_length=20,
        help_text="Áp dụng cho đơn vị không có chỉ tiêu riêng; để trống nếu mỗi đơn vị có chỉ tiêu riêng.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "input--short"}),
    )
    description = forms.CharField(
        label="Ghi chú", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, code: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.where = criterion_path(self.doc, code)
        assert self.where is not None
        gi, ci = self.where
        spec = self.doc["groups"][gi]["criteria"][ci]
        rule = spec.get("rule", {})
        self.kind = rule.get("kind")
        self.initial.update(
            name=spec.get("name", ""),
            max_points=_show(spec.get("max_points")),
            target=_show(rule.get("target", rule.get("plan"))),
            description=spec.get("description", ""),
        )
        kind = SCALE_RULE_KINDS.get(self.kind)
        if kind is not None and not kind.nominal_points:
            # deductions, bonuses and vetoes have no nominal points (their cap is rule.limit)
            del self.fields["max_points"]
        self.key = kind.target_field if kind is not None else None  # "target" | "plan" | None
        if self.key is None or rule.get("method") == "thresholds":
            del self.fields["target"]
        elif self.key == "plan":
            self.fields["target"].label = "Kế hoạch mặc định"

    def clean_name(self) -> str:
        return normalize(self.cleaned_data["name"])

    def clean_max_points(self) -> Decimal:
        return self.positive(self.cleaned_data["max_points"], "Điểm tối đa")

    def clean_target(self) -> Decimal | None:
        text = normalize(self.cleaned_data.get("target", ""))
        return _number(text, "Chỉ tiêu") if text else None

    def clean_description(self) -> str:
        return normalize(self.cleaned_data.get("description", ""))

    def build(self, doc: dict[str, Any]) -> None:
        gi, ci = self.where
        spec = doc["groups"][gi]["criteria"][ci]
        spec["name"] = self.cleaned_data["name"]
        if self.cleaned_data.get("description"):
            spec["description"] = self.cleaned_data["description"]
        else:
            spec.pop("description", None)
        if "max_points" in self.fields:
            spec["max_points"] = json_number(self.cleaned_data["max_points"])
        if "target" in self.fields:
            if self.cleaned_data.get("target") is None:
                spec["rule"].pop(self.key, None)
            else:
                spec["rule"][self.key] = json_number(self.cleaned_data["target"])


class CriterionNewForm(ScaleEditForm):
    """Add a criterion of a simple kind at the end of a group."""

    kind = forms.ChoiceField(label="Loại tiêu chí", choices=NEW_KINDS, initial="judged")
    code = forms.SlugField(
        label="Mã tiêu chí",
        max_length=64,
        help_text="Chữ không dấu, số, “_” hoặc “-”, ví dụ TP6; không trùng mã đã có.",
        widget=forms.TextInput(attrs={"class": "input--short"}),
        error_messages={"invalid": "Mã chỉ gồm chữ không dấu, số, “_” hoặc “-”."},
    )
    name = forms.CharField(label="Tên tiêu chí", max_length=500)
    max_points = forms.CharField(
        label="Điểm tối đa",
        required=False,
        max_length=20,
        help_text="Không dùng cho điểm trừ.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "input--short"}),
    )
    target = forms.CharField(
        label="Chỉ tiêu (đạt thì được điểm tối đa)",
        required=False,
        max_length=20,
        help_text="Chỉ với loại chỉ tiêu; để trống nếu mỗi đơn vị có chỉ tiêu riêng.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "input--short"}),
    )
    zero_at = forms.CharField(
        label="Mốc 0 điểm",
        required=False,
        max_length=20,
        help_text="Chỉ với loại chỉ tiêu: từ mốc này trở xuống được 0 điểm (mặc định 0).",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "input--short"}),
    )
    unit = forms.CharField(
        label="Đơn vị tính",
        required=False,
        max_length=30,
        help_text="Ví dụ %, vụ, trường hợp.",
        widget=forms.TextInput(attrs={"class": "input--short"}),
    )
    per_event = forms.CharField(
        label="Số điểm trừ mỗi lần",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "input--short"}),
    )
    limit = forms.CharField(
        label="Trừ tối đa",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "input--short"}),
    )

    def __init__(self, *args: Any, group: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.group = group
        self.group_at = group_index(self.doc, group)
        assert self.group_at is not None

    def clean_name(self) -> str:
        return normalize(self.cleaned_data["name"])

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if criterion_path(self.doc, code) is not None:
            raise ValidationError(f"Thang điểm đã có tiêu chí mã {code}.")
        return code

    def clean_unit(self) -> str:
        return normalize(self.cleaned_data.get("unit", ""))

    def _need(self, field: str, what: str, *, positive: bool = True) -> Decimal | None:
        text = normalize(self.cleaned_data.get(field) or "")
        if not text:
            self.add_error(field, f"Vui lòng nhập {what[:1].lower()}{what[1:]}.")
            return None
        try:
            return self.positive(text, what) if positive else _number(text, what)
        except ValidationError as exc:
            self.add_error(field, exc)
            return None

    def clean(self) -> dict[str, Any]:
        data = forms.Form.clean(self)
        kind = data.get("kind")
        self.rule: dict[str, Any] = {}
        data["max_points"] = (
            self._need("max_points", "Điểm tối đa")
            if kind in ("judged", "yes_no", "target")
            else None  # a deduction's cap is its limit, outside the nominal points
        )
        if kind == "judged":
            self.rule = {"kind": "judged"}
        elif kind == "yes_no":
            self.rule = {"kind": "yes_no", "expected": True}
        elif kind == "target":
            self.rule = {"kind": "target", "direction": "higher", "method": "linear"}
            for field, what in (("target", "Chỉ tiêu"), ("zero_at", "Mốc 0 điểm")):
                text = normalize(data.get(field) or "")
                if text:
                    try:
                        self.rule[field] = json_number(_number(text, what))
                    except ValidationError as exc:
                        self.add_error(field, exc)
        elif kind == "deduction":
            per = self._need("per_event", "Số điểm trừ mỗi lần")
            limit = self._need("limit", "Mức trừ tối đa")
            if per is not None and limit is not None:
                self.rule = {
                    "kind": "count",
                    "per_event": json_number(-per),
                    "limit": json_number(limit),
                }
        if data.get("unit") and kind in ("target", "deduction"):
            self.rule["unit"] = data["unit"]
        if self.group_at is not None and not self.errors:
            self.where = (self.group_at, len(self.doc["groups"][self.group_at]["criteria"]))
        return super().clean()

    def build(self, doc: dict[str, Any]) -> None:
        spec: dict[str, Any] = {
            "code": self.cleaned_data["code"],
            "name": self.cleaned_data["name"],
        }
        if self.cleaned_data.get("max_points") is not None:
            spec["max_points"] = json_number(self.cleaned_data["max_points"])
        spec["rule"] = self.rule
        doc["groups"][self.group_at]["criteria"].append(spec)


class CriterionDeleteForm(ScaleEditForm):
    """Remove a criterion; its per-unit targets go with it, and so does a tie-break on it."""

    def __init__(self, *args: Any, code: str, targets: dict[str, dict[str, Any]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.code, self.targets = code, targets
        self.dropped_tie_break = False

    def build(self, doc: dict[str, Any]) -> None:
        gi, ci = criterion_path(doc, self.code)
        del doc["groups"][gi]["criteria"][ci]
        ties = doc.get("tie_breaks")
        if isinstance(ties, list) and f"criterion:{self.code}" in ties:
            doc["tie_breaks"] = [t for t in ties if t != f"criterion:{self.code}"]
            self.dropped_tie_break = True

    def changes(self) -> dict[str, Any]:
        targets = {
            unit: {k: v for k, v in row.items() if k != self.code}
            for unit, row in self.targets.items()
        }
        return {**super().changes(), "targets": {u: row for u, row in targets.items() if row}}
