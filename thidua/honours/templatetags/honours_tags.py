"""``{% may_edit_records request.user as editor %}``: whether the honours area's tabs and buttons
that create records (the Excel import, new people and commendations) are offered to the user: the
check the pages themselves apply (`thidua.honours.access.require_editor`)."""

from __future__ import annotations

from django import template

from thidua.honours.models import may_edit_somewhere
from thidua.org.models import User

register = template.Library()


@register.simple_tag
def may_edit_records(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and may_edit_somewhere(user)
