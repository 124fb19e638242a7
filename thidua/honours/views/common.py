"""What every honours page shares: the Excel switch on lists and the labels of actions."""

from __future__ import annotations

from django.http import HttpRequest

from thidua.audit.models import AuditRecord

ACTIONS = {
    "create": "Tạo mới",
    "update": "Cập nhật",
    "delete": "Xóa",
    "revoke": "Hủy bỏ, thu hồi",
    "attach": "Đính kèm tệp",
    "import": "Nhập từ Excel",
    "publish": "Ban hành",
}


def wants_excel(request: HttpRequest) -> bool:
    """Every list offers its rows as Excel with ?xuat=excel (same filters, no pagination)."""
    return request.GET.get("xuat") == "excel"


def history(obj) -> list[dict]:
    """The audit trail of one record, newest first, in the words of the page."""
    return [
        {
            "when": r.timestamp,
            "who": r.actor_label,
            "action": ACTIONS.get(r.action, r.action),
            "reason": r.reason,
        }
        for r in AuditRecord.objects.for_object(obj).order_by("-seq")[:50]
    ]
