"""Security headers the framework does not set: a Content-Security-Policy without unsafe-inline.

Our own pages carry no inline script or style (all JS and CSS are vendored static files), so the
policy allows only this origin. Django's admin and the API's Swagger page write some inline style
attributes, so only they get style-src 'unsafe-inline' (never script).

Everything behind the login (pages, exports, API JSON, evidence and attachments, person pages) is
personal or police data: `Cache-Control: private, no-store`, so neither a shared proxy nor the
browser's disk cache keeps a copy once the session ends. Anonymous answers (the login page, the
health check, static files served before the session is read) keep their own caching.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

STRICT = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
RELAXED_STYLE = STRICT.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
RELAXED_PREFIXES = ("/quan-tri/", "/api/v1/docs")
NO_STORE = "private, no-store"


def behind_login(request: HttpRequest) -> bool:
    """Whether this request was answered for someone signed in (session or bearer token), or
    by the API, whose every answer is personal or tells who may see what."""
    user = getattr(request, "user", None)
    return bool(
        (user is not None and user.is_authenticated)
        or "HTTP_AUTHORIZATION" in request.META
        or request.path.startswith("/api/")
    )


class SecurityHeaders:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        relaxed = request.path.startswith(RELAXED_PREFIXES)
        response.headers.setdefault("Content-Security-Policy", RELAXED_STYLE if relaxed else STRICT)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if behind_login(request):
            response.headers["Cache-Control"] = NO_STORE
            response.headers.pop("Expires", None)
        return response
