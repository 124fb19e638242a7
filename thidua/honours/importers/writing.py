"""Writing what the checks accepted: records held and inserted in bulk (dependencies first), the
audit records prepared in the order the model methods would make them, and appended at the end
with one lock of the chain head."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection, models

from thidua.audit.log import prepare, record_many, snapshot
from thidua.org.models import User


class Writer:
    """The writing half of the importer; `writing=False` (a dry run, or a refused row) keeps
    nothing."""

    FLUSH_EVERY = 2000  # records held before a bulk write

    def __init__(self, user: User, *, writing: bool = True) -> None:
        self.user = user
        self.writing = writing
        self.pending: list[models.Model] = []  # to insert, in order
        self.unsaved: set[int] = set()  # id() of the pending ones
        self.audit: list[models.Model | tuple[str, models.Model]] = []

    def create(self, *objs: models.Model) -> None:
        """Records the model's create() would save and audit as "create", in this order."""
        if not self.writing:
            return
        for obj in objs:
            self.pending.append(obj)
            self.unsaved.add(id(obj))
            self.audit.append(("create", obj))
        if len(self.pending) >= self.FLUSH_EVERY:
            self.flush()

    def update(self, obj: models.Model, change: Callable[[], None]) -> None:
        """set_rating()/UnitRating.set() on a rating already there: change, save, audit."""
        if not self.writing:
            change()
            return
        if id(obj) in self.unsaved:  # made by an earlier row of this file
            self.flush()
        before = snapshot(obj)
        change()
        obj.save()
        self.audit.append(
            prepare(actor=self.user, action="update", obj=obj, before=before, after=snapshot(obj))
        )

    def stop_writing(self) -> None:
        """A row was refused: nothing will be kept, so nothing more is written."""
        self.writing = False
        self.pending, self.audit = [], []
        self.unsaved.clear()

    def flush(self) -> None:
        if not self.pending:
            return
        # Dependencies first: a new officer before their posting (first seen first).
        groups: dict[type, list[models.Model]] = {}
        for obj in self.pending:
            groups.setdefault(type(obj), []).append(obj)
        for model, objs in groups.items():
            if connection.features.can_return_rows_from_bulk_insert:
                model.objects.bulk_create(objs, batch_size=500)
            else:  # a backend that cannot tell the new keys: one insert each
                for obj in objs:
                    obj.save(force_insert=True)
        self.pending = []
        self.unsaved.clear()
        # The "create" records, each as the model's create() makes it just after saving.
        self.audit = [
            prepare(actor=self.user, action="create", obj=item[1], after=snapshot(item[1]))
            if isinstance(item, tuple)
            else item
            for item in self.audit
        ]

    def write_audit(self) -> None:
        self.flush()
        if self.audit:
            record_many(self.audit)
        self.audit = []
