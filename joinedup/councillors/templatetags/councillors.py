"""Councillor panels that other apps' pages include with one line each."""

from django import template
from django.utils import timezone

from joinedup.councillors import selectors

register = template.Library()


@register.inclusion_tag("councillors/_ward_councillors.html", takes_context=True)
def ward_councillors(context, ward):
    """The ward's councillors, for a request's public tracking page."""
    return {"council": context.get("council"), "ward": ward, "councillors": selectors.ward_councillors(ward=ward)}


@register.inclusion_tag("councillors/_request_activity.html", takes_context=True)
def councillor_activity(context, service_request):
    """Escalations and follows of a request, for its staff page (which only staff can open)."""
    return {
        "council": context.get("council"),
        "sr": service_request,
        "escalations": selectors.escalations_for_request(request=service_request),
        "follower_count": selectors.follower_count(request=service_request),
    }


@register.inclusion_tag("councillors/_enquiry_table.html", takes_context=True)
def member_enquiries_in_queue(context):
    """The open member enquiries for the officer's service areas, marked as such, for the staff queue."""
    council, user = context.get("council"), context.get("user")
    return {
        "council": council,
        "enquiries": selectors.enquiries_for_officer(user=user, council=council, open_only=True),
        "caption": "Member enquiries waiting for an answer",
        "today": timezone.localdate(),
        "hide_empty": True,
    }
