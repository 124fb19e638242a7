"""A read-only window on the audit log: nobody adds, changes or deletes through the admin."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html

from thidua.audit.models import AuditChainHead, AuditRecord


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _pretty(data: Any) -> str:
    if data is None:
        return "—"
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
    return format_html('<pre style="margin:0;white-space:pre-wrap">{}</pre>', text)


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdmin):
    list_display = ["seq", "timestamp", "actor_label", "action", "model", "object_repr"]
    list_display_links = ["seq"]
    list_filter = ["model", "action", "actor", "timestamp"]
    search_fields = ["object_repr", "object_pk", "actor_label", "reason", "=seq", "=client_ip"]
    ordering = ["-seq"]
    # COUNT(*) over millions of rows on every page is the slow part of a big changelist.
    show_full_result_count = False
    list_per_page = 50
    fields = [
        "seq",
        "timestamp",
        "actor",
        "actor_label",
        "client_ip",
        "action",
        "model",
        "object_pk",
        "object_repr",
        "before_pretty",
        "after_pretty",
        "reason",
        "prev_hash",
        "hash",
    ]
    readonly_fields = fields

    @admin.display(description="trước khi thay đổi")
    def before_pretty(self, obj: AuditRecord) -> str:
        return _pretty(obj.before)

    @admin.display(description="sau khi thay đổi")
    def after_pretty(self, obj: AuditRecord) -> str:
        return _pretty(obj.after)


@admin.register(AuditChainHead)
class AuditChainHeadAdmin(ReadOnlyAdmin):
    list_display = ["last_seq", "last_hash", "updated_at"]
    readonly_fields = ["last_seq", "last_hash", "updated_at"]
