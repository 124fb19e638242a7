"""`manage.py run_huey [--queue default|heavy]`: a worker of one of the engine's queues.

Huey's own command (huey.contrib.djhuey) with a queue to consume: `default` (the schedule,
notifications, small jobs; its options from settings.HUEY) or `heavy` (document generation, large
imports; settings.HUEY_HEAVY, THIDUA_JOBS_HEAVY_WORKERS at once). The heavy queue has no periodic
tasks: its worker runs the scheduler only for retries. `--workers N` overrides either.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import CommandParser
from django.utils.module_loading import autodiscover_modules
from huey.consumer_options import ConsumerConfig
from huey.contrib.djhuey.management.commands.run_huey import Command as HueyCommand

from thidua.jobs.queues import QUEUES, consumer_options, huey_for


class Command(HueyCommand):
    help = "Chạy một tiến trình xử lý tác vụ nền của hàng đợi đã chọn (default hoặc heavy)."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--queue",
            choices=QUEUES,
            default="default",
            help="hàng đợi: default (lịch, thông báo, việc nhỏ) hoặc heavy (văn bản, nhập lớn)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        queue = options.pop("queue")
        settings_options = consumer_options(queue)
        for key, value in options.items():
            if value is not None and key in ConsumerConfig._fields:
                settings_options[key] = value
        if not options.get("disable_autoload"):
            autodiscover_modules("tasks")
        config = ConsumerConfig(**settings_options)
        config.validate()
        logger = logging.getLogger("huey")
        if not logger.handlers:  # settings.LOGGING gives it one: each line written once
            config.setup_logger(logger)
        logger.info("Hàng đợi: %s", queue)
        huey_for(queue).create_consumer(**config.values).run()
