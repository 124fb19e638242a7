"""Forms of the plan (steps 1–4): input becomes typed, normalised values; documents are checked whole.

The method forms carry `token` (see models.plan.method_token) instead of an integer version; the
covenant, registration and drive forms carry the record's `version` (0: "there was none").

The forms live in four modules: :mod:`.common` (dates, numbers, the method form every change
carries), :mod:`.method` (uploaded documents, targets, vote rules), :mod:`.scale` (building the
scale in the page) and :mod:`.records` (covenant, registrations, drives).
"""

from thidua.cycle.plan.forms.common import MethodForm, json_number
from thidua.cycle.plan.forms.method import (
    MethodUploadForm,
    RulesForm,
    TargetsForm,
    located,
    target_criteria,
    target_table,
    vote_fraction,
)
from thidua.cycle.plan.forms.records import CovenantForm, DriveForm, RegistrationForm
from thidua.cycle.plan.forms.scale import (
    NEW_KINDS,
    CriterionDeleteForm,
    CriterionEditForm,
    CriterionNewForm,
    criterion_path,
    group_index,
    recount,
)

__all__ = [
    "NEW_KINDS",
    "CovenantForm",
    "CriterionDeleteForm",
    "CriterionEditForm",
    "CriterionNewForm",
    "DriveForm",
    "MethodForm",
    "MethodUploadForm",
    "RegistrationForm",
    "RulesForm",
    "TargetsForm",
    "criterion_path",
    "group_index",
    "json_number",
    "located",
    "recount",
    "target_criteria",
    "target_table",
    "vote_fraction",
]
