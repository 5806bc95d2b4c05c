"""{% select_options choices chosen %}: a select's <option>s, one chosen.

A template's for loop costs some 10 µs an item (a context layer, its
forloop), and the search form's two selects would cost a tenth of the page.
"""

from html import escape

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def select_options(choices, chosen):
    """The options of [(value, label)], escaped, `chosen` selected."""
    options = (
        f'<option value="{escape(value)}"{" selected" if value == chosen else ""}>'
        f"{escape(str(label))}</option>"
        for value, label in choices
    )
    return mark_safe("".join(options))  # noqa: S308 (escaped above)
