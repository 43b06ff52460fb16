from django.shortcuts import redirect
from django.urls import reverse

from joinedup.accounts import permissions

# Paths a signed-in back-office user may reach before finishing two-factor sign-in.
_OPEN_PREFIXES = ("/account/two-factor/", "/account/sign-out/", "/static/", "/assets/", "/healthz")


class StaffMFAMiddleware:
    """Send back-office users who have not finished two-factor sign-in to do so.

    The permission checks refuse them anyway; this gives them the way forward instead of a 403.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
            and not permissions.mfa_satisfied(user)
        ):
            return redirect(f"{reverse('accounts:two-factor')}?next={request.get_full_path()}")
        return self.get_response(request)
