from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from thidua.org.models import Cluster, Handover, Membership, Movement, Unit, UnitAlias, User


class UnitAliasInline(admin.TabularInline):
    model = UnitAlias
    extra = 0


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "level", "valid_from", "valid_to", "successor"]
    list_filter = ["kind", "level"]
    search_fields = ["code", "name", "search_key"]
    autocomplete_fields = ["parent", "successor"]
    inlines = [UnitAliasInline]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ["__str__", "year", "kind", "number", "host", "conference_date"]
    list_filter = ["year", "kind"]
    inlines = [MembershipInline]


@admin.register(Movement)
class MovementAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(Handover)
class HandoverAdmin(admin.ModelAdmin):
    list_display = ["cluster", "next_leader", "next_deputy", "recorded_at"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "role", "unit", "is_active"]
    list_filter = ["role", "is_active"]
    autocomplete_fields = ["unit"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("Thi Đua", {"fields": ["full_name", "role", "unit"]}),
    ]
