"""Commendation records, the minimal personnel record behind individual titles, and the rule-set
versions the Ministry publishes.

Every change is a model method that checks who acts, validates, saves and writes an audit row in
one transaction (DESIGN §4.3). Personal data belongs to the officer's unit line: the unit of the
officer's current posting, the units merged into it and the units it was merged into.
"""

from thidua.honours.models.commendations import Attachment, Commendation, attachment_path
from thidua.honours.models.common import (
    DISCIPLINE_FORMS,
    INITIATIVE_KIND_CHOICES,
    REVOCATION_GROUNDS,
    YEAR_MAX,
    YEAR_MIN,
    RatingLevel,
    Scope,
    award_choices,
    award_name,
    line_ids,
    may_edit_for,
    may_edit_somewhere,
    require_edit,
    sees_people_of,
    user_line_ids,
    user_write_ids,
)
from thidua.honours.models.decisions import Authority, Decision, DecisionLine
from thidua.honours.models.people import (
    Discipline,
    Initiative,
    Person,
    PersonRating,
    Posting,
    UnitRating,
    by_name,
)
from thidua.honours.models.rosters import UnitYearRoster
from thidua.honours.models.rules import RuleSetVersion

__all__ = [
    "DISCIPLINE_FORMS",
    "INITIATIVE_KIND_CHOICES",
    "REVOCATION_GROUNDS",
    "YEAR_MAX",
    "YEAR_MIN",
    "Attachment",
    "Authority",
    "Commendation",
    "Decision",
    "DecisionLine",
    "Discipline",
    "Initiative",
    "Person",
    "PersonRating",
    "Posting",
    "RatingLevel",
    "RuleSetVersion",
    "Scope",
    "UnitRating",
    "UnitYearRoster",
    "attachment_path",
    "award_choices",
    "award_name",
    "by_name",
    "line_ids",
    "may_edit_for",
    "may_edit_somewhere",
    "require_edit",
    "sees_people_of",
    "user_line_ids",
    "user_write_ids",
]
