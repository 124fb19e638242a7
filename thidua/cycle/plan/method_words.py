"""The cluster's method in words: rules, quotas, vote thresholds and targets as a reader says them.

Used by the method page; kept apart from the views so the sentences can be read (and reused) alone.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from thidua.audit.models import AuditRecord
from thidua.cycle.models import Cycle, MethodVersion
from thidua.cycle.plan.forms import target_criteria
from thidua.cycle.plan.rule_kinds import _v, kind_label, num, rule_words
from thidua.engine.awards import AwardRule, AwardRules
from thidua.engine.rules import kind_of
from thidua.engine.scale import Scale


def scale_groups(scale: Scale, award_names: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "group": group,
            "max": num(group.max_points),
            "criteria": [
                {
                    "c": c,
                    "kind": kind_label(c),
                    "max": num(c.max_points) if kind_of(c.rule).nominal_points else "",
                    "rule": rule_words(c, award_names),
                    "required": c.missing == "block",
                }
                for c in group.criteria
            ],
        }
        for group in scale.groups
    ]


def quota_words(award: AwardRule, members: int, *, kind: str = "Cụm") -> str:
    """The award's quota in words; `kind` is the group's word (Cluster.kind_word: Cụm, Khối)."""
    parts = []
    if award.max_count is not None:
        parts.append(f"tối đa {award.max_count} đơn vị")
    if award.max_percent is not None:
        if award.percent_of == "members":
            count = math.floor(award.max_percent * members / 100)
            parts.append(
                f"tối đa {num(award.max_percent)}% số đơn vị trong {kind} "
                f"({num(award.max_percent)}% × {members}, làm tròn xuống: {count})"
            )
        else:
            parts.append(
                f"tối đa {num(award.max_percent)}% số đơn vị được xếp hạng, làm tròn xuống"
            )
    if not parts:
        return "Không giới hạn số lượng"
    joined = "; ".join(parts)
    if len(parts) > 1:
        joined += " — lấy số " + ("nhỏ hơn" if award.combine == "min" else "lớn hơn")
    return joined[:1].upper() + joined[1:]


def _quota_with_caps(
    rules: AwardRules, award: AwardRule, members: int, names: dict[str, str], kind: str
) -> str:
    """The award's own quota, then each quota it shares with other awards."""
    caps = rules.caps_of(award.code)
    own = quota_words(award, members, kind=kind)
    parts = [] if caps and award.max_count is None and award.max_percent is None else [own]
    for cap in caps:
        shared = quota_words(cap, members, kind=kind)  # type: ignore[arg-type]  # same fields
        parts.append(
            f"hạn mức chung “{cap.name}” ({', '.join(names.get(c, c) for c in cap.awards)}): "
            + shared[:1].lower()
            + shared[1:]
        )
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]


def award_rows(rules: AwardRules, members: int, *, kind: str = "Cụm") -> list[dict[str, Any]]:
    names = {a.code: a.name for a in rules.awards}
    rows = []
    for award in rules.awards:
        conditions = []
        if award.min_total is not None:
            conditions.append(f"tổng điểm từ {num(award.min_total)}")
        if award.max_rank is not None:
            conditions.append(f"xếp hạng từ 1 đến {award.max_rank}")
        if award.standard_of:
            conditions.append(f"đạt tiêu chuẩn {names.get(award.standard_of, award.standard_of)}")
        rows.append(
            {
                "award": award,
                "candidates": f"Đơn vị được suy tôn dẫn đầu {kind}"
                if award.candidates == "honoured"
                else "Các đơn vị theo thứ tự xếp hạng",
                "quota": _quota_with_caps(rules, award, members, names, kind),
                "minimum": "; ".join(conditions) or "—",
            }
        )
    return rows


def vote_words(method: MethodVersion, members: int) -> dict[str, str]:
    quorum, threshold = method.quorum, method.threshold
    present = math.ceil(quorum * members)
    yes = math.floor(threshold * members) + 1
    return {
        "quorum": f"Có mặt ít nhất {method.vote_quorum} số thành viên: từ {present}/{members} đơn vị",
        "threshold": f"Tán thành vượt {method.vote_threshold} tổng số thành viên: từ {yes}/{members} đơn vị",
    }


def targets_table(
    method: MethodVersion, scale: Scale, units: list
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Columns (criteria with their default target) and one row of targets per member unit."""
    columns = []
    for c in target_criteria(scale):
        default = kind_of(c.rule).default_target(c.rule)
        columns.append(
            {
                "c": c,
                "unit": c.rule.unit,
                "default": _v(default, c.rule.unit) if default is not None else "",
            }
        )
    rows = []
    for unit in units:
        own = method.targets.get(unit.code, {})
        cells = []
        for col in columns:
            value = own.get(col["c"].code)
            cells.append(_v(Decimal(str(value)), col["unit"]) if value is not None else "")
        rows.append({"unit": unit, "cells": cells})
    return columns, rows


ACTIONS = {"create": "Ban hành", "update": "Sửa", "new_version": "Phiên bản mới"}
PARTS = {
    "scale": "thang điểm",
    "award_rules": "quy chế khen thưởng",
    "targets": "chỉ tiêu từng đơn vị",
    "operating_rules_chars": "quy chế hoạt động",
    "vote_quorum": "tỷ lệ có mặt",
    "vote_threshold": "tỷ lệ tán thành",
}


def history(cycle: Cycle) -> list[dict[str, Any]]:
    """Every version (number, date, who, reason) with the audited changes made to it."""
    versions = list(cycle.methods.select_related("created_by").order_by("-number"))
    records: dict[str, list[dict[str, Any]]] = {}
    for rec in AuditRecord.objects.filter(
        model=MethodVersion._meta.label_lower, object_pk__in=[str(v.pk) for v in versions]
    ).order_by("seq"):
        before, after = rec.before or {}, rec.after or {}
        changed = [
            label for key, label in PARTS.items() if before and before.get(key) != after.get(key)
        ]
        records.setdefault(rec.object_pk, []).append(
            {"rec": rec, "action": ACTIONS.get(rec.action, rec.action), "changed": changed}
        )
    return [{"v": v, "edits": records.get(str(v.pk), [])} for v in versions]
