"""Open311 GeoReport v2 with the mySociety updates extension, at /open311/v2/."""

from django.urls import re_path

from joinedup.service_requests.open311 import views

app_name = "open311"

FMT = r"\.(?P<fmt>xml|json)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^services" + FMT, views.service_list, name="services"),
    re_path(r"^services/(?P<service_code>[-\w]{1,60})" + FMT, views.service_definition, name="service"),
    re_path(r"^requests" + FMT, views.requests, name="requests"),
    re_path(r"^requests/(?P<service_request_id>[-\w]{1,40})" + FMT, views.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[-\w]{1,64})" + FMT, views.token, name="token"),
    re_path(r"^servicerequestupdates" + FMT, views.updates, name="updates"),
    re_path(r"^openapi\.(?P<fmt>json)$", views.openapi, name="openapi"),
    # [\s\S]: a path with a line break (%0A) is answered in the Open311 error format too.
    re_path(r"^(?P<path>[\s\S]*)$", views.not_found, name="not-found"),
]
