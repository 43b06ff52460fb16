"""
Charts drawn on the server as SVG: horizontal bars with their values written beside them. Each
chart sits next to a table with the same numbers, so it adds nothing a screen reader would miss;
it carries a title and a one-sentence description all the same. No JavaScript.

Colours: bars GOV.UK blue #1d70b8 and text #0b0c0c on white (contrast 5.2:1 and 19:1, above the
3:1 WCAG 2.2 asks of graphics and the 4.5:1 it asks of text).
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe

from joinedup.figures.formatting import display

BAR = "#1d70b8"
TEXT = "#0b0c0c"
ROW = 32
LABEL_WIDTH = 260
BAR_WIDTH = 300
WIDTH = LABEL_WIDTH + BAR_WIDTH + 120


def bar_chart(chart_id: str, title: str, description: str, items: list[tuple[str, object, str, bool]]):
    """`items`: (label, value, unit, suppressed). Values that are None or suppressed draw no bar."""
    numbers = [v for _, v, _, hidden in items if v is not None and not hidden]
    top = max((float(v) for v in numbers), default=0) or 1
    height = ROW * len(items) + 8
    parts = [
        f'<svg class="figures-chart" id="{chart_id}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" style="max-width:{WIDTH}px" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for index, (label, value, unit, hidden) in enumerate(items):
        y = index * ROW + 4
        text_y = y + ROW / 2 + 5
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{text_y}" text-anchor="end" fill="{TEXT}" font-size="14" '
            f'font-family="Arial, sans-serif">{escape(label[:38])}</text>'
        )
        if value is not None and not hidden:
            width = max(1.0, BAR_WIDTH * float(value) / top) if float(value) > 0 else 0
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{width:.1f}" height="{ROW - 10}" fill="{BAR}"/>')
        else:
            width = 0
        shown = display(value, unit, hidden)
        parts.append(
            f'<text x="{LABEL_WIDTH + width + 6:.1f}" y="{text_y}" fill="{TEXT}" font-size="14" '
            f'font-family="Arial, sans-serif">{escape(shown)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every piece of text above is escaped)
