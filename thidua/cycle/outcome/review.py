"""The steps of proposals outside the cluster's ranking and of the Ministry's council review.

- A unit proposes its individual titles (Chiến sĩ thi đua cơ sở, Bằng khen của Bộ trưởng…) and a
  unit or the cluster proposes state and Government awards with their dossier (Huân chương Chiến
  công with its class, Bằng khen của Thủ tướng, Anh hùng LLVT nhân dân); each is checked by the
  eligibility engine and the year's quota rules before it leaves the unit.
- Each member of the Ministry's council records an opinion per proposal; the approver decides
  many items at once (one confirmation), and may return one item alone with its reason; the
  cluster answers a returned item with a note and files.

Every step is one transaction, audited; a refusal is a Vietnamese message and writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from thidua.audit.log import record as audit
from thidua.audit.log import snapshot
from thidua.cycle import workflow
from thidua.cycle.models import (
    AnswerFile,
    Council,
    CouncilMember,
    Cycle,
    Evidence,
    Opinion,
    Proposal,
    ReturnAnswer,
)
from thidua.cycle.outcome import review_checks as checks
from thidua.engine.eligibility_rules import reference_date
from thidua.engine.text import normalize
from thidua.honours.models import Person
from thidua.lib.workflow import WorkflowError
from thidua.org.models import Unit, User

MAX_FILES = 5
DECISIONS = {"approve": "phê duyệt", "return": "trả lại", "reject": "không phê duyệt"}


# -- proposing outside the ranking -----------------------------------------------------------------


def may_propose_for(cycle: Cycle, user: User, unit: Unit, *, individual: bool) -> bool:
    """A unit proposes for itself (its officers); the cluster's secretariat also proposes a member
    unit's collective awards outside the ranking. Read-only and inspector accounts never propose."""
    if unit.pk not in cycle.member_ids():
        return False
    own = user.unit_id == unit.pk and user.role in (User.Role.UNIT_OFFICER, User.Role.SECRETARIAT)
    return own or (not individual and user.is_secretariat_of(cycle.cluster))


def _in_roster(person: Person, unit: Unit, year: int) -> bool:
    from thidua.honours.eligibility import roster

    return person.pk in roster(unit, reference_date(year))


@transaction.atomic
def propose(
    cycle: Cycle,
    *,
    by: User,
    unit: Unit,
    award: str,
    award_class: str = "",
    person: Person | None = None,
    dossier: str,
) -> Proposal:
    """A proposal outside the ranking: an individual of `unit`, or `unit` itself (outside award)."""
    if not may_propose_for(cycle, by, unit, individual=person is not None):
        raise PermissionDenied("Đơn vị chỉ đề nghị khen thưởng cho cán bộ, tập thể của mình.")
    cycle.require_stage(Cycle.Stage.PROPOSALS, action="đề nghị khen thưởng")
    year = cycle.cluster.year
    errors: dict[str, str] = {}
    dossier = normalize(dossier)
    if not dossier:
        errors["dossier"] = "Phải nêu tóm tắt thành tích (hồ sơ đề nghị)."
    if person is not None and not _in_roster(person, unit, year):
        errors["person"] = (
            f"{person.full_name} không công tác tại {unit.short_name} vào ngày xét "
            f"{reference_date(year):%d/%m/%Y}."
        )
    recipient = "ca_nhan" if person is not None else "tap_the"
    try:
        code, name = checks.resolve_award(award, award_class, recipient)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
        code = name = ""
    if errors:
        raise ValidationError(errors)
    live = Proposal.objects.filter(cycle=cycle, award_code=code, state__in=checks.LIVE)
    if live.filter(unit=unit, person=person).exists():
        whom = person.full_name if person else unit.short_name
        raise ValidationError({"award": f"{whom} đã có đề nghị “{name}” năm {year}."})
    proposal = Proposal(
        cycle=cycle,
        unit=unit,
        person=person,
        award_code=code,
        award_name=name,
        dossier=dossier,
        origin=Proposal.Origin.UNIT if person else Proposal.Origin.OUTSIDE,
        basis=f"{unit.short_name} đề nghị: {dossier}",
    )
    verdict = checks.verdicts([proposal])[proposal.pk]
    refused = checks.refusal(proposal, verdict)
    if refused:
        raise ValidationError({"award": refused})
    over = checks.quota_report(cycle, extra=proposal).refused.get(0)
    if over:
        raise ValidationError({"award": over})
    proposal.save()
    audit(actor=by, action="create", obj=proposal, after=snapshot(proposal))
    return proposal


# -- the council ------------------------------------------------------------------------------------


def council_seat(user: User) -> CouncilMember | None:
    council = Council.current()
    if council is None or not user.is_authenticated:
        return None
    return council.members.filter(user=user).first()


@transaction.atomic
def record_opinion(proposal: Proposal, *, by: User, stance: str, text: str = "") -> Opinion:
    seat = council_seat(by)
    if seat is None:
        raise PermissionDenied(
            "Chỉ thành viên Hội đồng Thi đua – Khen thưởng được ghi ý kiến về đề nghị."
        )
    proposal.cycle.require_stage(Cycle.Stage.APPROVAL, action="ghi ý kiến Hội đồng")
    if proposal.state != Proposal.State.SUBMITTED:
        raise WorkflowError("Chỉ ghi ý kiến về đề nghị đang chờ Bộ xét duyệt.")
    if stance not in Opinion.Stance.values:
        raise ValidationError({"stance": "Chọn Đồng ý, Không đồng ý hoặc Ý kiến khác."})
    text = normalize(text)
    if stance != Opinion.Stance.AGREE and not text:
        raise ValidationError({"text": "Không đồng ý hoặc ý kiến khác thì phải nêu nội dung."})
    opinion = Opinion.objects.filter(proposal=proposal, member=seat).first()
    before = snapshot(opinion, ["stance", "text"]) if opinion else None
    if opinion is None:
        opinion = Opinion(proposal=proposal, member=seat)
    opinion.stance, opinion.text = stance, text
    opinion.save()
    audit(
        actor=by,
        action="opinion",
        obj=opinion,
        before=before,
        after={**snapshot(opinion, ["stance", "text"]), "proposal": proposal.pk},
    )
    return opinion


def opinion_gap(proposal: Proposal, council: Council | None) -> str | None:
    """What the council still owes before this proposal may be approved (None: nothing)."""
    if council is None:
        return None
    opinions = [o for o in proposal.opinions.all() if o.member.council_id == council.pk]
    missing = []
    if len(opinions) < council.opinions_needed:
        missing.append(f"mới có {len(opinions)}/{council.opinions_needed} ý kiến của Hội đồng")
    chair = CouncilMember.Role.CHAIR
    if council.chair_must_opine and not any(o.member.role == chair for o in opinions):
        missing.append("chưa có ý kiến của Chủ tịch Hội đồng")
    return f"{checks.who(proposal)}: {', '.join(missing)}." if missing else None


@transaction.atomic
def decide_many(
    cycle: Cycle,
    *,
    by: User,
    ids: Sequence[int],
    decision: str,
    reason: str = "",
    versions: dict[int, int] | None = None,
) -> int:
    """The approver's decision on many items at once (all or nothing). Approving needs the
    council's opinions, eligibility and the quotas; returning or rejecting needs a reason."""
    cycle.require_step(workflow.DECIDE, by)
    if decision not in DECISIONS:
        raise ValidationError({"decision": "Chọn phê duyệt, trả lại hoặc không phê duyệt."})
    if not ids:
        raise ValidationError({"proposals": "Chọn ít nhất một đề nghị."})
    reason = normalize(reason)
    if decision != "approve" and not reason:
        raise ValidationError({"reason": "Trả lại hoặc không phê duyệt thì phải nêu lý do."})
    found = {
        p.pk: p
        for p in Proposal.objects.filter(cycle=cycle, pk__in=set(ids))
        .select_related("unit", "person", "cycle__cluster")
        .prefetch_related("opinions__member")
    }
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        raise ValidationError(
            {"proposals": f"Không có đề nghị số {', '.join(missing)} trong năm thi đua này."}
        )
    chosen = [found[pk] for pk in dict.fromkeys(ids)]
    problems = [
        f"{checks.who(p)} — {p.award_name}: không ở trạng thái chờ Bộ xét duyệt "
        f"({p.get_state_display()})."
        for p in chosen
        if p.state != Proposal.State.SUBMITTED
    ]
    if decision == "approve" and not problems:
        council = Council.current()
        problems += [gap for p in chosen if (gap := opinion_gap(p, council))]
        judged = checks.verdicts(chosen)
        problems += [r for p in chosen if (r := checks.refusal(p, judged[p.pk]))]
        over = checks.quota_report(cycle).refused
        problems += [over[p.pk] for p in chosen if p.pk in over]
    if problems:
        raise ValidationError({"proposals": problems})
    versions = versions or {}
    for p in chosen:
        p.decide(by=by, decision=decision, reason=reason, expected_version=versions.get(p.pk))
    return len(chosen)


# -- the cluster answers a returned item -----------------------------------------------------------


@transaction.atomic
def answer_return(proposal: Proposal, *, by: User, note: str, files: Sequence = ()) -> ReturnAnswer:
    proposal.cycle.require_step(workflow.ANSWER_RETURNED, by)
    if proposal.state != Proposal.State.RETURNED:
        raise WorkflowError("Chỉ giải trình được đề nghị Bộ đã trả lại.")
    note = normalize(note)
    errors: dict[str, list[str]] = {}
    if not note:
        errors["note"] = ["Phải nêu nội dung giải trình, bổ sung."]
    if len(files) > MAX_FILES:
        errors["files"] = [f"Tối đa {MAX_FILES} tệp cho một lần giải trình."]
    checked = []
    for upload in files if len(files) <= MAX_FILES else ():
        try:
            checked.append((upload, *Evidence.check_file(upload)))
        except ValidationError as exc:
            errors.setdefault("files", []).extend(
                f"{upload.name}: {m}" for m in exc.message_dict.get("file", exc.messages)
            )
    if errors:
        raise ValidationError(errors)
    answer = ReturnAnswer.objects.create(
        proposal=proposal, note=note, return_reason=proposal.decision_reason, by=by
    )
    audit(actor=by, action="answer", obj=answer, after=snapshot(answer))
    for upload, content_type, digest in checked:
        row = AnswerFile(
            answer=answer,
            original_name=normalize(upload.name)[:200],
            content_type=content_type,
            size=upload.size,
            sha256=digest,
            uploaded_by=by,
        )
        row.file.save(upload.name, upload, save=False)
        row.save()
        audit(actor=by, action="attach", obj=row, after=snapshot(row))
    return answer
