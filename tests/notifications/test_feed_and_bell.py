"""The personal calendar feed (RFC 5545, parsed by an independent library) and the bell."""

from __future__ import annotations

import re

import icalendar
import pytest
from django.test import Client

from tests.notifications.conftest import national
from thidua.audit.models import AuditRecord
from thidua.notifications.ical import Event, fold, render
from thidua.notifications.models import CalendarToken, ClusterDeadline, Notification
from thidua.notifications.reminders import send_reminders

pytestmark = pytest.mark.django_db


def client_for(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def feed_url(user) -> str:
    page = client_for(user).post("/lich/dia-chi/").content.decode()
    found = re.search(r'value="(http://testserver/lich/[^"]+\.ics)"', page)
    return found.group(1).removeprefix("http://testserver")


def test_the_feed_is_fetched_without_a_session_and_parses_as_icalendar(y25):
    national(2025, in_progress=y25.days(10), inspection=y25.days(40), approval=y25.days(90))
    ClusterDeadline.objects.create(cycle=y25.cycle, stage="in_progress", due=y25.days(5))
    url = feed_url(y25.late_officer)
    response = Client().get(url)  # a calendar app: no cookie, no login
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    raw = response.content
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    calendar = icalendar.Calendar.from_ical(raw)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    events = calendar.walk("VEVENT")
    by_uid = {str(e["UID"]): e for e in events}
    # The unit officer answers for reporting results (not inspection, not approval).
    uid = f"thidua-{y25.cycle.pk}-in_progress@testserver"
    assert list(by_uid) == [uid]
    event = by_uid[uid]
    assert event["DTSTART"].dt == y25.days(5)  # the cluster's earlier day is the one in force
    assert event["DTSTART"].params["VALUE"] == "DATE"
    assert event["DTEND"].dt == y25.days(6)
    assert event["DTSTAMP"].dt.tzinfo is not None
    assert str(event["SUMMARY"]) == (
        f"Hạn: Nhập và gửi số liệu kết quả thực hiện chỉ tiêu — {y25.cycle.cluster}"
    )
    assert "hạn của Cụm" in str(event["DESCRIPTION"])


def test_the_secretariat_feed_holds_every_step_it_answers_for(y25):
    national(2025, in_progress=y25.days(10), inspection=y25.days(40), approval=y25.days(90))
    calendar = icalendar.Calendar.from_ical(Client().get(feed_url(y25.secretariat)).content)
    stages = sorted(str(e["UID"]).split("-")[2].split("@")[0] for e in calendar.walk("VEVENT"))
    assert stages == ["in_progress", "inspection"]


def test_the_ministry_feed_holds_the_national_calendar(y25):
    national(2025, approval=y25.days(90))
    calendar = icalendar.Calendar.from_ical(Client().get(feed_url(y25.approver)).content)
    uids = {str(e["UID"]) for e in calendar.walk("VEVENT")}
    assert "thidua-national-2025-approval@testserver" in uids


def test_a_revoked_or_replaced_feed_address_stops_working(y25):
    first = feed_url(y25.late_officer)
    second = feed_url(y25.late_officer)  # a new address replaces the old one
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200
    client_for(y25.late_officer).post("/lich/thu-hoi/")
    assert Client().get(second).status_code == 404
    assert not CalendarToken.objects.filter(user=y25.late_officer).exists()
    actions = list(
        AuditRecord.objects.filter(model__icontains="calendartoken").values_list(
            "action", flat=True
        )
    )
    assert actions.count("issue_calendar_token") == 2 and "revoke_calendar_token" in actions


def test_only_a_digest_of_the_feed_secret_is_stored(y25):
    url = feed_url(y25.late_officer)
    secret = url.removeprefix("/lich/").removesuffix(".ics")
    token = CalendarToken.objects.get(user=y25.late_officer)
    assert secret not in token.digest and token.digest == CalendarToken.hash(secret)


def test_a_guessed_feed_address_is_not_found(y25):
    assert Client().get("/lich/khong-dung-ma-nay.ics").status_code == 404


def test_a_deactivated_users_feed_stops_working(y25):
    url = feed_url(y25.late_officer)
    y25.late_officer.is_active = False
    y25.late_officer.save()
    assert Client().get(url).status_code == 404


def test_text_values_are_escaped_and_long_lines_folded_on_character_boundaries():
    import datetime as dt

    event = Event("u1@x", dt.date(2025, 12, 15), "Hạn; một, hai\\ba" + " dài" * 40, "d\nx", "u")
    raw = render([event], name="Lịch").encode()
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    raw.decode("utf-8")  # no character cut in two
    parsed = icalendar.Calendar.from_ical(raw).walk("VEVENT")[0]
    assert str(parsed["SUMMARY"]) == "Hạn; một, hai\\ba" + " dài" * 40
    assert str(parsed["DESCRIPTION"]) == "d\nx"
    assert fold("a" * 75) == "a" * 75


# -- notifications ---------------------------------------------------------------------------------


def test_bell_counts_unread_notifications_and_the_list_shows_only_ones_own(y25, settings):
    settings.EMAIL_HOST = ""
    national(2025, in_progress=y25.days(1))
    send_reminders(y25.today)
    bell = client_for(y25.late_officer).get("/thong-bao/chuong/").content.decode()
    assert 'id="bell-count">1<' in bell and "1 chưa đọc" in bell
    page = client_for(y25.late_officer).get("/thong-bao/").content.decode()
    assert "Sắp đến hạn: Nhập và gửi số liệu" in page
    assert "bell-count" not in client_for(y25.outsider).get("/thong-bao/chuong/").content.decode()
    assert (
        "Bạn chưa có thông báo nào." in client_for(y25.outsider).get("/thong-bao/").content.decode()
    )


def test_every_page_has_the_bell_that_loads_its_count_after_the_page(y25):
    page = client_for(y25.late_officer).get("/").content.decode()
    assert 'hx-get="/thong-bao/chuong/"' in page and 'href="/thong-bao/"' in page


def test_marking_a_notification_read_with_htmx_needs_the_csrf_token(y25, settings):
    settings.EMAIL_HOST = ""
    national(2025, in_progress=y25.days(1))
    send_reminders(y25.today)
    note = Notification.objects.get(recipient=y25.late_officer)
    client = client_for(y25.late_officer, enforce_csrf_checks=True)
    url = f"/thong-bao/{note.pk}/da-doc/"
    assert client.post(url, HTTP_HX_REQUEST="true").status_code == 403  # no token
    note.refresh_from_db()
    assert note.read_at is None
    page = client.get("/thong-bao/").content.decode()
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    response = client.post(url, HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
    assert response["HX-Trigger"] == "notifications-changed"
    assert "đã đọc lúc" in response.content.decode()
    note.refresh_from_db()
    assert note.read_at is not None
    assert "bell-count" not in client.get("/thong-bao/chuong/").content.decode()


def test_nobody_marks_another_users_notification(y25, settings):
    settings.EMAIL_HOST = ""
    national(2025, in_progress=y25.days(1))
    send_reminders(y25.today)
    note = Notification.objects.get(recipient=y25.late_officer)
    assert client_for(y25.secretariat).post(f"/thong-bao/{note.pk}/da-doc/").status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_mark_all_read(y25, settings):
    settings.EMAIL_HOST = ""
    national(2025, in_progress=y25.days(1))
    send_reminders(y25.today)
    response = client_for(y25.late_officer).post("/thong-bao/da-doc/")
    assert response.status_code == 302
    assert not Notification.objects.filter(
        recipient=y25.late_officer, read_at__isnull=True
    ).exists()
