import re

from django import template

register = template.Library()


@register.filter
def tel_href(number):
    """A valid tel: URI for a US number as people write it: "(410) 555-0100 x12"."""
    main = re.split(r"(?i)\s*(?:x|ext\.?)\s*\d", number or "")[0]
    digits = re.sub(r"\D", "", main)
    if len(digits) == 10:
        digits = "1" + digits
    if len(digits) == 11 and digits.startswith("1"):
        return f"tel:+{digits}"
    return f"tel:{digits}"
