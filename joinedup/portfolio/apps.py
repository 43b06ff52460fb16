from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "joinedup.portfolio"
    verbose_name = "Project portfolio"
