"""
Rate limits for public forms, so nobody can flood them (for example, password reset emails).

Counts live in Django's cache, which is the database by default so every web worker shares
them; use Redis (CACHE_URL) on a busy site. A count may go a little over under heavy
concurrency, which is fine for this purpose.
"""

import functools
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render


def client_ip(request) -> str:
    """Return the visitor's IP address, trusting only as many proxies as TRUSTED_PROXY_COUNT."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def hit(*, scope: str, key: str, limit: int, period_seconds: int) -> bool:
    """Count one attempt against (scope, key). Return False once the limit for the period is passed."""
    window = int(time.time() // period_seconds)
    digest = hashlib.sha256(f"{scope}:{key}:{window}".encode()).hexdigest()
    cache_key = f"ratelimit:{digest}"
    cache.add(cache_key, 0, timeout=period_seconds)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=period_seconds)
        count = 1
    return count <= limit


def limit_posts(scope: str, *, per_ip: int, per_field: tuple[str, int] | None = None, period_seconds: int = 3600):
    """Refuse a view's POSTs with a 429 page once an address (or a form value) has sent too many."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST":
                allowed = hit(scope=scope, key=f"ip:{client_ip(request)}", limit=per_ip, period_seconds=period_seconds)
                if allowed and per_field is not None:
                    field, limit = per_field
                    value = request.POST.get(field, "").strip().lower()
                    if value:
                        allowed = hit(scope=scope, key=f"{field}:{value}", limit=limit, period_seconds=period_seconds)
                if not allowed:
                    minutes = max(1, period_seconds // 60)
                    return render(request, "core/rate_limited.html", {"minutes": minutes}, status=429)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
