"""The Ministry's council composition is data, edited here (members, roles, opinions needed);
every change is audited like the app's own steps."""

from __future__ import annotations

from django.contrib import admin

from thidua.audit.log import record as audit
from thidua.audit.log import snapshot
from thidua.cycle.models import Council, CouncilMember


class CouncilMemberInline(admin.TabularInline):
    model = CouncilMember
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    list_display = ["name", "opinions_needed", "chair_must_opine", "active", "created_at"]
    list_filter = ["active"]
    inlines = [CouncilMemberInline]

    def save_model(self, request, obj, form, change) -> None:
        before = snapshot(Council.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        action = "update" if change else "create"
        audit(actor=request.user, action=action, obj=obj, before=before, after=snapshot(obj))

    def save_formset(self, request, form, formset, change) -> None:
        instances = formset.save(commit=False)
        for gone in formset.deleted_objects:
            audit(actor=request.user, action="delete", obj=gone, before=snapshot(gone))
            gone.delete()
        for member in instances:
            created = member.pk is None
            member.save()
            audit(
                actor=request.user,
                action="create" if created else "update",
                obj=member,
                after=snapshot(member),
            )
        formset.save_m2m()
