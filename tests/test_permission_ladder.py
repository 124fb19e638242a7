"""Every page and action × every member of the cast, from the ladder modules of each area."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.ladder import CAST, OK

pytestmark = pytest.mark.django_db

EXEMPT = {"login", "logout"}
HERE = Path(__file__).resolve().parent


def _ladder_modules():
    for path in sorted(HERE.rglob("ladder*.py")):
        # ladder_api*.py modules hold the API's matrix (tests/test_api_permission_matrix.py).
        if path.parent == HERE or path.name.startswith("ladder_api"):
            continue
        module = ".".join(path.relative_to(HERE.parent).with_suffix("").parts)
        yield importlib.import_module(module)


ENTRIES = [entry for module in _ladder_modules() for entry in module.ENTRIES]


def _url_names(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in ("admin", "api"):
                continue
            yield from _url_names(pattern.url_patterns, pattern.namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield pattern.name


def test_every_page_and_action_has_an_entry_in_the_ladder():
    names = set(_url_names(get_resolver().url_patterns)) - EXEMPT
    covered = {entry.name for entry in ENTRIES}
    assert names - covered == set(), "pages without a ladder entry"
    assert covered - names == set(), "ladder entries for pages that do not exist"


@pytest.mark.parametrize(
    ("entry", "who"),
    [(entry, who) for entry in ENTRIES for who in CAST],
    ids=[f"{entry.method}-{entry.name}-{who}" for entry in ENTRIES for who in CAST],
)
def test_permission_ladder(world, entry, who):
    client = world.cast.client(None if who == "anonymous" else getattr(world.cast, who))
    url = reverse(entry.name, args=entry.args(world))
    response = getattr(client, entry.method)(url, entry.data(world))
    expected = entry.expect[who]
    if expected == OK:
        assert response.status_code not in (401, 403, 404) and response.status_code < 500, (
            response.status_code
        )
    else:
        assert response.status_code == expected
    if who == "anonymous" and expected == 302:
        assert response["Location"].startswith(reverse("login"))
