import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from joinedup.accounts import services
from joinedup.accounts.forms import (
    GovukPasswordResetForm,
    GovukSetPasswordForm,
    SignInForm,
    TwoFactorCodeForm,
)
from joinedup.accounts.selectors import account_summary
from joinedup.core.ratelimit import limit_posts


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


@method_decorator(limit_posts("password-reset", per_ip=10, per_field=("email", 3)), name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    form_class = GovukPasswordResetForm
    success_url = reverse_lazy("accounts:password-reset-sent")


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = GovukSetPasswordForm
    success_url = reverse_lazy("accounts:password-reset-complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@login_required
def account_home(request):
    return render(request, "accounts/home.html", account_summary(user=request.user))


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("accounts:home")


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Second step of signing in: set up an authenticator app the first time, then enter its code."""
    user = request.user
    if getattr(user, "is_verified", lambda: False)():
        return redirect(_safe_next(request))
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    setting_up = device is None
    if setting_up:
        device = services.totp_device_start(user=user)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        allowed, _details = device.verify_is_allowed()
        if setting_up:
            accepted = services.totp_device_confirm(user=user, device=device, token=code)
        else:
            accepted = allowed and device.verify_token(code)
        if accepted:
            otp_login(request, device)
            messages.success(request, "You have signed in with two-factor authentication.")
            return redirect(_safe_next(request))
        if not allowed:
            form.add_error("code", "Too many wrong codes. Wait a minute, then try the newest code from your app.")
        else:
            form.add_error(
                "code", "The code is not right. Check the time on your phone is correct and try the newest code."
            )
    context = {"form": form, "setting_up": setting_up, "next": _safe_next(request)}
    if setting_up:
        qr = segno.make(device.config_url, error="m")
        context["qr_svg"] = qr.svg_inline(scale=4, title="QR code to scan with your authenticator app")
        context["secret"] = _grouped_secret(device)
    return render(request, "accounts/two_factor.html", context)


def _grouped_secret(device) -> str:
    """Return the device's secret in base32, in groups of four, for typing into an app by hand."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
