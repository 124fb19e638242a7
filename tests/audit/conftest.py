from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from thidua.audit.log import record
from thidua.audit.models import SEQ_NAME, AuditChainHead, AuditRecord
from thidua.org.models import Movement


@pytest.fixture(autouse=True)
def empty_log(db: Any) -> None:
    """Start every test here from an empty log, so sequence numbers read as in the assertions.

    The session's reference data is loaded through audited imports. Raw SQL because the ORM
    refuses to delete audit rows; the test's transaction rolls the deletion back afterwards.
    """
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditRecord._meta.db_table}")
        cursor.execute(f"DELETE FROM {AuditChainHead._meta.db_table}")
        if connection.vendor == "postgresql":  # numbers from 1 again (undone with the test)
            cursor.execute(f"ALTER SEQUENCE {SEQ_NAME} RESTART WITH 1")


@pytest.fixture
def officer(db: Any) -> Any:
    return get_user_model().objects.create_user(
        username="can-bo-a", password="mat-khau-dai-du-10", full_name="Nguyễn Văn An"
    )


@pytest.fixture
def movement(db: Any) -> Movement:
    return Movement.objects.create(code="kiem-thu-nhat-ky", name="Phong trào kiểm thử")


@pytest.fixture
def make_records(movement: Movement) -> Any:
    """Append `n` update records about `movement`, each in its own transaction like real requests."""

    def make(n: int, actor: Any = None) -> list[AuditRecord]:
        made = []
        for i in range(n):
            with transaction.atomic():
                made.append(
                    record(
                        actor=actor,
                        action="update",
                        obj=movement,
                        before={"name": f"Tên {i}"},
                        after={"name": f"Tên {i + 1}"},
                        reason=f"Sửa lần {i + 1}",
                    )
                )
        return made

    return make
