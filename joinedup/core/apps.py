from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "joinedup.core"

    def ready(self):
        from joinedup.core.retention import register_core_rules

        register_core_rules()
