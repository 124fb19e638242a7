"""Every operation of the API document has its own id, blocks' twins included (a client generator
names its functions by them: two alike would make one operation unreachable)."""

from collections import Counter

from thidua.api.api import api


def test_every_operation_id_is_used_once() -> None:
    paths = api.get_openapi_schema()["paths"]
    ids = Counter(op["operationId"] for methods in paths.values() for op in methods.values())
    assert [i for i, n in ids.items() if n > 1] == []
    assert any(i.startswith("block_") for i in ids)  # the blocks' twins are there, named apart
