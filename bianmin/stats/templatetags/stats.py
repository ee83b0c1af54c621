from django import template

register = template.Library()


@register.filter
def figure(value, unit=""):
    """A figure as the pages print it: rates as percentages (one decimal), days with one decimal, — for none."""
    if value is None:
        return "—"
    if unit == "%":
        return f"{value * 100:.1f}%"
    if unit == "天":
        return f"{value:.1f}"
    return value


def mask_name(name: str) -> str:
    """王*英 / 王* : the first and (for three or more characters) the last character."""
    name = name or ""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


register.filter("masked", mask_name)
