from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


class TreatmentConfig(AppConfig):
    name = "treatment"
    verbose_name = "Treatment directory"

    def ready(self):
        """Every change to the directory, and every migrate that applies a
        migration, gives it a new version (see treatment.models.versions):
        saves and deletes by these signals, bulk writes (and the services
        links, which the related manager writes in bulk) by their QuerySet."""
        from treatment.models import (
            OpeningHours,
            Provider,
            Service,
            ServiceCategory,
            directory_changed,
            directory_migrated,
        )

        for model in (ServiceCategory, Service, Provider, OpeningHours):
            post_save.connect(directory_changed, sender=model)
            post_delete.connect(directory_changed, sender=model)
        post_migrate.connect(directory_migrated, sender=self)
