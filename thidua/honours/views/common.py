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


def edit_record(request, obj, form_class, *, template: str, context_name: str, success: str):
    """The edit page of a versioned record: the form, a stale edit refused, the model's update()."""
    from django.shortcuts import redirect, render

    from thidua.lib.steps import run_step

    initial = {name: getattr(obj, name) for name in type(obj).EDITABLE}
    form = form_class(request.POST or None, initial={**initial, "version": obj.version})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            ok, _, status = run_step(
                request,
                lambda: obj.update(by=request.user, expected_version=version, **data),
                success=success,
                form=form,
            )
            if ok:
                return redirect(obj)
    return render(request, template, {"form": form, context_name: obj}, status=status)
