from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save


class TreatmentConfig(AppConfig):
    name = "treatment"
    verbose_name = "Treatment directory"

    def ready(self):
        """Every change to the directory, and every migrate that applies a
        migration, gives it a new version (see treatment.models.versions)."""
        from treatment.models import (
            Provider,
            Service,
            ServiceCategory,
            directory_changed,
            directory_migrated,
        )

        for model in (ServiceCategory, Service, Provider):
            post_save.connect(directory_changed, sender=model)
            post_delete.connect(directory_changed, sender=model)
        m2m_changed.connect(directory_changed, sender=Provider.services.through)
        post_migrate.connect(directory_migrated, sender=self)
