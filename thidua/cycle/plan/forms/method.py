"""The method forms: the uploaded scale and award rules, per-unit targets, the vote rules."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from thidua.cycle.models import MethodVersion
from thidua.cycle.plan.forms.common import (
    MAX_JSON_BYTES,
    MethodForm,
    _number,
    _show,
    json_number,
)
from thidua.cycle.plan.rule_kinds import goal_criteria
from thidua.engine.awards import validate_award_rules
from thidua.engine.numbers import NumberError, to_decimal
from thidua.engine.rules import ValueProblem, check_target
from thidua.engine.scale import Problem, Scale, validate_scale
from thidua.engine.text import normalize
from thidua.org.models import Unit


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

    def __init__(self, *args: Any, kind_word: str = "Cụm", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["operating_rules"].label = f"Quy chế hoạt động của {kind_word}"

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
