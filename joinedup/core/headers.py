"""
Security headers that Django's own SecurityMiddleware does not send.

Permissions-Policy tells the browser which device features a page may use. Every page gets none
of them, so a script that somehow ran could not reach the camera, microphone or location; a
view that needs one (the report form's "use my location" step) opts in with `allow_features`.
The Content-Security-Policy comes from django-csp (see settings.CONTENT_SECURITY_POLICY).
"""

import functools

# Features a council service has no use for, plus those a page must ask for by name.
FEATURES = (
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "payment",
    "usb",
)


def permissions_policy(allowed: frozenset[str] = frozenset()) -> str:
    return ", ".join(f"{feature}=(self)" if feature in allowed else f"{feature}=()" for feature in FEATURES)


def allow_features(*features: str):
    """Let a view's page use these features (on this site only)."""
    unknown = set(features) - set(FEATURES)
    if unknown:
        raise ValueError(f"Unknown features: {', '.join(sorted(unknown))}")

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            response.allowed_features = frozenset(features)
            return response

        return wrapped

    return decorator


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault(
            "Permissions-Policy", permissions_policy(getattr(response, "allowed_features", frozenset()))
        )
        return response
