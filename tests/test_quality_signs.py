"""Signs of quality on a provider's page, from its listing data only, and the
licensing and accreditation codes SAMHSA's files carry."""

import json
from collections import Counter

import pytest

from treatment.interchange.samhsa import LEADING_COLUMNS, import_samhsa_file
from treatment.models import Provider, Service
from treatment.models.quality import quality_signs

pytestmark = pytest.mark.django_db

QUALITY_PAGE = "/facts/choosing-a-quality-program/"


def signs_of(*slugs):
    return [str(sign) for sign in quality_signs(Service.objects.filter(slug__in=slugs))]


def test_each_medication_for_opioid_use_disorder_is_named_once():
    assert signs_of("methadone", "buprenorphine", "naltrexone-injection") == [
        "Offers medication for opioid use disorder: methadone, buprenorphine, "
        "naltrexone"
    ]
    assert signs_of("naltrexone", "naltrexone-injection") == [
        "Offers medication for opioid use disorder: naltrexone"
    ]


def test_accepting_patients_on_methadone_prescribed_elsewhere_is_not_offering_it():
    """MU and MOA ("continues medication prescribed elsewhere") do not mean the
    program gives methadone itself."""
    assert signs_of("continues-medication", "withdrawal-medication", "naloxone") == []


def test_licensing_accreditation_and_medicaid_signs_in_a_fixed_order():
    assert signs_of(
        "medicaid",
        "coa",
        "ncqa",
        "carf",
        "joint-commission",
        "state-health-department",
        "state-mental-health-department",
        "state-substance-use-agency",
        "buprenorphine",
    ) == [
        "Offers medication for opioid use disorder: buprenorphine",
        "Licensed or certified by the state agency for substance use treatment",
        "Licensed or certified by the state mental health department",
        "Licensed or certified by the state department of health",
        "Accredited by The Joint Commission",
        "Accredited by CARF (the Commission on Accreditation of Rehabilitation "
        "Facilities)",
        "Accredited by NCQA (the National Committee for Quality Assurance)",
        "Accredited by COA (the Council on Accreditation)",
        "Accepts Medicaid",
    ]


def test_services_that_are_not_signs_make_none():
    assert signs_of("outpatient", "self-pay", "medicare", "private-insurance") == []


def test_provider_page_shows_each_sign_linking_to_choosing_a_quality_program(
    client, make_provider
):
    provider = make_provider(
        services=["methadone", "naltrexone", "carf", "state-health-department"]
        + ["medicaid", "outpatient"]
    )
    html = client.get(provider.get_absolute_url()).content.decode()
    assert '<h2 id="quality-signs">Signs of quality</h2>' in html
    for sign in (
        "Offers medication for opioid use disorder: methadone, naltrexone",
        "Licensed or certified by the state department of health",
        "Accredited by CARF (the Commission on Accreditation of Rehabilitation "
        "Facilities)",
        "Accepts Medicaid",
    ):
        assert f'<li><a href="{QUALITY_PAGE}">{sign}</a></li>' in html
    assert html.count(f'<li><a href="{QUALITY_PAGE}">') == 4
    assert "Joint Commission" not in html


def test_a_provider_without_such_data_shows_no_sign(client, make_provider):
    provider = make_provider(
        services=["outpatient", "continues-medication", "self-pay", "medicare"]
    )
    html = client.get(provider.get_absolute_url()).content.decode()
    assert "Signs of quality" not in html
    assert "Offers medication" not in html
    assert "Accredited" not in html
    assert "Licensed or certified" not in html
    assert "Accepts Medicaid" not in html


def test_signs_come_from_the_prefetched_services(
    client, make_provider, django_assert_max_num_queries
):
    """As many queries as the page without signs: a provider with every
    service, the signs among them, costs no query more."""
    provider = make_provider()
    provider.services.set(Service.objects.all())
    with django_assert_max_num_queries(4):
        response = client.get(provider.get_absolute_url())
    assert "Accredited by The Joint Commission" in response.content.decode()


def test_licensing_and_accreditation_is_a_search_filter_group(client, make_provider):
    make_provider(name="Accredited Clinic", services=["joint-commission"])
    make_provider(name="Licensed Clinic", services=["state-substance-use-agency"])
    make_provider(name="Other Clinic", services=["outpatient"])
    response = client.get(
        "/treatment/",
        {"near": "21201", "licensing": ["joint-commission", "carf"]},
    )
    html = response.content.decode()
    assert "Accredited Clinic" in html
    assert "Licensed Clinic" not in html
    assert "Other Clinic" not in html
    assert "Licensing and accreditation" in html


# Importing SAMHSA's licensing and accreditation codes ---------------------------

LICENSING_CODES = ["stag", "stmh", "stdh", "jc", "carf", "ncqa", "coa", "hla", "md"]
LICENSING_SLUGS = {
    "state-substance-use-agency",
    "state-mental-health-department",
    "state-health-department",
    "joint-commission",
    "carf",
    "ncqa",
    "coa",
}


def wide_csv(*rows):
    header = ",".join([*LEADING_COLUMNS, *LICENSING_CODES])
    lines = [header]
    for name, ticked in rows:
        flags = ["1" if code in ticked else "" for code in LICENSING_CODES]
        leading = [name, "", "1 Main Street", "", "Baltimore", "MD", "21201"]
        leading += [""] * (len(LEADING_COLUMNS) - len(leading))
        lines.append(",".join(leading + flags))
    return "\n".join(lines).encode()


def slugs(name):
    provider = Provider.objects.get(source="samhsa", name=name)
    return set(provider.services.values_list("slug", flat=True))


def test_wide_file_licensing_and_accreditation_codes_become_services():
    summary = import_samhsa_file(
        file_name="wide.csv",
        data=wide_csv(
            ("Every Sign", LICENSING_CODES),
            ("Joint Commission Only", ["jc"]),
            ("Hospital License Only", ["hla"]),
        ),
    )
    assert summary.created == 3
    assert slugs("Every Sign") == LICENSING_SLUGS | {"medicaid"}
    assert slugs("Joint Commission Only") == {"joint-commission"}
    # The hospital licensing authority is not in our taxonomy: reported, no sign.
    assert slugs("Hospital License Only") == set()
    assert summary.unknown_codes == Counter({"HLA": 2})


def test_json_listing_licensing_names_become_services():
    listing = {
        "rows": [
            {
                "frid": "QFLICENSED",
                "name1": "Licensed Program",
                "street1": "2 Main Street",
                "city": "Baltimore",
                "state": "MD",
                "zip": "21201",
                "services": [
                    {
                        "f1": "License/Certification/Accreditation",
                        "f2": "LCA",
                        "f3": "State Substance use treatment agency; State mental "
                        "health department; State department of health; The Joint "
                        "Commission; Commission on Accreditation of Rehabilitation "
                        "Facilities (CARF); National Committee for Quality Assurance "
                        "(NCQA); Council on Accreditation (COA); Hospital licensing "
                        "authority",
                    }
                ],
            }
        ]
    }
    summary = import_samhsa_file(
        file_name="listing.json", data=json.dumps(listing).encode()
    )
    assert summary.created == 1
    assert summary.unknown_codes == Counter({"HLA": 1})
    assert slugs("Licensed Program") == LICENSING_SLUGS
