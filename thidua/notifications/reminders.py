"""Reminders: once per step of a cluster's year and recipient, in the app and by email.

`send_reminders()` is what the scheduler runs (daily; the `send_reminders` command calls it). A
reminder goes to everyone who answers for the current step of an open year, once its deadline is
`THIDUA_REMIND_DAYS_BEFORE` days away or passed, and who has not done their part. The unique
`ReminderSent` row is taken first, in the same transaction as the in-app notification: two runs at
once, or a run repeated, send nothing twice. Email goes only where SMTP is configured (EMAIL_HOST)
and the user has an address; a failed email is kept with its reason and tried again on the next run.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone

from thidua.cycle.models import Cycle
from thidua.notifications.deadlines import (
    WHAT,
    calendars,
    open_cycles,
    recipients,
    step_url,
    today,
)
from thidua.notifications.models import Notification, ReminderSent, vn_date
from thidua.org.models import User

log = logging.getLogger(__name__)


def email_enabled() -> bool:
    return bool(settings.EMAIL_HOST)


@dataclass
class ReminderReport:
    notified: int = 0
    emailed: int = 0
    email_failed: int = 0
    already_sent: int = 0
    errors: list[str] = field(default_factory=list)


def _texts(cycle: Cycle, stage: str, due: dt.date, on: dt.date) -> tuple[str, str]:
    late = (on - due).days
    when = (
        f"đã quá hạn {late} ngày"
        if late > 0
        else ("hết hạn hôm nay" if late == 0 else f"còn {-late} ngày")
    )
    title = f"{'Quá hạn' if late > 0 else 'Sắp đến hạn'}: {WHAT[stage]} — {cycle.cluster}"
    body = f"Bước “{Cycle.Stage(stage).label}” của {cycle.cluster} có hạn ngày {vn_date(due)} ({when})."
    return title, body


def _remind(cycle: Cycle, stage: str, user: User, due: dt.date, on: dt.date) -> ReminderSent | None:
    """The reminder for `user`, if none was sent yet (None otherwise): notification + record."""
    if ReminderSent.objects.filter(cycle=cycle, stage=stage, recipient=user).exists():
        return None
    title, body = _texts(cycle, stage, due, on)
    try:
        with transaction.atomic():
            sent = ReminderSent.objects.create(cycle=cycle, stage=stage, recipient=user, due=due)
            sent.notification = Notification.objects.create(
                recipient=user, title=title, body=body, url=step_url(cycle)
            )
            sent.save(update_fields=["notification"])
    except IntegrityError:  # another run took it first
        return None
    return sent


def _email(sents: list[ReminderSent], report: ReminderReport) -> None:
    if not sents or not email_enabled():
        return
    base = settings.THIDUA_SITE_URL
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
        for sent in sents:
            note = sent.notification
            message = EmailMessage(
                subject=f"[Thi Đua] {note.title}",
                body=(
                    f"Kính gửi {sent.recipient.display_name},\n\n{note.body}\n\n"
                    f"Xem và thực hiện tại: {base}{note.url}\n\n"
                    "Thư này do hệ thống Thi Đua gửi tự động; vui lòng không trả lời."
                ),
                to=[sent.recipient.email],
                connection=connection,
            )
            try:
                message.send()
            except (smtplib.SMTPException, OSError) as exc:
                sent.email_error = f"{type(exc).__name__}: {exc}"[:300]
                sent.save(update_fields=["email_error"])
                report.email_failed += 1
                continue
            sent.emailed_at, sent.email_error = timezone.now(), ""
            sent.save(update_fields=["emailed_at", "email_error"])
            report.emailed += 1
    except (smtplib.SMTPException, OSError) as exc:
        log.warning("SMTP unavailable for reminders: %s", exc)
        report.errors.append(f"Không kết nối được máy chủ thư: {exc}")
        for sent in sents:
            if sent.emailed_at is None and not sent.email_error:
                sent.email_error = f"{type(exc).__name__}: {exc}"[:300]
                sent.save(update_fields=["email_error"])
                report.email_failed += 1
    finally:
        connection.close()


def send_reminders(on: dt.date | None = None) -> ReminderReport:
    """Remind everyone whose step is near or past its deadline, once each (safe to run often)."""
    on = on or today()
    days = settings.THIDUA_REMIND_DAYS_BEFORE
    report = ReminderReport()
    cycles = open_cycles()
    steps = calendars(cycles)
    fresh: list[ReminderSent] = []
    for cycle in cycles:
        deadline = steps[cycle.pk].get(cycle.stage)
        if deadline is None or (deadline.due - on).days > days:
            continue
        for user in recipients(cycle, cycle.stage):
            sent = _remind(cycle, cycle.stage, user, deadline.due, on)
            if sent is None:
                report.already_sent += 1
                continue
            report.notified += 1
            if user.email:
                fresh.append(sent)
    # Emails of earlier runs that failed, for steps still open.
    retry = list(
        ReminderSent.objects.filter(emailed_at__isnull=True)
        .exclude(email_error="")
        .exclude(cycle__stage=Cycle.Stage.CLOSED)
        .select_related("recipient", "notification", "cycle")
    )
    retry = [s for s in retry if s.cycle.stage == s.stage and s.recipient.email and s.notification]
    _email(fresh + retry, report)
    return report
