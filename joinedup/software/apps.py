from django.apps import AppConfig


class SoftwareConfig(AppConfig):
    name = "joinedup.software"
    verbose_name = "Software estate"
