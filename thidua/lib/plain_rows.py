"""Model instances from one plain SQL query that joins several tables.

On a page every signed-in request opens, the ORM spent longer writing a query of four joins and a
prefetch than PostgreSQL spent answering it (the year's access check: 1.5 ms to compile the year's
query, as much again for its members, 0.3 ms for the database to answer both). Such a hot read
writes its SQL once per process, with the columns named from the models' fields, and turns each
row into model instances here with the conversions the ORM applies (SQLite gives dates as text
and booleans as integers), so the instances are the ones the ORM would have built.

On PostgreSQL such a query (`hot_rows`) is also a prepared statement: the server plans it once
per connection instead of on every request (planning the year's six-table join took 0.9 ms, the
answer 0.14 ms). Only these queries are prepared: Django's own cursors bind parameters on the
client and never prepare, so a pooler in transaction mode is affected by these few alone (it must
support prepared statements at the protocol level, as PgBouncer does from 1.21).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, connections
from django.db.models import Model


def hot_rows(sql: str, params: Sequence[Any]) -> list[tuple]:
    """The rows of a query run on (nearly) every request; on PostgreSQL, prepared once per
    connection. Where queries are being logged (DEBUG, a test counting them), Django's usual
    cursor runs it instead, so the log shows its SQL (Django cannot show a prepared one's)."""
    if connection.vendor != "postgresql" or connection.queries_logged:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    with connection.make_cursor(ServerBindingCursor(connection.connection)) as cursor:
        cursor.execute(sql, params)  # prepared: settings' prepare_threshold 0 (these cursors only)
        return cursor.fetchall()


class RowShape:
    """One model's columns in a joined row, under a table alias of the query."""

    def __init__(self, model: type[Model], alias: str) -> None:
        self.model = model
        self.alias = alias
        self.fields = list(model._meta.concrete_fields)
        self.attnames = [f.attname for f in self.fields]
        self.width = len(self.fields)
        self._converters: dict[str, list[tuple[int, list[Callable], Any]]] = {}

    def table(self, using: str = "default") -> str:
        """`"table" alias` for the FROM clause."""
        quote = connections[using].ops.quote_name
        return f"{quote(self.model._meta.db_table)} {self.alias}"

    def columns(self, using: str = "default") -> str:
        """The model's columns, in the order `load` reads them, for the SELECT list."""
        quote = connections[using].ops.quote_name
        return ", ".join(f"{self.alias}.{quote(f.column)}" for f in self.fields)

    def load(self, row: Sequence[Any], start: int, using: str = "default") -> Model | None:
        """The instance whose columns begin at `start`; None where an outer join found no row."""
        values = list(row[start : start + self.width])
        if values[self.attnames.index(self.model._meta.pk.attname)] is None:
            return None
        connection = connections[using]
        for index, converters, expression in self._converters_for(using):
            value = values[index]
            for convert in converters:
                value = convert(value, expression, connection)
            values[index] = value
        return self.model.from_db(using, self.attnames, values)

    def _converters_for(self, using: str) -> list[tuple[int, list[Callable], Any]]:
        if using not in self._converters:
            connection = connections[using]
            found = []
            for index, field in enumerate(self.fields):
                column = field.get_col(self.alias)
                converters = connection.ops.get_db_converters(column) + column.get_db_converters(
                    connection
                )
                if converters:
                    found.append((index, converters, column))
            self._converters[using] = found
        return self._converters[using]


def cache_related(instance: Model, field_name: str, value: Model | None) -> None:
    """What `select_related` leaves on an instance: the related object behind a foreign key
    (and, for a one-to-one, the way back)."""
    field = type(instance)._meta.get_field(field_name)
    field.set_cached_value(instance, value)
    if value is not None and field.one_to_one:
        field.remote_field.set_cached_value(value, instance)


def cache_prefetched(instance: Model, related_name: str, objects: list[Model]) -> None:
    """What `prefetch_related` leaves on an instance: `instance.<related_name>.all()` answers
    these objects without a query."""
    queryset = getattr(instance, related_name).get_queryset()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[related_name] = queryset
