from django.apps import AppConfig


class FiguresConfig(AppConfig):
    name = "joinedup.figures"
    verbose_name = "Performance figures"
