"""The honours overview, Excel import (with its template), and the rule sets by version."""

from __future__ import annotations

import datetime as dt
import json

from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from thidua.engine import text
from thidua.engine.eligibility import load_catalogue
from thidua.engine.eligibility_model import UNVERIFIED_BASIS
from thidua.engine.eligibility_rules import CONFIDENCE, RULE_KINDS, reference_date
from thidua.engine.eligibility_words import parameter_words
from thidua.honours import exports
from thidua.honours.access import can_publish_rules, require_editor
from thidua.honours.eligibility import ruleset_by_id, ruleset_for, rulesets
from thidua.honours.forms import ImportForm, RuleSetForm
from thidua.honours.importers import SHEETS, count_rows, import_workbook, template_workbook
from thidua.honours.models import Commendation, Person, RuleSetVersion, may_edit_somewhere
from thidua.jobs.access import active_job
from thidua.jobs.models import Job
from thidua.jobs.runner import start
from thidua.lib.steps import run_step
from thidua.org.access import require


def honours_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    counts = Commendation.objects.visible_to(user).aggregate(
        total=Count("pk"),
        collective=Count("pk", filter=Q(person__isnull=True)),
        revoked=Count("pk", filter=Q(revoked=True)),
    )
    this_year = dt.date.today().year
    return render(
        request,
        "honours/home.html",
        {
            "counts": counts,
            "people": Person.objects.visible_to(user).count(),
            "recent": Commendation.objects.visible_to(user)
            .select_related("person", "unit")
            .order_by("-created_at", "-pk")[:8],
            "can_edit": may_edit_somewhere(user),
            "can_publish": can_publish_rules(user),
            "ruleset": ruleset_for(this_year),
            "this_year": this_year,
            "my_unit": user.unit,
        },
    )


@require_http_methods(["GET", "POST"])
def import_records(request: HttpRequest) -> HttpResponse:
    require_editor(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    result, status = None, 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            upload, dry_run = form.cleaned_data["file"], form.cleaned_data["dry_run"]
            rows = count_rows(upload)
            if rows > settings.HONOURS_IMPORT_SYNC_ROWS:
                # A large (national) file: imported by a background job with a progress bar.
                return redirect(_import_job(request, upload, rows, dry_run))
            result = import_workbook(upload, request.user, dry_run=dry_run)
            status = 200 if result.ok else 422
    return render(
        request,
        "honours/import.html",
        {
            "form": form,
            "result": result,
            "sheets": SHEETS,
            "sync_rows": settings.HONOURS_IMPORT_SYNC_ROWS,
        },
        status=status,
    )


def _import_job(request: HttpRequest, upload, rows: int, dry_run: bool) -> Job:
    running = active_job(request.user, Job.Kind.HONOURS_IMPORT)
    if running is not None:
        messages.warning(
            request,
            "Bạn đang có một lượt nhập Excel chưa xong; tệp mới chưa được nhận. "
            "Chờ lượt này xong rồi gửi lại.",
        )
        return running
    name = text.normalize(upload.name)[:80]
    verb = "Kiểm tra" if dry_run else "Nhập"
    return start(
        Job.Kind.HONOURS_IMPORT,
        request.user,
        title=f"{verb} hồ sơ khen thưởng từ tệp “{name}” ({rows:,} dòng)".replace(",", "."),
        params={"dry_run": dry_run, "rows": rows},
        upload=upload,
        upload_name="dau-vao.xlsx",
    )


def import_template(request: HttpRequest) -> HttpResponse:
    return exports.xlsx_response(template_workbook(), "mau-nhap-khen-thuong.xlsx")


def ruleset_list(request: HttpRequest) -> HttpResponse:
    pool = rulesets()
    published = {v.set_id: v for v in RuleSetVersion.objects.select_related("created_by")}
    this_year = dt.date.today().year
    years = []
    for year in range(this_year + 1, 2016, -1):
        try:
            years.append((year, reference_date(year), ruleset_for(year)))
        except LookupError:
            continue
    return render(
        request,
        "honours/ruleset_list.html",
        {
            "sets": [(s, origin, published.get(s.id)) for s, origin in pool],
            "years": years,
            "can_publish": can_publish_rules(request.user),
        },
    )


def ruleset_detail(request: HttpRequest, set_id: str) -> HttpResponse:
    found = ruleset_by_id(set_id)
    if found is None:
        raise Http404("Không tìm thấy bộ quy tắc.")
    ruleset, origin = found
    catalogue = load_catalogue()
    rules = [
        {
            "rule": r,
            "kind": RULE_KINDS.get(r.kind, r.kind),
            "confidence": CONFIDENCE.get(r.confidence, r.confidence),
            "awards": "tất cả"
            if r.applies_to is None
            else ", ".join(catalogue.name(c) for c in sorted(r.applies_to)),
            "parameters": parameter_words(r.parameters, r.principle),
        }
        for r in ruleset.rules
    ]
    return render(
        request,
        "honours/ruleset_detail.html",
        {
            "ruleset": ruleset,
            "origin": origin,
            "version": RuleSetVersion.objects.filter(set_id=set_id).first(),
            "rules": rules,
            "can_publish": can_publish_rules(request.user),
            # Rule ids, unverified bases and defaults without a basis: for the rule sets'
            # maintainers; officers read the rules in words and the basis in force.
            "admin": can_publish_rules(request.user),
            "unverified_basis": UNVERIFIED_BASIS,
        },
    )


def _draft(base_id: str | None) -> dict:
    """A new version to edit: the chosen (or current) set, resolved, under a new id."""
    found = ruleset_by_id(base_id) if base_id else None
    base = found[0] if found else ruleset_for(dt.date.today().year)
    data = base.to_dict()
    data["id"] = f"{base.id}-sua-doi-{dt.date.today():%Y%m%d}"
    data.pop("effective_to", None)
    return data


@require_http_methods(["GET", "POST"])
def ruleset_create(request: HttpRequest) -> HttpResponse:
    require(
        can_publish_rules(request.user), "Chỉ cán bộ phê duyệt của Bộ được ban hành bộ quy tắc."
    )
    initial = {
        "data": json.dumps(_draft(request.GET.get("tu")), ensure_ascii=False, indent=2),
        "effective_from": dt.date(dt.date.today().year + 1, 1, 1),
    }
    form = RuleSetForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            ok, version, status = run_step(
                request,
                lambda: RuleSetVersion.publish(by=request.user, **form.cleaned_data),
                success="Đã ban hành phiên bản bộ quy tắc mới.",
                form=form,
            )
            if ok:
                return redirect("honours_ruleset", set_id=version.set_id)
    return render(request, "honours/ruleset_form.html", {"form": form}, status=status)
