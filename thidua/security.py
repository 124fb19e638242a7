"""Security headers the framework does not set: a Content-Security-Policy without unsafe-inline.

Our own pages carry no inline script or style (all JS and CSS are vendored static files), so the
policy allows only this origin. Django's admin and the API's Swagger page write some inline style
attributes, so only they get style-src 'unsafe-inline' (never script).
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
        return response
