"""The access rules of a year, tried in Chromium: every forbidden action is refused by the server.

The pages never offer these actions to these users, so each attempt is made the way a curious
user would: typing the address, or replaying a form's POST with their own valid CSRF token.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import login, screenshot
from thidua.org.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
Y2025 = "/cum-thi-dua/2025/3/thi-dua/"
Y2021 = "/cum-thi-dua/2021/3/thi-dua/"


def post(page, path: str, data: dict) -> int:
    """POST like the page's own forms would (session cookie + CSRF token), return the status."""
    page.goto("/")
    token = page.locator("meta[name=csrf-token]").get_attribute("content")
    response = page.request.post(
        path,
        form={**data, "csrfmiddlewaretoken": token},
        headers={"Referer": page.url, "X-CSRFToken": token},
    )
    return response.status


def test_forbidden_actions_of_a_year_are_refused(page, world):
    from thidua.cycle.models import Cycle, Proposal, ResultSheet

    # A unit officer (Cao Bằng, 2025) cannot open another unit's draft, nor edit or submit it.
    login(page, "canbo.cao-bang", DEMO_PASSWORD)
    response = page.goto(f"{Y2025}so-lieu/lao-cai-2025/")
    assert response.status == 404
    screenshot(page, "forbidden-01-other-units-draft")
    assert post(page, f"{Y2025}so-lieu/lao-cai-2025/gui/", {}) == 404
    # … nor run the secretariat's steps (another unit's submitted sheet is not even visible: 404).
    assert post(page, f"{Y2025}chuyen-giai-doan/", {"to": "inspection"}) == 403
    assert post(page, f"{Y2025}so-lieu/son-la/tra-lai/", {"reason": "thử"}) == 404
    assert (
        ResultSheet.objects.get(cycle=world.cycle2025, unit__code="lao-cai-2025").state == "draft"
    )
    assert Cycle.objects.get(pk=world.cycle2025.pk).stage == Cycle.Stage.IN_PROGRESS

    # The secretariat of 2025 cannot decide proposals: only the Ministry approves.
    page.context.clear_cookies()
    login(page, "thuongtruc.yenbai", DEMO_PASSWORD)
    proposal = Proposal.objects.filter(cycle=world.cycle2021).first()
    status = post(
        page,
        f"{Y2021}de-nghi/{proposal.pk}/quyet-dinh/",
        {"decision": "reject", "reason": "thử", "version": proposal.version},
    )
    assert status == 403
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.APPROVED

    # An officer of a cluster the user does not belong to sees nothing of it.
    page.context.clear_cookies()
    login(page, "canbo.bac-kan", DEMO_PASSWORD)
    response = page.goto(Y2025)
    assert response.status == 404
    screenshot(page, "forbidden-02-other-cluster")
