"""Every operation of /api/v1/ × every member of the cast, from the `ladder_api*.py` modules.

The operations are read from the live OpenAPI document, so a new endpoint without an entry fails
here. Callers authenticate with their own bearer token, as an integrating system would.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest
from django.test import Client

from tests.ladder import CAST, OK

pytestmark = pytest.mark.django_db

HERE = Path(__file__).resolve().parent


def _modules():
    for path in sorted(HERE.rglob("ladder_api*.py")):
        module = ".".join(path.relative_to(HERE.parent).with_suffix("").parts)
        yield importlib.import_module(module)


API_ENTRIES = [entry for module in _modules() for entry in module.API_ENTRIES]


def _documented_operations() -> set[str]:
    from thidua.api.api import api

    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    # A block's year (/blocks/…) runs through the same operations as a cluster's (/clusters/…):
    # the cluster's entry stands for both; tests/org/test_block_years.py climbs the block's ladder.
    return {
        f"{method.upper()} {path.replace('/api/v1/blocks/', '/api/v1/clusters/')}"
        for path, operations in schema["paths"].items()
        for method in operations
    }


def test_every_api_operation_has_an_entry_in_the_matrix(reference):
    documented = _documented_operations()
    covered = [entry.operation for entry in API_ENTRIES]
    assert documented - set(covered) == set(), "API operations without a matrix entry"
    assert set(covered) - documented == set(), "matrix entries for operations that do not exist"
    cases = [(entry.operation, entry.case) for entry in API_ENTRIES]
    assert len(cases) == len(set(cases)), "an operation has two entries for the same case"


@pytest.fixture
def tokens(world) -> dict[str, str]:
    from thidua.api.models import ApiToken

    return {
        who: ApiToken.issue(getattr(world.cast, who), "ma trận quyền")[1]
        for who in CAST
        if who != "anonymous"
    }


@pytest.mark.parametrize(
    ("entry", "who"),
    [(entry, who) for entry in API_ENTRIES for who in CAST],
    ids=[
        f"{entry.operation}{f' [{entry.case}]' if entry.case else ''}-{who}"
        for entry in API_ENTRIES
        for who in CAST
    ],
)
def test_api_permission_matrix(world, tokens, entry, who):
    headers = {} if who == "anonymous" else {"HTTP_AUTHORIZATION": f"Bearer {tokens[who]}"}
    url = entry.url(world)
    client = Client()
    if entry.method == "GET":
        response = client.get(url, entry.query(world), **headers)
    else:
        body = entry.body(world) if entry.body else {}
        response = getattr(client, entry.method.lower())(
            url, json.dumps(body), content_type="application/json", **headers
        )
    expected = entry.expect[who]
    if expected == OK:
        assert response.status_code not in (401, 403, 404) and response.status_code < 500, (
            response.status_code,
            response.content[:300],
        )
    else:
        assert response.status_code == expected, (response.status_code, response.content[:300])
    if response.status_code >= 400:
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["detail"], "every API error carries a Vietnamese message"
