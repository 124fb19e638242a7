"""The year's link to the register: a cluster-year's approved proposals become a draft decision.

honours knows decisions and the register, never the cycle; this module (above both) builds the
draft from the proposals the Ministry approved and ties each proposal to its line
(`Proposal.decision_line`), so a proposal is in one decision only, and a decision built from a
cluster holds only recipients of its approved list. The approval is recorded by the signature
(`Decision.sign`): the proposal's number and date are its decision's.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from thidua.cycle.models import Cycle, Proposal
from thidua.honours.models import Authority, Decision, DecisionLine, by_name
from thidua.honours.models.common import catalogue
from thidua.honours.models.decisions import AUTHORITY_LEVEL
from thidua.honours.signing import LineInput, create_draft, require_approver, sign
from thidua.org.models import User


def award_code_of(proposal: Proposal) -> str | None:
    """The national catalogue's code of the proposal's award (its name or one of its aliases:
    "Bằng khen của Bộ Công an" is the catalogue's "Bằng khen của Bộ trưởng Bộ Công an")."""
    cat = catalogue()
    for candidate in (proposal.award_code, proposal.award_name):
        try:
            return cat.resolve(candidate)
        except Exception:  # UnknownAward: try the next spelling
            continue
    return None


def achievement_ref(proposal: Proposal) -> str:
    """The achievement a cluster proposal rewards (the same key the proposal's eligibility check
    uses, thidua/cycle/outcome/eligibility.py), so "one achievement, one reward" holds across years."""
    cluster = proposal.cycle.cluster
    return f"thi-dua:{cluster.year}:cum-{cluster.number}:{proposal.unit.code}"


def _why_not(proposal: Proposal) -> str | None:
    """Why an approved proposal cannot go into a new draft (None: it can)."""
    line = proposal.decision_line
    if line is None:
        return None
    decision = line.decision
    if decision.state == Decision.State.DRAFT:
        return f"đã có trong dự thảo quyết định “{decision.summary}” (dòng {line.position})"
    if line.revoked:
        return (
            f"đã được khen thưởng tại Quyết định số {decision.number} và đã bị hủy bỏ: không "
            "ký lại khen thưởng đã hủy bỏ"
        )
    return f"đã được khen thưởng tại Quyết định số {decision.number} ngày {decision.date:%d/%m/%Y}"


def approved(cycle: Cycle, authority: str | None = None) -> list[Proposal]:
    """The cycle's approved proposals, with their catalogue code (`code`) and, when they cannot
    go into a new draft, why (`why_not`); only those the authority confers when it is given."""
    level = AUTHORITY_LEVEL[Authority(authority)] if authority else None
    rows = list(
        Proposal.objects.filter(cycle=cycle, state=Proposal.State.APPROVED)
        .select_related("unit", "person", "cycle__cluster", "decision_line__decision")
        .select_related("decision_line__commendation")
        .order_by("rank", by_name("person"), "pk")
    )
    cat = catalogue()
    out = []
    for p in rows:
        p.code = award_code_of(p)
        if level and (p.code is None or cat.get(p.code).issuer != level):
            continue
        p.why_not = _why_not(p)
        out.append(p)
    return out


def authorities_of(cycle: Cycle) -> list[str]:
    """The authorities whose forms the cycle's approved proposals ask for (BCA before TTg)."""
    cat = catalogue()
    levels = {cat.get(p.code).issuer for p in approved(cycle) if p.code}
    return [a for a in Authority.values if AUTHORITY_LEVEL[Authority(a)] in levels]


def _summary(rows: list[Proposal], cycle: Cycle) -> str:
    names = []
    for p in rows:
        name = catalogue().name(p.code)
        if name not in names:
            names.append(name)
    cluster = cycle.cluster
    return (
        f"Về việc tặng {', '.join(names)} cho các tập thể, cá nhân thuộc {cluster.title} "
        f"đã có thành tích xuất sắc trong phong trào thi đua “Vì an ninh Tổ quốc” năm {cluster.year}"
    )


@transaction.atomic
def draft_from_cycle(
    cycle: Cycle,
    *,
    by: User | None,
    authority: str = Authority.BCA,
    proposal_ids: Iterable[int] | None = None,
    signer_name: str = "",
    illustrative: bool = False,
    legal_basis: str | None = None,
) -> Decision:
    """A draft decision of `authority` from the cycle's approved proposals (all that the authority
    confers and that are in no decision yet, or those chosen). A proposal not in that list — not
    approved, of another cluster-year, already in a decision, or revoked — is refused by name."""
    if by is not None:
        require_approver(by, "lập dự thảo quyết định khen thưởng")
    if authority not in Authority.values:
        raise ValidationError({"authority": "Chọn cơ quan ban hành quyết định."})
    available = approved(cycle, authority)
    if proposal_ids is None:
        chosen = [p for p in available if p.why_not is None]
    else:
        wanted = list(dict.fromkeys(int(i) for i in proposal_ids))
        by_pk = {p.pk: p for p in available}
        problems = []
        for pk in wanted:
            p = by_pk.get(pk)
            if p is None:
                other = Proposal.objects.filter(pk=pk).select_related("unit", "person").first()
                name = str(other) if other is not None else f"Đề nghị số {pk}"
                problems.append(
                    f"{name}: không có trong danh sách đề nghị đã được Bộ phê duyệt của "
                    f"{cycle.cluster.title} năm {cycle.cluster.year} thuộc thẩm quyền "
                    f"{Authority(authority).label}."
                )
            elif p.why_not:
                problems.append(f"{p}: {p.why_not}.")
        if problems:
            raise ValidationError({"proposals": problems})
        chosen = [by_pk[pk] for pk in wanted]
    if not chosen:
        raise ValidationError(
            {
                "proposals": f"{cycle.cluster.title} năm {cycle.cluster.year} không còn đề nghị "
                f"đã phê duyệt nào thuộc thẩm quyền {Authority(authority).label} chưa có quyết định."
            }
        )
    decision = create_draft(
        by=by,
        authority=authority,
        summary=_summary(chosen, cycle),
        year=cycle.cluster.year,
        cluster=cycle.cluster,
        signer_name=signer_name,
        illustrative=illustrative,
        **({"legal_basis": legal_basis} if legal_basis else {}),
        lines=[
            LineInput(
                award_code=p.code,
                unit=p.unit,
                person=p.person,
                achievement=p.dossier or p.basis,
                achievement_ref=achievement_ref(p),
                leads_cluster=p.person_id is None and p.origin != "outside",
            )
            for p in chosen
        ],
    )
    lines = {line.position: line for line in DecisionLine.objects.filter(decision=decision)}
    for position, p in enumerate(chosen, start=1):
        p.decision_line = lines[position]
    Proposal.objects.bulk_update(chosen, ["decision_line"])
    return decision


def decision_of(proposal: Proposal) -> Decision | None:
    """The signed decision that records the proposal's approval (None while there is none)."""
    line = proposal.decision_line
    if line is None or line.decision.state == Decision.State.DRAFT:
        return None
    return line.decision


def conferred(proposal: Proposal) -> bool:
    """The proposal's award stands in the register by its signed decision (not revoked): its
    eligibility is no longer re-checked, or the check would count the award against itself."""
    decision = decision_of(proposal)
    return (
        decision is not None
        and decision.state == Decision.State.SIGNED
        and not proposal.decision_line.revoked
    )


def to_judge(proposals: list[Proposal]) -> list[Proposal]:
    """The proposals whose eligibility a page or the API still shows (those not yet conferred)."""
    return [p for p in proposals if not conferred(p)]


# What a page or the API loads with the proposals so that `with_decisions` reads no more rows.
DECISION_RELATED = ("decision_line__decision", "decision_line__commendation")


def with_decisions(proposals: list[Proposal], user: User) -> list[Proposal]:
    """Each proposal with the signed decision that conferred it: `signed_decision` (None while
    there is none), `decision_revoked` (the decision or the proposal's line revoked since) and
    `decision_visible` (the user may open the decision's page: one query for the whole list)."""
    for p in proposals:
        p.signed_decision = decision_of(p)
        p.decision_revoked = p.signed_decision is not None and (
            p.signed_decision.state == Decision.State.REVOKED or p.decision_line.revoked
        )
    ids = {p.signed_decision.pk for p in proposals if p.signed_decision is not None}
    visible = (
        set(Decision.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
        if ids
        else set()
    )
    for p in proposals:
        p.decision_visible = p.signed_decision is not None and p.signed_decision.pk in visible
    return proposals


# ---------------------------------------------------------------------------------------------
# Demo: the published outcome of Cluster 3 / 2021 as signed decisions (illustrative numbers)

DEMO_SIGNERS = {
    Authority.BCA: ("Người ký (minh họa)", "Bộ trưởng Bộ Công an", 401, (2022, 1, 20)),
    Authority.TTG: ("Người ký (minh họa)", "Thủ tướng Chính phủ", 320, (2022, 3, 15)),
}


# The law in force in early 2022, when the 2021 year was decided.
_LAW_2003 = (
    "Căn cứ Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003; Luật sửa đổi, bổ sung một số "
    "điều của Luật Thi đua, khen thưởng ngày 14 tháng 6 năm 2005 và ngày 16 tháng 11 năm 2013;\n"
    "Căn cứ Nghị định số 91/2017/NĐ-CP ngày 31 tháng 7 năm 2017 của Chính phủ quy định chi tiết "
    "thi hành một số điều của Luật Thi đua, khen thưởng;\n"
)
DEMO_LEGAL_BASIS = {
    Authority.BCA: _LAW_2003
    + "Căn cứ Nghị định số 01/2018/NĐ-CP ngày 06 tháng 8 năm 2018 của Chính phủ quy định chức "
    "năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của Bộ Công an;\n"
    "Theo đề nghị của Hội đồng Thi đua - Khen thưởng Bộ Công an.",
    Authority.TTG: "Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;\n"
    + _LAW_2003
    + "Xét đề nghị của Bộ trưởng Bộ Công an.",
}


def build_demo_decisions(cycle: Cycle) -> list[Decision]:
    """One signed decision per authority for the cycle's approved proposals (only once). The
    recipients are the published ones; numbers and dates are illustrative and labelled so."""
    import datetime as dt

    existing = list(Decision.objects.filter(cluster=cycle.cluster))
    if existing:
        return existing
    signer = User.objects.filter(role=User.Role.MINISTRY_APPROVER).order_by("pk").first()
    made = []
    with transaction.atomic():
        for authority in authorities_of(cycle):
            name, title, seq, day = DEMO_SIGNERS.get(
                Authority(authority), ("", "", 1, (cycle.cluster.year + 1, 1, 20))
            )
            decision = draft_from_cycle(
                cycle,
                by=signer,
                authority=authority,
                signer_name=name,
                illustrative=True,
                legal_basis=DEMO_LEGAL_BASIS[Authority(authority)],
            )
            decision.signer_title = title or decision.signer_title
            decision.save(update_fields=["signer_title"])
            sign(decision, by=signer, seq=seq, date=dt.date(*day))
            made.append(decision)
    return made
