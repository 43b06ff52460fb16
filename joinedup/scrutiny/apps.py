from django.apps import AppConfig


class ScrutinyConfig(AppConfig):
    name = "joinedup.scrutiny"
    verbose_name = "Scrutiny"

    def ready(self):
        from joinedup.core import account_links
        from joinedup.scrutiny import links, wording

        wording.register()
        account_links.register("scrutiny", links.account_links)
