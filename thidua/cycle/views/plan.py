"""Steps 1–4, the plan of a cluster's year: the method (scale, targets, award and vote rules), the
covenant and its signatures, the title registrations, and the drives.

Everyone in the cluster's scope (its members and the Ministry) reads these pages; the secretariat
changes the method, writes the covenant and runs the drives; each unit's officer signs the covenant
and registers for their own unit. Who may do what: thidua.cycle.access; when: the model methods.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from thidua.audit.models import AuditRecord
from thidua.cycle.access import (
    CycleAccess,
    get_covenant_for_user,
    get_cycle_for_user,
    get_drive_for_user,
    get_registration_for_user,
    plan_is_open,
    units_user_may_sign_for,
)
from thidua.cycle.forms_plan import (
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
    change_method,
    method_token,
    registration_rate,
)
from thidua.cycle.scoring import scale_of
from thidua.cycle.views.common import run_step
from thidua.engine.awards import AwardRule, AwardRules, parse_award_rules
from thidua.engine.numbers import fmt_number
from thidua.engine.rules import (
    Bonus,
    CountRule,
    JudgedRule,
    PlanRule,
    TargetRule,
    VetoRule,
)
from thidua.engine.scale import Criterion, Scale
from thidua.org.access import require
from thidua.org.models import User

SECRETARIAT_ONLY = "Chỉ Thường trực Cụm (đơn vị Cụm trưởng) được thay đổi phương pháp chấm."

# -- the method in words -----------------------------------------------------------------------------


def _n(value: Decimal | int) -> str:
    """A number as printed in the scale: Vietnamese separators, a true minus sign."""
    return fmt_number(value).replace("-", "−")


def _v(value: Decimal, unit: str) -> str:
    return f"{_n(value)}{unit}" if unit in ("%", "") else f"{_n(value)} {unit}"


def _pts(value: Decimal) -> str:
    return f"{_n(value)} điểm"


def _bonus_words(bonus: Bonus | None, unit: str, over: str) -> str:
    if bonus is None:
        return ""
    step = "trọn " if bonus.whole_steps else ""
    return (
        f"; thưởng {_pts(bonus.points)} mỗi {step}{_v(bonus.per, unit)} vượt {over}, "
        f"tối đa {_pts(bonus.cap)}"
    )


def kind_label(criterion: Criterion) -> str:
    rule = criterion.rule
    if isinstance(rule, CountRule):
        return "Điểm trừ" if rule.per_event < 0 else "Điểm cộng"
    return {
        "target": "Chỉ tiêu",
        "plan": "Kế hoạch",
        "judged": "Chấm điểm",
        "veto": "Điểm liệt",
        "yes_no": "Có/không",
    }[rule.kind]


def rule_words(criterion: Criterion, award_names: dict[str, str]) -> str:
    """The rule of one criterion as the printed scale says it, e.g. "≥ 76%: tối đa 10 điểm; …"."""
    rule, top = criterion.rule, criterion.max_points
    if isinstance(rule, TargetRule):
        higher = rule.direction == "higher"
        better, worse = ("≥", "≤") if higher else ("≤", "≥")
        goal = (
            f"{better} {_v(rule.target, rule.unit)}"
            if rule.target is not None
            else "Đạt chỉ tiêu riêng của đơn vị"
        )
        if rule.method == "linear":
            zero = rule.zero_at if rule.zero_at is not None else Decimal(0)
            text = f"{goal}: tối đa {_pts(top)}; chưa đạt: tính tuyến tính, {worse} {_v(zero, rule.unit)}: 0 điểm"
        elif rule.method == "all_or_nothing":
            text = f"{goal}: {_pts(top)}; không đạt: 0 điểm"
        else:
            steps = "; ".join(
                f"{better} {_v(s.value, rule.unit)}: {_pts(s.points)}" for s in rule.steps
            )
            text = f"Theo mức: {steps}; thấp hơn: 0 điểm"
        return text + _bonus_words(rule.bonus, rule.unit, "chỉ tiêu")
    if isinstance(rule, PlanRule):
        plan = f" (kế hoạch mặc định {_v(rule.plan, rule.unit)})" if rule.plan is not None else ""
        below = (
            "tỷ lệ thuận với phần trăm kế hoạch"
            if rule.zero_at == 0
            else f"tính tuyến tính, ≤ {_n(rule.zero_at)}% kế hoạch: 0 điểm"
        )
        text = (
            f"Thực hiện ≥ {_n(rule.full_at)}% kế hoạch{plan}: tối đa {_pts(top)}; chưa đạt: {below}"
        )
        return text + _bonus_words(rule.bonus, "%", "kế hoạch")
    if isinstance(rule, CountRule):
        each = rule.unit or "lần"
        if rule.per_event < 0:
            return f"Trừ {_pts(-rule.per_event)} mỗi {each}, trừ tối đa {_pts(rule.limit)}"
        return f"Cộng {_pts(rule.per_event)} mỗi {each}, cộng tối đa {_pts(rule.limit)}"
    if isinstance(rule, JudgedRule):
        return f"Đoàn kiểm tra chấm từ 0 đến {_pts(top)}; dưới mức tối đa phải có nhận xét"
    if isinstance(rule, VetoRule):
        if rule.scope == "ranking":
            return "Nếu xảy ra: đơn vị không được xếp hạng"
        names = ", ".join(award_names.get(code, code) for code in rule.awards)
        return f"Nếu xảy ra: không được xét {names}"
    yes, no = ("Có", "không") if rule.expected else ("Không", "có")
    return f"{yes}: {_pts(top)}; {no}: 0 điểm"


def scale_groups(scale: Scale, award_names: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "group": group,
            "max": _n(group.max_points),
            "criteria": [
                {
                    "c": c,
                    "kind": kind_label(c),
                    "max": _n(c.max_points) if c.rule.kind not in ("count", "veto") else "",
                    "rule": rule_words(c, award_names),
                    "required": c.missing == "block",
                }
                for c in group.criteria
            ],
        }
        for group in scale.groups
    ]


def quota_words(award: AwardRule, members: int) -> str:
    parts = []
    if award.max_count is not None:
        parts.append(f"tối đa {award.max_count} đơn vị")
    if award.max_percent is not None:
        if award.percent_of == "members":
            count = math.floor(award.max_percent * members / 100)
            parts.append(
                f"tối đa {_n(award.max_percent)}% số đơn vị trong Cụm "
                f"({_n(award.max_percent)}% × {members}, làm tròn xuống: {count})"
            )
        else:
            parts.append(f"tối đa {_n(award.max_percent)}% số đơn vị được xếp hạng, làm tròn xuống")
    if not parts:
        return "Không giới hạn số lượng"
    joined = "; ".join(parts)
    if len(parts) > 1:
        joined += " — lấy số " + ("nhỏ hơn" if award.combine == "min" else "lớn hơn")
    return joined[:1].upper() + joined[1:]


def award_rows(rules: AwardRules, members: int) -> list[dict[str, Any]]:
    names = {a.code: a.name for a in rules.awards}
    rows = []
    for award in rules.awards:
        conditions = []
        if award.min_total is not None:
            conditions.append(f"tổng điểm từ {_n(award.min_total)}")
        if award.max_rank is not None:
            conditions.append(f"xếp hạng từ 1 đến {award.max_rank}")
        if award.standard_of:
            conditions.append(f"đạt tiêu chuẩn {names.get(award.standard_of, award.standard_of)}")
        rows.append(
            {
                "award": award,
                "candidates": "Đơn vị được suy tôn dẫn đầu Cụm"
                if award.candidates == "honoured"
                else "Các đơn vị theo thứ tự xếp hạng",
                "quota": quota_words(award, members),
                "minimum": "; ".join(conditions) or "—",
            }
        )
    return rows


def vote_words(method: MethodVersion, members: int) -> dict[str, str]:
    quorum, threshold = method.quorum, method.threshold
    present = math.ceil(quorum * members)
    yes = math.floor(threshold * members) + 1
    return {
        "quorum": f"Có mặt ít nhất {method.vote_quorum} số thành viên: từ {present}/{members} đơn vị",
        "threshold": f"Tán thành vượt {method.vote_threshold} tổng số thành viên: từ {yes}/{members} đơn vị",
    }


def targets_table(
    method: MethodVersion, scale: Scale, units: list
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Columns (criteria with their default target) and one row of targets per member unit."""
    columns = []
    for c in target_criteria(scale):
        default = c.rule.target if isinstance(c.rule, TargetRule) else c.rule.plan
        columns.append(
            {
                "c": c,
                "unit": c.rule.unit,
                "default": _v(default, c.rule.unit) if default is not None else "",
            }
        )
    rows = []
    for unit in units:
        own = method.targets.get(unit.code, {})
        cells = []
        for col in columns:
            value = own.get(col["c"].code)
            cells.append(_v(Decimal(str(value)), col["unit"]) if value is not None else "")
        rows.append({"unit": unit, "cells": cells})
    return columns, rows


ACTIONS = {"create": "Ban hành", "update": "Sửa", "new_version": "Phiên bản mới"}
PARTS = {
    "scale": "thang điểm",
    "award_rules": "quy chế khen thưởng",
    "targets": "chỉ tiêu từng đơn vị",
    "operating_rules_chars": "quy chế hoạt động",
    "vote_quorum": "tỷ lệ có mặt",
    "vote_threshold": "tỷ lệ tán thành",
}


def history(cycle: Cycle) -> list[dict[str, Any]]:
    """Every version (number, date, who, reason) with the audited changes made to it."""
    versions = list(cycle.methods.select_related("created_by").order_by("-number"))
    records: dict[str, list[dict[str, Any]]] = {}
    for rec in AuditRecord.objects.filter(
        model=MethodVersion._meta.label_lower, object_pk__in=[str(v.pk) for v in versions]
    ).order_by("seq"):
        before, after = rec.before or {}, rec.after or {}
        changed = [
            label for key, label in PARTS.items() if before and before.get(key) != after.get(key)
        ]
        records.setdefault(rec.object_pk, []).append(
            {"rec": rec, "action": ACTIONS.get(rec.action, rec.action), "changed": changed}
        )
    return [{"v": v, "edits": records.get(str(v.pk), [])} for v in versions]


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
        "can_change": access.is_secretariat and cycle.stage != Cycle.Stage.CLOSED,
        "history": history(cycle) if method else [],
    }
    if method and method.scale:
        scale = scale_of(method)
        names = _award_names(method)
        columns, rows = targets_table(method, scale, members)
        context.update(
            scale=scale,
            groups=scale_groups(scale, names),
            total=_n(scale.total_points),
            tie_breaks=[t.describe(scale) for t in scale.tie_breaks],
            target_columns=columns,
            target_rows=rows,
        )
    if method and method.award_rules:
        rules = parse_award_rules(method.award_rules)
        context.update(awards=award_rows(rules, len(members)), award_rules=rules)
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
    form = RulesForm(**kwargs)
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
    require(access.is_secretariat, "Chỉ Thường trực Cụm được soạn, sửa giao ước thi đua.")
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
    signable = units_user_may_sign_for(access)
    require(bool(signable), "Chỉ cán bộ thi đua của đơn vị thành viên được ký giao ước cho đơn vị.")
    code = request.POST.get("unit") or getattr(request.user.unit, "code", "")
    unit = next((u for u in signable if u.code == code), None)
    require(unit is not None, "Bạn chỉ được ký giao ước cho đơn vị của mình.")
    covenant, can_write = get_covenant_for_user(access)
    if covenant is None:
        messages.error(request, "Thường trực Cụm chưa soạn nội dung giao ước: chưa thể ký.")
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
    cycle, user = access.cycle, request.user
    registrations = list(Registration.objects.filter(cycle=cycle).select_related("registered_by"))
    by_unit = {r.unit_id: r for r in registrations}
    officer = user.role in (User.Role.UNIT_OFFICER, User.Role.SECRETARIAT)
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
                "can_edit": access.is_secretariat or (officer and unit.pk == user.unit_id),
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
    require(may_edit, "Chỉ cán bộ thi đua của chính đơn vị được đăng ký danh hiệu cho đơn vị.")
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
            "can_add": access.is_secretariat and access.cycle.stage != Cycle.Stage.CLOSED,
        },
    )


def _drive_form_page(
    request: HttpRequest, access: CycleAccess, drive: Drive | None
) -> HttpResponse:
    can_edit = access.cycle.stage != Cycle.Stage.CLOSED
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
    require(access.is_secretariat, "Chỉ Thường trực Cụm được thêm đợt thi đua.")
    return _drive_form_page(request, access, None)


def cycle_drive_edit(request: HttpRequest, year: int, number: int, pk: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    drive, _ = get_drive_for_user(access, pk)
    require(access.is_secretariat, "Chỉ Thường trực Cụm được sửa đợt thi đua.")
    return _drive_form_page(request, access, drive)
