"""The notifications app's periodic work on the task engine (Huey, found by autodiscovery).

Reminders run every morning: `send_reminders` is idempotent (one record per step and recipient),
so a missed or repeated run neither loses nor doubles a reminder.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from thidua.notifications.reminders import ReminderReport, send_reminders


@db_periodic_task(crontab(hour="7", minute="0"), name="thidua.notifications.reminders")
def daily_reminders() -> ReminderReport:
    """07:00 local time, before the officers' working day starts."""
    return send_reminders()
