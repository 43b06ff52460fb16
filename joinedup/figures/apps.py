from django.apps import AppConfig


class FiguresConfig(AppConfig):
    name = "joinedup.figures"
    verbose_name = "Performance figures"

    def ready(self):
        from joinedup.core import account_links
        from joinedup.figures import links, subscribers

        subscribers.connect()
        account_links.register("figures", links.account_links)
