"""The dashboard's charts: server-rendered SVG by pygal, shown as images beside the table
that holds the same numbers (the table is what a screen reader reads). Nothing here runs in
the browser: pygal's own script is never loaded (``js=[]``), and the image's response
forbids everything but its inline style."""

from __future__ import annotations

import pygal
from pygal.style import Style

from community.dashboard import rules
from community.dashboard.queries import Figures

# The app's palette (static/css/app.css): green for activities, blue for people. Both
# reach 3:1 against white, as WCAG asks of the parts of a graphic.
STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1f2933",
    foreground_strong="#1f2933",
    foreground_subtle="#52606d",
    colors=("#1b7f4b", "#1f5fa8", "#9c4221"),
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    label_font_size=14,
    major_label_font_size=14,
    value_font_size=14,
    legend_font_size=14,
    title_font_size=16,
)
# Sent with every chart: an image may have its own inline style, and nothing else.
CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"
NAMES = ("jenis", "bulan", "unit")


def _config(**extra) -> dict:
    return dict(style=STYLE, js=[], disable_xml_declaration=True, width=640, height=360,
                explicit_size=False, print_values=False, show_y_guides=True,
                no_data_text="Belum ada data", **extra)  # fmt: skip


def by_kind(figures: Figures, kind_labels: dict[str, str], title: str, series: str) -> str:
    chart = pygal.Bar(**_config(show_legend=False, x_label_rotation=0))
    chart.title = title
    kinds = [k for k in kind_labels if k in figures.by_kind]
    chart.x_labels = [kind_labels[k] for k in kinds]
    chart.add(series, [figures.by_kind[k].activities for k in kinds])
    return chart.render(is_unicode=True)


def by_month(figures: Figures, month_labels: list[str], title: str,
             activities: str, people: str) -> str:  # fmt: skip
    chart = pygal.Line(**_config(legend_at_bottom=True, dots_size=4, stroke_style={"width": 3}))
    chart.title = title
    chart.x_labels = month_labels
    chart.add(activities, [m.activities for m in figures.by_month])
    # "<5" has no place on a line: the point is left out, as in the table
    chart.add(people, [rules.shown(m.people) for m in figures.by_month])
    return chart.render(is_unicode=True)


def by_unit(units: list[rules.UnitFigures], title: str, series: str) -> str:
    chart = pygal.HorizontalBar(**_config(show_legend=False, range=(0, 100)))
    chart.title = title
    shown = list(reversed(units))  # pygal draws the first at the bottom
    chart.x_labels = [u.name for u in shown]
    chart.add(series, [u.active_share for u in shown])
    return chart.render(is_unicode=True)
