from django.core.management.base import BaseCommand, CommandError

from treatment.models import Provider
from treatment.sample_directory import generate_sample_directory


class Command(BaseCommand):
    help = (
        "Create fictional sample providers over real ZIP code centroids. "
        "The same --seed always gives the same providers."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=300)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when sample providers already exist (for `make run`).",
        )

    def handle(self, *, count, seed, if_empty, **options):
        if count < 1:
            raise CommandError("--count must be at least 1.")
        samples = Provider.objects.filter(source=Provider.Source.SAMPLE)
        if if_empty and samples.exists():
            self.stdout.write(
                f"Sample directory already loaded ({samples.count()} providers)."
            )
            return
        if samples.filter(source_id__startswith=f"{seed}-").exists():
            raise CommandError(
                f"Sample providers with seed {seed} already exist; use another --seed."
            )
        created = generate_sample_directory(count, seed)
        self.stdout.write(self.style.SUCCESS(f"Created {created} sample providers."))
