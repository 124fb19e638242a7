"""The rendered fragments live in one Redis shared by the app servers, under the release.

Two app servers are two cache clients (each its own connection pool) configured as production
configures them (thidua.release.cache_settings); the app is one of them. Each test uses its own
release names and deletes only the keys under them.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
import redis
from django.core.cache import CacheHandler
from django.test import override_settings
from django.urls import reverse

from tests.test_settings import run_django
from thidua.release import cache_settings, code_fingerprint

REDIS_URL = "redis://127.0.0.1:6379/1"
RANKING = reverse("cycle_ranking", args=[2021, 3])
MARKER = "Bảng xếp hạng do máy chủ kia dựng"


@pytest.fixture
def releases():
    """Two releases of this test's own, and cleanup of their keys only."""
    tag = uuid.uuid4().hex[:12]
    names = (f"test-{tag}-old", f"test-{tag}-new")
    yield names
    db = redis.Redis.from_url(REDIS_URL)
    for name in names:
        for key in db.scan_iter(match=f"thidua:{name}:*"):
            db.delete(key)


def keys_of(release: str, contains: str) -> list[str]:
    """The fragment keys a release holds in Redis, without the release's prefix and version."""
    prefix = f"thidua:{release}:1:"
    found = redis.Redis.from_url(REDIS_URL).scan_iter(match=f"{prefix}*{contains}*")
    return [key.decode().removeprefix(prefix) for key in found]


def other_app_server(release: str):
    """The cache client of another app server of `release` (its own connections)."""
    return CacheHandler(cache_settings(REDIS_URL, release))["default"]


@pytest.mark.django_db
def test_a_fragment_one_app_server_rendered_is_served_by_the_other(world, releases):
    release, _ = releases
    client = world.cast.client(world.cast.officer_a)
    with override_settings(CACHES=cache_settings(REDIS_URL, release)):
        first = client.get(RANKING).content.decode()
        [ranking_key] = keys_of(release, "ranking-body:")
        assert keys_of(release, "template.cache.cycle_tabs")  # the year's tabs too
        other = other_app_server(release)
        html = other.get(ranking_key)
        assert html and html in first  # the other server reads what this one rendered

        # and this one serves what the other wrote under the same key
        other.set(ranking_key, f"<p>{MARKER}</p>", 60)
        assert MARKER in client.get(RANKING).content.decode()


@pytest.mark.django_db
def test_a_new_release_never_serves_the_html_the_old_release_kept(world, releases):
    old, new = releases
    client = world.cast.client(world.cast.officer_a)
    with override_settings(CACHES=cache_settings(REDIS_URL, old)):
        client.get(RANKING)
        [ranking_key] = keys_of(old, "ranking-body:")
        other_app_server(old).set(ranking_key, f"<p>{MARKER}</p>", 60)
        assert MARKER in client.get(RANKING).content.decode()  # the old release's fragment

    with override_settings(CACHES=cache_settings(REDIS_URL, new)):
        page = client.get(RANKING).content.decode()
    assert MARKER not in page and 'data-unit="' in page  # rendered anew by the new release
    assert keys_of(new, "ranking-body:") == [ranking_key]  # and kept under the new release
    assert other_app_server(new).get(ranking_key) != f"<p>{MARKER}</p>"


def test_the_release_fingerprint_follows_the_content_not_where_or_when_it_was_unpacked(tmp_path):
    source = Path(__file__).resolve().parents[2]
    here, there = tmp_path / "a", tmp_path / "b"
    for root in (here, there):
        shutil.copytree(source / "templates", root / "templates")
        (root / "thidua").mkdir()
        (root / "thidua" / "views.py").write_text("PAGE = 'Tổng quan'\n")
        (root / "thidua" / "__pycache__").mkdir()
    (there / "thidua" / "__pycache__" / "views.cpython-311.pyc").write_bytes(b"\x00compiled")
    assert code_fingerprint(here) == code_fingerprint(there)  # another machine, same release

    (there / "templates" / "base.html").write_text(
        (there / "templates" / "base.html").read_text() + "<!-- bản mới -->"
    )
    assert code_fingerprint(here) != code_fingerprint(there)  # a template changed: a new release
    changed_code = code_fingerprint(there)
    (there / "thidua" / "views.py").write_text("PAGE = 'Tổng quan năm'\n")
    assert code_fingerprint(there) != changed_code


def test_the_cache_is_this_processs_memory_unless_a_shared_one_is_configured():
    show = (
        "import django; django.setup(); from django.conf import settings as s; "
        "c = s.CACHES['default']; print(c['BACKEND'], c['KEY_PREFIX'], c.get('LOCATION', '-'))"
    )
    default = run_django({"THIDUA_CACHE_URL": "", "THIDUA_RELEASE": ""}, show)
    backend, prefix, _ = default.stdout.split()
    assert backend.endswith("LocMemCache") and len(prefix) == len("thidua:") + 16

    shared = run_django({"THIDUA_CACHE_URL": REDIS_URL, "THIDUA_RELEASE": "2026.12.1"}, show)
    assert shared.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "thidua:2026.12.1",
        REDIS_URL,
    ]
