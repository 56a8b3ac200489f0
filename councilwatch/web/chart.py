"""Figures over time as an inline SVG chart, drawn on the server (no JavaScript, no CDN).

One chart per kind of figure (pounds, percentages and counts do not share an axis),
one series per document, one mark per figure, each mark a link to its document page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape
from urllib.parse import urlencode

from core.uktime import UK
from councilwatch.web.queries import uk_time
from storage.search import FigureSeen

WIDTH, HEIGHT = 760, 340
LEFT, RIGHT, TOP, BOTTOM = 84, 24, 20, 48
# Colour-blind-safe (Okabe-Ito), in the order series are drawn.
COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
KIND_TITLES = {"money": "Money", "percent": "Percentages", "count": "Counts"}


def format_figure(kind: str, value: float) -> str:
    """A tick or point value as a reporter writes it: £14m, £1,800, 12.5%, 250."""
    if kind == "money":
        for size, suffix in ((1e9, "bn"), (1e6, "m")):
            if abs(value) >= size:
                text = f"{value / size:,.2f}".rstrip("0").rstrip(".")
                return f"£{text}{suffix}"
        return f"£{value:,.0f}" if float(value).is_integer() else f"£{value:,.2f}"
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{text}%" if kind == "percent" else text


def _nice_ticks(high: float, count: int = 5) -> list[float]:
    if high <= 0:
        return [0.0, 1.0]
    raw = high / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    ticks = [0.0]
    while ticks[-1] < high:
        ticks.append(ticks[-1] + step)
    return ticks


def _time_ticks(start: datetime, end: datetime, n: int = 5) -> list[tuple[datetime, str]]:
    """A few labelled instants across the span, in UK time, as precise as their spacing
    needs (seconds for a demo crawled in a minute, months for a year of meetings)."""
    step = (end - start).total_seconds() / (n - 1)
    if step < 60:
        label = lambda t: f"{t.astimezone(UK):%H:%M:%S}"  # noqa: E731
    elif step < 6 * 3600 and start.astimezone(UK).date() == end.astimezone(UK).date():
        label = lambda t: f"{t.astimezone(UK):%H:%M}"  # noqa: E731
    elif step < 86400:
        label = lambda t: f"{t.astimezone(UK).day} {t.astimezone(UK):%b %H:%M}"  # noqa: E731
    elif step < 60 * 86400:
        label = lambda t: f"{t.astimezone(UK).day} {t.astimezone(UK):%b %Y}"  # noqa: E731
    else:
        label = lambda t: f"{t.astimezone(UK):%b %Y}"  # noqa: E731
    ticks, seen = [], set()
    for i in range(n):
        t = start + (end - start) * i / (n - 1)
        text = label(t)
        if text not in seen:  # two ticks in the same minute or month would read as one
            seen.add(text)
            ticks.append((t, text))
    return ticks


SHAPES = ["circle", "square", "diamond", "triangle"]


def mark(shape: str, cx: float, cy: float, colour: str, key: str = "", label: str = "") -> str:
    """One figure's mark: a hollow shape, so marks of two series at one spot both show."""
    common = (
        f'class="figure-mark" stroke="{colour}" fill="none" pointer-events="all" stroke-width="2.5"'
        + (f' data-key="{escape(key)}"' if key else "")
    )
    title = f"<title>{escape(label)}</title>" if label else ""
    r = 5.5
    if shape == "square":
        return f'<rect {common} x="{cx - r:.1f}" y="{cy - r:.1f}" width="{2 * r}" height="{2 * r}">{title}</rect>'
    if shape == "diamond":
        d = r * 1.35
        points = f"{cx:.1f},{cy - d:.1f} {cx + d:.1f},{cy:.1f} {cx:.1f},{cy + d:.1f} {cx - d:.1f},{cy:.1f}"
        return f'<polygon {common} points="{points}">{title}</polygon>'
    if shape == "triangle":
        d = r * 1.3
        points = (
            f"{cx:.1f},{cy - d:.1f} {cx + d:.1f},{cy + d * 0.8:.1f} {cx - d:.1f},{cy + d * 0.8:.1f}"
        )
        return f'<polygon {common} points="{points}">{title}</polygon>'
    return f'<circle {common} cx="{cx:.1f}" cy="{cy:.1f}" r="{r}">{title}</circle>'


@dataclass
class Series:
    key: str
    title: str
    colour: str
    shape: str
    points: list[FigureSeen]

    @property
    def legend_svg(self) -> str:
        return (
            '<svg class="cw-legend-mark" width="16" height="16" viewBox="0 0 16 16" '
            f'aria-hidden="true">{mark(self.shape, 8, 8, self.colour)}</svg>'
        )


@dataclass
class Chart:
    kind: str
    title: str
    series: list[Series]
    svg: str  # markup, every scraped string in it escaped


def document_link(key: str, version_number: int | None = None) -> str:
    params = {"key": key}
    if version_number:
        params["v"] = str(version_number)
    return "/document?" + urlencode(params)


def charts(figures: list[FigureSeen], base: str = "") -> list[Chart]:
    """One chart per kind of figure present, kinds in a fixed order."""
    out = []
    for kind in ("money", "percent", "count"):
        mine = [f for f in figures if f.kind == kind]
        if mine:
            out.append(_chart(kind, mine, base))
    return out


def _chart(kind: str, figures: list[FigureSeen], base: str) -> Chart:
    by_doc: dict[str, Series] = {}
    for f in figures:
        s = by_doc.get(f.key)
        if s is None:
            n = len(by_doc)
            colour, shape = COLOURS[n % len(COLOURS)], SHAPES[n % len(SHAPES)]
            s = by_doc[f.key] = Series(f.key, f.title or f.key, colour, shape, [])
        s.points.append(f)
    times = [f.first_seen for f in figures]
    start, end = min(times), max(times)
    if end - start < timedelta(minutes=1):
        start, end = start - timedelta(minutes=1), end + timedelta(minutes=1)
    pad = (end - start) * 0.04
    start, end = start - pad, end + pad
    high = max(f.value for f in figures)
    yticks = _nice_ticks(high * 1.05 if high > 0 else 1)
    ymax = yticks[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(t: datetime) -> float:
        return LEFT + plot_w * (t - start).total_seconds() / (end - start).total_seconds()

    def y(v: float) -> float:
        return TOP + plot_h * (1 - v / ymax)

    title = KIND_TITLES[kind]
    parts = [
        f'<svg class="cw-chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'xmlns="http://www.w3.org/2000/svg" aria-labelledby="chart-{kind}-title">',
        f'<title id="chart-{kind}-title">{escape(title)} about this subject, by date first seen</title>',
    ]
    for v in yticks:
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(v):.1f}" y2="{y(v):.1f}"/>'
            f'<text class="tick" x="{LEFT - 8}" y="{y(v) + 4:.1f}" text-anchor="end">'
            f"{escape(format_figure(kind, v))}</text>"
        )
    for t, label in _time_ticks(start + pad, end - pad):
        parts.append(
            f'<line class="axis" x1="{x(t):.1f}" x2="{x(t):.1f}" y1="{TOP + plot_h}" '
            f'y2="{TOP + plot_h + 5}"/><text class="tick" x="{x(t):.1f}" '
            f'y="{TOP + plot_h + 20}" text-anchor="middle">{escape(label)}</text>'
        )
    parts.append(
        f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" y2="{TOP + plot_h}"/>'
        f'<text class="axis-label" x="{LEFT + plot_w / 2}" y="{HEIGHT - 6}" text-anchor="middle">'
        "date first seen (UK time)</text>"
    )
    for s in by_doc.values():
        # A line joins one figure's values in one document (200 -> 250 redundancies),
        # never two different figures that happen to share a document.
        lines: dict[tuple, list[FigureSeen]] = {}
        for p in s.points:
            lines.setdefault((p.subject, p.unit, p.denominator), []).append(p)
        for line in lines.values():
            if len(line) > 1:
                path = " ".join(f"{x(p.first_seen):.1f},{y(p.value):.1f}" for p in line)
                parts.append(
                    f'<polyline class="series" points="{path}" stroke="{s.colour}" fill="none"/>'
                )
        for p in s.points:
            href = base + document_link(p.key, p.version_number)
            label = (
                f"{p.text} {p.subject or ''} ({s.title}, version {p.version_number}, first seen "
                f"{uk_time(p.first_seen)})"
            )
            parts.append(
                f'<a href="{escape(href)}" class="figure-mark-link">'
                + mark(s.shape, x(p.first_seen), y(p.value), s.colour, p.key, label)
                + "</a>"
            )
    parts.append("</svg>")
    return Chart(kind, title, list(by_doc.values()), "".join(parts))
