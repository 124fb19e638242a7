"""API: honours."""

from ninja import Router

router = Router()
