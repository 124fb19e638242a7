"""Deadlines, notifications and the calendar feed in the permission ladder (Cluster 3 / 2021)."""

from __future__ import annotations

from tests.ladder import MEMBERS_SEE, OK, SECRETARIAT_ONLY, Entry, cluster3_2021

EVERYONE = {who: 200 for who in MEMBERS_SEE} | {"anonymous": 302}
EVERYONE_ACTS = {who: OK for who in MEMBERS_SEE} | {"anonymous": 302}


def note_of_officer_a(world) -> list:
    from thidua.notifications.models import Notification

    note = Notification.objects.create(recipient=world.cast.officer_a, title="Sắp đến hạn")
    return [note.pk]


def feed_of_officer_a(world) -> list:
    from thidua.notifications.models import CalendarToken

    return [CalendarToken.issue(world.cast.officer_a)]


ENTRIES = [
    Entry("national_calendar", EVERYONE),
    Entry(
        "national_calendar",
        {who: 403 for who in MEMBERS_SEE} | {"anonymous": 302, "approver": OK},
        method="post",
    ),
    Entry("cluster_deadlines", MEMBERS_SEE, args=cluster3_2021),
    Entry("cluster_deadlines", SECRETARIAT_ONLY, args=cluster3_2021, method="post"),
    Entry("notification_list", EVERYONE),
    Entry("notification_bell", EVERYONE),
    Entry("notification_read_all", EVERYONE_ACTS, method="post"),
    Entry(
        "notification_read",
        {who: 404 for who in MEMBERS_SEE} | {"anonymous": 302, "officer_a": OK},
        args=note_of_officer_a,
        method="post",
    ),
    Entry("calendar_token", EVERYONE_ACTS, method="post"),
    Entry("calendar_token_revoke", EVERYONE_ACTS, method="post"),
    # The feed is for calendar apps: the secret address is the credential, not a session.
    Entry("calendar_feed", {who: 200 for who in MEMBERS_SEE}, args=feed_of_officer_a),
]
