from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from joinedup.accounts import permissions
from joinedup.core.validation import add_to_form
from joinedup.councils.views import staff_council_from_path
from joinedup.notifications import selectors, services
from joinedup.notifications.defaults import DEFAULTS, default_wording
from joinedup.notifications.forms import MessageResendForm, MessageWordingForm
from joinedup.notifications.models import MessageChannel, MessageTemplate
from joinedup.notifications.rendering import PLACEHOLDERS
from joinedup.notifications.wording import EVENT_DESCRIPTIONS, sample_context

# The most messages needing checking listed on the message list page, newest first.
PROBLEMS_SHOWN = 100


@login_required
def message_list(request, council_slug):
    council = staff_council_from_path(request, council_slug)
    own = {(t.event, t.channel) for t in MessageTemplate.objects.filter(council=council)}
    rows = [
        {
            "event": event,
            "title": EVENT_DESCRIPTIONS.get(event, (event, ""))[0],
            "recipients": EVENT_DESCRIPTIONS.get(event, ("", ""))[1],
            "channels": [(channel.value, channel.label, (event, channel.value) in own) for channel in MessageChannel],
        }
        for event in DEFAULTS
    ]
    to_check = selectors.messages_needing_checking(user=request.user, council=council)
    return render(
        request,
        "notifications/message_list.html",
        {
            "council": council,
            "rows": rows,
            "can_manage": permissions.can_manage_council(request.user, council),
            "to_check": to_check[:PROBLEMS_SHOWN],
            "to_check_count": to_check.count(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def message_edit(request, council_slug, event, channel):
    council = staff_council_from_path(request, council_slug)
    if event not in DEFAULTS or channel not in MessageChannel.values:
        raise Http404
    can_manage = permissions.can_manage_council(request.user, council)
    saved = MessageTemplate.objects.filter(council=council, event=event, channel=channel).first()
    subject, body = (saved.subject, saved.body) if saved else default_wording(event, channel)
    form = MessageWordingForm(request.POST or None, channel=channel, initial={"subject": subject, "body": body})
    action = request.POST.get("action", "preview")
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("Only an administrator or a partnership officer can change this council's messages.")
        if action == "reset":
            services.message_template_reset(actor=request.user, council=council, event=event, channel=channel)
            flash.success(request, "The message is back to the standard wording.")
            return redirect("notifications:message-edit", council_slug=council.slug, event=event, channel=channel)
        if form.is_valid():
            subject, body = form.cleaned_data.get("subject", ""), form.cleaned_data["body"]
            try:
                services.wording_validate(event=event, channel=channel, subject=subject, body=body)
                if action == "save":
                    services.message_template_save(
                        actor=request.user, council=council, event=event, channel=channel, subject=subject, body=body
                    )
                    flash.success(request, "The message has been saved. New messages use it from now on.")
                    return redirect("notifications:message-list", council_slug=council.slug)
            except ValidationError as error:
                add_to_form(form, error)
    preview_subject, preview_body = services.wording_render(subject, body, channel, sample_context(council))
    return render(
        request,
        "notifications/message_edit.html",
        {
            "council": council,
            "form": form,
            "event": event,
            "channel": channel,
            "channel_label": MessageChannel(channel).label,
            "title": EVENT_DESCRIPTIONS.get(event, (event, ""))[0],
            "recipients": EVENT_DESCRIPTIONS.get(event, ("", ""))[1],
            "is_own": saved is not None,
            "preview_subject": preview_subject,
            "preview_body": preview_body,
            "can_manage": can_manage,
            "placeholders": sorted(PLACEHOLDERS),
        },
    )


def _safe_next(request) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@login_required
@require_http_methods(["GET", "POST"])
def message_resend(request, council_slug, pk):
    """One sent (or not) message in full; for an uncertain or failed one, a form to send it again."""
    council = staff_council_from_path(request, council_slug)
    message = selectors.message_for_staff(user=request.user, council=council, pk=pk)
    form = MessageResendForm(request.POST if request.method == "POST" else None, message=message)
    back = _safe_next(request)
    if request.method == "POST" and form.is_valid():
        try:
            resend = services.message_resend(actor=request.user, message=message, checked=form.cleaned_data["checked"])
        except ValidationError as error:
            add_to_form(form, error)
        else:
            flash.success(request, f"The message will be sent again to {resend.recipient}.")
            if back:
                return redirect(back)
            return redirect("notifications:message-resend", council_slug=council.slug, pk=resend.pk)
    return render(
        request,
        "notifications/message_resend.html",
        {"council": council, "message": message, "form": form, "next": back},
    )
