"""The year's API for blocks (Khối thi đua): the cluster routers again, under /api/v1/blocks/.

``/api/v1/clusters/<year>/<number>/…`` addresses a provinces' cluster (unchanged);
``/api/v1/blocks/<year>/<number>/…`` the Ministry units' block of that year and number, through the
same operations: a decorator on this mount hands them the number as a `BlockNumber`, so the access
helpers look the year up by (year, block, number) (thidua.org.year_keys).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from ninja import NinjaAPI, Router

from thidua.org.year_keys import BlockNumber


def _as_block_number(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def wrapper(request, *args: Any, **kwargs: Any) -> Any:
        if "number" in kwargs:
            kwargs["number"] = BlockNumber(kwargs["number"])
        return view(request, *args, **kwargs)

    wrapper.block_year = True  # type: ignore[attr-defined]  (names its OpenAPI operation apart)
    return wrapper


def mount_block_years(api: NinjaAPI, *routers: Router) -> None:
    """Mount `routers` (already mounted under /clusters/) again under /blocks/ for blocks: URL
    names and OpenAPI operation ids get a ``block_`` prefix."""
    parent = Router()
    parent.add_decorator(_as_block_number, mode="operation")
    for router in routers:
        parent.add_router("/", router)
    api.add_router("/blocks/", parent, url_name_prefix="block")
    default_operation_id = api.get_openapi_operation_id

    def operation_id(operation) -> str:
        found = default_operation_id(operation)
        return f"block_{found}" if getattr(operation.view_func, "block_year", False) else found

    api.get_openapi_operation_id = operation_id  # type: ignore[method-assign]

    # An operation with an explicit id (kept stable across a module split) never reaches the hook
    # above: its block twin, a clone bound to this mount, gets the prefix where it is bound.
    bound_routers = api._get_bound_routers

    def bound_with_block_ids() -> list:
        routers = bound_routers()
        for router in routers:
            for path_view in router.path_operations.values():
                for operation in path_view.operations:
                    explicit = operation.operation_id
                    if (
                        explicit
                        and getattr(operation.view_func, "block_year", False)
                        and not explicit.startswith("block_")
                    ):
                        operation.operation_id = f"block_{explicit}"
        return routers

    api._get_bound_routers = bound_with_block_ids  # type: ignore[method-assign]
