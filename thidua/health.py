"""Readiness check for the reverse proxy and monitoring: /suc-khoe/.

200 when this app server can answer real requests: the database answers a query and the evidence
storage (MEDIA_ROOT, a shared mount when several app servers run) is a writable folder. 503 with
the failing part named, in Vietnamese, otherwise. Anonymous, never cached, reveals no detail beyond
which part failed.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def storage_ok() -> bool:
    root = str(settings.MEDIA_ROOT)
    try:
        os.makedirs(root, exist_ok=True)
    except OSError:
        return False
    return os.path.isdir(root) and os.access(root, os.W_OK | os.X_OK)


@login_not_required
@require_safe
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    checks = {"database": database_ok(), "storage": storage_ok()}
    problems = {
        "database": "Không truy vấn được cơ sở dữ liệu.",
        "storage": "Thư mục lưu tệp minh chứng (MEDIA_ROOT) không ghi được.",
    }
    failed = [problems[name] for name, ok in checks.items() if not ok]
    return JsonResponse(
        {
            "status": "ok" if not failed else "error",
            "checks": {name: "ok" if ok else "error" for name, ok in checks.items()},
            "errors": failed,
        },
        status=200 if not failed else 503,
        json_dumps_params={"ensure_ascii": False},
    )
