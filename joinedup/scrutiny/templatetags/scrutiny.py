from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def surl(context, name, *args):
    """The address of a scrutiny page in the page's own scope (a council's or a partnership's)."""
    return context["scope"].url(name, *args)
