"""Issue #18, getting around: every role reaches what it may see by clicking, and is offered nothing
that then refuses it (the links come from the checks the pages apply).

The crawl starts at the home page as each member of the cast and follows every link of the site's
pages (downloads and query strings aside): no link may answer 403, and the 2021 ranking and
documents of Cluster 3 must be among the pages reached.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlparse

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HREF = re.compile(r'<a\b[^>]*\bhref="([^"#?]+)[^"]*"')
NOT_PAGES = re.compile(r"(dang-xuat|\.xlsx|\.docx|\.pdf|\.ics|\.json|/tep/|/api/|/admin/|/static/)")


def crawl(client, start: str = "/", limit: int = 600) -> tuple[set[str], dict[str, str]]:
    """Pages reached from `start` by following links; the refused ones with the page linking them."""
    seen: set[str] = set()
    queue = [(start, "")]
    refused: dict[str, str] = {}
    while queue and len(seen) < limit:
        url, parent = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code == 403:
            refused[url] = parent
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for href in HREF.findall(response.content.decode()):
            target = urljoin(url, href.replace("&amp;", "&"))
            if urlparse(target).netloc or NOT_PAGES.search(target) or target in seen:
                continue
            queue.append((target, url))
    return seen, refused


# The cast (Cluster 3 / 2021, a closed year) and the demo's accounts of the 2025 year in progress.
ROLES = [
    "viewer",
    "inspector",
    "officer_a",
    "secretariat",
    "approver",
    "canbo.laocai",
    "kiemtra.dienbien",
    "thuongtruc.caobang",
]


def client_of(cast, who: str):
    from thidua.org.models import User

    if hasattr(cast, who):
        return cast.client(getattr(cast, who))
    return cast.client(User.objects.get(username=who))


@pytest.mark.parametrize("who", ROLES)
def test_no_link_a_role_is_shown_leads_to_a_refusal(cast, who):
    seen, refused = crawl(client_of(cast, who))
    assert refused == {}, f"{who}: liên kết dẫn tới 403 (trang → trang chứa liên kết): {refused}"
    assert len(seen) > 50


FORM = re.compile(r'<form\b[^>]*method="post"[^>]*action="([^"]*)"', re.I)


@pytest.mark.parametrize("who", ["viewer", "inspector", "canbo.laocai", "kiemtra.dienbien"])
def test_no_button_a_role_is_shown_answers_with_a_refusal(cast, who):
    """Every form posting somewhere that the page offers this role: sent empty, it may be refused
    for its content (422) or the stage (409), never for who sends it (403)."""
    client = client_of(cast, who)
    seen, _ = crawl(client)
    actions: dict[str, str] = {}
    for url in sorted(seen):
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for action in FORM.findall(response.content.decode(errors="replace")):
            if action and "dang-xuat" not in action:
                actions.setdefault(action.replace("&amp;", "&"), url)
    refused = {a: page for a, page in actions.items() if client.post(a, {}).status_code == 403}
    assert refused == {}, f"{who}: nút dẫn tới 403 (đích → trang): {refused}"


@pytest.mark.parametrize("who", ["viewer", "inspector"])
def test_viewer_and_inspector_reach_the_2021_ranking_and_documents_by_clicking(cast, who):
    seen, _ = crawl(cast.client(getattr(cast, who)))
    for name in ("cycle_ranking", "cycle_documents", "cycle_vote", "cycle_proposals"):
        assert reverse(name, args=[2021, 3]) in seen, f"{who} cannot reach {name} of 2021"


def test_cluster_page_links_into_its_year_for_members_only_to_what_they_see(cast, cluster3_2021):
    url = cluster3_2021.get_absolute_url()
    for who in ("viewer", "inspector", "officer_a", "secretariat", "approver"):
        html = cast.client(getattr(cast, who)).get(url).content.decode()
        assert 'id="year-pages"' in html
        for name in ("cycle_overview", "cycle_ranking", "cycle_vote", "cycle_documents"):
            assert f'href="{reverse(name, args=[2021, 3])}"' in html, (who, name)
    # A cluster year not run on the system offers no year pages.
    from thidua.org.models import Cluster

    other = Cluster.objects.with_members().filter(cycle__isnull=True).first()
    html = cast.client(cast.approver).get(other.get_absolute_url()).content.decode()
    assert 'id="year-pages"' not in html


def test_honours_import_tab_only_for_those_who_may_import(cast):
    import_url = reverse("honours_import")
    for who, shown in (
        ("viewer", False),
        ("inspector", False),
        ("officer_a", True),
        ("secretariat", True),
        ("approver", True),
    ):
        client = cast.client(getattr(cast, who))
        html = client.get(reverse("honours_home")).content.decode()
        assert (f'href="{import_url}"' in html) is shown, who
        assert (client.get(import_url).status_code == 200) is shown, who


def _secretariat_2025():
    from django.test import Client

    from thidua.org.models import User

    client = Client()
    client.force_login(User.objects.get(username="thuongtruc.caobang"))
    return client


BLOCKERS = re.compile(r'<ul id="blockers">(.*?)</ul>', re.S)
LINK = re.compile(r'<a href="([^"]+)">([^<]+)</a>')


def test_each_blocker_on_the_overview_links_to_where_it_is_fixed(world):
    client = _secretariat_2025()
    html = client.get(reverse("cycle_overview", args=[2025, 3])).content.decode()
    blockers = BLOCKERS.search(html).group(1)
    items = re.findall(r"<li>(.*?)</li>", blockers, re.S)
    assert any(item.startswith("Chưa gửi số liệu: ") for item in items), items
    sheets = dict(world.cycle2025.result_sheets.values_list("unit__code", "state"))
    for item in items:
        links = LINK.findall(item)
        assert links, f"blocker without a link: {item}"
        for url, _ in links:
            assert client.get(url).status_code == 200, url
    not_sent = next(i for i in items if i.startswith("Chưa gửi số liệu: "))
    for unit in world.cycle2025.members():
        if sheets.get(unit.code) == "submitted":
            assert unit.short_name not in not_sent
            continue
        target = (
            reverse("cycle_result_sheet", args=[2025, 3, unit.code])
            if unit.code in sheets
            else reverse("cycle_results", args=[2025, 3])
        )
        assert f'<a href="{target}">{unit.short_name}</a>' in not_sent


def test_the_secretariat_home_lists_each_sheet_to_check_as_a_link(world):
    html = _secretariat_2025().get("/").content.decode()
    submitted = world.cycle2025.result_sheets.filter(state="submitted").select_related("unit")
    assert submitted
    for sheet in submitted:
        url = reverse("cycle_result_sheet", args=[2025, 3, sheet.unit.code])
        assert f'<a href="{url}">Kiểm tra số liệu {sheet.unit.name} đã gửi</a>' in html


def test_the_secretariat_home_lists_returned_proposals_as_a_link(world):
    from thidua.cycle.models import Cycle

    Cycle.objects.filter(pk=world.cycle2021.pk).update(stage=Cycle.Stage.APPROVAL)
    world.cycle2021.proposals.filter(pk=world.cycle2021.proposals.first().pk).update(
        state="returned"
    )
    html = world.cast.client(world.cast.secretariat).get("/").content.decode()
    url = reverse("cycle_review", args=[2021, 3])
    assert f'<a href="{url}">Bộ trả lại 1 đề nghị' in html
