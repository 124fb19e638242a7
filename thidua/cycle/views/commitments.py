"""Steps 2–4 of a cluster's year, what its members commit to: the covenant and its signatures,
the title registrations, and the drives (the method, step 1, is thidua.cycle.views.plan).

Everyone in the cluster's scope (its members and the Ministry) reads these pages; the secretariat
writes the covenant and runs the drives; each unit's officer signs the covenant and registers for
their own unit. Who may do what: thidua.cycle.access; when: the model methods.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
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
    Drive,
    Registration,
)
from thidua.cycle.models.plan import (
    COLLECTIVE_TITLES,
    INDIVIDUAL_TITLES,
    Rate,
    registration_rate,
)
from thidua.cycle.plan.forms import (
    CovenantForm,
    DriveForm,
    RegistrationForm,
)
from thidua.engine.numbers import fmt_number
from thidua.lib.steps import run_step
from thidua.org.access import require

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
            return redirect(access.cycle.page_url("cycle_covenant"))
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
        return redirect(access.cycle.page_url("cycle_covenant") + "#chu-ky")
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
                return redirect(access.cycle.page_url("cycle_registrations") + f"#dv-{unit.code}")
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
                return redirect(access.cycle.page_url("cycle_drives"))
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
