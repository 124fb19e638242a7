"""Every response carries the security headers; our pages need no inline script or style."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def test_pages_carry_a_strict_content_security_policy(cast):
    response = cast.client(cast.officer_a).get("/")
    policy = response["Content-Security-Policy"]
    assert (
        "script-src 'self'" in policy
        and "unsafe-inline" not in policy
        and "unsafe-eval" not in policy
    )
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/don-vi/",
        "/don-vi/hoa-binh/",
        "/cum-thi-dua/",
        "/cum-thi-dua/2021/3/",
        "/cum-thi-dua/2021/3/thi-dua/",
    ],
)
def test_our_pages_have_no_inline_script_or_style(cast, path):
    html = cast.client(cast.secretariat).get(path).content.decode()
    executable_scripts = [
        m for m in re.finditer(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)
    ]
    assert executable_scripts == []
    assert " style=" not in html
    assert not re.search(r"\son[a-z]+=", html)


def test_the_login_page_has_the_policy_too(reference):
    from django.test import Client

    response = Client().get("/dang-nhap/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
