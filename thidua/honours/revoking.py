"""Revoking a signed decision, or one line of it (Law 2022, ch. VII): the records it wrote stay in
the register, marked revoked with the revocation decision, ground and reason, and no longer count
for later years' eligibility. One transaction, one audit batch, like signing (signing.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from thidua.audit.log import prepare, record_many, snapshot
from thidua.engine import text
from thidua.honours.models import REVOCATION_GROUNDS, Commendation
from thidua.honours.models.decisions import Decision, DecisionLine
from thidua.honours.signing import line_label, require_approver
from thidua.lib.workflow import WorkflowError
from thidua.org.models import User


def _revocation_input(
    decision: Decision, decision_no: str, decision_date: dt.date | None, ground: str, reason: str
) -> tuple[str, str]:
    reason, decision_no = text.normalize(reason or ""), text.normalize(decision_no or "")
    errors = {}
    if not decision_no:
        errors["decision_no"] = "Phải ghi số quyết định hủy bỏ, thu hồi."
    if decision_date is None:
        errors["decision_date"] = "Phải ghi ngày quyết định hủy bỏ."
    elif decision.date and decision_date < decision.date:
        errors["decision_date"] = (
            f"Ngày hủy bỏ {decision_date:%d/%m/%Y} trước ngày ký quyết định ({decision.date:%d/%m/%Y})."
        )
    if ground not in dict(REVOCATION_GROUNDS):
        errors["ground"] = "Chọn căn cứ hủy bỏ theo Luật Thi đua, khen thưởng."
    if not reason:
        errors["reason"] = "Phải nêu lý do hủy bỏ, thu hồi."
    if errors:
        raise ValidationError(errors)
    return decision_no, reason


REVOKE_FIELDS = [
    "revoked",
    "revocation_decision_no",
    "revocation_date",
    "revocation_ground",
    "revocation_reason",
    "revoked_by",
]


def _revoke_records(
    records: Iterable[Commendation], by: User, no: str, day: dt.date, ground: str, reason: str
) -> list:
    audits = []
    changed = []
    for c in records:
        if c.revoked:
            continue
        before = snapshot(c, REVOKE_FIELDS)
        c.revoked, c.revocation_decision_no, c.revocation_date = True, no, day
        c.revocation_ground, c.revocation_reason, c.revoked_by = ground, reason, by
        c.version += 1
        changed.append(c)
        audits.append(
            prepare(
                actor=by,
                action="revoke",
                obj=c,
                before=before,
                after=snapshot(c, REVOKE_FIELDS),
                reason=reason,
            )
        )
    Commendation.objects.bulk_update(changed, [*REVOKE_FIELDS, "version"], batch_size=500)
    return audits


@transaction.atomic
def revoke_decision(
    decision: Decision,
    *,
    by: User,
    decision_no: str,
    decision_date: dt.date | None,
    ground: str,
    reason: str,
) -> Decision:
    """Hủy bỏ the whole decision: every record it wrote is revoked with the reason (Law 2022,
    ch. VII); the records stay, marked, and no longer count for later years."""
    require_approver(by, "hủy bỏ quyết định khen thưởng")
    original, decision = decision, Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.state == Decision.State.DRAFT:
        raise WorkflowError("Quyết định chưa ký: dự thảo không cần hủy bỏ.")
    if decision.state == Decision.State.REVOKED:
        raise WorkflowError(f"Quyết định số {decision.number} đã bị hủy bỏ trước đó.")
    no, reason = _revocation_input(decision, decision_no, decision_date, ground, reason)
    fields = [
        "state",
        "revocation_decision_no",
        "revocation_date",
        "revocation_ground",
        "revocation_reason",
        "revoked_by",
    ]
    before = snapshot(decision, fields)
    decision.state = Decision.State.REVOKED
    decision.revocation_decision_no, decision.revocation_date = no, decision_date
    decision.revocation_ground, decision.revocation_reason, decision.revoked_by = ground, reason, by
    decision.version += 1
    decision.save(update_fields=[*fields, "version"])
    records = Commendation.objects.filter(decision_line__decision=decision).select_related(
        "person", "unit"
    )
    audits = [
        prepare(
            actor=by,
            action="revoke",
            obj=decision,
            before=before,
            after=snapshot(decision, fields),
            reason=reason,
        )
    ]
    audits += _revoke_records(records, by, no, decision_date, ground, reason)
    record_many(audits)
    original.refresh_from_db()
    return decision


@transaction.atomic
def revoke_line(
    line: DecisionLine,
    *,
    by: User,
    decision_no: str,
    decision_date: dt.date | None,
    ground: str,
    reason: str,
) -> None:
    """Hủy bỏ one line: its record is revoked with the reason; the decision stays signed."""
    require_approver(by, "hủy bỏ khen thưởng")
    line = (
        DecisionLine.objects.select_for_update(of=("self",))
        .select_related("decision", "commendation__person", "commendation__unit")
        .get(pk=line.pk)
    )
    if line.decision.state == Decision.State.DRAFT or line.commendation is None:
        raise WorkflowError("Quyết định chưa ký: bỏ dòng khỏi dự thảo thay vì hủy bỏ.")
    label = line_label(line.position, line.recipient_name, line.award_code)
    if line.commendation.revoked:
        raise WorkflowError(f"{label} đã bị hủy bỏ trước đó.")
    no, reason = _revocation_input(line.decision, decision_no, decision_date, ground, reason)
    record_many(_revoke_records([line.commendation], by, no, decision_date, ground, reason))
