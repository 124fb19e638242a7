"""What every page of every app shares: running a workflow step and reporting its outcome."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from thidua.lib.workflow import WorkflowError

T = TypeVar("T")


class VersionedForm(forms.Form):
    """Carries the version the user loaded, so a concurrent save is detected, not overwritten."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


def run_step(
    request: HttpRequest,
    action: Callable[[], T],
    *,
    success: str,
    form: forms.Form | None = None,
) -> tuple[bool, T | None, int]:
    """Run a model step; on refusal put the reasons where the user will see them.

    Returns (ok, result, status): 200 on success, 409 when the step is refused for the state of the
    year or a concurrent edit, 422 for invalid input. Model ValidationErrors keyed by a field of
    `form` land under that field; the rest go to the form's summary or the page messages.
    """
    try:
        result = action()
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return False, None, 409
    except ValidationError as exc:
        if form is not None:
            _attach(form, exc)
        else:
            messages.error(request, " ".join(exc.messages))
        return False, None, 422
    messages.success(request, success)
    return True, result, 200


def _attach(form: forms.Form, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        target: Any = field if field in form.fields else None
        for error in errors:
            form.add_error(target, error if target else ValidationError(f"{error.messages[0]}"))
