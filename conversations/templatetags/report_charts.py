"""`{% bar_chart chart fit id %}`: a chart of /reports/ (conversations/
report_charts.py draws it)."""

from django import template

register = template.Library()


@register.simple_tag
def bar_chart(chart, fit: str, id: str):
    return chart.svg(fit=fit, id=id)
