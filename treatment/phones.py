"""US phone numbers as people write them: one reading for every form, file and link.

"(410) 555-0123", "+1 410.555.0123" and "410-555-0123 ext. 12" are the same number.
Only ASCII digits count: a digit from another script is not a number anyone
can dial from a US phone.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# Characters a visitor may type around the digits of a number.
PHONE_CHARACTERS = re.compile(r"[0-9\s().+-]+", re.ASCII)
EXTENSION = re.compile(r"(?i)\s*(?:x|ext\.?)\s*[0-9]")
NOT_A_DIGIT = re.compile(r"[^0-9]")

us_phone_number = RegexValidator(
    r"^[2-9][0-9]{2}-[2-9][0-9]{2}-[0-9]{4}\Z",
    _("Enter a US phone number with its area code, like 410-555-0123."),
)


def us_digits(text: str) -> str:
    """The number's ten digits, less a leading country code 1 and any
    extension; otherwise whatever digits there are (too few or too many)."""
    main = EXTENSION.split(text or "", maxsplit=1)[0]
    digits = NOT_A_DIGIT.sub("", main)
    if len(digits) == 11 and digits.startswith("1"):
        return digits[1:]
    return digits


def normalize_us_phone(value: str) -> str:
    """A number a visitor typed, as 410-555-0123; ValidationError if it is
    not a full US number."""
    digits = us_digits(value)
    if not PHONE_CHARACTERS.fullmatch(value) or len(digits) != 10:
        raise ValidationError(us_phone_number.message, code="invalid")
    phone = f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    us_phone_number(phone)
    return phone


LISTING_EXTENSION = re.compile(r"(?i)\s*(?:x|ext\.?)\s*([0-9]{1,6})\s*\Z", re.ASCII)


def normalize_listing_phone(value: str) -> str:
    """A listing's number as 410-555-0123, or 410-555-0123 ext. 12;
    ValidationError if it is not a full US number."""
    extension = LISTING_EXTENSION.search(value)
    main = value[: extension.start()] if extension else value
    phone = normalize_us_phone(main.strip())
    return f"{phone} ext. {extension[1]}" if extension else phone


def is_placeholder(text: str) -> bool:
    """True for a blank, short or dummy number such as (999) 999-9999."""
    digits = us_digits(text)
    return len(digits) < 10 or len(set(digits[:10])) == 1


def tel_href(number: str) -> str:
    """A valid tel: URI for a number as written, extension left out."""
    digits = us_digits(number)
    if len(digits) == 10:
        return f"tel:+1{digits}"
    return f"tel:{digits}"
