from django.apps import AppConfig
from django.db.models.signals import post_migrate


class FactsConfig(AppConfig):
    name = "facts"
    verbose_name = "Facts"

    def ready(self):
        from facts.loading import load_after_migrate

        post_migrate.connect(load_after_migrate, sender=self)
