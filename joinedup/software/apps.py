from django.apps import AppConfig


class SoftwareConfig(AppConfig):
    name = "joinedup.software"
    verbose_name = "Software estate"

    def ready(self):
        from joinedup.core.retention import register
        from joinedup.software.retention import usage_prune

        register("software usage older than the retention period deleted", usage_prune)
