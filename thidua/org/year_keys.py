"""A cluster-year and a block-year, told apart in every address.

Provinces compete in clusters (Cụm thi đua) and the Ministry's own units in blocks (Khối thi đua);
both are `Cluster` rows, numbered from 1 each year, so "2021, number 2" may be Cụm 2 *and* Khối 2.
A year is therefore addressed by (year, kind, number):

- pages: ``/cum-thi-dua/<year>/<number>/…`` (unchanged) and ``/khoi-thi-dua/<year>/<number>/…``;
- API: ``/api/v1/clusters/<year>/<number>/…`` (unchanged) and ``/api/v1/blocks/<year>/<number>/…``.

The kind travels with the number: a block's number is a `BlockNumber` (an `int` that knows it is a
block's), given by `Cluster.number` for a block row and by the ``block_number`` URL converter for a
``/khoi-thi-dua/`` address. So every ``{% url 'cycle_ranking' cluster.year cluster.number %}`` and
``reverse(name, args=[year, number])`` leads to the right tree (the ``cluster_number`` converter
refuses a block's number, the ``block_number`` converter anything else), and the access helpers
(`get_cluster_for_user`, `get_cycle_for_user`) look the year up by `kind_of(number)`: a view that
passes on the number it was given cannot land in the other kind's year.
"""

from __future__ import annotations

from django.urls import register_converter

CLUSTER = "cluster"
BLOCK = "block"


class BlockNumber(int):
    """The number of a block (Khối thi đua): equal to the plain number, but of kind block."""

    __slots__ = ()
    kind = BLOCK

    def __repr__(self) -> str:
        return f"BlockNumber({int(self)})"

    def __str__(self) -> str:
        return str(int(self))

    def __reduce__(self):
        return (BlockNumber, (int(self),))


def kind_of(number: int) -> str:
    """'block' for a block's number, 'cluster' for any other number."""
    return BLOCK if isinstance(number, BlockNumber) else CLUSTER


def numbered(number: int, kind: str) -> int:
    """`number` typed for `kind`: a `BlockNumber` for a block, a plain int for a cluster."""
    return BlockNumber(number) if kind == BLOCK else int(number)


class ClusterNumberConverter:
    """``<cluster_number:number>``: a cluster's number (reversing refuses a block's)."""

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        if isinstance(value, BlockNumber):
            raise ValueError("a block's number has its own address")
        return str(int(value))


class BlockNumberConverter:
    """``<block_number:number>``: a block's number (reversing accepts only a `BlockNumber`)."""

    regex = "[0-9]+"

    def to_python(self, value: str) -> BlockNumber:
        return BlockNumber(int(value))

    def to_url(self, value: int) -> str:
        if not isinstance(value, BlockNumber):
            raise ValueError("a cluster's number has its own address")
        return str(int(value))


register_converter(ClusterNumberConverter, "cluster_number")
register_converter(BlockNumberConverter, "block_number")
