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
