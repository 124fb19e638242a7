"""The Ministry's review of the proposals: its council (Hội đồng Thi đua – Khen thưởng), each member's
opinion per proposal, and the cluster's answer (note and files) to an item the Ministry returned.

The council's composition is data: its members, their roles, how many opinions a proposal needs
before the approver may approve it and whether the chair's is one of them. A different council is
an edit of these rows, never of the code.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from thidua.cycle.models.outcome import Proposal


class Council(models.Model):
    """One composition of the Ministry's emulation council (the active one reviews)."""

    name = models.CharField(
        "tên hội đồng", max_length=200, default="Hội đồng Thi đua – Khen thưởng Bộ Công an"
    )
    opinions_needed = models.PositiveSmallIntegerField(
        "số ý kiến cần có trước khi phê duyệt",
        default=1,
        help_text="Số thành viên phải ghi ý kiến về một đề nghị trước khi cán bộ phê duyệt quyết định.",
    )
    chair_must_opine = models.BooleanField("phải có ý kiến của Chủ tịch Hội đồng", default=False)
    active = models.BooleanField("đang làm việc", default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "hội đồng thi đua – khen thưởng"
        verbose_name_plural = "hội đồng thi đua – khen thưởng"
        ordering = ["-active", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=models.Q(active=True), name="council_one_active"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> Council | None:
        return cls.objects.filter(active=True).first()


class CouncilMember(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", "Chủ tịch Hội đồng"
        VICE_CHAIR = "vice_chair", "Phó Chủ tịch Hội đồng"
        MEMBER = "member", "Ủy viên"
        SECRETARY = "secretary", "Ủy viên thư ký"

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField("vai trò", max_length=12, choices=Role.choices, default=Role.MEMBER)
    title = models.CharField("chức vụ", max_length=200, blank=True)

    class Meta:
        verbose_name = "thành viên hội đồng"
        verbose_name_plural = "thành viên hội đồng"
        ordering = ["council", "role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["council", "user"], name="council_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user.display_name} ({self.get_role_display()})"


class Opinion(models.Model):
    """A council member's opinion on one proposal (the latest counts; each change is audited)."""

    class Stance(models.TextChoices):
        AGREE = "agree", "Đồng ý"
        DISAGREE = "disagree", "Không đồng ý"
        COMMENT = "comment", "Ý kiến khác"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="opinions")
    member = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, related_name="opinions")
    stance = models.CharField("ý kiến", max_length=10, choices=Stance.choices)
    text = models.TextField("nội dung", blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "ý kiến thành viên hội đồng"
        verbose_name_plural = "ý kiến thành viên hội đồng"
        ordering = ["proposal", "member__role", "at"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "member"], name="opinion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.get_stance_display()}"


class ReturnAnswer(models.Model):
    """The cluster's answer to an item the Ministry returned: a note and the files it adds."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="answers")
    note = models.TextField("nội dung giải trình, bổ sung")
    return_reason = models.TextField("lý do Bộ trả lại (khi trả lời)", blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "giải trình đề nghị bị trả lại"
        verbose_name_plural = "giải trình đề nghị bị trả lại"
        ordering = ["proposal", "at", "pk"]

    def __str__(self) -> str:
        return f"Giải trình {self.proposal}"


def answer_file_path(instance: AnswerFile, filename: str) -> str:
    proposal = instance.answer.proposal
    return f"de-nghi/{proposal.cycle_id}/{proposal.pk}/{filename}"


class AnswerFile(models.Model):
    answer = models.ForeignKey(ReturnAnswer, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=answer_file_path, max_length=300)
    original_name = models.CharField("tên tệp", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "tệp giải trình"
        verbose_name_plural = "tệp giải trình"
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name
