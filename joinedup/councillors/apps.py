from django.apps import AppConfig


class CouncillorsConfig(AppConfig):
    name = "joinedup.councillors"
    verbose_name = "Councillors"

    def ready(self):
        from joinedup.councillors import wording

        wording.register()
