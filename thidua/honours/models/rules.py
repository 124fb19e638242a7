"""Rule-set versions published by the Ministry approver."""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from thidua.audit.log import record as audit
from thidua.audit.log import snapshot
from thidua.engine import text
from thidua.engine.eligibility_catalogue import RULESET_DIR
from thidua.org.models import User


class RuleSetVersion(models.Model):
    """A rule set published by the Ministry approver, in force from its effective date.

    The sets shipped with the code stay the defaults; a version stored here is added to them, and
    each year is judged by the latest set in force on its consideration day (31/12 by default).
    Versions are never edited: a change is a new version.
    """

    set_id = models.CharField("mã bộ quy tắc", max_length=80, unique=True)
    title = models.CharField("tên", max_length=300)
    effective_from = models.DateField("hiệu lực từ")
    data = models.JSONField("nội dung (JSON)")
    reason = models.TextField("lý do, căn cứ ban hành")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "phiên bản bộ quy tắc"
        verbose_name_plural = "phiên bản bộ quy tắc"
        ordering = ["effective_from", "pk"]

    def __str__(self) -> str:
        return f"{self.set_id} (từ {self.effective_from:%d/%m/%Y})"

    @classmethod
    @transaction.atomic
    def publish(
        cls, *, by: User, data: dict[str, Any], effective_from: dt.date, reason: str
    ) -> RuleSetVersion:
        """Validate with the engine's parser (every problem at once) and store a new version."""
        from thidua.engine.eligibility import RuleSetError, parse_ruleset

        if not (by.is_superuser or by.role == User.Role.MINISTRY_APPROVER):
            raise PermissionDenied("Chỉ cán bộ phê duyệt của Bộ được ban hành bộ quy tắc mới.")
        reason = text.normalize(reason)
        data = json.loads(json.dumps(data))  # a plain copy: nothing shared with the caller
        data["effective_from"] = effective_from.isoformat()
        errors: dict[str, list[str]] = {}
        if not reason:
            errors["reason"] = ["Phải nêu lý do, căn cứ ban hành."]
        set_id = str(data.get("id") or "").strip()
        bases = raw_rulesets()
        if set_id in bases:
            errors.setdefault("data", []).append(
                _at("id", f"id: mã bộ quy tắc “{set_id}” đã có; phiên bản mới cần mã mới.")
            )
        try:
            parsed = parse_ruleset(data, bases=bases)
        except RuleSetError as exc:
            errors.setdefault("data", []).extend(_at(p.path, str(p)) for p in exc.problems)
            parsed = None
        if errors:
            raise ValidationError(errors)
        row = cls.objects.create(
            set_id=parsed.id,
            title=parsed.title,
            effective_from=effective_from,
            data=data,
            reason=reason,
            created_by=by,
        )
        audit(actor=by, action="publish", obj=row, after=snapshot(row), reason=reason)
        return row


@cache
def _bundled_raw() -> dict[str, dict]:
    raw = {}
    for path in sorted(RULESET_DIR.glob("[0-9]*.json")):
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        raw[str(data["id"])] = data
    return raw


def raw_rulesets() -> dict[str, dict]:
    """Every rule set as raw JSON by id (the ones ``extends`` may name): shipped, then published."""
    raw = dict(_bundled_raw())
    for version in RuleSetVersion.objects.order_by("effective_from", "pk"):
        raw[version.set_id] = version.data
    return raw


def _at(path: str, message: str) -> ValidationError:
    """An error of the rule set's JSON that also carries where it is, as the API's `loc` reads it:
    ``rules[3].condition.of[1]`` → ``["data", "rules", "3", "condition", "of", "1"]``."""
    error = ValidationError(message, code="ruleset")
    error.loc = ["data", *(part for part in re.split(r"[.\[\]]+", path) if part)]
    return error
