"""The Open Referral HSDS 3.0 API, checked against the spec's own JSON schemas.

Each response is validated against the schema the HSDS 3.0 OpenAPI document
names for that path. The compiled schemas hold no $ref of their own; the
OpenAPI document points at them by their GitHub URLs, which a
referencing.Registry maps to the local copies in tests/data/hsds-3.0/ (so
nothing is fetched from the network).
"""

import json
import uuid
from datetime import timedelta
from functools import cache
from pathlib import Path

import pytest
from django.utils import timezone
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from treatment.interchange.hsds import kind_id
from treatment.models import Inquiry, Provider

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).parent / "data" / "hsds-3.0"
SPEC = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
API = "/api/hsds"
ENVELOPE = {
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
}


def load(name):
    return json.loads((SCHEMAS / name).read_text())


@cache
def registry():
    documents = {"openapi.json": load("openapi.json")} | {
        f"compiled/{path.name}": load(f"compiled/{path.name}")
        for path in (SCHEMAS / "compiled").glob("*.json")
    }
    return Registry().with_resources(
        (SPEC + name, Resource.from_contents(document, DRAFT202012))
        for name, document in documents.items()
    )


@cache
def validator(schema_uri):
    return Draft202012Validator(
        {"$ref": schema_uri},
        registry=registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def response_schema(spec_path):
    pointer = spec_path.replace("~", "~0").replace("/", "~1")
    return (
        f"{SPEC}openapi.json#/paths/{pointer}/get/responses/200"
        "/content/application~1json/schema"
    )


def assert_valid(data, schema_uri):
    errors = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator(schema_uri).iter_errors(data)
    ]
    assert not errors, errors


def get_json(client, path, status=200, **params):
    response = client.get(API + path, params)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def get_page(client, path, **params):
    data = get_json(client, path, **params)
    assert set(data) == ENVELOPE
    assert_valid(data, response_schema(path))
    return data


def hsds_id(kind, provider):
    return kind_id(kind, provider)


@pytest.fixture
def clinic(make_provider):
    return make_provider(
        name="Harbor Clinic",
        summary="Methadone and counseling downtown.",
        website="https://harbor.example.org",
        intake_phone="410-555-0199",
        inquiry_email="intake-secret@harbor.example.org",
        accepting_status=Provider.Status.WAITLIST,
        accepting_status_on=timezone.localdate(),
        verified_on=timezone.localdate(),
        services=["methadone", "medicaid", "spanish"],
    )


def test_compiled_schemas_have_no_refs_to_resolve():
    for path in (SCHEMAS / "compiled").glob("*.json"):
        assert '"$ref"' not in path.read_text(), path.name


def test_root_gives_the_version_and_links(client):
    data = get_json(client, "/")

    assert data["version"] == "3.0"
    assert data["links"]["services"] == "http://testserver/api/hsds/services"
    assert_valid(data, response_schema("/"))


def test_services_list_validates_and_holds_only_published(
    client, clinic, make_provider
):
    make_provider(name="Unpublished", is_published=False)

    data = get_page(client, "/services")

    assert data["total_items"] == 1
    (service,) = data["contents"]
    assert service["id"] == hsds_id("service", clinic)
    assert service["organization_id"] == hsds_id("organization", clinic)
    assert service["name"] == "Harbor Clinic"
    assert service["url"] == "https://harbor.example.org"
    assert service["wait_time"].startswith("Waitlist (as of ")
    assert service["assured_date"] == timezone.localdate().isoformat()


def test_service_detail_carries_our_services_as_taxonomy_terms(client, clinic):
    data = get_json(client, f"/services/{hsds_id('service', clinic)}")

    assert_valid(data, response_schema("/services/{id}"))
    terms = [attribute["taxonomy_term"] for attribute in data["attributes"]]
    assert {term["code"] for term in terms} == {"methadone", "medicaid", "spanish"}
    assert [phone["number"] for phone in data["phones"]] == [
        "410-555-0100",
        "410-555-0199",
    ]
    (link,) = data["service_at_locations"]
    address = link["location"]["addresses"][0]
    assert (address["city"], address["state_province"]) == ("Baltimore", "MD")


def test_organizations_validate(client, clinic):
    page = get_page(client, "/organizations")
    assert page["contents"][0]["id"] == hsds_id("organization", clinic)

    data = get_json(client, f"/organizations/{hsds_id('organization', clinic)}")
    assert_valid(data, response_schema("/organizations/{id}"))
    assert data["services"][0]["id"] == hsds_id("service", clinic)
    assert data["locations"][0]["id"] == hsds_id("location", clinic)


def test_service_at_locations_validate(client, clinic):
    page = get_page(client, "/service_at_locations")
    (item,) = page["contents"]
    assert item["service"]["id"] == hsds_id("service", clinic)
    assert item["location"]["latitude"] == clinic.latitude

    data = get_json(
        client, f"/service_at_locations/{hsds_id('service_at_location', clinic)}"
    )
    # The OpenAPI document names compiled/service.json for this path, a slip in
    # the spec: a service_at_location is checked against its own schema.
    assert_valid(data, f"{SPEC}compiled/service_at_location.json")
    assert data["service"]["attributes"]


def test_ids_are_stable_uuids(client, clinic):
    first = get_page(client, "/services")["contents"][0]["id"]
    second = get_page(client, "/services")["contents"][0]["id"]

    assert first == second == hsds_id("service", clinic)


def test_each_kind_has_its_own_valid_id_that_survives_edits(clinic):
    ids = {kind: hsds_id(kind, clinic) for kind in ("organization", "service")}
    assert len(set(ids.values())) == 2
    assert all(uuid.UUID(value).version == 4 for value in ids.values())
    clinic.name = "Renamed Clinic"
    clinic.save()
    clinic.refresh_from_db()
    assert {kind: hsds_id(kind, clinic) for kind in ids} == ids


def test_never_shows_inquiries_or_inquiry_emails(client, clinic):
    Inquiry.objects.create(
        provider=clinic,
        who_needs_help=Inquiry.WhoNeedsHelp.ME,
        email="visitor-secret@example.org",
        message="A very private message",
        consent_statement="I agree.",
    )
    paths = [
        "/services",
        "/organizations",
        "/service_at_locations",
        f"/services/{hsds_id('service', clinic)}",
        f"/organizations/{hsds_id('organization', clinic)}",
        f"/service_at_locations/{hsds_id('service_at_location', clinic)}",
    ]
    for path in paths:
        content = client.get(API + path).content.decode()
        for secret in ("intake-secret", "visitor-secret", "very private"):
            assert secret not in content, path


@pytest.mark.parametrize("kind", ["services", "organizations", "service_at_locations"])
def test_unknown_and_unpublished_ids_are_404(client, make_provider, kind):
    hidden = make_provider(is_published=False)
    singular = kind.removesuffix("s")

    for item_id in (str(uuid.uuid4()), hsds_id(singular, hidden)):
        data = get_json(client, f"/{kind}/{item_id}", status=404)
        assert "no published" in data["error"]

    data = get_json(client, f"/{kind}/not-a-uuid", status=400)
    assert "ids in this API are UUIDs" in data["error"]


def test_an_id_of_another_kind_is_not_found(client, clinic):
    get_json(client, f"/services/{hsds_id('organization', clinic)}", status=404)


def test_pagination(client, make_provider):
    for letter in "ABCDE":
        make_provider(name=f"Provider {letter}")

    first = get_page(client, "/services", per_page="2")
    last = get_page(client, "/services", per_page="2", page="3")
    beyond = get_page(client, "/services", per_page="2", page="4")

    assert [s["name"] for s in first["contents"]] == ["Provider A", "Provider B"]
    assert (first["total_items"], first["total_pages"], first["size"]) == (5, 3, 2)
    assert first["first_page"] and not first["last_page"]
    assert [s["name"] for s in last["contents"]] == ["Provider E"]
    assert last["last_page"] and not last["first_page"] and last["size"] == 1
    assert beyond["empty"] and beyond["contents"] == []


def test_per_page_is_capped(client, make_provider):
    for _ in range(3):
        make_provider()

    data = get_page(client, "/services", per_page="100000")

    assert data["total_pages"] == 1 and data["size"] == 3


def test_search_filter(client, clinic, make_provider):
    make_provider(name="Other Place", city="Towson", zip_code="21204")

    names = [
        s["name"] for s in get_page(client, "/services", search="harbor")["contents"]
    ]
    towson = get_page(client, "/organizations", search="towson")["contents"]

    assert names == ["Harbor Clinic"]
    assert [o["name"] for o in towson] == ["Other Place"]


def test_taxonomy_term_filter(client, clinic, make_provider):
    make_provider(name="Counseling Only", services=["outpatient"])
    detail = get_json(client, f"/services/{hsds_id('service', clinic)}")
    methadone = next(
        a["taxonomy_term_id"]
        for a in detail["attributes"]
        if a["taxonomy_term"]["code"] == "methadone"
    )

    data = get_page(client, "/services", taxonomy_term_id=methadone)
    unknown = get_page(client, "/services", taxonomy_term_id=str(uuid.uuid4()))

    assert [s["name"] for s in data["contents"]] == ["Harbor Clinic"]
    assert unknown["total_items"] == 0 and unknown["empty"]


def test_modified_after_filter(client, clinic, make_provider):
    old = make_provider(name="Old Listing")
    Provider.objects.filter(pk=old.pk).update(
        updated_at=timezone.now() - timedelta(days=30)
    )
    since = (timezone.now() - timedelta(days=1)).date().isoformat()

    data = get_page(client, "/services", modified_after=since)
    with_time = get_page(client, "/services", modified_after=f"{since}T00:00:00+00:00")

    assert [s["name"] for s in data["contents"]] == ["Harbor Clinic"]
    assert with_time["total_items"] == 1


def test_postcode_and_proximity_in_meters(client, make_provider):
    make_provider(name="Downtown", zip_code="21201")
    make_provider(name="Towson", city="Towson", zip_code="21204")  # about 8 miles
    make_provider(name="Boston", city="Boston", state="MA", zip_code="02108")

    nearest_first = get_page(client, "/service_at_locations", postcode="21201")
    within_5_miles = get_page(
        client, "/service_at_locations", postcode="21201", proximity="8047"
    )
    within_20_miles = get_page(client, "/services", postcode="21201", proximity="32187")

    names = [item["service"]["name"] for item in nearest_first["contents"]]
    assert names == ["Downtown", "Towson", "Boston"]
    assert [i["service"]["name"] for i in within_5_miles["contents"]] == ["Downtown"]
    assert [s["name"] for s in within_20_miles["contents"]] == ["Downtown", "Towson"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"page": "two"}, "page must be a whole number"),
        ({"page": "0"}, "page must be 1 or more"),
        ({"per_page": "-5"}, "per_page must be 1 or more"),
        ({"taxonomy_term_id": "methadone"}, "taxonomy_term_id must be a UUID"),
        ({"modified_after": "last week"}, "modified_after must be an ISO 8601"),
        ({"modified_after": "2025-02-30"}, "modified_after must be an ISO 8601"),
        ({"postcode": "Baltimore"}, "is not a known US ZIP code"),
        ({"postcode": "00000"}, "is not a known US ZIP code"),
        ({"proximity": "1000"}, "proximity needs a postcode"),
        ({"postcode": "21201", "proximity": "far"}, "positive number of meters"),
        ({"postcode": "21201", "proximity": "-1"}, "positive number of meters"),
        ({"postcode": "21201", "proximity": "nan"}, "positive number of meters"),
        ({"search": "x" * 201}, "search can be at most 200 characters"),
        ({"search": "a\x00b"}, "search can't contain null characters"),
    ],
)
def test_bad_parameters_get_a_clear_400(client, clinic, params, message):
    for path in ("/services", "/organizations", "/service_at_locations"):
        data = get_json(client, path, status=400, **params)
        assert message in data["error"]


def test_a_huge_page_number_is_just_empty(client, clinic):
    data = get_page(client, "/services", page=str(10**30))

    assert data["empty"] and data["total_items"] == 1


def test_read_only(client, clinic):
    assert client.post(API + "/services").status_code == 405


@pytest.mark.parametrize(
    "path", ["/services", "/organizations", "/service_at_locations"]
)
def test_list_queries_do_not_grow_with_page_size(
    client, make_provider, django_assert_num_queries, path
):
    for _ in range(5):
        make_provider(services=["methadone", "medicaid"])

    with django_assert_num_queries(2):  # count, page
        client.get(API + path, {"per_page": "1"})
    with django_assert_num_queries(2):
        client.get(API + path, {"per_page": "5"})


def test_detail_queries_are_fixed(
    client, clinic, make_provider, django_assert_num_queries
):
    """The provider is found by its indexed public id, not by hashing every
    published provider's key: three queries however large the directory."""
    for _ in range(40):
        make_provider()
    with django_assert_num_queries(3):  # the provider, its services, its hours
        data = get_json(client, f"/services/{hsds_id('service', clinic)}")
    assert data["name"] == clinic.name
