"""API authentication: the browser's session (with CSRF) or a per-user bearer token."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from ninja.security import APIKeyCookie, HttpBearer

from thidua.api.models import ApiToken
from thidua.org.second_factor import UNVERIFIED_API, pending_step


class BearerToken(HttpBearer):
    openapi_description = "Mã truy cập cá nhân: `manage.py create_token TÊN_ĐĂNG_NHẬP`."

    def authenticate(self, request, token: str):
        user = ApiToken.authenticate(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; unsafe methods also need the CSRF token (X-CSRFToken)."""

    param_name = "sessionid"

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            if pending_step(request) is not None:
                # Password given but not the second factor (or not enrolled where it is required).
                raise PermissionDenied(UNVERIFIED_API)
            return user
        return None
