"""A listing's badges, opening hours' line and freshness line in templates:
the provider page and the provider's confirmation page show what its result
card shows."""

from django import template

from treatment.listing_status import freshness_line, hours_line, status_badges

register = template.Library()
register.simple_tag(status_badges)
register.simple_tag(freshness_line)
register.simple_tag(hours_line)
