"""API router cycle_workflow (mounted under /api/v1/clusters/) — being written."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Năm thi đua"])
