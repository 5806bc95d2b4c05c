"""Load the facts pages from facts/articles/*.md (TOML front matter, Markdown body).

Idempotent: each file updates the article with its slug (the file name), so
running it again refreshes the text, services and sources. Pages are published
but not marked as medically reviewed: nobody has reviewed them yet.
"""

import tomllib
from pathlib import Path

from django.db import migrations

ARTICLES = Path(__file__).resolve().parent.parent / "articles"


def read_article(path):
    """(front matter dict, Markdown body) from a file that starts with +++ ... +++."""
    _, front_matter, body = path.read_text(encoding="utf-8").split("+++\n", 2)
    return tomllib.loads(front_matter), body.strip()


def load(apps, schema_editor):
    Article = apps.get_model("facts", "Article")
    Service = apps.get_model("treatment", "Service")
    for path in sorted(ARTICLES.glob("*.md")):
        meta, body = read_article(path)
        article, _ = Article.objects.update_or_create(
            slug=path.stem,
            defaults={
                "title": meta["title"],
                "summary": meta["summary"],
                "body": body,
                "section": meta["section"],
                "order": meta["order"],
                "is_published": True,
            },
        )
        slugs = meta.get("related_services", [])
        services = list(Service.objects.filter(slug__in=slugs))
        if len(services) != len(slugs):
            missing = set(slugs) - {service.slug for service in services}
            raise ValueError(f"{path.name}: unknown services {sorted(missing)}")
        article.related_services.set(services)
        article.sources.all().delete()
        for order, source in enumerate(meta.get("sources", [])):
            article.sources.create(order=order, **source)


class Migration(migrations.Migration):
    dependencies = [
        ("facts", "0001_initial"),
        ("treatment", "0002_seed_taxonomy"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
