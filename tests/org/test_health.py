"""The readiness check the reverse proxy and monitoring call: /suc-khoe/."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_health_check_answers_anonymously_with_each_part_checked(client) -> None:
    answer = client.get("/suc-khoe/")
    assert answer.status_code == 200
    assert json.loads(answer.content) == {
        "status": "ok",
        "checks": {"database": "ok", "storage": "ok"},
        "errors": [],
    }
    assert "no-cache" in answer["Cache-Control"]


def test_health_check_reports_unwritable_evidence_storage_as_503_in_vietnamese(
    client, tmp_path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the shared storage should be mounted")
    with override_settings(MEDIA_ROOT=blocker):
        answer = client.get("/suc-khoe/")
    assert answer.status_code == 503
    body = json.loads(answer.content)
    assert body["status"] == "error"
    assert body["checks"] == {"database": "ok", "storage": "error"}
    assert body["errors"] == ["Thư mục lưu tệp minh chứng (MEDIA_ROOT) không ghi được."]


def test_health_check_is_not_redirected_to_https_but_pages_are(client) -> None:
    """The proxy probes the app server over plain HTTP; everything else goes to HTTPS."""
    with override_settings(SECURE_SSL_REDIRECT=True):
        assert client.get("/suc-khoe/").status_code == 200
        assert client.get("/dang-nhap/").status_code == 301


def test_health_check_refuses_writes(client) -> None:
    assert client.post("/suc-khoe/").status_code == 405
