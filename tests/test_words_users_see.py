"""What a person reads is Vietnamese words: no JSON, file paths, internal codes, empty-choice dashes,
English, developers' notes or ungrouped counts ("3356 lượt") on any page a non-administrator
reaches by clicking.

Each demo role (the unit officers of 2021 and 2025, both secretariats, the inspector, the viewer and
the Ministry approver) crawls the site from its home page, following the links it is shown, and every
page's visible text (including options, titles and placeholders) is checked.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

pytestmark = pytest.mark.django_db

ROLES = [
    "canbo.bacgiang",
    "canbo.laocai",
    "thuongtruc.yenbai",
    "thuongtruc.caobang",
    "kiemtra.quangninh",
    "xem.thainguyen",
    "bo.pheduyet",
]
# The rule sets' maintainers (the Ministry approver) edit rule sets as data and read what is still
# to be verified: their rule-set pages are the one place those notes belong.
MAINTAINERS_ONLY = ("/khen-thuong/quy-tac/",)
PAGES_PER_ROLE = 70
SKIP = re.compile(
    r"^/(dang-xuat|static|media|api|admin)|\.(xlsx|docx|pdf|csv|zip|png)$|/(tai|xuat|in)(-|/|$)"
)
FORBIDDEN = {
    "dữ liệu JSON": re.compile(r"[{\[]\s*\""),
    "đường dẫn tệp": re.compile(r"\b[\w.-]+/[\w./-]+\.(?:txt|json|py|csv|md|html)\b"),
    "mã quy tắc": re.compile(r"\bR\d{2}\b"),
    "mã hình thức khen thưởng": re.compile(
        r"\b(?:CO_CP|CO_BCA|BK_BCA)\b|\b[a-z]+(?:_[a-z]+){2,}\b"
    ),
    "mã bộ quy tắc": re.compile(r"\b(?:nd|luat)-\d+-\d{4}\b"),
    "dấu gạch của ô chọn trống": re.compile(r"-{5,}"),
    "tiếng Anh": re.compile(
        r"\b(?:the|and|of|not|source|notes?|None|True|False|null|undefined|TODO|merger|members)\b"
    ),
    # A count is grouped the Vietnamese way ("3.356 lượt"), as the generated documents print it.
    "số chưa tách nghìn": re.compile(
        r"(?<![\d.,/])\d{4,}(?=\s*(?:lượt|cán bộ|người|vụ|đồng|đ\b|hồ sơ|tập thể|cá nhân|dòng|tệp|đơn vị|phiếu|chiến sĩ))"
    ),
    "ghi chú của người phát triển": re.compile(
        r"chưa xác nhận|chưa tìm thấy căn cứ|có vẻ thay thế|chưa đối chiếu", re.IGNORECASE
    ),
}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in ("script", "style", "template", "textarea"):
            self._hidden += 1
        if tag == "a" and found.get("href"):
            self.links.append(found["href"] or "")
        for name in ("title", "placeholder", "aria-label"):
            if found.get(name):
                self.parts.append(found[name] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template", "textarea"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def _crawl(client, *, skip: tuple[str, ...] = ()) -> tuple[int, list[str]]:
    queue, seen, problems = ["/"], set(), []
    while queue and len(seen) < PAGES_PER_ROLE:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = _Page()
        page.feed(response.content.decode())
        text = " ".join(" ".join(page.parts).split())
        for label, pattern in FORBIDDEN.items():
            for match in pattern.finditer(text):
                around = text[max(0, match.start() - 60) : match.end() + 40]
                problems.append(f"{url}: {label} “{match.group(0)}” trong “…{around}…”")
        for href in page.links:
            href = href.split("#")[0]
            wanted = href.startswith("/") and not SKIP.search(href.split("?")[0])
            if wanted and href not in seen and not href.startswith(skip):
                queue.append(href)
    return len(seen), problems


@pytest.mark.parametrize("username", ROLES)
def test_every_page_a_role_reaches_speaks_in_words(world, username):
    from thidua.org.models import User

    user = User.objects.get(username=username)
    skip = MAINTAINERS_ONLY if user.role == User.Role.MINISTRY_APPROVER else ()
    visited, problems = _crawl(world.cast.client(user), skip=skip)
    assert visited > 20, f"{username} reached only {visited} pages"
    assert problems == [], "\n".join(problems[:40])
