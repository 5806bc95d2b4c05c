"""Links staff type in admin accept only web addresses (http, https) and,
where a path on this site makes sense, such a path."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from facts.models import Source
from tests.test_directory_admin import change_provider
from treatment.models import ServiceCategory

pytestmark = pytest.mark.django_db

HOSTILE_LINKS = [
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "ftp://files.example.org/",
    "//evil.example/facts/",
    "/\\evil.example/",
    '/facts/" onmouseover="alert(1)',
]


@pytest.fixture
def staff_client(client):
    client.force_login(User.objects.create_superuser("editor", "e@example.org", "pw"))
    return client


def save_category_link(staff_client, link):
    category = ServiceCategory.objects.get(slug="medications")
    response = staff_client.post(
        f"/admin/treatment/servicecategory/{category.pk}/change/",
        {
            "slug": category.slug,
            "name": category.name,
            "order": category.order,
            "description": category.description,
            "facts_path": link,
            "services-TOTAL_FORMS": "0",
            "services-INITIAL_FORMS": "0",
        },
    )
    category.refresh_from_db()
    return response, category.facts_path


@pytest.mark.parametrize("link", HOSTILE_LINKS)
def test_a_category_facts_link_refuses_anything_but_a_site_path_or_web_address(
    staff_client, link
):
    response, saved = save_category_link(staff_client, link)
    assert response.status_code == 200
    assert "Enter a path on this site" in response.content.decode()
    assert saved != link.strip()


@pytest.mark.parametrize(
    "link", ["/facts/medications-for-opioid-use-disorder/", "https://www.samhsa.gov/"]
)
def test_a_category_facts_link_takes_a_site_path_or_web_address(staff_client, link):
    response, saved = save_category_link(staff_client, link)
    assert response.status_code == 302
    assert saved == link


@pytest.mark.parametrize("link", [link for link in HOSTILE_LINKS if ":" in link])
def test_a_provider_website_refuses_anything_but_http_and_https(
    staff_client, make_provider, link
):
    provider = make_provider(website="https://harbor.example.org/")
    response = change_provider(staff_client, provider, website=link)
    assert response.status_code == 200
    assert provider.website == "https://harbor.example.org/"


def test_a_provider_website_takes_a_web_address(staff_client, make_provider):
    provider = make_provider()
    response = change_provider(staff_client, provider, website="http://harbor.example")
    assert response.status_code == 302
    assert provider.website == "http://harbor.example"


@pytest.mark.parametrize("link", ["javascript:alert(1)", "ftp://files.example.org/"])
def test_an_article_source_refuses_anything_but_http_and_https(link):
    source = Source(title="A study", publisher="NIDA", url=link)
    with pytest.raises(ValidationError) as refused:
        source.clean_fields(exclude=["article"])
    assert "http:// or https://" in str(refused.value)
