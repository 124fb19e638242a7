"""The bell in Chromium: the unread count arrives after the page, marking one read updates it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_marks_a_notification_read_and_the_bell_counts_down(page, cast):
    from thidua.notifications.models import Notification

    for title in ("Sắp đến hạn: Ký giao ước thi đua", "Quá hạn: Nhập và gửi số liệu"):
        Notification.objects.create(recipient=cast.officer_a, title=title, url="/")
    login(page, cast.officer_a.username)
    expect(page.locator("#bell-count")).to_have_text("2")
    page.locator("#bell").click()
    expect(page.get_by_role("heading", name="Thông báo")).to_be_visible()
    first = page.locator(".notification").first
    first.get_by_role("button", name="Đánh dấu đã đọc").click()
    expect(first).to_contain_text("đã đọc lúc")
    expect(page.locator("#bell-count")).to_have_text("1")
    screenshot(page, "notifications-list")
    assert Notification.objects.filter(recipient=cast.officer_a, read_at__isnull=True).count() == 1
