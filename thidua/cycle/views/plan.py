"""Step 1 of a cluster's year, its method: the scale, targets, award and vote rules (steps 2–4,
the covenant, registrations and drives, are thidua.cycle.views.commitments).

Everyone in the cluster's scope (its members and the Ministry) reads these pages; the secretariat
changes the method. Who may do what: thidua.cycle.access; when: the model methods.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from thidua.cycle import workflow
from thidua.cycle.access import (
    CycleAccess,
    get_cycle_for_user,
)
from thidua.cycle.models import (
    Cycle,
    MethodVersion,
)
from thidua.cycle.models.plan import (
    method_token,
)
from thidua.cycle.plan.forms import (
    CriterionDeleteForm,
    CriterionEditForm,
    CriterionNewForm,
    MethodUploadForm,
    RulesForm,
    TargetsForm,
    group_index,
    target_criteria,
)
from thidua.cycle.plan.method_words import (
    award_rows,
    history,
    kind_label,
    num,
    rule_words,
    scale_groups,
    targets_table,
    vote_words,
)
from thidua.cycle.scoring import change_method, scale_of
from thidua.engine.awards import parse_award_rules
from thidua.engine.scale import Scale
from thidua.lib.steps import run_step
from thidua.org.access import require

SECRETARIAT_ONLY = workflow.CHANGE_METHOD.refusal


# -- the method pages ----------------------------------------------------------------------------------


def _award_names(method: MethodVersion | None) -> dict[str, str]:
    if method is None or not method.award_rules:
        return {}
    return {a.code: a.name for a in parse_award_rules(method.award_rules).awards}


def cycle_method(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    cycle, method = access.cycle, access.cycle.method
    members = cycle.members()
    context: dict[str, Any] = {
        "access": access,
        "cycle": cycle,
        "method": method,
        "can_change": workflow.CHANGE_METHOD.may(access.user, cycle),
        "history": history(cycle) if method else [],
    }
    if method and method.scale:
        scale = scale_of(method)
        names = _award_names(method)
        columns, rows = targets_table(method, scale, members)
        context.update(
            scale=scale,
            groups=scale_groups(scale, names),
            total=num(scale.total_points),
            tie_breaks=[t.describe(scale) for t in scale.tie_breaks],
            target_columns=columns,
            target_rows=rows,
        )
    if method and method.award_rules:
        rules = parse_award_rules(method.award_rules)
        context.update(
            awards=award_rows(rules, len(members), kind=cycle.cluster.kind_word), award_rules=rules
        )
    if method:
        context["vote"] = vote_words(method, len(members))
    return render(request, "cycle/plan/method.html", context)


def cycle_method_download(request: HttpRequest, year: int, number: int, doc: str) -> HttpResponse:
    """The scale (or award rules) in force as a JSON file, to edit offline and upload again."""
    access = get_cycle_for_user(request.user, year, number)
    method = access.cycle.method
    field = {"thang-diem": "scale", "quy-che-khen-thuong": "award_rules"}.get(doc)
    if field is None or method is None or not getattr(method, field):
        raise Http404("Chưa ban hành tài liệu này.")
    cluster = access.cycle.cluster
    response = JsonResponse(
        getattr(method, field), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    filename = f"{doc}-{cluster.year}-cum-{cluster.number}-phien-ban-{method.number}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _method_access(request: HttpRequest, year: int, number: int) -> CycleAccess:
    access = get_cycle_for_user(request.user, year, number)
    require(access.is_secretariat, SECRETARIAT_ONLY)
    return access


def _method_form_kwargs(request: HttpRequest, cycle: Cycle) -> dict[str, Any]:
    method = cycle.method
    kwargs: dict[str, Any] = {
        "locked": cycle.method_locked and method is not None,
        "initial": {"token": method_token(method)},
    }
    if request.method == "POST":
        kwargs.update(data=request.POST, files=request.FILES)
    return kwargs


def _save_method(request: HttpRequest, access: CycleAccess, form: Any) -> tuple[bool, int]:
    """Run the change in one transaction; success says whether a new version was made."""
    cycle, method = access.cycle, access.cycle.method
    if method is not None and cycle.method_locked:
        success = (
            f"Đã ban hành phương pháp chấm phiên bản {method.number + 1}; "
            "điểm của các đơn vị đã được tính lại."
        )
    else:
        success = f"Đã lưu phương pháp chấm (phiên bản {method.number if method else 1})."
    ok, _, status = run_step(
        request,
        lambda: change_method(
            cycle,
            by=request.user,
            expected_token=form.cleaned_data["token"],
            **form.changes(),
        ),
        success=success,
        form=form,
    )
    return ok, status


def _method_edit(
    request: HttpRequest, access: CycleAccess, posted: Any, template: str, **context: Any
) -> HttpResponse:
    """The shared flow of every method form: validate, change, redirect; or show why not.

    `posted` is the form a POST fills in; `context` may name another one "form"."""
    status = 200
    if request.method == "POST":
        if posted.is_valid():
            ok, status = _save_method(request, access, posted)
            if ok:
                return redirect(access.cycle.page_url("cycle_method") + context.pop("anchor", ""))
        else:
            status = 422
    context.pop("anchor", None)
    return render(
        request,
        template,
        {
            "access": access,
            "cycle": access.cycle,
            "method": access.cycle.method,
            "form": posted,
            **context,
        },
        status=status,
    )


def cycle_method_upload(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = _method_access(request, year, number)
    form = MethodUploadForm(**_method_form_kwargs(request, access.cycle))
    return _method_edit(request, access, form, "cycle/plan/method_upload.html")


def cycle_method_rules(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = _method_access(request, year, number)
    kwargs = _method_form_kwargs(request, access.cycle)
    method = access.cycle.method
    kwargs["initial"].update(
        operating_rules=method.operating_rules if method else "",
        vote_quorum=method.vote_quorum if method else MethodVersion.DEFAULT_QUORUM,
        vote_threshold=method.vote_threshold if method else MethodVersion.DEFAULT_THRESHOLD,
    )
    form = RulesForm(**kwargs, kind_word=access.cycle.cluster.kind_word)
    return _method_edit(request, access, form, "cycle/plan/method_rules.html", anchor="#quy-che")


def _scale_or_404(access: CycleAccess) -> tuple[MethodVersion, Scale]:
    method = access.cycle.method
    if method is None or not method.scale:
        raise Http404("Chưa ban hành thang điểm: tải lên tệp thang điểm trước.")
    return method, scale_of(method)


def cycle_method_targets(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = _method_access(request, year, number)
    method, scale = _scale_or_404(access)
    criteria = target_criteria(scale)
    form = TargetsForm(
        units=access.cycle.members(),
        criteria=criteria,
        current=method.targets,
        **_method_form_kwargs(request, access.cycle),
    )
    columns, _ = targets_table(method, scale, [])
    return _method_edit(
        request, access, form, "cycle/plan/method_targets.html", columns=columns, anchor="#chi-tieu"
    )


def _criterion_page(
    request: HttpRequest, year: int, number: int, code: str, *, deleting: bool
) -> HttpResponse:
    """One criterion: the edit form, and the delete form (bound when that is what was posted)."""
    access = _method_access(request, year, number)
    method, scale = _scale_or_404(access)
    if not scale.has_criterion(code):
        raise Http404("Thang điểm không có tiêu chí này.")
    posted = _method_form_kwargs(request, access.cycle)
    blank = {"locked": posted["locked"], "initial": posted["initial"]}
    edit = CriterionEditForm(code=code, doc=method.scale, **(blank if deleting else posted))
    delete = CriterionDeleteForm(
        code=code, doc=method.scale, targets=method.targets, **(posted if deleting else blank)
    )
    criterion = scale.criterion(code)
    return _method_edit(
        request,
        access,
        delete if deleting else edit,
        "cycle/plan/method_criterion.html",
        form=edit,
        delete_form=delete,
        criterion=criterion,
        group=scale.group(criterion.group),
        kind=kind_label(criterion),
        rule=rule_words(criterion, _award_names(method)),
        anchor="#thang-diem" if deleting else f"#tc-{code}",
    )


def cycle_method_criterion(request: HttpRequest, year: int, number: int, code: str) -> HttpResponse:
    return _criterion_page(request, year, number, code, deleting=False)


@require_POST
def cycle_method_criterion_delete(
    request: HttpRequest, year: int, number: int, code: str
) -> HttpResponse:
    return _criterion_page(request, year, number, code, deleting=True)


def cycle_method_criterion_new(
    request: HttpRequest, year: int, number: int, group: str
) -> HttpResponse:
    access = _method_access(request, year, number)
    method, scale = _scale_or_404(access)
    if group_index(method.scale, group) is None:
        raise Http404("Thang điểm không có nhóm này.")
    form = CriterionNewForm(
        group=group, doc=method.scale, **_method_form_kwargs(request, access.cycle)
    )
    return _method_edit(
        request,
        access,
        form,
        "cycle/plan/method_criterion_new.html",
        group=scale.group(group),
        anchor=f"#nhom-{group}",
    )
