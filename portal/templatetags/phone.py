from django import template

from treatment.phones import tel_href

register = template.Library()
register.filter("tel_href", tel_href)
