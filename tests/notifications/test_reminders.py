"""Reminders: once per step and recipient, in the app and through a real SMTP server in-process."""

from __future__ import annotations

import datetime as dt
import socket
from email import message_from_bytes, policy
from io import StringIO

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.db import IntegrityError, transaction

from tests.notifications.conftest import national
from thidua.cycle.models import Cycle
from thidua.notifications.models import Notification, ReminderSent
from thidua.notifications.reminders import send_reminders

pytestmark = pytest.mark.django_db


class Mailbox:
    """aiosmtpd handler keeping every message the server accepted."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [m for rcpt, m in self.messages if address in rcpt]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """A real SMTP server on loopback, and Django's SMTP backend pointed at it."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.THIDUA_SITE_URL = "https://thidua.bca"
    yield mailbox
    controller.stop()


def test_a_reminder_is_emailed_through_smtp_and_shown_in_the_app(y25, smtp):
    national(2025, in_progress=y25.days(3))
    report = send_reminders(y25.today)
    assert report.email_failed == 0 and not report.errors
    note = Notification.objects.get(recipient=y25.late_officer)
    assert (
        note.title
        == f"Sắp đến hạn: Nhập và gửi số liệu kết quả thực hiện chỉ tiêu — {y25.cycle.cluster}"
    )
    assert y25.days(3).strftime("%d/%m/%Y") in note.body and "còn 3 ngày" in note.body
    [mail] = smtp.to(y25.late_officer.email)
    # Django folds a long UTF-8 subject right after "Subject:"; the unfolded value keeps that space.
    assert mail["Subject"].strip() == f"[Thi Đua] {note.title}"
    body = mail.get_content()
    assert "Kính gửi Hoàng Văn Chậm" in body
    assert "https://thidua.bca/cum-thi-dua/2025/3/thi-dua/" in body
    sent = ReminderSent.objects.get(recipient=y25.late_officer)
    assert sent.emailed_at is not None and sent.notification == note
    assert smtp.to(y25.secretariat.email)  # the secretariat answers for the step too


def test_running_the_reminders_again_sends_nothing_twice(y25, smtp):
    national(2025, in_progress=y25.days(-1))
    first = send_reminders(y25.today)
    records, notes, mails = (
        ReminderSent.objects.count(),
        Notification.objects.count(),
        len(smtp.messages),
    )
    assert first.notified >= 2 and mails >= 2
    again = send_reminders(y25.today)
    later = send_reminders(y25.days(5))  # still overdue days later: still once
    assert again.notified == later.notified == 0
    assert again.already_sent == first.notified
    assert ReminderSent.objects.count() == records
    assert Notification.objects.count() == notes
    assert len(smtp.messages) == mails
    assert len(smtp.to(y25.late_officer.email)) == 1


def test_the_database_refuses_a_second_record_for_the_same_step_and_recipient(y25):
    national(2025, in_progress=y25.days(1))
    send_reminders(y25.today)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderSent.objects.create(
            cycle=y25.cycle, stage="in_progress", recipient=y25.late_officer, due=y25.today
        )


def test_a_unit_that_has_done_its_step_is_not_reminded(y25, smtp):
    national(2025, in_progress=y25.days(-3))
    send_reminders(y25.today)
    assert not ReminderSent.objects.filter(recipient=y25.done_officer).exists()
    assert not Notification.objects.filter(recipient=y25.done_officer).exists()
    assert smtp.to(y25.done_officer.email) == []
    assert ReminderSent.objects.filter(recipient=y25.late_officer).exists()


def test_a_step_already_done_by_the_cluster_is_not_reminded(y25, smtp):
    national(2025, planning=y25.days(-30))  # planning is over: the year reports results now
    report = send_reminders(y25.today)
    assert report.notified == 0
    assert not ReminderSent.objects.exists() and smtp.messages == []


def test_nobody_is_reminded_once_the_year_has_moved_past_the_step(y25, smtp):
    national(2025, in_progress=y25.days(2))
    Cycle.objects.filter(pk=y25.cycle.pk).update(stage=Cycle.Stage.INSPECTION)
    assert send_reminders(y25.today).notified == 0
    assert not ReminderSent.objects.filter(stage="in_progress").exists()


def test_a_deadline_further_than_the_reminder_window_is_not_reminded_yet(y25, settings):
    settings.THIDUA_REMIND_DAYS_BEFORE = 7
    national(2025, in_progress=y25.days(8))
    assert send_reminders(y25.today).notified == 0
    assert send_reminders(y25.days(1)).notified > 0


def test_the_cluster_deadline_earlier_than_the_national_one_is_the_one_reminded(y25, settings):
    from thidua.notifications.models import ClusterDeadline

    settings.THIDUA_REMIND_DAYS_BEFORE = 7
    national(2025, in_progress=y25.days(30))
    ClusterDeadline.objects.create(cycle=y25.cycle, stage="in_progress", due=y25.days(2))
    send_reminders(y25.today)
    assert ReminderSent.objects.get(recipient=y25.late_officer).due == y25.days(2)


def test_without_smtp_configured_reminders_stay_in_the_app(y25, settings):
    settings.EMAIL_HOST = ""
    national(2025, in_progress=y25.days(1))
    report = send_reminders(y25.today)
    assert report.notified > 0 and report.emailed == 0
    sent = ReminderSent.objects.get(recipient=y25.late_officer)
    assert sent.emailed_at is None and sent.email_error == ""


def test_an_unreachable_smtp_server_is_recorded_and_retried_next_run(y25, settings, smtp):
    national(2025, in_progress=y25.days(1))
    good_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # nobody listens there
    report = send_reminders(y25.today)
    assert report.errors and report.emailed == 0
    sent = ReminderSent.objects.get(recipient=y25.late_officer)
    assert sent.emailed_at is None and sent.email_error
    settings.EMAIL_PORT = good_port
    retry = send_reminders(y25.today)
    assert retry.notified == 0 and retry.emailed >= 1
    assert len(smtp.to(y25.late_officer.email)) == 1
    sent.refresh_from_db()
    assert sent.emailed_at is not None and sent.email_error == ""


def test_the_command_reports_in_vietnamese(y25, settings):
    settings.EMAIL_HOST = ""
    national(2025, in_progress=y25.days(1))
    out = StringIO()
    call_command("send_reminders", "--ngay", y25.today.isoformat(), stdout=out)
    assert "Đã nhắc" in out.getvalue() and "chưa cấu hình máy chủ thư" in out.getvalue()
    assert ReminderSent.objects.filter(recipient=y25.late_officer).exists()


def test_the_scheduler_reminds_every_morning_through_the_task_engine(y25, smtp):
    """The consumer's scheduler starts the reminders at 07:00 only; the task it runs reminds."""
    from huey.contrib.djhuey import HUEY

    from thidua.notifications import tasks

    runs = [
        (h, m)
        for h in range(24)
        for m in range(60)
        if tasks.daily_reminders.task_class().validate_datetime(dt.datetime(2026, 12, 7, h, m))
    ]
    assert runs == [(7, 0)]
    # the consumer started with `run_huey` schedules what the registry lists as periodic
    assert tasks.daily_reminders.task_class in [type(t) for t in HUEY._registry.periodic_tasks]
    national(2025, in_progress=y25.days(2))
    tasks.daily_reminders.call_local()
    assert Notification.objects.filter(recipient=y25.late_officer).count() == 1
    assert smtp.to(y25.late_officer.email)
