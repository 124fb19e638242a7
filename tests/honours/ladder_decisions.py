"""Permission ladder of the decision pages (/quyet-dinh-khen-thuong/), on the demo's signed
Ministry decision for Cluster 3 / 2021: its recipients (officer_a's Bắc Giang, the inspector's
Quảng Ninh, the viewer's Thái Nguyên) and the cluster's secretariat read it; the officer of
another cluster does not see it (404); only the Ministry approver drafts, signs and revokes."""

from __future__ import annotations

from tests.ladder import CAST, OK, Entry


def expect(*values) -> dict:
    return dict(zip(CAST, values, strict=True))


#                 anon  a    b    secr insp appr view
EVERYONE = expect(302, 200, 200, 200, 200, 200, 200)
READERS = expect(302, 200, 404, 200, 200, 200, 200)
APPROVER_PAGE = expect(302, 403, 404, 403, 403, 200, 403)
APPROVER_ACTS = expect(302, 403, 404, 403, 403, OK, 403)


def _decision(world):
    """The demo's signed Ministry decision (made here once per test, as load_demo makes it)."""
    from thidua.cycle.outcome.decisions import build_demo_decisions

    return next(d for d in build_demo_decisions(world.cycle2021) if d.authority == "BCA")


def decision(world) -> list:
    return [_decision(world).pk]


def line(world) -> list:
    d = _decision(world)
    return [d.pk, d.lines.get(unit__code="bac-giang").pk]


def revocation(world) -> dict:
    return {
        "version": 1,
        "decision_no": "99/QĐ-BCA",
        "decision_date": "01/06/2022",
        "ground": "gian_doi_ke_khai",
        "reason": "Kiểm tra quyền",
    }


ENTRIES = [
    Entry("decision_list", EVERYONE),
    Entry("decision_detail", READERS, args=decision),
    Entry("decision_document", READERS, args=lambda w: [*decision(w), "pdf"]),
    Entry("decision_sign", APPROVER_PAGE, args=decision),
    Entry(
        "decision_sign",
        APPROVER_ACTS,
        args=decision,
        method="post",
        data=lambda w: {"seq": 402, "date": "21/01/2022", "signer_name": "A", "version": 1},
    ),
    Entry("decision_revoke", APPROVER_PAGE, args=decision),
    Entry("decision_revoke", APPROVER_ACTS, args=decision, method="post", data=revocation),
    Entry("decision_line_revoke", APPROVER_PAGE, args=line),
    Entry("decision_line_revoke", APPROVER_ACTS, args=line, method="post", data=revocation),
    Entry("decision_draft", APPROVER_PAGE, args=lambda w: [2021, 3]),
    Entry(
        "decision_draft",
        APPROVER_ACTS,
        args=lambda w: [2021, 3],
        method="post",
        data=lambda w: {"authority": "BCA"},
    ),
]
