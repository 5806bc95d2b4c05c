"""Links staff type into admin: web addresses (http or https) and paths on this
site. Anything else, javascript: above all, would run or open on visitors'
pages when they follow the link."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

validate_web_url = URLValidator(
    schemes=["http", "https"],
    message="Enter a web address that starts with http:// or https://.",
)
# A path on this site: one slash, then no second slash or backslash (which
# browsers read as another site's address), no spaces, quotes or brackets.
SITE_PATH = re.compile(r"/(?![/\\])[^\s\\\"'<>]*")


def validate_site_path_or_web_url(value):
    if SITE_PATH.fullmatch(value):
        return
    try:
        validate_web_url(value)
    except ValidationError:
        raise ValidationError(
            "Enter a path on this site, like /facts/treatment-options/, or a web "
            "address that starts with https://.",
            code="invalid",
        ) from None
