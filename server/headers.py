"""The headers every response gets: CORS where other sites may read, and the security
headers.  Flask's responses get them in :mod:`careerkg.server.app`, the lean paths of
:mod:`careerkg.server.front` here too."""

from __future__ import annotations

__all__ = ["shared_headers"]


def shared_headers(config, *, cors: bool, preflight: bool = False) -> list[tuple[str, str]]:
    """The headers every response gets (CORS on the areas other sites may read, and the
    security headers), given the app's settings; a response's own value of one of them wins.
    """
    headers = []
    origin = config.get("CORS_ORIGIN")
    if origin and cors:
        headers.append(("Access-Control-Allow-Origin", origin))
        if preflight:
            headers += [("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
                        ("Access-Control-Allow-Headers", "Accept, Content-Type"),
                        ("Access-Control-Max-Age", "86400")]
        headers.append(("Access-Control-Expose-Headers", "X-Careerkg-Truncated"))
    headers += [("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin"),
                ("X-Frame-Options", "DENY")]  # frame-ancestors, for old browsers
    policy = config.get("CONTENT_SECURITY_POLICY")
    if policy:
        headers.append(("Content-Security-Policy", policy))
    return headers
