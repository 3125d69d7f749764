"""{% capture name %}...{% endcapture %}: render once, use many times.

Django has no built-in way to use one block twice; the page title and description each appear
in <title>/<meta name=description> and again in the Open Graph tags.
"""

from django import template

register = template.Library()


class CaptureNode(template.Node):
    def __init__(self, nodelist, name: str):
        self.nodelist = nodelist
        self.name = name

    def render(self, context) -> str:
        context[self.name] = self.nodelist.render(context).strip()
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
