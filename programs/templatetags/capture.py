"""{% capture name %}...{% endcapture %}: render once, use many times.

Django has no built-in way to use one block twice; the page title and description each appear
in <title>/<meta name=description> and again in the Open Graph tags.
"""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


class CaptureNode(template.Node):
    def __init__(self, nodelist, name: str):
        self.nodelist = nodelist
        self.name = name

    def render(self, context) -> str:
        # The rendered block is already escaped (a SafeString), but str.strip() returns a plain
        # str, which {{ name }} would escape a second time: ERO&amp;#x27;s.
        context[self.name] = mark_safe(self.nodelist.render(context).strip())  # noqa: S308
        return ""


@register.tag
def capture(parser, token):
    try:
        _, name = token.split_contents()
    except ValueError:
        raise template.TemplateSyntaxError("usage: {% capture name %}...{% endcapture %}") from None
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, name)
