"""The engine's queues: the default one and the heavy one, each with its own bounded workers.

- `default` (Huey's own instance, `huey.contrib.djhuey.HUEY`, settings.HUEY): the schedule (nightly
  work, reminders, the sweep of dead jobs) and small jobs. `manage.py run_huey` consumes it.
- `heavy` (settings.HUEY_HEAVY, its own queue file or Redis key): document generation and large
  imports. `manage.py run_huey --queue heavy` consumes it, with THIDUA_JOBS_HEAVY_WORKERS at once.

A job goes to a queue by its kind (`QUEUE_OF_KIND`): a burst of year-end documents waits its turn
on the heavy queue and never holds up the reminders, and never runs more than the heavy workers
allow. Each queue's workers may run on any machine that reaches the database (and Redis).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import close_old_connections
from huey import Huey
from huey.contrib.djhuey import HUEY as DEFAULT_HUEY
from huey.utils import load_class

from thidua.jobs.models import Job

DEFAULT = "default"
HEAVY = "heavy"
QUEUES = (DEFAULT, HEAVY)

# Kinds not listed run on the default queue.
QUEUE_OF_KIND: dict[str, str] = {
    Job.Kind.DOCUMENTS_YEAR: HEAVY,  # the documents of every cluster and block (PDF, DOCX, ZIP)
    Job.Kind.HONOURS_IMPORT: HEAVY,  # a large honours workbook (small ones run in the request)
    Job.Kind.REPORT_READING: HEAVY,  # a large year-end report read (small ones in the request)
}


def queue_of(kind: str) -> str:
    return QUEUE_OF_KIND.get(kind, DEFAULT)


def _build(config: dict[str, Any]) -> Huey:
    """A Huey instance from a settings dict shaped like settings.HUEY (as djhuey builds its own)."""
    options = {k: v for k, v in config.items() if k not in ("name", "huey_class", "connection")}
    options.pop("consumer", None)
    options.update(config.get("connection", {}))
    return load_class(config.get("huey_class", "huey.SqliteHuey"))(config["name"], **options)


HEAVY_HUEY: Huey = _build(settings.HUEY_HEAVY)


def huey_for(queue: str) -> Huey:
    if queue == HEAVY:
        return HEAVY_HUEY
    if queue == DEFAULT:
        return DEFAULT_HUEY
    raise KeyError(queue)


def consumer_options(queue: str) -> dict[str, Any]:
    """The consumer's settings of the queue (workers, worker type), before the command's options."""
    config = settings.HUEY_HEAVY if queue == HEAVY else settings.HUEY
    return dict(config.get("consumer", {}))


def heavy_db_task(*args: Any, **kwargs: Any) -> Callable:
    """`db_task` on the heavy queue: database connections closed before and after, as djhuey does."""

    def decorator(fn: Callable) -> Any:
        @wraps(fn)
        def inner(*a: Any, **k: Any) -> Any:
            if not HEAVY_HUEY.immediate:
                close_old_connections()
            try:
                return fn(*a, **k)
            finally:
                if not HEAVY_HUEY.immediate:
                    close_old_connections()

        task = HEAVY_HUEY.task(*args, **kwargs)(inner)
        task.call_local = fn
        return task

    return decorator
