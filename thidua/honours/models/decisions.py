"""Commendation decisions (Quyết định khen thưởng) and their lines: what a signature confers.

A decision is drafted (lines: a collective or an individual, the form or title, the reward amount,
the achievement it rewards), then signed: the signature writes one commendation record per line
into the register (Commendation, linked from `DecisionLine.commendation`) in the same
transaction, audited. Revoking the decision, or one line, revokes those records with the reason.
Signing and revoking span the decision, its lines, the register and the eligibility engine: they
are thidua/honours/signing.py (`sign`) and revoking.py (`revoke_decision`, `revoke_line`).

Numbering (Nghị định 30/2020/NĐ-CP, Điều 15): a document's number is its order among the
documents the authority issues in a calendar year, from 01 on 1 January, consecutive. The system
holds the commendation decisions only, so the rule it enforces is:
- a number is unique per authority and year (database constraint, Vietnamese message);
- the first number of a year recorded here is free (the earlier ones were issued elsewhere);
- after that the next number must be the last one + 1, unless the user states why the numbers in
  between are missing (issued to other documents outside the system): the reason is stored on the
  decision and in the audit row;
- a number below the last one recorded, or a date before the last decision's date, is refused
  (numbers follow the order of issue).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from thidua.honours.models.commendations import Commendation
from thidua.honours.models.common import REVOCATION_GROUNDS, award_name, user_line_ids
from thidua.honours.models.people import Person
from thidua.org.models import Cluster, Unit, User


class Authority(models.TextChoices):
    """Who issues the decision: its symbol in the number (…/QĐ-BCA), its name, the catalogue
    level (`issuer` of the national catalogue) whose forms it confers."""

    BCA = "BCA", "Bộ Công an"
    TTG = "TTg", "Thủ tướng Chính phủ"
    CTN = "CTN", "Chủ tịch nước"


AUTHORITY_LEVEL = {
    Authority.BCA: "bo_cong_an",
    Authority.TTG: "chinh_phu",
    Authority.CTN: "nha_nuoc",
}
AUTHORITY_SIGNER = {
    Authority.BCA: "Bộ trưởng Bộ Công an",
    Authority.TTG: "Thủ tướng Chính phủ",
    Authority.CTN: "Chủ tịch nước",
}
AUTHORITY_HEADER = {
    Authority.BCA: ("BỘ CÔNG AN", "BỘ TRƯỞNG BỘ CÔNG AN"),
    Authority.TTG: ("THỦ TƯỚNG CHÍNH PHỦ", "THỦ TƯỚNG CHÍNH PHỦ"),
    Authority.CTN: ("CHỦ TỊCH NƯỚC", "CHỦ TỊCH NƯỚC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
}


class DecisionQuerySet(models.QuerySet["Decision"]):
    def visible_to(self, user: User) -> DecisionQuerySet:
        """The Ministry sees every decision, drafts included. Others see signed (or revoked)
        decisions that concern them: a line for their unit line (the unit or one of its people),
        and for a secretariat the decisions built from the cluster-years it leads."""
        if user.has_national_scope:
            return self
        line = user_line_ids(user)
        concerns = Q(lines__unit__in=line)
        if user.role == User.Role.SECRETARIAT and line:
            concerns |= Q(cluster__memberships__role="leader", cluster__memberships__unit__in=line)
        ids = self.filter(concerns).exclude(state=Decision.State.DRAFT).values("pk")
        return self.filter(pk__in=ids)


class Decision(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Dự thảo"
        SIGNED = "signed", "Đã ký ban hành"
        REVOKED = "revoked", "Đã hủy bỏ"

    authority = models.CharField(
        "cơ quan ban hành", max_length=8, choices=Authority.choices, default=Authority.BCA
    )
    seq = models.PositiveIntegerField("số thứ tự", null=True, blank=True)
    number_year = models.PositiveSmallIntegerField("năm của số", null=True, blank=True)
    date = models.DateField("ngày ký", null=True, blank=True)
    gap_reason = models.TextField("lý do cách số", blank=True)
    summary = models.CharField("trích yếu", max_length=300)
    year = models.PositiveSmallIntegerField("năm thành tích")
    signer_name = models.CharField("người ký", max_length=150, blank=True)
    signer_title = models.CharField("chức vụ người ký", max_length=150, blank=True)
    legal_basis = models.TextField("căn cứ pháp lý", blank=True)
    cluster = models.ForeignKey(
        Cluster,
        verbose_name="cụm, khối thi đua đề nghị",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(max_length=8, choices=State.choices, default=State.DRAFT)
    illustrative = models.BooleanField("dữ liệu minh họa", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    revocation_decision_no = models.CharField("số quyết định hủy bỏ", max_length=60, blank=True)
    revocation_date = models.DateField("ngày hủy bỏ", null=True, blank=True)
    revocation_ground = models.CharField(
        "căn cứ hủy bỏ", max_length=60, choices=REVOCATION_GROUNDS, blank=True
    )
    revocation_reason = models.TextField("lý do hủy bỏ", blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = "quyết định khen thưởng (văn bản)"
        verbose_name_plural = "quyết định khen thưởng (văn bản)"
        ordering = ["-number_year", "-seq", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "number_year", "seq"],
                condition=Q(seq__isnull=False),
                name="honours_decision_number_unique",
                violation_error_message="Số quyết định đã được cấp trong năm.",
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(seq__isnull=False, date__isnull=False),
                name="honours_decision_signed_has_number",
            ),
        ]

    def __str__(self) -> str:
        return f"Quyết định {self.number_label} — {self.summary}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("decision_detail", args=[self.pk])

    @staticmethod
    def format_number(seq: int | None, authority: str) -> str:
        return f"{seq}/QĐ-{authority}" if seq else f"…/QĐ-{authority}"

    @property
    def number(self) -> str:
        """ "1234/QĐ-BCA" (empty for a draft without a number)."""
        return self.format_number(self.seq, self.authority) if self.seq else ""

    @property
    def number_label(self) -> str:
        return self.number or f"(dự thảo) …/QĐ-{self.authority}"

    @property
    def issuer_name(self) -> str:
        return Authority(self.authority).label

    @property
    def level(self) -> str:
        return AUTHORITY_LEVEL[Authority(self.authority)]

    @property
    def badge(self) -> str:
        return {
            self.State.DRAFT: "badge--draft",
            self.State.SIGNED: "badge--approved",
            self.State.REVOKED: "badge--rejected",
        }[self.state]

    @property
    def total_amount(self) -> Decimal | None:
        amounts = [line.amount for line in self.lines.all() if line.amount is not None]
        return sum(amounts, Decimal(0)) if amounts else None


class DecisionLine(models.Model):
    """One recipient of a decision: a collective (unit) or an individual (person, with the unit
    they belong to), the form or title conferred, the reward amount, the achievement rewarded."""

    class Recipient(models.TextChoices):
        INDIVIDUAL = "ca_nhan", "Cá nhân"
        COLLECTIVE = "tap_the", "Tập thể"

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField("số thứ tự")
    recipient_kind = models.CharField("đối tượng", max_length=8, choices=Recipient.choices)
    unit = models.ForeignKey(
        Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        Person,
        verbose_name="cá nhân",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    award_code = models.CharField("danh hiệu, hình thức khen thưởng", max_length=60)
    amount = models.DecimalField(
        "tiền thưởng (đồng)", max_digits=14, decimal_places=0, null=True, blank=True
    )
    achievement = models.TextField("thành tích được khen", blank=True)
    achievement_ref = models.CharField("mã thành tích", max_length=80, blank=True)
    # A unit the cluster's own method placed among its leaders (rules R10–R13 are the cluster's
    # to decide): the eligibility recheck at signing takes that standing as given.
    leads_cluster = models.BooleanField("dẫn đầu theo xếp hạng của Cụm", default=False)
    commendation = models.OneToOneField(
        Commendation,
        verbose_name="hồ sơ khen thưởng đã ghi",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decision_line",
    )

    class Meta:
        verbose_name = "dòng quyết định khen thưởng"
        verbose_name_plural = "dòng quyết định khen thưởng"
        ordering = ["decision", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "position"], name="honours_decision_line_position"
            ),
            models.CheckConstraint(
                condition=Q(recipient_kind="ca_nhan", person__isnull=False)
                | Q(recipient_kind="tap_the", person__isnull=True),
                name="honours_decision_line_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"Dòng {self.position}: {self.award_name} — {self.recipient_name}"

    @property
    def award_name(self) -> str:
        return award_name(self.award_code)

    @property
    def recipient_name(self) -> str:
        return self.person.full_name if self.person_id else self.unit.name

    @property
    def revoked(self) -> bool:
        return self.commendation_id is not None and self.commendation.revoked
