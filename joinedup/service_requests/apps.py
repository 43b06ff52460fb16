from django.apps import AppConfig


class ServiceRequestsConfig(AppConfig):
    name = "joinedup.service_requests"
    verbose_name = "Service requests"

    def ready(self):
        from joinedup.core.retention import register
        from joinedup.service_requests.photos import pending_prune
        from joinedup.service_requests.privacy import requests_anonymise_expired

        register("closed requests anonymised", requests_anonymise_expired)
        register("folders of photos from unfinished reports deleted", lambda now: pending_prune())
