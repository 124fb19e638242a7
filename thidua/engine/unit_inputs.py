"""A unit's inputs to the engine and the problems found in them (shared by both scoring paths).

:class:`UnitInput` is what callers hand to :func:`thidua.engine.scoring.score_units`;
:class:`InputError` lists every :class:`InputProblem` found. Both the reference path
(:mod:`thidua.engine.scoring`) and the batch path (:mod:`thidua.engine.batch`) import them from
here, so that neither imports the other's module at import time the other way round.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .scale import Scale

__all__ = ["InputError", "InputProblem", "Judgement", "UnitInput", "check_unit"]


@dataclass(frozen=True, slots=True)
class Judgement:
    """An inspector's points for a judged criterion, with the remark required below max."""

    points: Any
    remark: str | None = None


@dataclass(frozen=True, slots=True)
class UnitInput:
    """One unit's inputs for one sheet.

    ``results`` maps criterion codes to numbers (target, plan, count, judged points) or booleans
    (veto: the event occurred; yes/no); a judged value may also be a :class:`Judgement` or a mapping
    ``{"points": …, "remark": …}``. ``targets`` holds the unit's own targets or plans, overriding the
    scale's defaults. ``remarks`` holds judged remarks by code.
    """

    unit: str
    results: Mapping[str, Any]
    targets: Mapping[str, Any] = field(default_factory=dict)
    remarks: Mapping[str, str] = field(default_factory=dict)
    stage: str = "self"  # "self" | "inspection" | "consolidated"
    source: str = ""  # who scored: the unit itself, or the inspection team


@dataclass(frozen=True, slots=True)
class InputProblem:
    """A problem in one unit's inputs; ``index`` is the unit's position in the batch."""

    index: int
    unit: str
    field: str  # "results" | "targets" | "remarks" | "unit"
    code: str
    message: str

    @property
    def path(self) -> str:
        return f"units[{self.index}].{self.field}" + (f".{self.code}" if self.code else "")

    def __str__(self) -> str:
        return f"{self.path} (đơn vị {self.unit}): {self.message}"


class InputError(ValueError):
    """Results or targets that cannot be scored; ``problems`` lists every one."""

    def __init__(self, problems: Sequence[InputProblem]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"- {p}" for p in self.problems[:50])
        more = f"\n… và {len(self.problems) - 50} lỗi khác" if len(self.problems) > 50 else ""
        super().__init__(f"Số liệu không hợp lệ:\n{lines}{more}")


def check_unit(
    scale: Scale, unit: UnitInput, index: int = 0, require_name: bool = True
) -> list[InputProblem]:
    """Problems with the shape of a unit's input: keys that are not criteria, a missing name."""
    problems = []
    for fld in ("results", "targets", "remarks"):
        mapping = getattr(unit, fld)
        if not isinstance(mapping, Mapping):
            problems.append(
                InputProblem(index, unit.unit, fld, "", "phải là một bảng mã → giá trị")
            )
            continue
        for code in mapping:
            if not scale.has_criterion(code):
                problems.append(
                    InputProblem(
                        index,
                        unit.unit,
                        fld,
                        str(code),
                        "không có tiêu chí mã này trong thang điểm",
                    )
                )
    if require_name and (not isinstance(unit.unit, str) or not unit.unit.strip()):
        problems.append(InputProblem(index, str(unit.unit), "unit", "", "thiếu tên đơn vị"))
    return problems
