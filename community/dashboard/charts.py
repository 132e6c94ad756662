"""The dashboard's charts: server-rendered SVG by pygal, shown as images beside the table
that holds the same numbers (the table is what a screen reader reads). Nothing here runs in
the browser: pygal's own script is never loaded (``js=[]``), and the image's response
forbids everything but its inline style."""

from __future__ import annotations

import base64
import hashlib
import html
import re
import sys

import pygal
from pygal.style import Style

from community.dashboard import rules
from community.dashboard.queries import Figures

# pygal appends a legacy finder to sys.meta_path for its map plugins (unused here); from
# Python 3.11 every import that fails anywhere in the app then passes through it and warns
# (an ImportWarning, an error under the tests' -W error). Take it out again.
sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, pygal.PluginImportFixer)]

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
# Sent with every chart: the image may use its own style element (allowed by its hash), and
# nothing else; never framed, never a form or a plugin.
CSP = ("default-src 'none'; style-src {styles}; frame-ancestors 'none'; object-src 'none'; "
       "base-uri 'none'; form-action 'none'")  # fmt: skip
_STYLE_ELEMENT = re.compile(r"<style[^>]*>(.*?)</style>", re.DOTALL)
_SCRIPT_ELEMENT = re.compile(r"<script[^>]*>.*?</script>", re.DOTALL)
NAMES = ("jenis", "bulan", "unit")


def secured(svg: str) -> tuple[str, str]:
    """The chart as it is sent, and its Content-Security-Policy: pygal's configuration script
    (for its tooltips, which are not loaded) is dropped, its one style attribute (the hidden
    tooltip) becomes a presentation attribute, and its style element is allowed by the
    SHA-256 of the text a browser reads in it (entities decoded)."""
    svg = _SCRIPT_ELEMENT.sub("", svg).replace(' style="opacity: 0"', ' opacity="0"')
    digests = (
        hashlib.sha256(html.unescape(t).encode()).digest() for t in _STYLE_ELEMENT.findall(svg)
    )
    hashes = [f"'sha256-{base64.b64encode(d).decode()}'" for d in digests]
    return svg, CSP.format(styles=" ".join(hashes) or "'none'")


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
