"""Permission ladder of the Excel exchange, on the closed Cluster 3 / 2021 year.

Bắc Giang's results: anyone who may read its sheet (the unit, the secretariat, the Ministry: least
privilege, tests/cycle/ladder_results.py) downloads its template filled with its figures; the
others get 404; only its own officer may upload (the closed year then sends them back to the
sheet, 302). Targets: the secretariat (and the
Ministry, for the template). Exports: everyone who sees the page they export.
"""

from tests.cycle.ladder_results import OWN_UNIT_SEES
from tests.ladder import MEMBERS_SEE, OK, Entry, cluster3_2021

WHO = ("anonymous", "officer_a", "officer_b", "secretariat", "inspector", "approver", "viewer")
ONLY_OWN_OFFICER = dict(zip(WHO, (302, OK, 404, 403, 404, 403, 404), strict=True))
SECRETARIAT_MINISTRY = dict(zip(WHO, (302, 403, 404, 200, 403, 200, 403), strict=True))
ONLY_SECRETARIAT = dict(zip(WHO, (302, 403, 404, OK, 403, 403, 403), strict=True))


def bac_giang(world) -> list:
    return [2021, 3, "bac-giang"]


ENTRIES = [
    Entry("cycle_excel_results_template", OWN_UNIT_SEES, args=bac_giang),
    Entry("cycle_excel_results_upload", ONLY_OWN_OFFICER, args=bac_giang),
    Entry("cycle_excel_results_upload", ONLY_OWN_OFFICER, args=bac_giang, method="post"),
    Entry("cycle_excel_targets_template", SECRETARIAT_MINISTRY, args=cluster3_2021),
    Entry("cycle_excel_targets_upload", ONLY_SECRETARIAT, args=cluster3_2021),
    Entry("cycle_excel_targets_upload", ONLY_SECRETARIAT, args=cluster3_2021, method="post"),
    Entry("cycle_excel_scale", MEMBERS_SEE, args=cluster3_2021),
    Entry("cycle_excel_scale_template", MEMBERS_SEE, args=cluster3_2021),
    Entry("cycle_excel_scale_upload", ONLY_SECRETARIAT, args=cluster3_2021),
    Entry("cycle_excel_scale_upload", ONLY_SECRETARIAT, args=cluster3_2021, method="post"),
    Entry("cycle_excel_ranking", MEMBERS_SEE, args=cluster3_2021),
    Entry("cycle_excel_results_list", MEMBERS_SEE, args=cluster3_2021),
    Entry("cycle_excel_registrations", MEMBERS_SEE, args=cluster3_2021),
    Entry("cycle_excel_teams", MEMBERS_SEE, args=cluster3_2021),
    Entry("cycle_excel_disputes", MEMBERS_SEE, args=cluster3_2021),
    Entry("cycle_excel_proposals", MEMBERS_SEE, args=cluster3_2021),
    Entry("cycle_excel_drives", MEMBERS_SEE, args=cluster3_2021),
]
