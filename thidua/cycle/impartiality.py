"""Nobody judges their own unit (rule 22): who decides a matter that concerns a member unit.

One place for the rule, read by the model steps (`Inspection.may_score`, `Dispute.record_resolution`), the
access helpers that decide what the pages and the API offer, and the pages' sentences:

- No user, whatever the role (the cluster secretariat and an administrator with a unit included),
  scores, submits or reads for editing the inspection **of their own unit**, nor resolves a dispute
  **raised by (about) their own unit**. "Own" follows the unit's line: an officer of a unit merged
  into another is concerned by the successor's matters, and the successor's by its predecessors'.
- The secretariat (Thường trực Cụm, the leader unit) decides the cluster's matters. When a matter
  concerns the leader unit itself, the decision passes to the deputy unit (Cụm phó: its
  secretariat account), and if the cluster has no deputy, or the deputy is concerned too, to the
  Ministry (its approvers).
"""

from __future__ import annotations

from dataclasses import dataclass

from thidua.org.models import Cluster, Unit, User

SECRETARIAT, DEPUTY, MINISTRY = "secretariat", "deputy", "ministry"


def _line(unit: Unit) -> set[int]:
    """A unit, the units merged into it and the units it was merged into."""
    return {u.pk for u in unit.lineage()} | {u.pk for u in unit.successors()}


def unit_concerns(judge: Unit | None, unit: Unit) -> bool:
    """Whether a matter of `unit` is a matter of `judge` (the same unit, through mergers too)."""
    if judge is None:
        return False
    return judge.pk == unit.pk or unit.pk in _line(judge)


def concerns(user: User, unit: Unit) -> bool:
    """Whether `unit` is the user's own unit (or in its line): such a user never judges it."""
    return unit_concerns(user.unit if user.unit_id else None, unit)


@dataclass(frozen=True)
class Arbiter:
    """Who decides a matter concerning a unit: the secretariat, the deputy unit or the Ministry."""

    kind: str
    unit: Unit | None  # the deciding unit (None for the Ministry)
    words: str = "Cụm"  # the group's kind word: "Khối" in a block (Cluster.kind_word)

    @property
    def handed_over(self) -> bool:
        return self.kind != SECRETARIAT

    @property
    def label(self) -> str:
        if self.kind == SECRETARIAT:
            return f"Thường trực {self.words}"
        if self.kind == DEPUTY:
            return f"đơn vị {self.words} phó ({self.unit.short_name})"
        return "Bộ Công an (cán bộ phê duyệt của Bộ)"


def arbiter_for(cluster: Cluster, unit: Unit) -> Arbiter:
    """The secretariat, unless the matter concerns the leader unit: then the deputy unit, unless
    there is none or it is concerned too: then the Ministry."""
    leader, deputy = cluster.leader, cluster.deputy
    if leader is not None and not unit_concerns(leader, unit):
        return Arbiter(SECRETARIAT, leader, cluster.kind_word)
    if deputy is not None and not unit_concerns(deputy, unit):
        return Arbiter(DEPUTY, deputy, cluster.kind_word)
    return Arbiter(MINISTRY, None, cluster.kind_word)


def is_arbiter(user: User, arbiter: Arbiter, cluster: Cluster) -> bool:
    if arbiter.kind == SECRETARIAT:
        return user.is_secretariat_of(cluster)
    if arbiter.kind == DEPUTY:
        return user.is_superuser or (
            user.role == User.Role.SECRETARIAT
            and user.unit_id is not None
            and unit_concerns(user.unit, arbiter.unit)
        )
    return user.is_superuser or user.role == User.Role.MINISTRY_APPROVER


def may_decide_for(user: User, cluster: Cluster, unit: Unit) -> bool:
    """Whether the user decides this cluster's matters concerning `unit` (never their own)."""
    if concerns(user, unit):
        return False
    return is_arbiter(user, arbiter_for(cluster, unit), cluster)


def handover_sentence(cluster: Cluster, unit: Unit, action: str) -> str:
    """The page's sentence where the action would be, when the secretariat may not take it."""
    arbiter = arbiter_for(cluster, unit)
    if not arbiter.handed_over:
        return ""
    return (
        f"{unit.short_name} là đơn vị {cluster.leader_word}: theo nguyên tắc không ai tự chấm, tự "
        f"xét đơn vị mình, Thường trực {cluster.kind_word} không {action}; việc này do "
        f"{arbiter.label} thực hiện."
    )


OWN_UNIT_INSPECTION = (
    "Đây là kết quả kiểm tra chéo của chính đơn vị bạn: không ai được chấm, sửa hay gửi kết quả "
    "kiểm tra đơn vị mình."
)
OWN_UNIT_DRAFT = (
    "Kết quả kiểm tra chéo của đơn vị bạn đang được đoàn chấm: đơn vị chỉ xem được khi đoàn đã "
    "gửi kết quả."
)
OWN_UNIT_DISPUTE = (
    "Đây là khiếu nại của chính đơn vị bạn: không ai được giải quyết khiếu nại của đơn vị mình."
)
