from django.conf import settings


def platform(request):
    """Give every template the platform's name, the phase and the council being viewed."""
    return {
        "platform_name": settings.PLATFORM_NAME,
        "service_phase": settings.SERVICE_PHASE,
        "council": getattr(request, "council", None),
    }
