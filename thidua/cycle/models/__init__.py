"""One emulation year of one cluster, from plan to handover (see DESIGN.md §1)."""

from thidua.cycle.models.cycle import Cycle, MethodVersion
from thidua.cycle.models.inspection import Dispute, Inspection, InspectionTeam
from thidua.cycle.models.outcome import Proposal, Ranking, RankingEntry
from thidua.cycle.models.plan import Covenant, CovenantSignature, Drive, Registration
from thidua.cycle.models.reading import ReportReading
from thidua.cycle.models.results import Evidence, ResultSheet, ScoreSheet
from thidua.cycle.models.review import AnswerFile, Council, CouncilMember, Opinion, ReturnAnswer
from thidua.cycle.models.vote import Ballot, HonourVote, VoterRecord

__all__ = [
    "AnswerFile",
    "Ballot",
    "Council",
    "CouncilMember",
    "Covenant",
    "CovenantSignature",
    "Cycle",
    "Dispute",
    "Drive",
    "Evidence",
    "HonourVote",
    "Inspection",
    "InspectionTeam",
    "MethodVersion",
    "Opinion",
    "Proposal",
    "Ranking",
    "RankingEntry",
    "Registration",
    "ReportReading",
    "ResultSheet",
    "ReturnAnswer",
    "ScoreSheet",
    "VoterRecord",
]
