"""The workflow primitives of every domain app: a refused step and the versioned save.

A step asked at the wrong time raises `WorkflowError` (HTTP 409 on pages and in the API); two people
saving the same record are told by `save_versioned`, which never overwrites silently.
"""

from __future__ import annotations

from django.db import models


class WorkflowError(Exception):
    """A step asked at the wrong time (e.g. submitting a sheet twice); the message is for the user."""

    status = 409

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class StaleEdit(WorkflowError):
    """Someone saved the same record since this user loaded it: nothing was overwritten."""

    def __init__(self, what: str = "bản ghi") -> None:
        super().__init__(
            f"{what[:1].upper()}{what[1:]} đã được người khác cập nhật sau khi bạn mở. "
            "Thay đổi của bạn chưa được lưu: vui lòng tải lại trang để xem bản mới nhất rồi nhập lại."
        )


def save_versioned(
    obj: models.Model, fields: list[str], expected_version: int | None, what: str
) -> None:
    """Save `fields` only if nobody else saved `obj` since the caller read version `expected_version`.

    A conditional UPDATE (… WHERE version = expected) is atomic on every database, so two writers
    can never both win: the second one is told and nothing of theirs is written.
    """
    model = type(obj)
    current = obj.version if expected_version is None else expected_version
    values = {name: getattr(obj, name) for name in fields}
    updated = model.objects.filter(pk=obj.pk, version=current).update(**values, version=current + 1)
    if updated != 1:
        raise StaleEdit(what)
    obj.version = current + 1
