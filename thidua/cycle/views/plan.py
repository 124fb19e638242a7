"""Steps 1–4, the plan of a cluster's year: the method (scale, targets, award and vote rules), the
covenant and its signatures, the title registrations, and the drives.

Everyone in the cluster's scope (its members and the Ministry) reads these pages; the secretariat
changes the method, writes the covenant and runs the drives; each unit's officer signs the covenant
and registers for their own unit. Who may do what: thidua.cycle.access; when: the model methods.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from thidua.cycle import workflow
from thidua.cycle.access import (
    CycleAccess,
    get_covenant_for_user,
    get_cycle_for_user,
    get_drive_for_user,
    get_registration_for_user,
    get_signing_unit_for_user,
    may_register_for,
    plan_is_open,
    units_user_may_sign_for,
)
from thidua.cycle.models import (
    Covenant,
    Cycle,
    Drive,
    MethodVersion,
    Registration,
)
from thidua.cycle.models.plan import (
    COLLECTIVE_TITLES,
    INDIVIDUAL_TITLES,
    Rate,
    method_token,
    registration_rate,
)
from thidua.cycle.plan.forms import (
    CovenantForm,
    CriterionDeleteForm,
    CriterionEditForm,
    CriterionNewForm,
    DriveForm,
    MethodUploadForm,
    RegistrationForm,
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
from thidua.engine.numbers import fmt_number
from thidua.engine.scale import Scale
from thidua.lib.steps import run_step
from thidua.org.access import require

SECRETARIAT_ONLY = workflow.CHANGE_METHOD.refusal


# -- the method pages ----------------------------------------------------------------------------------


def _url(name: str, cycle: Cycle, *args: Any) -> str:
    return reverse(name, args=[cycle.cluster.year, cycle.cluster.number, *args])


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
                return redirect(_url("cycle_method", access.cycle) + context.pop("anchor", ""))
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


# -- covenant ------------------------------------------------------------------------------------------


def _covenant_page(
    request: HttpRequest,
    access: CycleAccess,
    covenant: Covenant | None,
    can_write: bool,
    form: CovenantForm | None = None,
    status: int = 200,
) -> HttpResponse:
    cycle = access.cycle
    signatures = (
        {s.unit_id: s for s in covenant.signatures.select_related("signed_by")} if covenant else {}
    )
    signable = {u.pk for u in units_user_may_sign_for(access)} if covenant else set()
    open_ = plan_is_open(cycle)
    rows = [
        {"unit": u, "signature": signatures.get(u.pk), "can_sign": open_ and u.pk in signable}
        for u in cycle.members()
    ]
    if can_write and form is None:
        form = CovenantForm(
            frozen=bool(signatures),
            initial={
                "version": covenant.version if covenant else 0,
                "text": covenant.text if covenant else "",
                "signing_place": covenant.signing_place
                if covenant
                else cycle.cluster.leader.short_name,
                "signing_date": covenant.signing_date if covenant else None,
            },
        )
    own = next((r for r in rows if r["unit"].pk == request.user.unit_id), None)
    return render(
        request,
        "cycle/plan/covenant.html",
        {
            "access": access,
            "cycle": cycle,
            "covenant": covenant,
            "rows": rows,
            "own": own,
            "rate": Rate(len(signatures), len(rows)).label("ký giao ước"),
            "complete": len(signatures) == len(rows),
            "form": form if can_write else None,
            "plan_open": open_,
        },
        status=status,
    )


def cycle_covenant(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    covenant, can_write = get_covenant_for_user(access)
    if request.method != "POST":
        return _covenant_page(request, access, covenant, can_write)
    workflow.WRITE_COVENANT.require_actor(request.user, access.cycle)
    frozen = covenant is not None and covenant.signatures.exists()
    form = CovenantForm(
        request.POST,
        frozen=frozen,
        initial={"text": covenant.text if covenant else ""},
    )
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        ok, _, status = run_step(
            request,
            lambda: Covenant.write(
                access.cycle,
                by=request.user,
                text=data["text"],
                signing_place=data["signing_place"],
                signing_date=data["signing_date"],
                expected_version=data["version"] if data["version"] is not None else None,
            ),
            success="Đã lưu giao ước thi đua.",
            form=form,
        )
        if ok:
            return redirect(_url("cycle_covenant", access.cycle))
    return _covenant_page(request, access, covenant, can_write, form, status)


@require_POST
def cycle_covenant_sign(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    unit = get_signing_unit_for_user(access, request.POST.get("unit"))
    covenant, can_write = get_covenant_for_user(access)
    if covenant is None:
        messages.error(
            request,
            f"Thường trực {access.cycle.cluster.kind_word} chưa soạn nội dung giao ước: "
            "chưa thể ký.",
        )
        ok, status = False, 409
    else:
        ok, _, status = run_step(
            request,
            lambda: covenant.sign(unit=unit, by=request.user),
            success=f"{unit.name} đã ký giao ước thi đua.",
        )
    if ok:
        return redirect(_url("cycle_covenant", access.cycle) + "#chu-ky")
    return _covenant_page(request, access, covenant, can_write, status=status)


# -- registrations -------------------------------------------------------------------------------------


INDIVIDUAL_HEADS = {  # the abbreviations the Ministry's forms use
    "chien_si_tien_tien": "CSTT",
    "chien_si_thi_dua_co_so": "CSTĐCS",
    "chien_si_thi_dua_toan_luc_luong": "CSTĐ toàn LL",
    "chien_si_thi_dua_toan_quoc": "CSTĐ toàn quốc",
}


def cycle_registrations(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    cycle = access.cycle
    registrations = list(Registration.objects.filter(cycle=cycle).select_related("registered_by"))
    by_unit = {r.unit_id: r for r in registrations}
    rows = []
    for unit in cycle.members():
        reg = by_unit.get(unit.pk)
        counts = [reg.individual_counts.get(code, 0) if reg else 0 for code, _ in INDIVIDUAL_TITLES]
        rows.append(
            {
                "unit": unit,
                "reg": reg,
                "titles": set(reg.collective_titles) if reg else set(),
                "numbers": counts,
                "counts": [fmt_number(c) if c else "" for c in counts],
                "can_edit": may_register_for(access, unit),
            }
        )
    rate = registration_rate(cycle, registrations)
    return render(
        request,
        "cycle/plan/registrations.html",
        {
            "access": access,
            "cycle": cycle,
            "rows": rows,
            "rate": rate,
            "rate_label": rate.label("đăng ký"),
            "missing": [r["unit"] for r in rows if r["reg"] is None],
            "individual_heads": [
                (INDIVIDUAL_HEADS.get(code, label), label) for code, label in INDIVIDUAL_TITLES
            ],
            "totals": [
                fmt_number(sum(r["numbers"][i] for r in rows))
                for i in range(len(INDIVIDUAL_TITLES))
            ],
            "collective": [
                (label, sum(1 for r in rows if code in r["titles"]))
                for code, label in COLLECTIVE_TITLES
            ],
            "plan_open": plan_is_open(cycle),
        },
    )


def cycle_registration_edit(
    request: HttpRequest, year: int, number: int, code: str
) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    unit, registration, may_edit = get_registration_for_user(access, code)
    require(may_edit, workflow.REGISTER.refusal)
    status = 200
    if request.method == "POST":
        form = RegistrationForm(request.POST)
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            ok, _, status = run_step(
                request,
                lambda: Registration.register(
                    access.cycle,
                    unit=unit,
                    by=request.user,
                    collective_titles=data["collective_titles"],
                    individual_counts=data["individual_counts"],
                    expected_version=data["version"],
                ),
                success=f"Đã lưu đăng ký danh hiệu của {unit.name}.",
                form=form,
            )
            if ok:
                return redirect(_url("cycle_registrations", access.cycle) + f"#dv-{unit.code}")
    else:
        initial: dict[str, Any] = {"version": registration.version if registration else 0}
        if registration:
            initial["collective_titles"] = registration.collective_titles
            for code_, count in registration.individual_counts.items():
                initial[f"count_{code_}"] = fmt_number(count) if count else ""
        form = RegistrationForm(initial=initial)
    return render(
        request,
        "cycle/plan/registration_edit.html",
        {
            "access": access,
            "cycle": access.cycle,
            "unit": unit,
            "registration": registration,
            "form": form,
            "plan_open": plan_is_open(access.cycle),
        },
        status=status,
    )


# -- drives --------------------------------------------------------------------------------------------


def cycle_drives(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    drives = list(Drive.objects.filter(cycle=access.cycle).select_related("created_by"))
    return render(
        request,
        "cycle/plan/drives.html",
        {
            "access": access,
            "cycle": access.cycle,
            "drives": [{"d": d, "phase": d.phase()} for d in drives],
            "can_add": workflow.ADD_DRIVE.may(access.user, access.cycle),
        },
    )


def _drive_form_page(
    request: HttpRequest, access: CycleAccess, drive: Drive | None
) -> HttpResponse:
    can_edit = workflow.EDIT_DRIVE.open_now(access.cycle)
    status = 200
    if request.method == "POST":
        form = DriveForm(request.POST)
        status = 422
        if form.is_valid():
            values = form.values()
            ok, _, status = run_step(
                request,
                lambda: Drive.save_drive(
                    access.cycle,
                    by=request.user,
                    drive=drive,
                    expected_version=form.cleaned_data["version"] if drive else None,
                    **values,
                ),
                success=f"Đã lưu đợt thi đua “{values['name']}”.",
                form=form,
            )
            if ok:
                return redirect(_url("cycle_drives", access.cycle))
    elif drive is not None:
        form = DriveForm(
            initial={
                "version": drive.version,
                **{
                    k: getattr(drive, k)
                    for k in ("kind", "name", "starts_on", "ends_on", "targets", "results")
                },
            }
        )
    else:
        form = DriveForm(initial={"version": 0, "kind": Drive.Kind.PEAK})
    return render(
        request,
        "cycle/plan/drive_form.html",
        {
            "access": access,
            "cycle": access.cycle,
            "drive": drive,
            "form": form,
            "can_edit": can_edit,
        },
        status=status,
    )


def cycle_drive_new(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    workflow.ADD_DRIVE.require_actor(request.user, access.cycle)
    return _drive_form_page(request, access, None)


def cycle_drive_edit(request: HttpRequest, year: int, number: int, pk: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    drive, _ = get_drive_for_user(access, pk)
    workflow.EDIT_DRIVE.require_actor(request.user, access.cycle)
    return _drive_form_page(request, access, drive)
