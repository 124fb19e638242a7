"""The permission ladder as data: every page and action × every member of the cast.

Each area keeps its entries in a `ladder*.py` module of its own test folder (ENTRIES = [...]).
tests/test_permission_ladder.py runs them all and fails when a URL name has no entry.

Expected outcomes: a status code, or OK meaning "allowed": neither 401/403/404 nor a server
error (the action itself may then still be refused for the stage, 409, or for bad input, 422).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

OK = "ok"
CAST = ("anonymous", "officer_a", "officer_b", "secretariat", "inspector", "approver", "viewer")


@dataclass(frozen=True)
class Entry:
    name: str  # URL name
    expect: dict[str, int | str]  # cast member → status or OK; every member of CAST must appear
    args: Callable[[Any], list] = field(default=lambda world: [])
    method: str = "get"
    data: Callable[[Any], dict] = field(default=lambda world: {})

    def __post_init__(self) -> None:
        missing = set(CAST) - set(self.expect)
        if missing:
            raise ValueError(f"{self.name}: no expectation for {sorted(missing)}")


# The two expectations most pages of Cluster 3 / 2021 share (the cast belongs to that cluster).
MEMBERS_SEE = {
    "anonymous": 302,
    "officer_a": 200,
    "officer_b": 404,
    "secretariat": 200,
    "inspector": 200,
    "approver": 200,
    "viewer": 200,
}
SECRETARIAT_ONLY = {
    "anonymous": 302,
    "officer_a": 403,
    "officer_b": 404,
    "secretariat": OK,
    "inspector": 403,
    "approver": 403,
    "viewer": 403,
}


def cluster3_2021(world) -> list:
    return [2021, 3]


# -- the API's matrix ------------------------------------------------------------------------------
# Every operation of /api/v1/ × the cast, in `ladder_api*.py` modules (API_ENTRIES = [...]) of each
# area's test folder; tests/test_api_permission_matrix.py fails when an operation has no entry.
# Anonymous callers get 401 on every operation; OK means "allowed" as above.


@dataclass(frozen=True)
class ApiEntry:
    operation: str  # "METHOD /path" exactly as in the OpenAPI document, e.g. "GET /api/v1/units"
    expect: dict[str, int | str]
    path: Callable[[Any], dict] = field(default=lambda world: {})  # path parameters
    query: Callable[[Any], dict] = field(default=lambda world: {})
    body: Callable[[Any], Any] | None = None  # JSON body for writes
    case: str = ""  # tells apart two entries of one operation (another object, another stage)

    def __post_init__(self) -> None:
        missing = set(CAST) - set(self.expect)
        if missing:
            raise ValueError(f"{self.operation}: no expectation for {sorted(missing)}")
        method, _, _ = self.operation.partition(" ")
        if method not in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            raise ValueError(f"{self.operation}: write it as 'METHOD /api/v1/…'")

    @property
    def method(self) -> str:
        return self.operation.split(" ", 1)[0]

    def url(self, world) -> str:
        template = self.operation.split(" ", 1)[1]
        return template.format(**self.path(world))


# Operations of Cluster 3 / 2021 (the cast belongs to it): who reads, who writes.
API_MEMBERS_SEE = {**MEMBERS_SEE, "anonymous": 401}
API_SECRETARIAT_ONLY = {**SECRETARIAT_ONLY, "anonymous": 401}
API_EVERYONE_SIGNED_IN = {who: (401 if who == "anonymous" else 200) for who in CAST}
