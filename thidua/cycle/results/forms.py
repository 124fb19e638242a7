"""Forms of the units' results (step 5): a unit's results, evidence, returns; the criterion rows
and the score summaries that the inspection forms (thidua.cycle.inspection.forms) share.

The results form is generated from the scale: one input per criterion by its kind (a number in
Vietnamese notation, a Có/Không select, or judged points) and one remark per criterion. The form
parses; the model checks against the scale and the engine, and its errors land on the same fields.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.forms import BoundField

from thidua.cycle.models import Evidence, MethodVersion
from thidua.cycle.models.results import EVIDENCE_TYPES
from thidua.cycle.plan.rule_kinds import goal_label
from thidua.cycle.scales import parse_result_value, show_value, with_qualifier
from thidua.cycle.scoring import input_kind, parse_number, scale_of
from thidua.engine.awards import parse_award_rules
from thidua.engine.formulas import describe_rule
from thidua.engine.numbers import fmt_number
from thidua.engine.rules import effective_target
from thidua.engine.scale import Criterion
from thidua.engine.text import normalize
from thidua.lib.steps import VersionedForm
from thidua.org.models import Unit

YES, NO = "co", "khong"
BOOL_CHOICES = [("", "— Chưa nhập —"), (YES, "Có"), (NO, "Không")]
REMARK_SUFFIX = "__ghi_chu"
KIND_LABELS = {"number": "Số liệu", "bool": "Có/Không", "judged": "Tự chấm điểm"}


def _input_value(value: Any) -> str:
    if isinstance(value, bool):
        return YES if value else NO
    return show_value(value)


@dataclass
class CriterionRow:
    """One line of a results or inspection table: the criterion, its inputs and what is known."""

    criterion: Criterion
    kind: str
    target: str  # the unit's target or plan, in words ("76 %"), or ""
    rule_text: str
    field: BoundField | None = None
    remark: BoundField | None = None
    value: str = ""  # the stored value shown read-only ("" = missing)
    qualifier: str | None = None  # the word written with it ("hơn" of "hơn 98"), not scored
    remark_text: str = ""
    reported: str | None = None  # inspection: the unit's own figure
    reported_qualifier: str | None = None  # …and the word it was written with ("hơn")
    reported_remark: str = ""
    evidence: list[Evidence] = dataclasses.field(default_factory=list)
    score: dict[str, Any] | None = None  # the engine's explanation of this criterion
    warning: str = ""  # an unlikely figure (cycle.results.plausibility); out of range: refused

    @property
    def code(self) -> str:
        return self.criterion.code

    @property
    def required(self) -> bool:
        return self.criterion.missing == "block"

    @property
    def unit(self) -> str:
        if self.kind == "judged":
            return "điểm"
        return getattr(self.criterion.rule, "unit", "")

    @property
    def value_text(self) -> str:
        return (
            with_qualifier(with_unit(self.value, self.unit), self.qualifier) if self.value else ""
        )

    @property
    def reported_text(self) -> str:
        if not self.reported:
            return ""
        return with_qualifier(with_unit(self.reported, self.unit), self.reported_qualifier)

    @property
    def differs(self) -> bool:
        return self.reported is not None and self.value != self.reported


@dataclass
class GroupRows:
    code: str
    name: str
    max_points: Decimal
    rows: list[CriterionRow]
    score: dict[str, Any] | None = None


def _signed(points: Decimal) -> str:
    """ "+0,5" / "−1" (the typographic minus, as printed scales write it)."""
    text = show_value(abs(points))
    return f"+{text}" if points > 0 else (f"−{text}" if points < 0 else text)


def points_display(entry: dict[str, Any]) -> dict[str, str]:
    """What a criterion's points are, in words: a bonus or a deduction with its sign, a veto as
    whether the event occurred, points above the maximum as the maximum plus the bonus — never
    "−1 / 0" or "11,43 / 10"."""
    rule = str(entry.get("rule", ""))
    points = Decimal(str(entry.get("points") or 0))
    maximum = Decimal(str(entry.get("max_points") or 0))
    if rule == "info":  # an information-only figure (issue 19): shown, never scored
        return {"kind": "none", "text": "Không tính điểm", "note": "chỉ tiêu thông tin"}
    if rule.startswith("veto"):
        occurred = (entry.get("inputs") or {}).get("occurred") is True
        return {
            "kind": "veto" if occurred else "none",
            "text": "Điểm liệt" if occurred else "Không xảy ra",
            "note": "không được xếp hạng" if occurred and rule == "veto/ranking" else "",
        }
    if maximum == 0:  # bonus and deduction items sit outside the nominal maximum
        deduction = rule.endswith("deduction") or points < 0
        label = "điểm trừ" if deduction else "điểm cộng"
        if points == 0:
            return {"kind": "none", "text": "0 điểm", "note": f"không có {label}"}
        return {
            "kind": "minus" if points < 0 else "plus",
            "text": f"{_signed(points)} điểm",
            "note": label,
        }
    if points > maximum:
        extra = points - maximum
        return {
            "kind": "plus",
            "text": f"{show_value(points)} điểm",
            "note": f"tối đa {show_value(maximum)} + {show_value(extra)} điểm thưởng vượt chỉ tiêu",
        }
    return {
        "kind": "points",
        "text": f"{show_value(points)} / {show_value(maximum)} điểm",
        "note": "",
    }


def _explained(entry: dict[str, Any], stage: str) -> dict[str, Any]:
    """The engine's explanation of a criterion, for a table row that already shows its name."""
    formula, name = entry.get("formula", ""), entry.get("name", "")
    if name and formula.startswith(name):
        formula = formula[len(name) :].lstrip(": ")
    if stage == "self":
        # The engine words judged points as the team's; on a self-assessment the unit gave them.
        formula = formula.replace("đoàn kiểm tra chấm", "đơn vị tự chấm")
    return {
        **entry,
        "explanation": formula[:1].upper() + formula[1:],
        "points_text": show_value(entry.get("points")),
        "max_text": show_value(entry.get("max_points")),
        "display": points_display(entry),
    }


def score_summary(sheet: dict[str, Any]) -> dict[str, Any]:
    """A stored sheet's total and subtotals as the page shows them ("30,15", not "30.150")."""
    names = {c["code"]: c["name"] for c in sheet.get("criteria", [])}
    return {
        "total": sheet.get("total"),
        "total_text": show_value(sheet.get("total")),
        "formula": sheet.get("total_formula", ""),
        "groups": [
            {
                **g,
                "points_text": show_value(g.get("points")),
                "max_text": show_value(g["max_points"]),
            }
            for g in sheet.get("groups", [])
        ],
        "vetoes": sheet.get("vetoes", []),
        "missing": [f"{code} ({names.get(code, code)})" for code in sheet.get("missing", [])],
        "blocked": bool(sheet.get("blocked_by")),
    }


def target_text(criterion: Criterion, unit_targets: dict[str, Any]) -> str:
    rule = criterion.rule
    label = goal_label(criterion)
    if not label:
        return ""
    own = unit_targets.get(criterion.code)
    value = effective_target(rule, None if own is None else parse_number(own))
    if value is None:
        return ""
    return f"{label}: {with_unit(fmt_number(value), rule.unit)}"


def with_unit(number: str, unit: str) -> str:
    """ "76%" but "533.300 hồ sơ", as Vietnamese documents write them."""
    if not unit:
        return number
    return f"{number}{unit}" if unit == "%" else f"{number} {unit}"


def unit_label(criterion: Criterion) -> str:
    unit = getattr(criterion.rule, "unit", None)  # measured kinds carry their unit
    if unit is not None:
        return unit
    if input_kind(criterion) == "judged":
        return f"điểm (0–{fmt_number(criterion.max_points)})"
    return ""


class CriterionValuesForm(VersionedForm):
    """One input and one remark per criterion of the method's scale; parses Vietnamese numbers."""

    # Who gives the points of a judged criterion on this form (the engine's text names the team).
    judged_text = "Tự chấm từ 0 đến {max} điểm; dưới tối đa phải giải trình"

    def __init__(
        self,
        data=None,
        *,
        method: MethodVersion,
        unit: Unit,
        values: dict[str, Any] | None = None,
        remarks: dict[str, str] | None = None,
        qualifiers: dict[str, str] | None = None,
        version: int | None = None,
        **kwargs,
    ) -> None:
        initial = {"version": version}
        for code, value in (values or {}).items():
            initial[code] = with_qualifier(_input_value(value), (qualifiers or {}).get(code))
        for code, text in (remarks or {}).items():
            initial[code + REMARK_SUFFIX] = text
        super().__init__(data, initial=initial, **kwargs)
        self.method, self.unit = method, unit
        self.scale = scale_of(method)
        for criterion in self.scale.criteria:
            self.fields[criterion.code] = self._value_field(criterion)
            self.fields[criterion.code + REMARK_SUFFIX] = forms.CharField(
                label=f"{criterion.code} (giải trình)",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2, "cols": 30}),
            )

    @staticmethod
    def _value_field(criterion: Criterion) -> forms.Field:
        if input_kind(criterion) == "bool":
            return forms.ChoiceField(label=criterion.code, choices=BOOL_CHOICES, required=False)
        return forms.CharField(
            label=criterion.code,
            required=False,
            max_length=40,
            widget=forms.TextInput(
                attrs={"inputmode": "decimal", "autocomplete": "off", "size": 10}
            ),
        )

    def _rule_text(self, criterion: Criterion) -> str:
        if input_kind(criterion) == "judged":
            return self.judged_text.format(max=fmt_number(criterion.max_points))
        rule = criterion.rule
        if rule.kind == "veto" and rule.scope == "awards":
            # the awards by the names the year's award rules give them, never their codes
            names = self._award_names()
            return f"Điểm liệt: không xét {', '.join(names.get(a, a) for a in rule.awards)}"
        return describe_rule(rule, criterion.max_points)

    def _award_names(self) -> dict[str, str]:
        names = getattr(self, "_names", None)
        if names is None:
            rules = self.method.award_rules
            names = {a.code: a.name for a in parse_award_rules(rules).awards} if rules else {}
            self._names = names
        return names

    def has_values(self) -> bool:
        """Whether the posted data carries the form at all (a bare "submit" does not)."""
        return self.data is not None and any(c.code in self.data for c in self.scale.criteria)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        values: dict[str, Any] = {}
        remarks: dict[str, str] = {}
        for criterion in self.scale.criteria:
            code = criterion.code
            remark = normalize(cleaned.get(code + REMARK_SUFFIX) or "")
            if remark:
                remarks[code] = remark
            raw = normalize(cleaned.get(code) or "")
            if not raw:
                continue  # missing stays missing: never stored as 0
            kind = input_kind(criterion)
            if kind == "bool":
                values[code] = raw == YES
                continue
            try:
                number, qualifier = parse_result_value(criterion, raw)
            except ValueError as exc:
                self.add_error(code, str(exc))
                continue
            if kind == "judged":
                if not 0 <= number <= criterion.max_points:
                    self.add_error(
                        code, f"Điểm chấm phải từ 0 đến {fmt_number(criterion.max_points)}."
                    )
                    continue
                if number < criterion.max_points and not remark:
                    self.add_error(
                        code + REMARK_SUFFIX,
                        "Chấm dưới điểm tối đa: phải ghi nhận xét, giải trình lý do.",
                    )
            # A qualified value travels as written ("hơn 98"): the sheet keeps the word beside it.
            values[code] = with_qualifier(fmt_number(number), qualifier) if qualifier else number
        self.values, self.remarks = values, remarks
        return cleaned

    def rows(
        self,
        *,
        stored: dict[str, Any] | None = None,
        stored_remarks: dict[str, str] | None = None,
        qualifiers: dict[str, str] | None = None,
        reported: dict[str, Any] | None = None,
        reported_remarks: dict[str, str] | None = None,
        reported_qualifiers: dict[str, str] | None = None,
        evidence: dict[str, list[Evidence]] | None = None,
        score: dict[str, Any] | None = None,
        editable: bool = True,
        warnings: dict[str, str] | None = None,
    ) -> list[GroupRows]:
        """The table, group by group, with what the page knows about each criterion."""
        stored, stored_remarks = stored or {}, stored_remarks or {}
        unit_targets = self.method.targets.get(self.unit.code, {})
        stage = (score or {}).get("stage", "")
        explained = {c["code"]: _explained(c, stage) for c in (score or {}).get("criteria", [])}
        group_scores = {
            g["code"]: {**g, "points_text": show_value(g.get("points"))}
            for g in (score or {}).get("groups", [])
        }
        groups = []
        for group in self.scale.groups:
            rows = []
            for criterion in group.criteria:
                code = criterion.code
                rows.append(
                    CriterionRow(
                        criterion=criterion,
                        kind=input_kind(criterion),
                        target=target_text(criterion, unit_targets),
                        rule_text=self._rule_text(criterion),
                        field=self[code] if editable else None,
                        remark=self[code + REMARK_SUFFIX] if editable else None,
                        value=show_value(stored.get(code)),
                        qualifier=(qualifiers or {}).get(code),
                        remark_text=stored_remarks.get(code, ""),
                        reported=None if reported is None else show_value(reported.get(code)),
                        reported_remark=(reported_remarks or {}).get(code, ""),
                        reported_qualifier=(reported_qualifiers or {}).get(code),
                        evidence=(evidence or {}).get(code, []),
                        score=explained.get(code),
                        warning=(warnings or {}).get(code, ""),
                    )
                )
            groups.append(
                GroupRows(
                    group.code, group.name, group.max_points, rows, group_scores.get(group.code)
                )
            )
        return groups


class ResultSheetForm(CriterionValuesForm):
    """The unit's results: values and the remark (explanation) per criterion."""


class EvidenceForm(forms.Form):
    criterion = forms.ChoiceField(label="Tiêu chí")
    file = forms.FileField(
        label="Tệp minh chứng",
        help_text="PDF, ảnh JPG/PNG, Word (DOCX) hoặc Excel (XLSX); tối đa 10 MB.",
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ",".join(
                    sorted({*EVIDENCE_TYPES, *(t for t, _ in EVIDENCE_TYPES.values())})
                )
            }
        ),
    )

    def __init__(self, *args, method: MethodVersion, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        criteria = scale_of(method).criteria
        self.fields["criterion"].choices = [("", "— Chọn tiêu chí —")] + [
            (c.code, f"{c.code}. {c.name}") for c in criteria
        ]


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="Lý do trả lại",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Đơn vị sẽ thấy lý do này và sửa số liệu theo yêu cầu.",
        error_messages={"required": "Phải nêu lý do trả lại."},
    )

    def clean_reason(self) -> str:
        return normalize(self.cleaned_data["reason"])
