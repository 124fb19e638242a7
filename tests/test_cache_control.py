"""Nothing behind the login is kept by a cache: `Cache-Control: private, no-store` on every page,
export, API answer, evidence file and attachment served to a signed-in user or a token holder.

The URLs are the permission ladders' own (every page and action of the site, every API operation),
read as each member of the cast who is signed in, so a new page is covered the day it gets its
ladder entry.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.files import tiny_pdf
from tests.test_api_permission_matrix import API_ENTRIES
from tests.test_permission_ladder import ENTRIES

pytestmark = pytest.mark.django_db

NO_STORE = "private, no-store"
SIGNED_IN = ("officer_a", "secretariat", "approver")
PAGES = [e for e in ENTRIES if e.method == "get"]
API_READS = [e for e in API_ENTRIES if e.method == "GET"]


def _no_store(response) -> bool:
    return response.get("Cache-Control") == NO_STORE and "Expires" not in response


@pytest.mark.parametrize("who", SIGNED_IN)
def test_every_page_behind_the_login_is_private_and_never_stored(world, who):
    client = world.cast.client(getattr(world.cast, who))
    cached = []
    for entry in PAGES:
        url = reverse(entry.name, args=entry.args(world))
        response = client.get(url, entry.data(world))
        if not _no_store(response):
            cached.append((url, response.status_code, response.get("Cache-Control")))
    assert len(PAGES) > 80
    assert cached == []


@pytest.mark.parametrize("who", SIGNED_IN)
def test_every_api_answer_is_private_and_never_stored(world, who):
    from thidua.api.models import ApiToken

    token = ApiToken.issue(getattr(world.cast, who), "bộ nhớ đệm")[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    cached = []
    for entry in API_READS:
        response = client.get(entry.url(world), entry.query(world))
        if not _no_store(response):
            cached.append((entry.operation, response.status_code, response.get("Cache-Control")))
    assert len(API_READS) > 30
    assert cached == []


def test_an_api_refusal_to_an_anonymous_caller_is_not_stored_either(reference):
    response = Client().get("/api/v1/units")
    assert response.status_code == 401
    assert _no_store(response)


def test_person_page_export_and_attachment_are_not_stored(world, tmp_path, settings):
    """The three the issue names, fetched on their own (person page, an Excel export, a file)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.honours.conftest import award_to, person

    settings.MEDIA_ROOT = tmp_path
    officer = world.cast.officer_a
    someone = person("bac-giang", by=officer, name="Nguyễn Thị Lan")
    decision = award_to(someone, "chien_si_tien_tien", 2021, by=officer)
    attachment = decision.attach(
        by=officer,
        upload=SimpleUploadedFile("quyet-dinh.pdf", tiny_pdf("Quyết định"), "application/pdf"),
    )
    client = world.cast.client(officer)
    urls = [
        reverse("honours_person", args=[someone.pk]),
        reverse("honours_attachment", args=[decision.pk, attachment.pk]),
        reverse("cycle_excel_ranking", args=[2021, 3]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _no_store(response), (url, response.get("Cache-Control"))


def test_anonymous_health_check_and_static_files_keep_their_own_caching(reference):
    client = Client()
    health = client.get("/suc-khoe/")
    assert "no-cache" in health["Cache-Control"] and health["Cache-Control"] != NO_STORE
    static = client.get("/static/css/app.css")
    assert static.status_code == 200
    assert static.get("Cache-Control") != NO_STORE
