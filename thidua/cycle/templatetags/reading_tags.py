"""``{% value_source sheet code as src %}``: the report sentence a sheet's value was accepted from
(see :func:`thidua.cycle.models.reading.value_sources`), read once per sheet and page."""

from __future__ import annotations

from typing import Any

from django import template

from thidua.cycle.models.reading import value_sources

register = template.Library()


@register.simple_tag
def value_source(sheet: Any, code: str) -> dict[str, Any] | None:
    cached = getattr(sheet, "_value_sources", None)
    if cached is None:
        cached = value_sources(sheet) if sheet.pk else {}
        sheet._value_sources = cached
    return cached.get(code)


@register.simple_tag
def reported_source(inspection: Any, code: str) -> dict[str, Any] | None:
    """The same, for the unit's reported value shown on an inspection of that unit."""
    cached = getattr(inspection, "_value_sources", None)
    if cached is None:
        from thidua.cycle.models import ResultSheet

        sheet = ResultSheet.objects.filter(
            cycle_id=inspection.cycle_id, unit_id=inspection.unit_id
        ).first()
        cached = value_sources(sheet) if sheet is not None else {}
        inspection._value_sources = cached
    return cached.get(code)
