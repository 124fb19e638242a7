"""Award allocation from a ranking, by rules expressed as data; every decision carries its reason.

A cluster's operating rules say which awards it proposes and how: e.g. *Cờ thi đua của Chính phủ*
for the honoured leader (at most 1, only if it meets the standard of the Ministry flag); *Cờ thi đua
của Bộ Công an* for the next ranked units, at most N or X% of the members (rounding down), above a
minimum score; *Bằng khen của Bộ Công an* for the others above a lower minimum. The rules document
(schema ``thidua.awards/1``, see ``docs/scale-schema.md``) lists the awards in the order they are
decided; with ``exclusive`` a unit receives at most one of them (one achievement, one reward —
Luật Thi đua, khen thưởng 2022).

Public API::

    rules = parse_award_rules(doc)          # AwardRulesError listing every problem with its path
    allocation = allocate_awards(ranking, rules, honoured="Yên Bái")
    allocation.granted("CO_BCA")            # units, in rank order
    allocation.decisions                    # one Decision per (award, unit): granted or refused, why

Quotas, minimum scores and the standards are parameters of the document, never constants here: the
percentages (e.g. the 20% national cap on Government flags) change with the law and each year is
judged by the rules of its time. Units tied on rank at the quota's edge are never split arbitrarily:
by default all of them are refused with a reason asking the emulation council to decide, and the
slots left are held for that choice — no unit ranked lower receives them (``ties_at_cutoff:
"include"`` grants them all instead). Besides each award's own quota, ``shared_caps`` limit several
awards together (e.g. all flags at most 50% of the members, the Government flag counting: Cụm 8,
2020, 1 + 3 flags among 8 provinces); a unit gets a slot only if every quota it counts against has
one left.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .numbers import CONTEXT, fmt_number
from .ranking import RankEntry, Ranking
from .scale import DocReader, Problem, join_path
from .text import same_unit_key

__all__ = [
    "Allocation",
    "AwardRule",
    "AwardRules",
    "AwardRulesError",
    "Decision",
    "allocate_awards",
    "parse_award_rules",
    "validate_award_rules",
]

SCHEMA = "thidua.awards/1"


@dataclass(frozen=True, slots=True)
class AwardRule:
    code: str
    name: str
    candidates: str = "ranking"  # "honoured": only the honoured leader; "ranking": ranked units
    max_count: int | None = None
    max_percent: Decimal | None = None
    percent_of: str = "members"  # "members" (all units of the cluster) | "ranked"
    combine: str = "min"  # both limits given: the stricter ("min") or the larger ("max")
    min_total: Decimal | None = None
    max_rank: int | None = None
    standard_of: str | None = (
        None  # must also meet that award's standard (min_total, max_rank, vetoes)
    )
    basis: str = ""  # legal or regulatory basis, shown with the decision

    def quota(self, members: int, ranked: int) -> tuple[int | None, str]:
        """The number of units this award may go to, and the quota in words."""
        return _quota(self, members, ranked)


@dataclass(frozen=True, slots=True)
class SharedCap:
    """One quota shared by several awards: e.g. all flags (the Government flag counting) at most
    40% of the members. Each award keeps its own quota too; the stricter applies."""

    name: str
    awards: tuple[str, ...]  # codes
    max_count: int | None = None
    max_percent: Decimal | None = None
    percent_of: str = "members"
    combine: str = "min"
    basis: str = ""

    def quota(self, members: int, ranked: int) -> tuple[int | None, str]:
        return _quota(self, members, ranked)


def _quota(rule: AwardRule | SharedCap, members: int, ranked: int) -> tuple[int | None, str]:
    limits: list[tuple[int, str]] = []
    if rule.max_count is not None:
        limits.append((rule.max_count, f"tối đa {rule.max_count} đơn vị"))
    if rule.max_percent is not None:
        base = members if rule.percent_of == "members" else ranked
        whose = "đơn vị trong Cụm" if rule.percent_of == "members" else "đơn vị được xếp hạng"
        count = math.floor(CONTEXT.divide(CONTEXT.multiply(rule.max_percent, base), 100))
        limits.append(
            (count, f"{fmt_number(rule.max_percent)}% của {base} {whose}, làm tròn xuống: {count}")
        )
    if not limits:
        return None, "không giới hạn số lượng"
    pick = min if rule.combine == "min" else max
    chosen = pick(limits, key=lambda item: item[0])
    text = "; ".join(t for _, t in limits)
    if len(limits) > 1:
        text += f" → lấy {'số nhỏ hơn' if rule.combine == 'min' else 'số lớn hơn'}: {chosen[0]}"
    return chosen[0], text


@dataclass(frozen=True, slots=True)
class AwardRules:
    awards: tuple[AwardRule, ...]
    name: str = ""
    exclusive: bool = True
    ties_at_cutoff: str = "exclude"  # "exclude" | "include"
    meta: Mapping[str, Any] | None = None
    shared_caps: tuple[SharedCap, ...] = ()

    def award(self, code: str) -> AwardRule:
        for a in self.awards:
            if a.code == code:
                return a
        raise KeyError(code)

    def caps_of(self, code: str) -> tuple[SharedCap, ...]:
        """The shared quotas an award counts against."""
        return tuple(cap for cap in self.shared_caps if code in cap.awards)


class AwardRulesError(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(
            "Quy chế khen thưởng không hợp lệ:\n" + "\n".join(f"- {p}" for p in problems)
        )


def _read(doc: Any) -> tuple[AwardRules | None, list[Problem]]:
    r = DocReader()
    top = r.obj(doc, "")
    if top is None:
        return None, r.problems
    r.keys(
        top,
        "",
        {
            "schema",
            "name",
            "note",
            "basis",
            "cluster",
            "year",
            "exclusive",
            "ties_at_cutoff",
            "awards",
            "shared_caps",
        },
    )
    if top.get("schema", SCHEMA) != SCHEMA:
        r.add("schema", f"phiên bản lược đồ không được hỗ trợ (cần '{SCHEMA}')")
    exclusive = top.get("exclusive", True)
    if not isinstance(exclusive, bool):
        r.add("exclusive", "phải là true hoặc false")
    ties = r.choice(top, "ties_at_cutoff", "", ("exclude", "include"), "exclude")
    raw = top.get("awards")
    if not isinstance(raw, list) or not raw:
        r.add("awards", "cần ít nhất một hình thức khen thưởng")
        raw = []
    awards: list[AwardRule] = []
    codes: set[str] = set()
    for i, item in enumerate(raw):
        path = f"awards[{i}]"
        spec = r.obj(item, path)
        if spec is None:
            continue
        r.keys(
            spec,
            path,
            {
                "code",
                "name",
                "candidates",
                "max_count",
                "max_percent",
                "percent_of",
                "combine",
                "min_total",
                "max_rank",
                "standard_of",
                "basis",
                "note",
            },
        )
        code = r.code(spec, path)
        name = r.text(spec, "name", path)
        if code in codes:
            r.add(join_path(path, "code"), f"trùng mã '{code}'")
        codes.add(code)
        candidates = r.choice(spec, "candidates", path, ("ranking", "honoured"), "ranking")
        limits = _read_limits(r, spec, path)
        max_rank = spec.get("max_rank")
        if max_rank is not None and (
            not isinstance(max_rank, int) or isinstance(max_rank, bool) or max_rank < 1
        ):
            r.add(join_path(path, "max_rank"), "phải là số nguyên dương")
            max_rank = None
        min_total = r.number(spec, "min_total", path, required=False)
        standard = spec.get("standard_of")
        if standard is not None and (not isinstance(standard, str)):
            r.add(join_path(path, "standard_of"), "phải là mã một hình thức khen thưởng")
            standard = None
        awards.append(
            AwardRule(
                code=code,
                name=name,
                candidates=candidates,
                **limits,
                min_total=min_total,
                max_rank=max_rank,
                standard_of=standard,
                basis=str(spec.get("basis", "")),
            )
        )
    for i, a in enumerate(awards):
        if a.standard_of is not None and (a.standard_of not in codes or a.standard_of == a.code):
            r.add(
                f"awards[{i}].standard_of", f"không có hình thức khen thưởng mã '{a.standard_of}'"
            )
    caps = _read_caps(r, top.get("shared_caps", []), codes)
    if r.problems:
        return None, r.problems
    meta = {k: top[k] for k in ("note", "basis", "cluster", "year") if k in top}
    return (
        AwardRules(tuple(awards), str(top.get("name", "")), exclusive is True, ties, meta, caps),
        [],
    )


def _read_limits(r: DocReader, spec: Mapping[str, Any], path: str) -> dict[str, Any]:
    """max_count, max_percent, percent_of, combine of an award or a shared cap."""
    max_count = spec.get("max_count")
    if max_count is not None and (
        not isinstance(max_count, int) or isinstance(max_count, bool) or max_count < 0
    ):
        r.add(join_path(path, "max_count"), "phải là số nguyên không âm")
        max_count = None
    max_percent = r.number(spec, "max_percent", path, required=False, minimum=Decimal(0))
    if max_percent is not None and max_percent > 100:
        r.add(join_path(path, "max_percent"), "không được vượt 100")
    return {
        "max_count": max_count,
        "max_percent": max_percent,
        "percent_of": r.choice(spec, "percent_of", path, ("members", "ranked"), "members"),
        "combine": r.choice(spec, "combine", path, ("min", "max"), "min"),
    }


def _read_caps(r: DocReader, raw: Any, codes: set[str]) -> tuple[SharedCap, ...]:
    if not isinstance(raw, list):
        r.add("shared_caps", "phải là danh sách các hạn mức chung [{name, awards, …}]")
        return ()
    caps = []
    for i, item in enumerate(raw):
        path = f"shared_caps[{i}]"
        spec = r.obj(item, path)
        if spec is None:
            continue
        r.keys(
            spec,
            path,
            {
                "name",
                "awards",
                "max_count",
                "max_percent",
                "percent_of",
                "combine",
                "basis",
                "note",
            },
        )
        name = r.text(spec, "name", path)
        members = spec.get("awards")
        if (
            not isinstance(members, list)
            or len(members) < 2
            or not all(isinstance(m, str) for m in members)
        ):
            r.add(join_path(path, "awards"), "cần danh sách ít nhất hai mã hình thức khen thưởng")
            members = []
        for k, code in enumerate(members):
            if code not in codes:
                r.add(f"{path}.awards[{k}]", f"không có hình thức khen thưởng mã '{code}'")
        if len(set(members)) != len(members):
            r.add(join_path(path, "awards"), "một hình thức khen thưởng được kể hai lần")
        limits = _read_limits(r, spec, path)
        if limits["max_count"] is None and limits["max_percent"] is None:
            r.add(path, "cần max_count hoặc max_percent (hạn mức chung)")
        caps.append(SharedCap(name, tuple(members), **limits, basis=str(spec.get("basis", ""))))
    return tuple(caps)


def validate_award_rules(doc: Any) -> list[Problem]:
    """Every problem of an award-rules document, each with its path."""
    return _read(doc)[1]


def parse_award_rules(doc: Any) -> AwardRules:
    """Parse an award-rules document; raises :class:`AwardRulesError` listing every problem."""
    rules, problems = _read(doc)
    if rules is None:
        raise AwardRulesError(problems)
    return rules


@dataclass(frozen=True, slots=True)
class Decision:
    award: str  # code
    award_name: str
    unit: str
    granted: bool
    reason: str  # Vietnamese
    rank: int | None
    total: Decimal | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "award": self.award,
            "award_name": self.award_name,
            "unit": self.unit,
            "granted": self.granted,
            "reason": self.reason,
            "rank": self.rank,
            "total": None if self.total is None else str(self.total),
        }


@dataclass(frozen=True, slots=True)
class Allocation:
    rules: AwardRules
    decisions: tuple[Decision, ...]

    def granted(self, award: str) -> list[str]:
        """Units granted an award (by code or name), in rank order."""
        return [d.unit for d in self.decisions if d.granted and award in (d.award, d.award_name)]

    def proposals(self) -> dict[str, list[str]]:
        """Award name → units, for every award of the rules (in their order)."""
        return {a.name: self.granted(a.code) for a in self.rules.awards}

    def for_unit(self, unit: str) -> list[Decision]:
        return [d for d in self.decisions if d.unit == unit]

    def to_dict(self) -> dict[str, Any]:
        return {
            "rules": self.rules.name,
            "proposals": self.proposals(),
            "decisions": [d.to_dict() for d in self.decisions],
        }


def is_honoured(unit: str, honoured: str | None) -> bool:
    """Whether ``unit`` is the honoured leader, names compared in canonical form."""
    return honoured is not None and (
        unit == honoured or same_unit_key(unit) == same_unit_key(honoured)
    )


def _vetoed_for(entry: RankEntry, award: AwardRule) -> str | None:
    for veto in entry.sheet.vetoes:
        if veto.scope == "awards" and (award.code in veto.awards or award.name in veto.awards):
            return veto.reason
    return None


def _standard_failures(entry: RankEntry, award: AwardRule) -> list[str]:
    """What keeps a unit from an award's standard (score, rank, vetoes), in words."""
    failures = []
    veto = _vetoed_for(entry, award)
    if veto:
        failures.append(veto)
    if award.min_total is not None and entry.total < award.min_total:
        failures.append(
            f"tổng điểm {fmt_number(entry.total)} thấp hơn mức tối thiểu {fmt_number(award.min_total)}"
        )
    if award.max_rank is not None and entry.rank > award.max_rank:
        failures.append(f"xếp hạng {entry.rank}, quy chế chỉ xét đến hạng {award.max_rank}")
    return failures


def _standard_text(award: AwardRule) -> str:
    parts = []
    if award.min_total is not None:
        parts.append(f"từ {fmt_number(award.min_total)} điểm")
    if award.max_rank is not None:
        parts.append(f"xếp hạng đến {award.max_rank}")
    parts.append("không vi phạm điểm liệt")
    return ", ".join(parts)


def allocate_awards(
    ranking: Ranking,
    rules: AwardRules | Mapping[str, Any],
    honoured: str | None = None,
    *,
    members: int | None = None,
) -> Allocation:
    """Allocate award proposals by rank under the rules; one :class:`Decision` per award and unit.

    ``honoured`` is the unit the cluster voted to honour as leader (suy tôn); ``members`` overrides
    the number of cluster members used by percentage quotas (default: every unit in the ranking,
    ranked or excluded).
    """
    if not isinstance(rules, AwardRules):
        rules = parse_award_rules(rules)
    total_members = members if members is not None else ranking.members
    n_ranked = len(ranking.entries)
    awarded: dict[str, str] = {}  # unit → award name
    decisions: list[Decision] = []
    # slots taken per shared cap: granted, or held for the council (a tie at an edge)
    cap_used: dict[int, int] = {i: 0 for i in range(len(rules.shared_caps))}
    cap_limits = [cap.quota(total_members, n_ranked) for cap in rules.shared_caps]
    # ranked units in rank order, grouped by rank (true ties decided together)
    groups: list[list[RankEntry]] = []
    for entry in ranking.entries:
        if groups and groups[-1][0].rank == entry.rank:
            groups[-1].append(entry)
        else:
            groups.append([entry])
    for award in rules.awards:
        own_limit, own_text = award.quota(total_members, n_ranked)
        caps = [i for i, cap in enumerate(rules.shared_caps) if award.code in cap.awards]
        standard = rules.award(award.standard_of) if award.standard_of else None

        def refuse(entry: RankEntry, reason: str, award: AwardRule = award) -> None:
            decisions.append(
                Decision(award.code, award.name, entry.unit, False, reason, entry.rank, entry.total)
            )

        def room_now(granted: int, caps: list[int] = caps, own_limit=own_limit) -> int | None:
            rooms = [own_limit - granted] if own_limit is not None else []
            rooms += [cap_limits[i][0] - cap_used[i] for i in caps if cap_limits[i][0] is not None]
            return min(rooms) if rooms else None

        def quota_words(
            caps: list[int] = caps, own_text: str = own_text, own_limit=own_limit
        ) -> str:
            parts = [own_text] if own_limit is not None or not caps else []
            for i in caps:
                cap = rules.shared_caps[i]
                parts.append(
                    f"hạn mức chung “{cap.name}”: {cap_limits[i][1]}, đã dùng {cap_used[i]} suất"
                )
            return "; ".join(parts)

        granted = 0
        held: tuple[int, int] | None = None  # (rank, slots) held for the council
        for group in groups:
            eligible: list[RankEntry] = []
            for entry in group:
                if award.candidates == "honoured" and not is_honoured(entry.unit, honoured):
                    refuse(
                        entry,
                        "không phải đơn vị được suy tôn dẫn đầu Cụm"
                        if honoured
                        else "chưa có kết quả suy tôn đơn vị dẫn đầu Cụm",
                    )
                    continue
                if rules.exclusive and entry.unit in awarded:
                    refuse(
                        entry,
                        f"đã được đề nghị {awarded[entry.unit]} "
                        "(mỗi thành tích chỉ đề nghị một hình thức)",
                    )
                    continue
                failures = _standard_failures(entry, award)
                if standard is not None:
                    extra = _standard_failures(entry, standard)
                    if extra:
                        failures.append(f"chưa đạt tiêu chuẩn {standard.name}: {'; '.join(extra)}")
                if failures:
                    refuse(entry, "; ".join(failures))
                    continue
                eligible.append(entry)
            if not eligible:
                continue
            room = room_now(granted)
            if room is not None and room <= 0:
                why = f"đạt tiêu chuẩn nhưng đã hết chỉ tiêu ({quota_words()})"
                if held is not None:
                    why += (
                        f"; {held[1]} suất còn lại dành cho Hội đồng thi đua quyết định giữa "
                        f"các đơn vị đồng hạng {held[0]}"
                    )
                for entry in eligible:
                    refuse(entry, why)
                continue
            if room is not None and len(eligible) > room and rules.ties_at_cutoff == "exclude":
                words = quota_words()
                for entry in eligible:
                    refuse(
                        entry,
                        f"{len(eligible)} đơn vị đồng hạng {entry.rank} tại ngưỡng chỉ tiêu "
                        f"(còn {room} suất; {words}): đề nghị Hội đồng thi đua quyết định",
                    )
                # the remaining slots are held for the council's choice among the tied units:
                # nobody ranked lower may take them
                held = (eligible[0].rank, room)
                granted += room
                for i in caps:
                    cap_used[i] += room
                continue
            words = quota_words()
            for entry in eligible:
                reason = _grant_reason(entry, award, standard, words, total_members, honoured)
                if room is not None and len(eligible) > room:
                    reason += f"; đồng hạng tại ngưỡng chỉ tiêu, quy chế cho phép xét cả {len(eligible)} đơn vị"
                decisions.append(
                    Decision(
                        award.code, award.name, entry.unit, True, reason, entry.rank, entry.total
                    )
                )
                awarded[entry.unit] = award.name
                granted += 1
                for i in caps:
                    cap_used[i] += 1
        for item in ranking.excluded:
            decisions.append(
                Decision(
                    award.code,
                    award.name,
                    item.unit,
                    False,
                    "không được xếp hạng: " + "; ".join(item.reasons),
                    None,
                    item.sheet.total,
                )
            )
    return Allocation(rules, tuple(decisions))


def _grant_reason(
    entry: RankEntry,
    award: AwardRule,
    standard: AwardRule | None,
    quota_text: str,
    members: int,
    honoured: str | None,
) -> str:
    parts = []
    if award.candidates == "honoured":
        parts.append("đơn vị được suy tôn dẫn đầu Cụm")
    parts.append(f"xếp hạng {entry.rank}/{members}, tổng điểm {fmt_number(entry.total)}")
    if award.min_total is not None:
        parts.append(f"không thấp hơn mức tối thiểu {fmt_number(award.min_total)}")
    if standard is not None:
        parts.append(f"đạt tiêu chuẩn {standard.name} ({_standard_text(standard)})")
    parts.append(f"trong chỉ tiêu ({quota_text})")
    text = "; ".join(parts)
    return f"{text}. Căn cứ: {award.basis}" if award.basis else text
