"""{% once_per_language %}: a part of every page rendered once per language.

Every page repeats its header, footer and help strip, and rendering them
from their templates costs half of a short page. What is inside
{% once_per_language name=value ... %}...{% endonce_per_language %} sees only
the values named on the tag, and is rendered once for each language and each
set of those values, then kept by the process with the template. Name only
values of a known few (a route's name, a setting): past PARTS_KEPT sets, a
part is rendered each time rather than kept.
"""

from django import template
from django.template.base import token_kwargs
from django.utils.translation import get_language

register = template.Library()

PARTS_KEPT = 64


class OncePerLanguageNode(template.Node):
    def __init__(self, nodelist, values):
        self.nodelist, self.values = nodelist, values
        self.kept = {}  # {(language, autoescape, *values): HTML}

    def render(self, context):
        values = {name: value.resolve(context) for name, value in self.values.items()}
        key = (get_language(), context.autoescape, *values.values())
        html = self.kept.get(key)
        if html is None:
            own = template.Context(values, autoescape=context.autoescape)
            with own.bind_template(context.template):
                html = self.nodelist.render(own)
            if len(self.kept) < PARTS_KEPT:
                self.kept[key] = html
        return html


@register.tag
def once_per_language(parser, token):
    bits = token.split_contents()[1:]
    values = token_kwargs(bits, parser)  # takes the name=value bits
    if bits:
        raise template.TemplateSyntaxError(
            "once_per_language takes only name=value arguments."
        )
    nodelist = parser.parse(("endonce_per_language",))
    parser.delete_first_token()
    return OncePerLanguageNode(nodelist, values)
