from django.apps import AppConfig


class CouncillorsConfig(AppConfig):
    name = "joinedup.councillors"
    verbose_name = "Councillors"

    def ready(self):
        from joinedup.core.retention import register
        from joinedup.councillors import wording
        from joinedup.councillors.retention import enquiries_anonymise_expired

        wording.register()
        register("closed member enquiries anonymised", enquiries_anonymise_expired)
