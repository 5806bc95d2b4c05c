"""The filter panel's groups come from a stencil rendered once per version
and language, filled with each search's counts and choices: the same HTML as
rendering the groups' template for that search."""

from unittest import mock

import pytest
from django.template.loader import get_template
from django.utils import translation

from tests.conftest import CommittingClient
from treatment.models import Service, ServiceCategory
from treatment.search import facets

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(search_client):
    return search_client


@pytest.fixture(autouse=True)
def directory(make_provider):
    make_provider(
        name="Harbor Clinic", services=["methadone", "medicaid", "telehealth"]
    )
    make_provider(name="Bay Clinic", zip_code="21202", services=["buprenorphine"])


def rendered_directly(results):
    """The groups' template rendered with this search's own values."""
    filterset = results.filterset
    values = facets.search_values(filterset, results.counts)
    return get_template("treatment/search.html#filter-groups").render(
        {"facets": facets.group_facets(filterset.groups, values)}
    )


@pytest.mark.parametrize(
    "search",
    [
        {"near": "21201"},
        {"near": "21201", "medications": "methadone"},
        {
            "near": "21201",
            "medications": ["methadone", "naltrexone"],
            "payment": "medicaid",
        },
        {"near": "21201", "telehealth": "telehealth", "accepting": "true"},
        {"q": "harbor", "care": "residential"},
    ],
)
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_filled_stencil_is_the_groups_template_rendered_for_the_search(
    client, search, language
):
    prefix = "/es" if language == "es" else ""
    response = client.get(f"{prefix}/treatment/", search)
    results = response.context["results"]
    with translation.override(language):
        expected = rendered_directly(results)
    assert results.filter_panel == expected
    assert expected in response.content.decode()


def test_counts_choices_and_open_groups_are_the_searchs_own(client):
    page = client.get(
        "/treatment/", {"near": "21201", "payment": "medicaid"}
    ).content.decode()
    assert 'value="medicaid" id="f-payment-medicaid" checked>' in page
    assert "Payment accepted (1 chosen)" in page
    assert 'value="naltrexone" id="f-medications-naltrexone">' in page
    assert "(0, none match)" in page
    page = client.get("/treatment/", {"near": "21201"}).content.decode()
    assert 'id="f-payment-medicaid" checked' not in page
    assert "Payment accepted (1 chosen)" not in page


def test_a_hostile_option_name_is_escaped_and_cannot_pose_as_a_slot(client):
    category = ServiceCategory.objects.get(slug="payment")
    Service.objects.create(
        category=category, slug="odd", name='<slot 0> <b>"Free"</b>', order=99
    )
    response = client.get("/treatment/", {"near": "21201", "payment": "odd"})
    results = response.context["results"]
    assert results.filter_panel == rendered_directly(results)
    page = response.content.decode()
    assert "&lt;slot 0&gt; &lt;b&gt;&quot;Free&quot;&lt;/b&gt;" in page
    assert "<slot" not in page


def test_the_stencil_is_rendered_once_for_many_searches(db):
    client = CommittingClient()  # committed: the directory has a version
    facets.PanelStencil.kept.clear()
    template = get_template("treatment/search.html#filter-groups")
    with mock.patch.object(facets, "get_template", return_value=template) as loaded:
        for search in ({"near": "21201"}, {"near": "21202", "payment": "medicaid"}):
            assert client.get("/treatment/", search).status_code == 200
        assert loaded.call_count == 1
        client.get("/es/treatment/", {"near": "21201"})
        assert loaded.call_count == 2  # Spanish has its own
