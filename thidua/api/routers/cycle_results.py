"""API for the cycle's results (mounted under /api/v1/clusters/{year}/{number}/)."""

from ninja import Router

router = Router(tags=["Năm thi đua"])
