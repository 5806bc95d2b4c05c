"""Signs of quality a provider page shows, decided from its services alone.

The one home for these rules. Each sign is something the listing itself says
(the provider, SAMHSA's survey or our staff), never a guess: no service, no
sign. Services only in the taxonomy, such as the hospital licensing authority,
make no sign.
"""

from django.utils.translation import gettext_lazy as _

# The services that mean a provider offers one of the three medications for
# opioid use disorder (MU, "methadone used", is not one: see 0002), and the
# medication each names: both naltrexones are naltrexone.
MEDICATIONS_FOR_OUD = {
    "methadone": _("methadone"),
    "buprenorphine": _("buprenorphine"),
    "naltrexone": _("naltrexone"),
    "naltrexone-injection": _("naltrexone"),
}
SIGNS = {
    "state-substance-use-agency": _(
        "Licensed or certified by the state agency for substance use treatment"
    ),
    "state-mental-health-department": _(
        "Licensed or certified by the state mental health department"
    ),
    "state-health-department": _(
        "Licensed or certified by the state department of health"
    ),
    "joint-commission": _("Accredited by The Joint Commission"),
    "carf": _(
        "Accredited by CARF (the Commission on Accreditation of Rehabilitation "
        "Facilities)"
    ),
    "ncqa": _("Accredited by NCQA (the National Committee for Quality Assurance)"),
    "coa": _("Accredited by COA (the Council on Accreditation)"),
    "medicaid": _("Accepts Medicaid"),
}


def quality_signs(services):
    """The signs, in a fixed order, as sentences: the medications for opioid
    use disorder it offers, then state licenses, accreditation and Medicaid.
    `services` is the provider's services, prefetched: no query is made."""
    slugs = {service.slug for service in services}
    medications = dict.fromkeys(
        str(name) for slug, name in MEDICATIONS_FOR_OUD.items() if slug in slugs
    )
    signs = []
    if medications:
        signs.append(
            _("Offers medication for opioid use disorder: %(medications)s")
            % {"medications": ", ".join(medications)}
        )
    signs.extend(sentence for slug, sentence in SIGNS.items() if slug in slugs)
    return signs
