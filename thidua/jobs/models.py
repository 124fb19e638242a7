"""A long operation run in the background (documents of every cluster, a national import).

The row is the job's state, shared by every app server: who started it, where it is (queued →
running → done | failed), how far (done / total, the current step in Vietnamese), its result file
(in MEDIA storage, written whole before the row points to it) or its error message.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class Job(models.Model):
    class Kind(models.TextChoices):
        DOCUMENTS_YEAR = "documents_year", "Lập văn bản tổng kết của các cụm, khối"
        HONOURS_IMPORT = "honours_import", "Nhập hồ sơ khen thưởng từ Excel"
        REPORT_READING = "report_reading", "Đọc số liệu từ báo cáo tổng kết"
        SYSTEM_ALERT = "system_alert", "Cảnh báo của hệ thống"

    class State(models.TextChoices):
        QUEUED = "queued", "Đang chờ"
        RUNNING = "running", "Đang chạy"
        DONE = "done", "Đã xong"
        FAILED = "failed", "Không thành công"

    ACTIVE = (State.QUEUED, State.RUNNING)

    # Names the job's folder in MEDIA storage: never reused, even when a restored database reuses ids.
    key = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    kind = models.CharField("loại tác vụ", max_length=32, choices=Kind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người chạy",
        on_delete=models.CASCADE,
        related_name="jobs",
    )
    title = models.CharField("tên tác vụ", max_length=200)
    params = models.JSONField("tham số", default=dict, blank=True)
    state = models.CharField(
        "trạng thái", max_length=8, choices=State.choices, default=State.QUEUED
    )
    # Runs started: a job whose worker died is put back on the queue while attempts < JOBS_MAX_ATTEMPTS.
    attempts = models.PositiveSmallIntegerField("số lần chạy", default=0)
    done = models.PositiveIntegerField("đã làm", default=0)
    total = models.PositiveIntegerField("tổng số", default=0)
    step = models.CharField("đang làm", max_length=300, blank=True)
    input_file = models.CharField("tệp đầu vào", max_length=255, blank=True)
    result_file = models.CharField("tệp kết quả", max_length=255, blank=True)
    result_name = models.CharField("tên tệp tải về", max_length=200, blank=True)
    result_type = models.CharField(max_length=100, blank=True)
    summary = models.JSONField("kết quả tóm tắt", default=dict, blank=True)
    error = models.TextField("lỗi", blank=True)
    created_at = models.DateTimeField("tạo lúc", default=timezone.now)
    started_at = models.DateTimeField("bắt đầu", null=True, blank=True)
    heartbeat_at = models.DateTimeField("còn chạy lúc", null=True, blank=True)
    finished_at = models.DateTimeField("kết thúc", null=True, blank=True)

    class Meta:
        verbose_name = "tác vụ chạy nền"
        verbose_name_plural = "tác vụ chạy nền"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["owner", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        return reverse("job_detail", args=[self.pk])

    @property
    def active(self) -> bool:
        return self.state in self.ACTIVE

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, round(100 * self.done / self.total))

    @property
    def elapsed(self) -> dt.timedelta | None:
        if self.started_at is None:
            return None
        return (self.finished_at or timezone.now()) - self.started_at
