"""The salary chart of the compare page: the layout of a horizontal bar per salary figure,
role A above role B in each group (experience level, location, industry), which
``templates/overlap/_salary_chart.html`` draws as inline SVG (no script, no chart library).

The figures are :func:`careerkg.graph.salaries.salary_figures`; this module only places them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from careerkg.graph.salaries import SalaryFigure

__all__ = ["SalaryChart", "salary_chart"]

CHART_WIDTH = 760
LABEL_WIDTH = 150
TEXT_ROOM = 170
BAR_HEIGHT = 16
BAR_GAP = 4
GROUP_GAP = 12
SECTION_HEAD = 30
SECTION_TITLES = {
    "overall": "Average (overall)",
    "experience": "By experience level",
    "location": "By location",
    "industry": "By industry",
}


@dataclass
class _Bar:
    side: str  # "a" or "b"
    y: float
    x: float
    width: float
    text_x: float
    figure: SalaryFigure
    band: tuple[float, float] | None = None


@dataclass
class _Group:
    label: str
    y: float
    bars: list[_Bar] = field(default_factory=list)


@dataclass
class _Section:
    key: str
    title: str
    y: float
    groups: list[_Group] = field(default_factory=list)


@dataclass
class SalaryChart:
    """Geometry of the salary comparison chart (the template draws it as inline SVG)."""

    width: int
    height: int
    plot_left: int
    sections: list[_Section]
    ticks: list[tuple[float, str]]
    #: Where the figures come from, each once (``Glassdoor, United States, 2023, per
    #: year``), read from the figures; shown beside the chart.
    scopes: list[str] = field(default_factory=list)
    #: The figures' currencies, each once.
    currencies: list[str] = field(default_factory=list)


def _nice_step(top: float) -> float:
    for step in (1_000, 2_000, 5_000, 10_000, 20_000, 25_000, 50_000, 100_000, 200_000,
                 250_000, 500_000, 1_000_000):
        if top / step <= 6:
            return float(step)
    return top / 5


def salary_chart(figures: list[SalaryFigure], a: str, b: str) -> SalaryChart | None:
    """Lay out the salary comparison chart: a horizontal bar per figure, role A above role B
    in each group (experience level, location, industry).

    Parameters
    ----------
    figures : list of SalaryFigure
        The two roles' figures, as :func:`careerkg.graph.salaries.salary_figures` orders them.
    a, b : str
        The IRIs of role A and role B.

    Returns
    -------
    SalaryChart or None
        The geometry (relative ranges with a known base become bands), or ``None`` when
        neither role has a figure.
    """
    if not figures:
        return None
    sides = {a: "a", b: "b"}
    top = 0.0
    for figure in figures:
        if figure.amount is not None:
            top = max(top, float(figure.amount))
        if figure.band:
            top = max(top, float(figure.band[1]))
    step = _nice_step(top or 1.0)
    scale_max = step * (int(top // step) + 1)
    plot_left, plot_right = LABEL_WIDTH, CHART_WIDTH - TEXT_ROOM

    def x_of(value: float) -> float:
        return plot_left + (plot_right - plot_left) * value / scale_max

    sections: list[_Section] = []
    y = 28.0  # room for the axis labels
    by_section: dict[str, dict[str, list[SalaryFigure]]] = {}
    for figure in figures:  # already ordered by dimension, then group order / label
        by_section.setdefault(figure.dimension, {}).setdefault(figure.group_label, []).append(
            figure)
    for key, groups in by_section.items():
        title = SECTION_TITLES.get(key, key)
        if any(f.statistic for members in groups.values() for f in members):
            title = "Overall, by statistic"  # an imported wage distribution (BLS)
        section = _Section(key, title, y)
        y += SECTION_HEAD
        for group_label, members in groups.items():
            group = _Group(group_label, y)
            members = sorted(members, key=lambda f: sides.get(f.role, "z"))
            for figure in members:
                side = sides.get(figure.role, "a")
                if figure.band:
                    low, high = (x_of(float(v)) for v in figure.band)
                    bar = _Bar(side, y, low, high - low, high + 6, figure, (low, high))
                elif figure.amount is not None:
                    end = x_of(float(figure.amount))
                    bar = _Bar(side, y, plot_left, end - plot_left, end + 6, figure)
                else:  # a relative range without a base: text only
                    bar = _Bar(side, y, plot_left, 0, plot_left + 6, figure)
                if figure.qualifier == "at-least":
                    bar.text_x += 10  # after the arrow head
                group.bars.append(bar)
                y += BAR_HEIGHT + BAR_GAP
            section.groups.append(group)
            y += GROUP_GAP
        sections.append(section)
    sign = "$" if {f.currency for f in figures if f.currency} == {"USD"} else ""
    ticks = []
    value = 0.0
    while value <= scale_max + 1e-9:
        ticks.append((x_of(value), f"{sign}{value / 1000:,.0f}k" if value else "0"))
        value += step
    return SalaryChart(width=CHART_WIDTH, height=int(y + 8), plot_left=plot_left,
                       sections=sections, ticks=ticks,
                       scopes=list(dict.fromkeys(f.scope for f in figures if f.scope)),
                       currencies=list(dict.fromkeys(f.currency for f in figures
                                                     if f.currency)))
