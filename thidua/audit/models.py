"""The append-only, hash-chained audit log.

Every change to domain data appends one `AuditRecord`. Each record carries a keyed MAC
(HMAC-SHA256, key outside the database: thidua.audit.keys) of its own content and of its
predecessor's MAC, so editing or removing a row in the database (where the ORM's guards below do
not reach), even recomputing every later value, breaks the chain and `manage.py verify_audit`
names the record. The head is also written outside the database (thidua.audit.anchors).

The log is a set of lanes: parallel hash chains, each with one `AuditChainHead` row naming its last
record (lane 1 is the chain of every record written before lanes existed). An appending
transaction locks one lane head, the first one no other transaction holds (SELECT … FOR UPDATE
SKIP LOCKED on PostgreSQL), and keeps that lane to its commit, so two requests can never both
append after the same record and fork a lane, while writers in different clusters never wait on
one another. Every record also carries a number (`seq`) unique across the log, in order within
its lane, and the number of its predecessor in the lane (`prev_seq`), so a deleted record is named.
The lane heads together make the root (thidua.audit.log.root_hash): what a backup records and a
restore checks against. On SQLite the IMMEDIATE transactions serialise writers anyway: one lane.

Writing goes through `thidua.audit.log.record`; this module only stores and refuses.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

# The `prev_hash` of the first record: there is nothing before it.
GENESIS_HASH = "0" * 64
# The lane of the chain written before lanes existed (and the only one SQLite uses).
HEAD_PK = 1
# The PostgreSQL sequence numbering records across lanes (owned by AuditRecord.seq).
SEQ_NAME = "audit_record_seq"


class AppendOnlyError(Exception):
    """An attempt to change or remove an audit record through the ORM."""


class AuditChainError(Exception):
    """The chain cannot be appended to safely (for example its head row has gone)."""


def _refuse(what: str) -> AppendOnlyError:
    return AppendOnlyError(f"Nhật ký thay đổi chỉ được ghi thêm: không được {what} bản ghi đã có.")


class AuditRecordQuerySet(models.QuerySet["AuditRecord"]):
    def for_object(self, obj: models.Model) -> AuditRecordQuerySet:
        """The history of one object, newest first (for a "history" panel)."""
        return self.filter(model=obj._meta.label_lower, object_pk=str(obj.pk)).order_by("-seq")

    # Bulk paths bypass Model.save()/delete(), so they are closed here too.
    def update(self, **kwargs: Any) -> int:
        raise _refuse("sửa")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise _refuse("xoá")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        raise _refuse("sửa")

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[AuditRecord]:
        # Rows made here would skip the chain head and the hashing in log.record().
        raise AppendOnlyError("Chỉ ghi nhật ký qua thidua.audit.log.record().")

    delete.alters_data = True  # type: ignore[attr-defined]
    update.alters_data = True  # type: ignore[attr-defined]


class AuditRecord(models.Model):
    seq = models.PositiveBigIntegerField("số thứ tự", unique=True, editable=False)
    timestamp = models.DateTimeField("thời điểm", editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người thực hiện",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    # Kept as text so the record reads the same (and hashes the same) whatever becomes of the user.
    actor_label = models.CharField("tên người thực hiện", max_length=300, editable=False)
    action = models.CharField("thao tác", max_length=32, editable=False)
    model = models.CharField("loại dữ liệu", max_length=100, editable=False)
    object_pk = models.CharField("mã đối tượng", max_length=64, editable=False)
    object_repr = models.CharField("đối tượng", max_length=300, editable=False)
    before = models.JSONField("trước khi thay đổi", null=True, blank=True, editable=False)
    after = models.JSONField("sau khi thay đổi", null=True, blank=True, editable=False)
    reason = models.TextField("lý do", blank=True, editable=False)
    prev_hash = models.CharField("mã băm bản ghi trước", max_length=64, editable=False)
    hash = models.CharField("mã băm", max_length=64, unique=True, editable=False)
    # Fingerprint of the key whose HMAC `hash` is (thidua.audit.keys); empty on records written
    # before keyed MACs, which carry a plain SHA-256 and verify only as the chain's first records.
    key_id = models.CharField("mã khoá ký", max_length=16, blank=True, default="", editable=False)
    # Where the change came from: the client's address (thidua.net.client_ip: the officer's own behind
    # the trusted proxies); empty for the system's own work and records written before it was kept.
    client_ip = models.CharField(
        "địa chỉ máy", max_length=45, blank=True, default="", editable=False
    )
    # The lane (parallel chain) holding the record, and the number of the record before it in
    # that lane (0 for its first); empty on records from before lanes: then it is seq - 1.
    lane = models.PositiveSmallIntegerField("luồng", default=HEAD_PK, editable=False)
    prev_seq = models.PositiveBigIntegerField(
        "số bản ghi trước trong luồng", null=True, blank=True, editable=False
    )

    objects = AuditRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "bản ghi nhật ký"
        verbose_name_plural = "nhật ký thay đổi"
        ordering = ["-seq"]
        # Related managers and Django internals use the base manager: keep the guards there too.
        base_manager_name = "objects"
        default_permissions = ("view",)
        indexes = [
            # Serves "history of this object" (model, object_pk) and its order by seq.
            models.Index(fields=["model", "object_pk", "seq"], name="audit_object_history"),
            models.Index(fields=["timestamp"], name="audit_timestamp"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.model} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise _refuse("sửa")
        if not getattr(self, "_via_record", False):
            # A row saved here would skip the chain-head lock and hashing: only record() appends.
            # (loaddata, used by restore, goes through save_base() and is not affected.)
            raise AppendOnlyError("Chỉ ghi nhật ký qua thidua.audit.log.record().")
        # Never let Django try an UPDATE first, even with a primary key set.
        kwargs["force_insert"] = True
        kwargs.pop("force_update", None)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise _refuse("xoá")


class AuditChainHead(models.Model):
    """The head of one lane: its last record; locked by every append to the lane."""

    id = models.PositiveSmallIntegerField(
        "luồng", primary_key=True, default=HEAD_PK, editable=False
    )
    last_seq = models.PositiveBigIntegerField("số thứ tự cuối", default=0)
    last_hash = models.CharField("mã băm cuối", max_length=64, default=GENESIS_HASH)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        verbose_name = "đầu chuỗi nhật ký"
        verbose_name_plural = "đầu chuỗi nhật ký"
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"luồng {self.id}: #{self.last_seq} {self.last_hash[:12]}…"
