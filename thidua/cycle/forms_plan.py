"""Forms of the plan (steps 1–4): input becomes typed, normalised values; documents are checked whole.

The method forms carry `token` (see models.plan.method_token) instead of an integer version; the
covenant, registration and drive forms carry the record's `version` (0: "there was none").
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from thidua.cycle.models import Drive, MethodVersion
from thidua.cycle.models.plan import COLLECTIVE_TITLES, INDIVIDUAL_TITLES, MAX_INDIVIDUAL_COUNT
from thidua.cycle.rule_kinds import goal_criteria
from thidua.cycle.scoring import parse_number
from thidua.engine.awards import validate_award_rules
from thidua.engine.numbers import NumberError, to_decimal
from thidua.engine.rules import SCALE_RULE_KINDS, ValueProblem, check_target
from thidua.engine.scale import Problem, Scale, validate_scale
from thidua.engine.text import normalize
from thidua.org.models import Unit

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
        """Keyword arguments for cycle.set_method (besides by=)."""
        return {"reason": self.cleaned_data["reason"]}


def located(doc: Any, problem: Problem) -> dict[str, str]:
    """A problem with its path, and where that is in words ("Nhóm 2 “…” › tiêu chí 3 “…”")."""
    where: list[str] = []
    node: Any = doc
    for part in problem.path.replace("]", "").split("."):
        key, _, index = part.partition("[")
        if isinstance(node, dict):
            node = node.get(key)
        if index.isdigit() and isinstance(node, list) and int(index) < len(node):
            node = node[int(index)]
            label = {"groups": "Nhóm", "criteria": "tiêu chí", "awards": "hình thức"}.get(key)
            if label and isinstance(node, dict):
                name = node.get("name") or node.get("code") or ""
                where.append(f"{label} {int(index) + 1}" + (f" “{name}”" if name else ""))
            continue
        if not isinstance(node, dict | list):
            break
    return {
        "path": problem.path or "(toàn tệp)",
        "where": " › ".join(where),
        "message": problem.message,
    }


_JSON_ERRORS = [
    ("Expecting value", "thiếu giá trị"),
    ("Expecting property name", "tên khóa phải đặt trong dấu nháy kép"),
    ("Expecting ',' delimiter", "thiếu dấu phẩy"),
    ("Expecting ':' delimiter", "thiếu dấu hai chấm"),
    ("Unterminated string", "chuỗi chưa có dấu nháy đóng"),
    ("Extra data", "còn dữ liệu thừa sau khi tài liệu đã kết thúc"),
    ("Invalid control character", "có ký tự điều khiển không hợp lệ"),
    ("Invalid \\escape", "ký tự thoát (\\) không hợp lệ"),
]


class _NotFinite(ValueError):
    pass


def _no_constant(name: str) -> Any:
    raise _NotFinite(name)  # NaN, Infinity: not JSON, and no database stores them in a JSON field


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):  # 1e400
        raise _NotFinite(text)
    return value


def _read_json(upload: Any, what: str) -> Any:
    if upload.size > MAX_JSON_BYTES:
        raise ValidationError(f"Tệp {what} quá lớn (tối đa 2 MB).")
    if not upload.name.lower().endswith(".json"):
        raise ValidationError(f"Tệp {what} phải có đuôi .json.")
    raw = upload.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(f"Tệp {what} phải được lưu với bảng mã UTF-8.") from None
    try:
        return json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    except _NotFinite as exc:
        raise ValidationError(
            f"Tệp {what} không phải JSON hợp lệ: giá trị “{exc}” không được phép (chỉ số hữu hạn)."
        ) from None
    except RecursionError:
        raise ValidationError(f"Tệp {what} không phải JSON hợp lệ: lồng nhau quá sâu.") from None
    except json.JSONDecodeError as exc:
        reason = next((vi for en, vi in _JSON_ERRORS if exc.msg.startswith(en)), exc.msg)
        raise ValidationError(
            f"Tệp {what} không phải JSON hợp lệ: dòng {exc.lineno}, cột {exc.colno} — {reason}."
        ) from None


class MethodUploadForm(MethodForm):
    """Upload the scale and/or the award rules as JSON; every problem is listed with its path."""

    scale_file = forms.FileField(
        label="Tệp thang điểm (JSON)",
        required=False,
        help_text="Lược đồ thidua.scale/1, bảng mã UTF-8, tối đa 2 MB.",
    )
    award_file = forms.FileField(
        label="Tệp quy chế khen thưởng (JSON)",
        required=False,
        help_text="Lược đồ thidua.awards/1, bảng mã UTF-8, tối đa 2 MB.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.problems: dict[str, list[dict[str, str]]] = {}

    def _document(self, field: str, what: str, validate: Any) -> Any:
        upload = self.cleaned_data.get(field)
        if not upload:
            return None
        doc = _read_json(upload, what)
        problems = validate(doc)
        if problems:
            self.problems[field] = [located(doc, p) for p in problems]
            raise ValidationError(
                f"Tệp {what} có {len(problems)} lỗi, chưa được áp dụng (xem danh sách chi tiết)."
            )
        return doc

    def clean_scale_file(self) -> Any:
        return self._document("scale_file", "thang điểm", validate_scale)

    def clean_award_file(self) -> Any:
        return self._document("award_file", "quy chế khen thưởng", validate_award_rules)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors and not data.get("scale_file") and not data.get("award_file"):
            raise ValidationError("Chọn ít nhất một tệp: thang điểm hoặc quy chế khen thưởng.")
        return data

    def changes(self) -> dict[str, Any]:
        changes = super().changes()
        if self.cleaned_data.get("scale_file") is not None:
            changes["scale"] = self.cleaned_data["scale_file"]
        if self.cleaned_data.get("award_file") is not None:
            changes["award_rules"] = self.cleaned_data["award_file"]
        return changes


def target_criteria(scale: Scale | None) -> list[Any]:
    """Criteria scored against a target or a plan: the ones a unit may have its own target for."""
    if scale is None:
        return []
    return goal_criteria(scale.criteria)


def target_table(
    units: list[Unit],
    criteria: list[Any],
    current: dict[str, dict[str, Any]],
    cell: Callable[[str, str], Any],
) -> tuple[dict[str, dict[str, Any]], dict[tuple[str, str], str]]:
    """The per-unit targets a table of cells gives, and each bad cell's problem in words.

    `cell(unit_code, criterion_code)` is what was entered (text as typed, a number, or empty for
    "the scale's default"); targets of criteria the table does not show are kept from `current`.
    Shared by the targets page and the API.
    """
    targets: dict[str, dict[str, Any]] = {}
    errors: dict[tuple[str, str], str] = {}
    shown = {c.code for c in criteria}
    for unit in units:
        # keep what this table does not show (targets of other kinds of criteria)
        row = {k: v for k, v in current.get(unit.code, {}).items() if k not in shown}
        for criterion in criteria:
            raw = cell(unit.code, criterion.code)
            text = normalize(raw) if isinstance(raw, str) else raw
            if text in ("", None):
                continue
            try:
                value = _number(text, "Chỉ tiêu")
                to_decimal(value)  # the engine's bounds (a target beyond them cannot be scored)
                check_target(criterion.rule, value)
            except ValidationError as exc:
                errors[(unit.code, criterion.code)] = exc.messages[0]
                continue
            except NumberError as exc:
                errors[(unit.code, criterion.code)] = f"Chỉ tiêu không dùng được: {exc}."
                continue
            except ValueProblem as exc:
                errors[(unit.code, criterion.code)] = f"{str(exc)[:1].upper()}{str(exc)[1:]}."
                continue
            row[criterion.code] = json_number(value)
        if row:
            targets[unit.code] = row
    return targets, errors


class TargetsForm(MethodForm):
    """One input per member unit × target criterion; empty means "the scale's default target"."""

    def __init__(
        self,
        *args: Any,
        units: list[Unit],
        criteria: list[Any],
        current: dict[str, dict[str, Any]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.units, self.criteria, self.current = units, criteria, current
        self.cells: dict[tuple[str, str], str] = {}
        for ui, unit in enumerate(units):
            for ci, criterion in enumerate(criteria):
                name = f"t_{ui}_{ci}"
                self.cells[(unit.code, criterion.code)] = name
                value = current.get(unit.code, {}).get(criterion.code)
                self.fields[name] = forms.CharField(
                    label=f"{unit.short_name} — {criterion.code}",
                    required=False,
                    max_length=40,
                    initial=_show(value),
                    widget=forms.TextInput(
                        attrs={
                            "inputmode": "decimal",
                            "class": "input--cell",
                            "aria-label": f"Chỉ tiêu {criterion.code} của {unit.short_name}",
                        }
                    ),
                )

    def rows(self) -> list[dict[str, Any]]:
        return [
            {"unit": unit, "cells": [self[self.cells[(unit.code, c.code)]] for c in self.criteria]}
            for unit in self.units
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        targets, errors = target_table(
            self.units,
            self.criteria,
            self.current,
            lambda unit, code: data.get(self.cells[(unit, code)]),
        )
        for cell, message in errors.items():
            self.add_error(self.cells[cell], message)
        data["targets"] = targets
        return data

    def changes(self) -> dict[str, Any]:
        return {**super().changes(), "targets": self.cleaned_data["targets"]}


def _show(value: Any) -> str:
    """A stored number as a Vietnamese user types it (92,5; 520000 stays without separators)."""
    if value is None or value == "":
        return ""
    try:
        number = parse_number(value)
    except ValueError:
        return str(value)
    return json_number(number).__str__().replace(".", ",")


def vote_fraction(text: str, field: str) -> str:
    """A vote share as stored (normalised, short: 2/3, 0,5), or ValidationError in words.

    Shared by the rules page and the API."""
    text = normalize(text or "")
    try:
        MethodVersion.parse_fraction(text, field)
    except ValidationError as exc:
        raise ValidationError(exc.message_dict[field]) from None
    if len(text) > 8:  # the stored form is short: 2/3, 0,5
        raise ValidationError("Viết tỷ lệ ngắn gọn, ví dụ 2/3 hoặc 0,5 (tối đa 8 ký tự).")
    return text


class RulesForm(MethodForm):
    operating_rules = forms.CharField(
        label="Quy chế hoạt động của Cụm",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
    )
    vote_quorum = forms.CharField(
        label="Tỷ lệ có mặt tối thiểu khi suy tôn",
        help_text="Phần số thành viên phải có mặt, ví dụ 2/3.",
        widget=forms.TextInput(attrs={"class": "input--short"}),
    )
    vote_threshold = forms.CharField(
        label="Tỷ lệ tán thành phải vượt",
        help_text="Trên tổng số thành viên; số phiếu tán thành phải lớn hơn, ví dụ 1/2.",
        widget=forms.TextInput(attrs={"class": "input--short"}),
    )

    def _fraction(self, field: str) -> str:
        return vote_fraction(self.cleaned_data.get(field, ""), field)

    def clean_vote_quorum(self) -> str:
        return self._fraction("vote_quorum")

    def clean_vote_threshold(self) -> str:
        return self._fraction("vote_threshold")

    def clean_operating_rules(self) -> str:
        return normalize(self.cleaned_data.get("operating_rules", ""))

    def changes(self) -> dict[str, Any]:
        return {
            **super().changes(),
            "operating_rules": self.cleaned_data["operating_rules"],
            "vote_quorum": self.cleaned_data["vote_quorum"],
            "vote_threshold": self.cleaned_data["vote_threshold"],
        }


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
