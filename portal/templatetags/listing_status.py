"""A listing's badges and freshness line in templates: the provider page and
the provider's confirmation page show what its result card shows."""

from django import template

from treatment.listing_status import freshness_line, status_badges

register = template.Library()
register.simple_tag(status_badges)
register.simple_tag(freshness_line)
