"""Facet counts and result cards come from the cache until the directory
changes, then never again."""

import re

import pytest
from django.core.cache import cache
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils.text import slugify

from treatment.models import (
    DirectoryVersion,
    Provider,
    ProviderServices,
    Service,
    ServiceCategory,
)
from treatment.search.caching import (
    RELEASE_PARTS,
    cache_version,
    release_fingerprint,
)

pytestmark = pytest.mark.django_db

SEARCH = {"near": "21201", "medications": "methadone"}


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the writes' on-commit hooks, as committing a real transaction does."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def clinic(make_provider, committed):
    with committed():
        return make_provider(name="Harbor Clinic", services=["methadone", "medicaid"])


def counts(client):
    """The search's total, and the count the panel shows beside methadone."""
    response = client.get("/treatment/", SEARCH)
    methadone = re.search(
        r'id="f-medications-methadone"[^>]*>\s*'
        r'<label[^>]*>[^<]*<span class="count">\((\d+)',
        response.content.decode(),
    )
    return response.context["results"].total, int(methadone[1])


def test_a_repeated_search_reads_all_but_the_version_from_the_cache(
    client, clinic, django_assert_num_queries
):
    assert counts(client) == (1, 1)
    with django_assert_num_queries(1):  # the directory's version
        assert counts(client) == (1, 1)


def test_cards_missing_from_the_cache_are_read_and_rendered_again(
    client, clinic, django_assert_num_queries
):
    assert "Harbor Clinic" in card(client)
    version = cache_version(DirectoryVersion.current())
    cache.delete(f"directory-card:{version}:{clinic.pk}")
    # The version and the providers; their services and hours from the index.
    with django_assert_num_queries(2):
        assert "Harbor Clinic" in card(client)


def test_a_change_made_inside_a_transaction_waits_for_the_commit(
    clinic, django_capture_on_commit_callbacks
):
    version = DirectoryVersion.current()
    with django_capture_on_commit_callbacks() as hooks:
        clinic.save()
    assert DirectoryVersion.current() == version
    assert hooks


def unpublish(clinic):
    clinic.is_published = False
    clinic.save()


def unpublish_in_bulk(clinic):  # as the admin's "Unpublish" action does
    Provider.objects.filter(pk=clinic.pk).update(is_published=False)


def another_clinic(name):
    return Provider(
        name=name,
        slug=slugify(name),
        city="Baltimore",
        state="MD",
        zip_code="21201",
        latitude=39.29,
        longitude=-76.62,
        is_published=True,
    )


def import_another_methadone_clinic(clinic):  # as the importers do
    (new,) = Provider.objects.bulk_create([another_clinic("New Place")])
    Provider.services.through.objects.bulk_create(
        [Provider.services.through(provider=new, service=methadone())]
    )


def methadone():
    return Service.objects.get(slug="methadone")


def unlink_in_bulk(clinic):
    ProviderServices.objects.filter(provider=clinic).delete()


@pytest.mark.parametrize(
    "change, expected",
    [
        (unpublish, (0, 0)),
        (unpublish_in_bulk, (0, 0)),
        (lambda clinic: clinic.delete(), (0, 0)),
        (lambda clinic: clinic.services.remove(methadone()), (0, 0)),
        (import_another_methadone_clinic, (2, 2)),
        (unlink_in_bulk, (0, 0)),
    ],
    ids=[
        "save",
        "queryset-update",
        "delete",
        "services-remove",
        "bulk-create",
        "links-bulk-delete",
    ],
)
def test_every_kind_of_change_shows_at_once(
    client, clinic, committed, change, expected
):
    assert counts(client) == (1, 1)
    with committed():
        change(clinic)
    assert counts(client) == expected


def test_the_cached_filters_show_the_new_counts(client, clinic, committed):
    def medicaid_option():
        html = client.get("/treatment/", SEARCH).content.decode()
        return re.search(r"Medicaid <span class=\"count\">\(\d+", html).group()

    assert medicaid_option().endswith("(1")
    with committed():
        clinic.services.remove(Service.objects.get(slug="medicaid"))
    assert medicaid_option().endswith("(0")


def test_a_renamed_service_shows_at_once(client, clinic, committed):
    assert "Methadone <span" in client.get("/treatment/", SEARCH).content.decode()
    service = methadone()
    service.name = "Methadone (liquid)"
    with committed():
        service.save()
    html = client.get("/treatment/", SEARCH).content.decode()
    assert "Methadone (liquid) <span" in html


def test_links_created_in_bulk_show_at_once(client, clinic, committed):
    with committed():
        other = another_clinic("Other Place")
        other.save()
    assert counts(client) == (1, 1)
    with committed():  # only the link table is written
        ProviderServices.objects.bulk_create(
            [ProviderServices(provider=other, service=methadone())]
        )
    assert counts(client) == (2, 2)


@pytest.mark.parametrize(
    "model, slug, new_name",
    [
        (Service, "medicaid", "Medicaid (any state)"),
        (ServiceCategory, "payment", "Paying"),
    ],
)
def test_taxonomy_updated_in_bulk_shows_at_once(
    client, clinic, committed, model, slug, new_name
):
    assert new_name not in client.get("/treatment/", SEARCH).content.decode()
    with committed():
        model.objects.filter(slug=slug).update(name=new_name)
    assert new_name in client.get("/treatment/", SEARCH).content.decode()


def test_a_change_to_a_service_gives_a_new_version(clinic, committed):
    version = DirectoryVersion.current()
    service = methadone()
    with committed():
        service.save()
    assert DirectoryVersion.current() not in (None, version)


def card(client):
    html = client.get("/treatment/", SEARCH).content.decode()
    start = html.index('<li class="result">')
    return html[start : html.index("</li>", start)]


def test_a_cached_card_shows_changes_to_its_provider_at_once(client, clinic, committed):
    assert "Harbor Clinic" in card(client)
    clinic.name = "Harbor Health"
    clinic.intake_phone = "410-555-0199"
    with committed():
        clinic.save()
    assert "Harbor Health" in card(client)
    assert "Call 410-555-0199" in card(client)


def test_a_cached_card_shows_a_renamed_service_at_once(client, clinic, committed):
    assert "<dd>Methadone</dd>" in card(client)
    service = methadone()
    service.name = "Methadone (liquid)"
    with committed():
        service.save()
    assert "<dd>Methadone (liquid)</dd>" in card(client)


def test_each_search_shows_its_own_distance_on_a_cached_card(client, clinic):
    near = client.get("/treatment/", {"near": "21201"}).content.decode()
    far = client.get("/treatment/", {"near": "20001", "radius": "50"}).content.decode()
    assert "Less than 0.1 miles away" in near
    assert "Less than 0.1" not in far and " miles away" in far


def test_a_release_with_other_code_reads_nothing_cached_before_it(
    client, clinic, monkeypatch, django_assert_num_queries
):
    assert counts(client) == (1, 1)
    monkeypatch.setattr("treatment.search.caching.release_id", lambda: "next-release")
    # The version, then the cards' providers (their services from the index).
    with django_assert_num_queries(2):
        assert counts(client) == (1, 1)


def test_the_release_id_changes_with_any_file_a_deploy_brings(tmp_path):
    for name in RELEASE_PARTS[1:]:
        (tmp_path / name / "sub").mkdir(parents=True)
        (tmp_path / name / "sub" / "module.py").write_text("A = 1\n")
    (tmp_path / "pyproject.toml").write_text('dependencies = ["Django==6.1.3"]\n')
    (tmp_path / "tests").mkdir()
    first = release_fingerprint(tmp_path)
    (tmp_path / "tests" / "test_more.py").write_text("")  # not deployed
    assert release_fingerprint(tmp_path) == first
    for changed in ["portal/sub/module.py", "templates/sub/module.py"]:
        (tmp_path / changed).write_text("A = 2\n")
        assert release_fingerprint(tmp_path) != first
        first = release_fingerprint(tmp_path)
    (tmp_path / "pyproject.toml").write_text('dependencies = ["Django==6.1.4"]\n')
    assert release_fingerprint(tmp_path) != first


def test_applying_migrations_gives_a_new_version(clinic):
    """As `migrate` signals when done: a data migration sends no other signal."""
    version = DirectoryVersion.current()
    emit_post_migrate_signal(0, False, "default", plan=[])  # nothing applied
    assert DirectoryVersion.current() == version

    migration = MigrationLoader(connection).get_migration(
        "treatment", "0009_mental_health_therapy_codes"
    )
    emit_post_migrate_signal(0, False, "default", plan=[(migration, False)])
    assert DirectoryVersion.current() not in (None, version)
