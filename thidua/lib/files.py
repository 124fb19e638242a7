"""A stored file a user uploaded: a result sheet's evidence (cycle) and a commendation's attachment
(honours) are the same thing — checked the same way, kept with the same record of who, what and when.

`StoredFile` is abstract: each app keeps its own table and its own ``file`` field (with the folder it
is stored under); the shared fields and the check of an upload live here.
"""

from __future__ import annotations

import hashlib
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from thidua import untrusted

MAX_BYTES = 10 * 1024 * 1024
# Extension → (content type, magic bytes the file must start with). Checked on the bytes, not on
# what the browser claims, so a renamed executable is refused.
FILE_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
}


def check_upload(upload) -> tuple[str, str]:
    """Type (by extension AND content) and size; returns the content type and SHA-256.

    Errors are keyed ``file`` and worded for the user (Vietnamese)."""
    suffix = PurePath(upload.name or "").suffix.lower()
    allowed = ", ".join(sorted({s.lstrip(".").upper() for s in FILE_TYPES}))
    if suffix not in FILE_TYPES:
        raise ValidationError(
            {"file": f"Loại tệp “{suffix or 'không rõ'}” không được nhận. Chấp nhận: {allowed}."}
        )
    if upload.size > MAX_BYTES:
        raise ValidationError(
            {
                "file": f"Tệp quá lớn ({upload.size / 1048576:.1f} MB); tối đa 10 MB.".replace(
                    ".", ",", 1
                )
            }
        )
    if upload.size == 0:
        raise ValidationError({"file": "Tệp rỗng."})
    content_type, magics = FILE_TYPES[suffix]
    upload.seek(0)
    head = upload.read(16)
    if not any(head.startswith(magic) for magic in magics):
        raise ValidationError(
            {"file": f"Nội dung tệp không phải {suffix.lstrip('.').upper()} như phần mở rộng ghi."}
        )
    upload.seek(0)
    digest = hashlib.sha256()
    data = b"".join(upload.chunks())  # at most MAX_BYTES
    digest.update(data)
    upload.seek(0)
    try:  # opened as what it claims to be: a DOCX that is a zip of garbage is refused
        untrusted.check_attachment(data, suffix)
    except untrusted.FileRefused as exc:
        raise ValidationError({"file": f"Nội dung tệp không đọc được: {exc.message}"}) from None
    return content_type, digest.hexdigest()


class StoredFile(models.Model):
    """What every uploaded file keeps: its name as uploaded, checked type, size, hash, uploader, time.

    A concrete subclass adds ``file = models.FileField(upload_to=..., max_length=300)`` and the
    record it belongs to."""

    original_name = models.CharField("tên tệp", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name

    @staticmethod
    def check_file(upload) -> tuple[str, str]:
        """Type (by extension AND content) and size; returns the content type and SHA-256."""
        return check_upload(upload)
