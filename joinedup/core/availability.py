"""
When the database cannot be reached: a GOV.UK "service unavailable" page (503), never a 500.

`/healthz` is answered by `HealthCheckMiddleware` before any middleware that reads the database
(sessions, the council host-name lookup), so a load balancer always gets JSON: 200 when healthy,
503 when the database is down. Any page whose database call fails to connect is answered by
`server_error` (the 500 handler) with the 503 page, since nothing is wrong with the request.
"""

import sys

from django.conf import settings
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults

# The errors a database outage raises: connection refused or dropped, server shutting down.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
# What a 503 tells clients about when to try again, in seconds.
RETRY_AFTER_SECONDS = 30


class HealthCheckMiddleware:
    """Answer /healthz at once, ahead of sessions, authentication and the council lookup."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz":
            from joinedup.core.views import healthz

            request.get_host()  # the Host header must still be one of ALLOWED_HOSTS (400 if not)
            return healthz(request)
        return self.get_response(request)


def service_unavailable(request) -> HttpResponse:
    """The 503 answer: JSON for machines (/healthz, Open311), the GOV.UK page for people."""
    if request.path_info.startswith(("/healthz", "/open311/")):
        response = JsonResponse(
            {"status": "error", "description": "The service is unavailable. Try again later."}, status=503
        )
    else:
        # No request context: the context processors would read the session from the database.
        body = loader.get_template("503.html").render(
            {"platform_name": settings.PLATFORM_NAME, "service_phase": settings.SERVICE_PHASE}
        )
        response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request):
    """The 500 handler: a 503 "service unavailable" if the database could not be reached."""
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return service_unavailable(request)
    return defaults.server_error(request)
