from django.apps import AppConfig


class ScrutinyConfig(AppConfig):
    name = "joinedup.scrutiny"
    verbose_name = "Scrutiny"
