"""A user's deadlines as an iCalendar feed (RFC 5545): one all-day event per step and cluster.

Written by hand (the format is small): CRLF line ends, lines folded at 75 octets without splitting
a UTF-8 character, TEXT values escaped, a stable UID per step so calendar apps update, not duplicate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

PRODID = "-//Bo Cong an//Thi Dua//VI"


@dataclass(frozen=True)
class Event:
    uid: str
    day: dt.date
    summary: str
    description: str
    url: str


def escape(text: str) -> str:
    """RFC 5545 §3.3.11 TEXT: backslash, semicolon, comma escaped; newlines as \\n."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """RFC 5545 §3.1: at most 75 octets a line; continuation lines start with one space."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode())
        limit = 75 if not out else 74  # a continuation line's leading space counts
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return "\r\n ".join(out)


def render(events: Iterable[Event], *, name: str, now: dt.datetime | None = None) -> str:
    stamp = (now or timezone.now()).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
        "X-WR-TIMEZONE:Asia/Ho_Chi_Minh",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{event.day.strftime('%Y%m%d')}",
            f"DTEND;VALUE=DATE:{(event.day + dt.timedelta(days=1)).strftime('%Y%m%d')}",
            f"SUMMARY:{escape(event.summary)}",
            f"DESCRIPTION:{escape(event.description)}",
            f"URL:{event.url}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
