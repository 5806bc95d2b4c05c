from django.apps import AppConfig
from django.db.models.signals import post_migrate


class TreatmentConfig(AppConfig):
    name = "treatment"
    verbose_name = "Treatment directory"

    def ready(self):
        from treatment.models import directory_migrated

        post_migrate.connect(directory_migrated, sender=self)
