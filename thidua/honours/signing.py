"""Drafting, signing and revoking commendation decisions (models: honours/models/decisions.py).

Signing is one transaction: the number is checked (unique per authority and year, no unexplained
gap), every line is checked against the catalogue, the register (an annual title held twice, an
achievement already rewarded or rewarded then revoked) and the eligibility engine (a recipient
the rules refuse), then one commendation record per line is written with bulk inserts and one
audit batch (record_many): a refusal writes nothing. Errors name the line and the recipient.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from thidua.audit.log import prepare, record_many, snapshot
from thidua.engine import eligibility as engine
from thidua.engine import text
from thidua.honours.models import Commendation, Person
from thidua.honours.models.common import catalogue, date_error, year_error
from thidua.honours.models.decisions import (
    AUTHORITY_LEVEL,
    AUTHORITY_SIGNER,
    Authority,
    Decision,
    DecisionLine,
)
from thidua.honours.money import cash_decree_on, fill_amounts
from thidua.lib.workflow import StaleEdit, WorkflowError
from thidua.org.models import Cluster, Unit, User

MAX_MESSAGES = 20
LAW_2022_IN_FORCE = dt.date(2024, 1, 1)
LAW_2022 = "Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022"
LAW_2003 = (
    "Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003; Luật sửa đổi, bổ sung một số điều "
    "của Luật Thi đua, khen thưởng ngày 16 tháng 11 năm 2013"
)


def default_legal_basis(day: dt.date) -> str:
    """The bases a draft decided on `day` cites by default: the law and its implementing decree in
    force that day (honours/data/base_salary.json dates the decrees), the council's proposal."""
    law = LAW_2022 if day >= LAW_2022_IN_FORCE else LAW_2003
    decree = cash_decree_on(day)
    lines = [f"Căn cứ {law};"]
    if decree is not None:
        lines.append(
            f"Căn cứ {decree.decree} của Chính phủ quy định chi tiết thi hành một số điều "
            "của Luật Thi đua, khen thưởng;"
        )
    lines.append("Theo đề nghị của Hội đồng Thi đua - Khen thưởng Bộ Công an.")
    return "\n".join(lines)


DECISION_FIELDS = ["state", "seq", "number_year", "date", "gap_reason", "signer_name"]


def require_approver(user: User, what: str = "ký quyết định khen thưởng") -> None:
    if not (user.is_superuser or user.role == User.Role.MINISTRY_APPROVER):
        raise PermissionDenied(f"Chỉ cán bộ phê duyệt của Bộ được {what}.")


@dataclass(frozen=True)
class LineInput:
    """One recipient of a draft: a unit (collective) or a person (individual, with their unit)."""

    award_code: str
    unit: Unit
    person: Person | None = None
    achievement: str = ""
    achievement_ref: str = ""
    amount: Decimal | None = None
    leads_cluster: bool = False


def line_label(position: int, name: str, award: str) -> str:
    return f"Dòng {position} ({name} — {catalogue().name(award)})"


def _raise(errors: list[str], field: str = "lines") -> None:
    if errors:
        shown = errors[:MAX_MESSAGES]
        if len(errors) > MAX_MESSAGES:
            shown.append(f"… và {len(errors) - MAX_MESSAGES} lỗi khác.")
        raise ValidationError({field: shown})


# ---------------------------------------------------------------------------------------------
# Drafting


@transaction.atomic
def create_draft(
    *,
    by: User | None,
    summary: str,
    year: int,
    lines: Sequence[LineInput],
    authority: str = Authority.BCA,
    legal_basis: str | None = None,
    signer_name: str = "",
    signer_title: str = "",
    cluster: Cluster | None = None,
    illustrative: bool = False,
) -> Decision:
    """A draft decision with its lines, checked for what can be known before signing."""
    if by is not None:
        require_approver(by, "lập dự thảo quyết định khen thưởng")
    errors: dict[str, list[str]] = {}
    if authority not in Authority.values:
        errors["authority"] = [
            "Chọn cơ quan ban hành: Bộ Công an, Thủ tướng Chính phủ, Chủ tịch nước."
        ]
    summary = text.normalize(summary)
    if not summary:
        errors["summary"] = ["Phải ghi trích yếu của quyết định."]
    if year_error(year):
        errors["year"] = [year_error(year)]
    if not lines:
        errors["lines"] = ["Quyết định phải có ít nhất một tập thể hoặc cá nhân được khen thưởng."]
    if errors:
        raise ValidationError(errors)
    decision = Decision.objects.create(
        authority=authority,
        summary=summary,
        year=year,
        legal_basis="\n".join(
            filter(
                None,
                map(
                    text.normalize,
                    (legal_basis or default_legal_basis(timezone.localdate())).splitlines(),
                ),
            )
        ),
        signer_name=text.normalize(signer_name),
        signer_title=text.normalize(signer_title) or AUTHORITY_SIGNER[Authority(authority)],
        cluster=cluster,
        illustrative=illustrative,
        created_by=by,
    )
    rows = [
        DecisionLine(
            decision=decision,
            position=i,
            recipient_kind=(
                DecisionLine.Recipient.INDIVIDUAL
                if line.person
                else DecisionLine.Recipient.COLLECTIVE
            ),
            unit=line.unit,
            person=line.person,
            award_code=line.award_code,
            amount=line.amount,
            achievement=text.normalize(line.achievement),
            achievement_ref=text.normalize(line.achievement_ref),
            leads_cluster=line.leads_cluster,
        )
        for i, line in enumerate(lines, start=1)
    ]
    _raise(_static_problems(decision, rows))
    DecisionLine.objects.bulk_create(rows, batch_size=500)
    record_many(
        [
            prepare(
                actor=by,
                action="create",
                obj=decision,
                after={**snapshot(decision), "lines": len(rows)},
            )
        ]
    )
    return decision


def _static_problems(decision: Decision, rows: Sequence[DecisionLine]) -> list[str]:
    """The catalogue and the lines themselves: every problem, each naming its line."""
    cat = catalogue()
    level = AUTHORITY_LEVEL[Authority(decision.authority)]
    problems = []
    seen: dict[tuple, int] = {}
    for row in rows:
        name = row.person.full_name if row.person is not None else row.unit.name
        label = line_label(row.position, name, row.award_code)
        if row.award_code not in cat:
            problems.append(
                f"Dòng {row.position} ({name}): hình thức “{row.award_code}” không có trong danh mục."
            )
            continue
        kind = cat.get(row.award_code)
        if row.recipient_kind not in kind.recipients:
            who = "cá nhân" if row.person is not None else "tập thể"
            problems.append(f"{label}: hình thức này không xét tặng cho {who}.")
        if kind.issuer != level:
            problems.append(
                f"{label}: hình thức này không thuộc thẩm quyền quyết định của "
                f"{Authority(decision.authority).label}."
            )
        if row.amount is not None and row.amount < 0:
            problems.append(f"{label}: tiền thưởng không được âm.")
        key = (row.person_id or None, None if row.person_id else row.unit_id, row.award_code)
        if key in seen:
            problems.append(f"{label}: trùng với dòng {seen[key]} của cùng quyết định.")
        else:
            seen[key] = row.position
        if row.person is None and not row.unit.exists_in_year(decision.year):
            problems.append(
                f"{label}: {row.unit.name} không tồn tại trong năm {decision.year} "
                f"({row.unit.period_label})."
            )
    return problems


# ---------------------------------------------------------------------------------------------
# Numbering


def _check_number(
    decision: Decision, seq: int | None, day: dt.date | None, gap_reason: str
) -> None:
    errors: dict[str, str] = {}
    if not seq or seq < 1:
        errors["seq"] = "Phải ghi số quyết định (số thứ tự trong năm, từ 1)."
    if day is None:
        errors["date"] = "Phải ghi ngày ký quyết định."
    elif date_error(day):
        errors["date"] = date_error(day)
    elif day.year < decision.year:
        errors["date"] = f"Ngày ký {day:%d/%m/%Y} trước năm thành tích {decision.year}."
    if errors:
        raise ValidationError(errors)
    same_year = Decision.objects.filter(authority=decision.authority, number_year=day.year).exclude(
        pk=decision.pk
    )
    number = Decision.format_number(seq, decision.authority)
    taken = same_year.filter(seq=seq).first()
    if taken is not None:
        raise ValidationError(
            {
                "seq": f"Số {number} năm {day.year} đã cấp cho quyết định ngày "
                f"{taken.date:%d/%m/%Y} ({taken.summary}): mỗi số chỉ cấp một lần trong năm."
            }
        )
    last = same_year.filter(seq__isnull=False).order_by("-seq").first()
    if last is None:
        return
    last_no = last.number
    if seq < last.seq:
        raise ValidationError(
            {
                "seq": f"Số {number} nhỏ hơn số cuối cùng đã cấp trong năm {day.year} "
                f"({last_no} ngày {last.date:%d/%m/%Y}): số văn bản được cấp theo thứ tự ban hành."
            }
        )
    if day < last.date:
        raise ValidationError(
            {
                "date": f"Ngày ký {day:%d/%m/%Y} trước ngày của quyết định số trước ({last_no} "
                f"ngày {last.date:%d/%m/%Y}): số và ngày văn bản phải theo cùng thứ tự."
            }
        )
    if seq > last.seq + 1 and not gap_reason:
        missing = (
            f"số {last.seq + 1}" if seq == last.seq + 2 else f"các số {last.seq + 1}–{seq - 1}"
        )
        raise ValidationError(
            {
                "seq": f"Số {number} để trống {missing} sau số cuối cùng đã cấp ({last_no} ngày "
                f"{last.date:%d/%m/%Y}): số văn bản được cấp liên tiếp trong năm (Nghị định "
                "30/2020/NĐ-CP, Điều 15). Dùng số tiếp theo, hoặc ghi lý do cách số (ví dụ: các "
                "số đó đã cấp cho văn bản khác ngoài hệ thống).",
            }
        )


def next_number(authority: str, year: int) -> int | None:
    """The number that follows the last one recorded for the authority in `year` (None: first)."""
    last = Decision.objects.filter(authority=authority, number_year=year).aggregate(m=Max("seq"))[
        "m"
    ]
    return last + 1 if last else None


# ---------------------------------------------------------------------------------------------
# Signing


def _recipients(decision: Decision) -> dict[int, engine.Person]:
    """The engine's view of every individual recipient (records, ratings, postings…), by person
    primary key, in a fixed number of queries: what the register and the eligibility checks read.
    The people are named by a subquery on the decision's lines, not a list of thousands of ids."""
    from thidua.honours.eligibility import candidates

    lines = DecisionLine.objects.filter(decision=decision, person__isnull=False)
    return candidates(Person.objects.filter(pk__in=lines.values("person_id")))


def _register_problems(
    decision: Decision, rows: Sequence[DecisionLine], people: dict[int, engine.Person]
) -> list[str]:
    """The register: an annual title already held that year, an achievement already rewarded,
    or rewarded then revoked (never re-signed). The individuals' records are those of `people`
    (loaded once for this check and the eligibility engine); the collectives' (the unit and its
    predecessors) one query."""
    cat = catalogue()
    problems = []
    held: dict[tuple, dict] = {}
    refs: dict[tuple, dict] = {}

    def remember(who: tuple, record: dict) -> None:
        if not record["revoked"]:
            held.setdefault((who, record["award_code"], record["year"]), record)
        if record["achievement_ref"]:
            refs.setdefault((who, record["achievement_ref"]), record)

    for pk, person in people.items():
        for a in person.awards:
            remember(
                ("p", pk),
                {
                    "award_code": a.code,
                    "year": a.year,
                    "decision_no": a.decision_no or "",
                    "achievement_ref": a.achievement_ref or "",
                    "revoked": a.revoked,
                    "revocation_decision_no": a.revocation_decision or "",
                },
            )
    units = {u.pk for r in rows if not r.person_id for u in r.unit.current().lineage()}
    if units:
        for c in Commendation.objects.filter(unit__in=units).values(
            "unit_id",
            "award_code",
            "year",
            "decision_no",
            "achievement_ref",
            "revoked",
            "revocation_decision_no",
        ):
            remember(("u", c["unit_id"]), c)
    for row in rows:
        whos = (
            [("p", row.person_id)]
            if row.person_id
            else [("u", pk) for pk in (u.pk for u in row.unit.current().lineage())]
        )
        label = line_label(row.position, row.recipient_name, row.award_code)
        if row.award_code in cat and cat.get(row.award_code).annual:
            twin = next(
                (held[k] for w in whos if (k := (w, row.award_code, decision.year)) in held), None
            )
            if twin is not None:
                problems.append(
                    f"{label}: đã có “{cat.name(row.award_code)}” năm {decision.year} (QĐ số "
                    f"{twin['decision_no']}); danh hiệu hằng năm chỉ tặng một lần mỗi năm."
                )
                continue
        if row.achievement_ref:
            used = next((refs[k] for w in whos if (k := (w, row.achievement_ref)) in refs), None)
            if used is not None and used["revoked"]:
                problems.append(
                    f"{label}: thành tích “{row.achievement_ref}” đã được khen thưởng tại QĐ số "
                    f"{used['decision_no']} và đã bị hủy bỏ (QĐ số {used['revocation_decision_no']}): "
                    "không ký lại khen thưởng đã hủy bỏ cho cùng thành tích."
                )
            elif used is not None:
                problems.append(
                    f"{label}: thành tích “{row.achievement_ref}” đã được khen thưởng "
                    f"“{cat.name(used['award_code'])}” (QĐ số {used['decision_no']}): mỗi thành "
                    "tích chỉ khen thưởng một lần."
                )
    return problems


def _eligibility_problems(
    decision: Decision, rows: Sequence[DecisionLine], people: dict[int, engine.Person]
) -> list[str]:
    """The eligibility engine, on the register as it stands: a recipient the rules refuse (an
    unknown verdict, e.g. missing records, does not block a decision the authority takes)."""
    from thidua.honours.eligibility import ruleset_for, unit_candidate

    problems = []
    year = decision.year
    rules = ruleset_for(year)
    cat = catalogue()
    units: dict[int, engine.Unit] = {}
    for row in rows:
        if row.person_id:
            candidate = people[row.person_id]
        else:
            candidate = units.get(row.unit_id)
            if candidate is None:
                candidate = units[row.unit_id] = unit_candidate(row.unit, year)
            if row.leads_cluster:
                candidate = dataclasses.replace(
                    candidate, leads_cluster={**candidate.leads_cluster, year: True}
                )
        try:
            verdict = engine.check(
                candidate,
                row.award_code,
                year,
                rules,
                achievement_ref=row.achievement_ref or None,
                catalogue=cat,
            )
        except engine.EligibilityError as exc:
            problems.append(
                f"{line_label(row.position, row.recipient_name, row.award_code)}: {exc}."
            )
            continue
        if verdict.eligible is False:
            reasons = "; ".join(
                f"{c.text}{' — ' + c.detail if c.detail else ''} ({c.rule_id})"
                for c in verdict.failing
            )
            problems.append(
                f"{line_label(row.position, row.recipient_name, row.award_code)}: không đủ điều kiện — "
                f"{reasons}."
            )
    return problems


def _lines_for_signing(decision: Decision) -> list[DecisionLine]:
    """The lines with their people; the units (a few dozen for thousands of lines) loaded once
    and shared rather than one instance per line."""
    return list(
        DecisionLine.objects.filter(decision=decision)
        .select_related("person")
        .prefetch_related("unit")
        .order_by("position")
    )


@transaction.atomic
def sign(
    decision: Decision,
    *,
    by: User,
    seq: int | None = None,
    date: dt.date | None = None,
    gap_reason: str = "",
    signer_name: str | None = None,
    expected_version: int | None = None,
    recheck: bool = True,
) -> Decision:
    """Sign: number and date fixed, one commendation record per line, all audited, in one go."""
    require_approver(by)
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    if locked.state == Decision.State.SIGNED:
        raise WorkflowError(
            f"Quyết định số {locked.number} đã được ký ngày {locked.date:%d/%m/%Y}: không ký lại."
        )
    if locked.state == Decision.State.REVOKED:
        raise WorkflowError(
            f"Quyết định số {locked.number} đã bị hủy bỏ: không ký lại. Lập quyết định mới nếu "
            "cần khen thưởng lại."
        )
    if expected_version is not None and locked.version != expected_version:
        raise StaleEdit("quyết định khen thưởng")
    original, decision = decision, locked
    seq = seq if seq is not None else decision.seq
    date = date or decision.date
    gap_reason = text.normalize(gap_reason or "")
    _check_number(decision, seq, date, gap_reason)
    if signer_name is not None:
        decision.signer_name = text.normalize(signer_name)
    if not decision.signer_name:
        raise ValidationError({"signer_name": "Phải ghi họ tên người ký quyết định."})
    rows = _lines_for_signing(decision)
    if not rows:
        raise ValidationError(
            {"lines": "Quyết định chưa có tập thể, cá nhân nào được khen thưởng."}
        )
    signed = [r for r in rows if r.commendation_id]
    if signed:
        raise WorkflowError(
            f"{line_label(signed[0].position, signed[0].recipient_name, signed[0].award_code)} đã có "
            "hồ sơ khen thưởng: một dòng chỉ được ký một lần."
        )
    problems = _static_problems(decision, rows)
    if not problems:
        people = _recipients(decision)
        problems = _register_problems(decision, rows, people)
        if not problems and recheck:
            problems = _eligibility_problems(decision, rows, people)
    _raise(problems)

    before = snapshot(decision, DECISION_FIELDS)
    decision.seq, decision.number_year, decision.date = seq, date.year, date
    decision.gap_reason = gap_reason
    decision.state, decision.signed_by, decision.signed_at = (
        Decision.State.SIGNED,
        by,
        timezone.now(),
    )
    decision.version += 1
    try:
        with transaction.atomic():
            decision.save(update_fields=[*DECISION_FIELDS, "signed_by", "signed_at", "version"])
    except IntegrityError:
        raise ValidationError(
            {"seq": f"Số {decision.number} năm {date.year} vừa được cấp cho quyết định khác."}
        ) from None
    # The reward of each line follows the base salary in force on the signing date (NĐ 152/2025);
    # an amount typed by hand on the draft is kept.
    fill_amounts(rows, date)
    records = _write_records(decision, rows, by)
    audits = [
        prepare(
            actor=by,
            action="sign",
            obj=decision,
            before=before,
            after={**snapshot(decision, DECISION_FIELDS), "records": len(records)},
            reason=gap_reason,
        )
    ]
    audits += [prepare(actor=by, action="create", obj=c, after=snapshot(c)) for c in records]
    record_many(audits)
    if original is not decision:
        original.refresh_from_db()
    return decision


def _write_records(
    decision: Decision, rows: Sequence[DecisionLine], by: User
) -> list[Commendation]:
    issuer = f"{decision.signer_title or AUTHORITY_SIGNER[Authority(decision.authority)]}"
    number, legal_basis, now = decision.number, decision.legal_basis[:300], timezone.now()
    records = []
    for row in rows:
        c = Commendation(
            recipient_kind=row.recipient_kind,
            person=row.person,
            unit=None if row.person_id else row.unit,
            award_code=row.award_code,
            year=decision.year,
            decision_no=number,
            decision_date=decision.date,
            issuer=issuer,
            legal_basis=legal_basis,
            achievement_ref=row.achievement_ref,
            achievement=row.achievement,
            illustrative=decision.illustrative,
            created_by=by,
            created_at=now,
        )
        records.append(c)
    Commendation.objects.bulk_create(records, batch_size=500)
    for row, c in zip(rows, records, strict=True):
        row.commendation = c
    _link(rows)
    return records


def _link(rows: Sequence[DecisionLine], batch: int = 500) -> None:
    """Each line's commendation_id and reward amount in bulk: bulk_update's CASE expression costs
    more than the records themselves. PostgreSQL: one UPDATE … FROM UNNEST of three arrays (three
    parameters whatever the number of lines); SQLite (≥ 3.33): UPDATE … FROM (VALUES …) per batch."""
    table = connection.ops.quote_name(DecisionLine._meta.db_table)
    amounts = [None if row.amount is None else str(row.amount) for row in rows]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET commendation_id = v.commendation_id, amount = v.amount "
                "FROM UNNEST(%s::bigint[], %s::bigint[], %s::numeric[]) "
                f"AS v(id, commendation_id, amount) WHERE {table}.id = v.id",
                [[row.pk for row in rows], [row.commendation_id for row in rows], amounts],
            )
        return
    for i in range(0, len(rows), batch):
        chunk = rows[i : i + batch]
        values = ", ".join(["(%s, %s, %s)"] * len(chunk))
        params = [
            v
            for row, amount in zip(chunk, amounts[i : i + batch], strict=True)
            for v in (row.pk, row.commendation_id, amount)
        ]
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET commendation_id = v.column2, amount = v.column3 "
                f"FROM (VALUES {values}) AS v WHERE {table}.id = v.column1",
                params,
            )
