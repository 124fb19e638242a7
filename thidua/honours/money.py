"""Reward money (tiền thưởng): the catalogue's multiple of the base salary in force on the date of
the decision, rounded up to tens of thousands of đồng; totals per decision, per unit and per year.

The multiples are the engine catalogue's (``cash_multiple``, NĐ 152/2025/NĐ-CP). The base salary
(mức lương cơ sở) is dated data in ``data/base_salary.json``: each rate with the day it took effect,
the decree that set it and where it was read. A new rate is one more line of that file. So is the
decree that set the reward multiples at each date (``decrees``: NĐ 91/2017, then NĐ 98/2023 from
01/01/2024, then NĐ 152/2025 from 01/7/2025), which a decision's money article cites for its date. A form the
catalogue gives no multiple for (Bằng khen, Giấy khen, Huân chương…) has no amount here: it is
listed as such, never guessed.

`reward_amount(award_code, on_date)` is what a decision line calls to fill its amount.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from functools import cache
from pathlib import Path
from typing import Any

from thidua.engine import text
from thidua.engine.numbers import fmt_number
from thidua.honours.models.common import catalogue

DATA_PATH = Path(__file__).resolve().parent / "data" / "base_salary.json"


class MoneyError(ValueError):
    """Bad base-salary data or a date no rate covers; the message is Vietnamese."""


@dataclass(frozen=True)
class BaseSalary:
    effective_from: dt.date
    amount: int
    basis: str
    source: str

    @property
    def label(self) -> str:
        return f"{vnd(self.amount)} (từ {self.effective_from:%d/%m/%Y}, {self.basis})"


@dataclass(frozen=True)
class CashDecree:
    """The decree that set the reward multiples from `effective_from` (until the next one)."""

    effective_from: dt.date
    decree: str
    note: str = ""
    source: str = ""


@dataclass(frozen=True)
class SalaryTable:
    rates: tuple[BaseSalary, ...]
    rounding_step: int
    rounding_basis: str
    decrees: tuple[CashDecree, ...] = ()

    def decree_on(self, day: dt.date) -> CashDecree | None:
        """The decree on reward money in force on `day`; None before the first one recorded."""
        found = None
        for decree in self.decrees:
            if decree.effective_from <= day:
                found = decree
        return found

    def on(self, day: dt.date) -> BaseSalary:
        """The rate in force on `day` (the latest one that took effect on or before it)."""
        found = None
        for rate in self.rates:
            if rate.effective_from <= day:
                found = rate
        if found is None:
            first = self.rates[0].effective_from
            raise MoneyError(
                f"Chưa có mức lương cơ sở cho ngày {day:%d/%m/%Y} (dữ liệu bắt đầu từ {first:%d/%m/%Y})."
            )
        return found


def parse_table(raw: dict[str, Any]) -> SalaryTable:
    """The table from its JSON form; every problem is reported at once, by line."""
    problems: list[str] = []
    rates: list[BaseSalary] = []
    for index, item in enumerate(raw.get("rates") or [], start=1):
        try:
            day = dt.date.fromisoformat(str(item.get("from", "")))
        except ValueError:
            problems.append(f"Dòng {index}: ngày hiệu lực “{item.get('from')}” không hợp lệ.")
            continue
        amount = item.get("amount")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            problems.append(f"Dòng {index}: mức lương cơ sở phải là số nguyên dương (đồng).")
            continue
        if not str(item.get("basis", "")).strip():
            problems.append(f"Dòng {index}: phải ghi văn bản quy định mức lương cơ sở.")
            continue
        rates.append(BaseSalary(day, amount, item["basis"].strip(), str(item.get("source", ""))))
    if not rates and not problems:
        problems.append("Chưa có mức lương cơ sở nào.")
    for before, after in itertools.pairwise(rates):
        if after.effective_from <= before.effective_from:
            problems.append(
                f"Ngày hiệu lực {after.effective_from:%d/%m/%Y} không sau {before.effective_from:%d/%m/%Y}: "
                "các mức phải theo thứ tự thời gian, không trùng ngày."
            )
    decrees: list[CashDecree] = []
    for index, item in enumerate(raw.get("decrees") or [], start=1):
        try:
            day = dt.date.fromisoformat(str(item.get("from", "")))
        except ValueError:
            problems.append(
                f"Nghị định dòng {index}: ngày hiệu lực “{item.get('from')}” không hợp lệ."
            )
            continue
        name = str(item.get("decree", "")).strip()
        if not name:
            problems.append(f"Nghị định dòng {index}: phải ghi số nghị định quy định tiền thưởng.")
            continue
        decrees.append(
            CashDecree(day, name, str(item.get("note", "")), str(item.get("source", "")))
        )
    for before, after in itertools.pairwise(decrees):
        if after.effective_from <= before.effective_from:
            problems.append(
                f"Nghị định {after.decree}: ngày hiệu lực {after.effective_from:%d/%m/%Y} không sau "
                f"{before.effective_from:%d/%m/%Y} của {before.decree}."
            )
    rounding = raw.get("rounding") or {}
    step = rounding.get("step", 1)
    if not isinstance(step, int) or step <= 0:
        problems.append("Bước làm tròn tiền thưởng phải là số nguyên dương (đồng).")
    if problems:
        raise MoneyError(" ".join(problems))
    return SalaryTable(tuple(rates), step, str(rounding.get("basis", "")), tuple(decrees))


@cache
def salary_table() -> SalaryTable:
    return parse_table(json.loads(DATA_PATH.read_text(encoding="utf-8")))


def base_salary_on(day: dt.date) -> BaseSalary:
    return salary_table().on(day)


def cash_decree_on(day: dt.date) -> CashDecree | None:
    """The decree that set the reward multiples in force on `day` (a decision's date)."""
    return salary_table().decree_on(day)


def multiple_of(award_code: str) -> Decimal | None:
    cat = catalogue()
    if award_code not in cat:
        raise MoneyError(f"Không có hình thức khen thưởng mã “{award_code}” trong danh mục.")
    return cat.get(award_code).cash_multiple


def round_up(amount: Decimal, step: int) -> Decimal:
    return (amount / step).to_integral_value(rounding=ROUND_CEILING) * step


def reward_amount(
    award_code: str, on_date: dt.date, table: SalaryTable | None = None
) -> Decimal | None:
    """The reward for one recipient of `award_code` decided on `on_date`, in whole đồng, or None
    when the catalogue gives the form no multiple of the base salary."""
    multiple = multiple_of(award_code)
    if multiple is None:
        return None
    table = table or salary_table()
    return round_up(multiple * table.on(on_date).amount, table.rounding_step)


def fill_amounts(lines: Iterable[Any], on_date: dt.date) -> Decimal:
    """Set the reward of every decision line that has none (`award_code`, `amount` attributes)
    from the base salary in force on `on_date` (the decision's date); lines given an amount by
    hand keep it. Returns the total of the lines' amounts. The caller saves the lines."""
    table = salary_table()
    total = Decimal(0)
    for line in lines:
        if line.amount is None:
            line.amount = reward_amount(line.award_code, on_date, table)
        if line.amount is not None:
            total += line.amount
    return total


def vnd(amount: Decimal | int | None) -> str:
    """``2340000 → '2.340.000 đ'``; None (no multiple) → an en dash."""
    return "–" if amount is None else f"{fmt_number(Decimal(amount))} đ"


# -- the fund: totals over register rows ---------------------------------------------------------


@dataclass
class Total:
    label: str
    count: int = 0
    amount: Decimal = Decimal(0)
    without_amount: int = 0

    @property
    def count_text(self) -> str:
        return fmt_number(self.count)

    def add(self, amount: Decimal | None) -> None:
        self.count += 1
        if amount is None:
            self.without_amount += 1
        else:
            self.amount += amount


@dataclass
class FundLine:
    year: int
    decision_no: str
    decision_date: dt.date
    issuer: str
    award_code: str
    award_name: str
    recipient: str
    recipient_kind: str
    unit_name: str
    multiple: Decimal | None
    base_salary: int
    amount: Decimal | None


@dataclass
class Fund:
    lines: list[FundLine] = field(default_factory=list)
    by_decision: dict[tuple[str, dt.date, str], Total] = field(default_factory=dict)
    by_unit: dict[str, Total] = field(default_factory=dict)
    by_year: dict[int, Total] = field(default_factory=dict)
    total: Total = field(default_factory=lambda: Total("Tổng cộng"))


def record_unit_name(record: Any) -> str:
    """The unit a register row belongs to: the honoured unit, or the person's unit."""
    if record.unit_id:
        return record.unit.name
    unit = getattr(record.person, "current_unit", None)
    return unit.name if unit is not None else "(chưa rõ đơn vị)"


def fund(records: Iterable[Any]) -> Fund:
    """Amounts of valid (not revoked) register rows and their totals; one pass, no queries beyond
    the rows' own (select_related person__current_unit and unit)."""
    table = salary_table()
    result = Fund()
    by_decision: dict[tuple[str, dt.date, str], Total] = {}
    by_unit: dict[str, Total] = defaultdict(lambda: Total(""))
    by_year: dict[int, Total] = defaultdict(lambda: Total(""))
    for record in records:
        if record.revoked:
            continue
        base = table.on(record.decision_date)
        amount = reward_amount(record.award_code, record.decision_date, table)
        unit_name = record_unit_name(record)
        result.lines.append(
            FundLine(
                year=record.year,
                decision_no=record.decision_no,
                decision_date=record.decision_date,
                issuer=record.issuer,
                award_code=record.award_code,
                award_name=record.award_name,
                recipient=record.recipient_name,
                recipient_kind=record.get_recipient_kind_display(),
                unit_name=unit_name,
                multiple=multiple_of(record.award_code),
                base_salary=base.amount,
                amount=amount,
            )
        )
        key = (record.decision_no, record.decision_date, record.issuer)
        by_decision.setdefault(key, Total(f"Số {record.decision_no}")).add(amount)
        by_unit[unit_name].label = unit_name
        by_unit[unit_name].add(amount)
        by_year[record.year].label = f"Năm {record.year}"
        by_year[record.year].add(amount)
        result.total.add(amount)
    result.by_decision = dict(sorted(by_decision.items(), key=lambda kv: (kv[0][1], kv[0][0])))
    result.by_unit = dict(sorted(by_unit.items(), key=lambda kv: text.sort_key(kv[0])))
    result.by_year = dict(sorted(by_year.items()))
    return result
