"""Render the encoded rules and the award catalogue as Markdown tables.

``docs/eligibility-rules.md`` embeds this output between two markers; a test keeps it in step with
the JSON data. Regenerate with::

    .venv/bin/python -m thidua.engine.eligibility_docs --write docs/eligibility-rules.md
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable
from pathlib import Path

from thidua.engine.eligibility_catalogue import RECIPIENTS, Catalogue, load_catalogue
from thidua.engine.eligibility_conditions import Condition
from thidua.engine.eligibility_model import UNVERIFIED_BASIS
from thidua.engine.eligibility_rules import bundled_rulesets
from thidua.engine.eligibility_ruleset import (
    CONFIDENCE,
    GROUPS,
    ROUNDING,
    RULE_KINDS,
    Rule,
    RuleSet,
)

BEGIN = "<!-- BEGIN GENERATED: python -m thidua.engine.eligibility_docs -->"
END = "<!-- END GENERATED -->"
NO_BASIS = "**cấu hình được, chưa tìm thấy căn cứ pháp lý** (configurable, no legal basis found)"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _day(value) -> str:
    return value.strftime("%d/%m/%Y") if value else "…"


def _condition(cond: Condition | None) -> str:
    if cond is None:
        return ""
    if cond.kind in ("all_of", "any_of") and cond.children:
        joiner = " **và** " if cond.kind == "all_of" else " **hoặc** "
        inner = joiner.join(_condition(c) for c in cond.children if c.enabled)
        return inner if cond.kind == "all_of" else f"({inner})"
    text = cond.text + (" *(tắt mặc định)*" if not cond.enabled else "")
    return text + (" *(khen thưởng mức thấp hơn)*" if cond.lower_award else "")


def _quota(rule: Rule, catalogue: Catalogue) -> str:
    q = rule.quota
    if q is None:
        return ""
    base = catalogue.name(q.of_award) if q.of_award else "tập thể dẫn đầu cụm, khối"
    pct = f"{q.max_percent.normalize():f}".replace(".", ",")
    return f"Không quá {pct}% số “{base}”, {GROUPS[q.group_by]}, {ROUNDING[q.rounding]}"


def _parameters(rule: Rule) -> str:
    parts = [f"`{k}` = {json.dumps(v, ensure_ascii=False)}" for k, v in rule.parameters.items()]
    if rule.principle:
        parts += [f"`{k}` = {json.dumps(v)}" for k, v in rule.principle.items()]
    return "<br>".join(parts) or "—"


def _notes(rule: Rule) -> str:
    notes = []
    if rule.no_basis:
        which = (
            "toàn bộ quy tắc"
            if "*" in rule.no_basis
            else ", ".join(f"`{n}`" for n in rule.no_basis)
        )
        notes.append(f"{NO_BASIS}: {which}")
    if rule.recipient:
        notes.append(f"chỉ cho {RECIPIENTS[rule.recipient]}")
    if not rule.standard:
        notes.append("không thuộc tiêu chuẩn danh hiệu (không xét khi kiểm tra “đạt tiêu chuẩn”)")
    if rule.note:
        notes.append(rule.note)
    if rule.unverified:
        notes.append(f"**Còn mở (chỉ quản trị viên thấy):** {rule.unverified}")
    return "<br>".join(_cell(n) for n in notes)


def open_points(rulesets: Iterable[RuleSet]) -> str:
    """Every basis not verified against the text in force, by rule set: what remains open.
    Officers' pages and the API show the placeholder for these instead of the citation."""
    lines = [
        f"Trên trang và API cho cán bộ, căn cứ của các quy định dưới đây hiển thị “{UNVERIFIED_BASIS}”; "
        "quản trị viên thấy căn cứ đầy đủ và điều còn mở.",
        "",
    ]
    for ruleset in rulesets:
        for rule in ruleset.rules:
            if rule.unverified:
                lines.append(
                    f"- {ruleset.id} {rule.id} ({_cell(rule.title)}): {_cell(rule.unverified)}"
                )
    return "\n".join(lines)


def ruleset_table(ruleset: RuleSet, catalogue: Catalogue) -> str:
    lines = [
        f"### {ruleset.id} — hiệu lực {_day(ruleset.effective_from)} – {_day(ruleset.effective_to)}",
        "",
        _cell(ruleset.title) + ".",
        "",
        _cell(ruleset.basis)
        + (f" **Còn mở:** {_cell(ruleset.unverified)}" if ruleset.unverified else ""),
        "",
        "| Mã | Quy định | Áp dụng cho | Căn cứ pháp lý | Hiệu lực | Tham số | Điều kiện | Độ tin cậy | Ghi chú |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for rule in ruleset.rules:
        applies = (
            "tất cả"
            if rule.applies_to is None
            else ", ".join(
                catalogue.name(c)
                for c in sorted(rule.applies_to, key=lambda c: catalogue.get(c).rank)
            )
        )
        start = rule.effective_from or ruleset.effective_from
        end = rule.effective_to or ruleset.effective_to
        digest = ", ".join(str(n) for n in rule.digest)
        row = [
            f"{rule.id}" + (f" (§5: {digest})" if digest else ""),
            f"{_cell(rule.title)} ({RULE_KINDS[rule.kind] if rule.standard else 'điều kiện chặn'})",
            _cell(applies),
            _cell(rule.legal_basis),
            f"{_day(start)} – {_day(end)}",
            _cell(_parameters(rule)),
            _cell(_condition(rule.condition) or _quota(rule, catalogue)),
            f"{rule.confidence} ({CONFIDENCE[rule.confidence]})",
            _notes(rule),
        ]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def catalogue_table(catalogue: Catalogue) -> str:
    lines = [
        "| Mã | Tên | Đối tượng | Loại | Hằng năm | Hệ số tiền thưởng |",
        "|---|---|---|---|---|---|",
    ]
    for kind in catalogue:
        who = ", ".join(RECIPIENTS[r] for r in sorted(kind.recipients))
        cash = (
            f"{str(kind.cash_multiple).replace('.', ',')} × mức lương cơ sở"
            if kind.cash_multiple is not None
            else "—"
        )
        category = (
            "danh hiệu thi đua" if kind.category == "danh_hieu_thi_dua" else "hình thức khen thưởng"
        )
        annual = "có" if kind.annual else "không"
        name = kind.name + (f" (tên khác: {'; '.join(kind.aliases)})" if kind.aliases else "")
        lines.append(f"| `{kind.code}` | {name} | {who} | {category} | {annual} | {cash} |")
    lines += ["", f"Hệ số tiền thưởng theo {catalogue.cash_basis}."]
    return "\n".join(lines)


def render(rulesets: Iterable[RuleSet] | None = None, catalogue: Catalogue | None = None) -> str:
    catalogue = catalogue or load_catalogue()
    parts = [
        BEGIN,
        "",
        "## Danh mục danh hiệu, hình thức khen thưởng",
        "",
        catalogue_table(catalogue),
    ]
    sets = list(rulesets or bundled_rulesets())
    parts += ["", "## Các bộ quy tắc", ""]
    for ruleset in sets:
        parts += [ruleset_table(ruleset, catalogue), ""]
    parts += [
        "## Còn mở: căn cứ chưa đối chiếu với văn bản đang có hiệu lực",
        "",
        open_points(sets),
        "",
    ]
    parts.append(END)
    return "\n".join(parts)


def splice(document: str, generated: str) -> str:
    """Replace the generated block of a document (or append it)."""
    if BEGIN in document and END in document:
        head, rest = document.split(BEGIN, 1)
        return head + generated + rest.split(END, 1)[1]
    return document.rstrip() + "\n\n" + generated + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=Path, help="Markdown file to update in place")
    args = parser.parse_args(argv)
    generated = render()
    if args.write:
        old = args.write.read_text(encoding="utf-8") if args.write.exists() else ""
        args.write.write_text(splice(old, generated), encoding="utf-8")
    else:
        print(generated)


if __name__ == "__main__":
    main()
