from django.urls import include, path

from joinedup.core import views as core_views
from joinedup.councils import views as council_views
from joinedup.service_requests import views_public as service_request_views

# A database outage answers 503 "service unavailable", not 500 (see core/availability.py).
handler500 = "joinedup.core.availability.server_error"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("account/", include("joinedup.accounts.urls")),
    # The platform's own pages; on a council's host name they are that council's.
    path("accessibility/", council_views.accessibility_statement, name="accessibility"),
    path("privacy/", council_views.privacy_notice, name="privacy"),
    path("cookies/", council_views.cookies_page, name="cookies"),
    path("feedback/", council_views.feedback_page, name="feedback"),
    path("my-requests/", service_request_views.my_requests, name="my-requests"),
    path("open311/v2/", include("joinedup.service_requests.open311.urls")),
    path("partnerships/<slug:partnership_slug>/portfolio/", include("joinedup.portfolio.urls_partnership")),
    path("partnerships/<slug:partnership_slug>/software/", include("joinedup.software.urls_partnership")),
    path("partnerships/<slug:partnership_slug>/figures/", include("joinedup.figures.urls_partnership")),
    path("partnerships/<slug:partnership_slug>/scrutiny/", include("joinedup.scrutiny.urls_partnership")),
    # Everything else is under the council's slug: /boston/, /east-lindsey/staff/ ...
    path("<slug:council_slug>/", include("joinedup.councils.urls")),
    path("<slug:council_slug>/", include("joinedup.service_requests.urls")),
    path("<slug:council_slug>/", include("joinedup.notifications.urls")),
    path("<slug:council_slug>/", include("joinedup.software.urls")),
    path("<slug:council_slug>/", include("joinedup.councillors.urls")),
    path("<slug:council_slug>/", include("joinedup.portfolio.urls")),
    path("<slug:council_slug>/", include("joinedup.figures.urls")),
    path("<slug:council_slug>/", include("joinedup.scrutiny.urls")),
]
