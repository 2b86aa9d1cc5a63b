"""Salary figures of roles: the ``ckg:SalaryFigure`` observations (overall, by experience
level, location and industry) as the compare view shows them, each worded with its qualifier
("about $89,000", "over $150,000", "10–20% lower than Tech hubs").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .labels import label_pattern, local_name, pick_label
from .namespaces import CKG, DCT, SCHEMA
from .store import Store

__all__ = ["SalaryFigure", "salary_figures", "salary_wording", "median_wages"]


_QUALIFIERS = {
    CKG + "Exact": "exact",
    CKG + "Approximate": "approximate",
    CKG + "AtLeast": "at-least",
    CKG + "UpTo": "up-to",
    CKG + "RelativeRange": "relative-range",
}
_DIMENSIONS = {
    CKG + "OverallDimension": "overall",
    CKG + "ExperienceDimension": "experience",
    CKG + "LocationDimension": "location",
    CKG + "IndustryDimension": "industry",
}
_CURRENCY_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£"}
_PERIODS = {"P1Y": "per year", "P1M": "per month", "P1W": "per week", "P1D": "per day",
            "PT1H": "per hour"}


@dataclass(frozen=True)
class SalaryFigure:
    """One ``ckg:SalaryFigure`` as the compare view needs it."""

    iri: str
    role: str
    dimension: str  # overall | experience | location | industry
    group: str | None  # the level / location / industry IRI
    group_label: str
    group_order: int | None
    qualifier: str  # exact | approximate | at-least | up-to | relative-range
    amount: Decimal | None
    currency: str | None
    stated_as: str | None
    year: str | None
    relative_min: Decimal | None = None
    relative_max: Decimal | None = None
    relative_to_amount: Decimal | None = None
    relative_to_label: str | None = None
    #: Who published the figure (``dct:source``'s label, e.g. Glassdoor).
    source: str | None = None
    #: The region the survey covers (``ckg:region``'s label, e.g. United States).
    region: str | None = None
    #: The pay period as an xsd:duration (``P1Y`` annual, ``PT1H`` hourly).
    period: str | None = None
    #: Which statistic of a wage distribution the figure is (``ckg:statistic``'s label:
    #: ``Median``, ``Mean``, ``90th percentile``); None for the seed's figures, which state
    #: none.  An overall figure with a statistic is grouped under it (its ``group_label``).
    statistic: str | None = None

    @property
    def scope(self) -> str:
        """Where the figure comes from, as a person reads it: ``Glassdoor, United States,
        2023, per year`` (the parts the figure has).

        >>> SalaryFigure("f", "r", "overall", None, "Overall", None, "exact", None, "USD",
        ...              None, "2023", source="Glassdoor", region="United States",
        ...              period="P1Y").scope
        'Glassdoor, United States, 2023, per year'
        """
        per = _PERIODS.get(self.period or "", f"per {self.period}" if self.period else None)
        return ", ".join(p for p in (self.source, self.region, self.year, per) if p)

    @property
    def wording(self) -> str:
        """How the figure reads: ``about $89,000``, ``over $150,000``, ``10–20% lower than
        Tech hubs``."""
        text = salary_wording(
            self.qualifier, self.amount, self.currency, self.relative_min, self.relative_max
        )
        if self.qualifier == "relative-range" and self.relative_to_label:
            text += f" than {self.relative_to_label}"
        return text

    @property
    def band(self) -> tuple[Decimal, Decimal] | None:
        """For a relative range with a known base amount: the low and high amounts."""
        if self.qualifier != "relative-range" or self.relative_to_amount is None:
            return None
        low = self.relative_min if self.relative_min is not None else self.relative_max
        high = self.relative_max if self.relative_max is not None else self.relative_min
        if low is None:
            return None
        base = self.relative_to_amount
        return (base * (1 + low), base * (1 + high))

    def to_dict(self) -> dict:
        band = self.band
        return {
            "iri": self.iri, "role": self.role, "dimension": self.dimension,
            "group": self.group, "group_label": self.group_label,
            "qualifier": self.qualifier, "wording": self.wording,
            "amount": float(self.amount) if self.amount is not None else None,
            "currency": self.currency, "stated_as": self.stated_as, "year": self.year,
            "source": self.source, "region": self.region, "period": self.period,
            "statistic": self.statistic,
            "band": [float(band[0]), float(band[1])] if band else None,
        }


def salary_wording(
    qualifier: str,
    amount: Decimal | float | None,
    currency: str | None = "USD",
    relative_min: Decimal | float | None = None,
    relative_max: Decimal | float | None = None,
) -> str:
    """A figure as a person reads it, showing its qualifier.

    Examples
    --------
    >>> salary_wording("at-least", 150000)
    'over $150,000'
    >>> salary_wording("approximate", 89000)
    'about $89,000'
    >>> salary_wording("up-to", 115000), salary_wording("exact", 112806)
    ('up to $115,000', '$112,806')
    >>> salary_wording("relative-range", None, None, -0.20, -0.10)
    '10–20% lower'
    """
    if qualifier == "relative-range":
        values = sorted(abs(float(v)) * 100 for v in (relative_min, relative_max)
                        if v is not None)
        if not values:
            return "relative range"
        sign = float(relative_min if relative_min is not None else relative_max)
        direction = "lower" if sign < 0 else "higher"
        span = f"{values[0]:g}–{values[-1]:g}" if values[0] != values[-1] else f"{values[0]:g}"
        return f"{span}% {direction}"
    if amount is None:
        return "no amount"
    sign = _CURRENCY_SIGNS.get(currency or "", "")
    number = f"{Decimal(str(amount)):,.0f}"
    money = f"{sign}{number}" if sign else f"{number} {currency}".strip()
    prefix = {"approximate": "about ", "at-least": "over ", "up-to": "up to "}.get(qualifier, "")
    return prefix + money


def _salary_query(roles: list[str]) -> str:
    values = " ".join(f"<{r}>" for r in roles)
    return f"""SELECT ?fig ?role ?dimension ?qualifier ?amount ?currency ?statedAs ?year
       ?period ?source ?sourceP ?sourceR ?region ?regionP ?regionR
       ?group ?groupP ?groupR ?order ?relMin ?relMax ?baseAmount ?baseP ?baseR
       ?statistic ?statisticP ?statisticR ?percentile WHERE {{
  VALUES ?role {{ {values} }}
  ?fig a <{CKG}SalaryFigure> ; <{CKG}role> ?role .
  OPTIONAL {{ ?fig <{CKG}dimension> ?dimension }}
  OPTIONAL {{ ?fig <{CKG}qualifier> ?qualifier }}
  OPTIONAL {{ ?fig <{CKG}amount> ?amount }}
  OPTIONAL {{ ?fig <{SCHEMA}currency> ?currency }}
  OPTIONAL {{ ?fig <{CKG}statedAs> ?statedAs }}
  OPTIONAL {{ ?fig <{CKG}year> ?year }}
  OPTIONAL {{ ?fig <{CKG}period> ?period }}
  OPTIONAL {{ ?fig <{DCT}source> ?source . {label_pattern("source", "source")} }}
  OPTIONAL {{ ?fig <{CKG}region> ?region . {label_pattern("region", "region")} }}
  OPTIONAL {{ ?fig <{CKG}experienceLevel>|<{CKG}location>|<{CKG}industry> ?group .
             {label_pattern("group", "group")}
             OPTIONAL {{ ?group <{CKG}position> ?order }} }}
  OPTIONAL {{ ?fig <{CKG}statistic> ?statistic . {label_pattern("statistic", "statistic")}
             OPTIONAL {{ ?statistic <{CKG}percentile> ?percentile }} }}
  OPTIONAL {{ ?fig <{CKG}relativeMin> ?relMin }}
  OPTIONAL {{ ?fig <{CKG}relativeMax> ?relMax }}
  OPTIONAL {{ ?fig <{CKG}relativeTo> ?relTo
             OPTIONAL {{ ?relTo <{CKG}amount> ?baseAmount }}
             OPTIONAL {{ ?relTo <{CKG}experienceLevel>|<{CKG}location>|<{CKG}industry> ?base .
                        {label_pattern("base", "base")} }} }}
}}"""


def _decimal(value) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def _named(row: dict, var: str) -> str | None:
    """The label of the resource ``?var`` of a row, or its local name."""
    if var not in row:
        return None
    return pick_label(row, var) or local_name(str(row[var]))


def salary_figures(store: Store, roles: Iterable[str]) -> list[SalaryFigure]:
    """The salary figures of some roles, read with one query.

    Parameters
    ----------
    store : Store
        Where the ``ckg:SalaryFigure`` observations are.
    roles : iterable of str
        Role IRIs.

    Returns
    -------
    list of SalaryFigure
        Ordered by dimension (overall, experience, location, industry), then the group's
        ``ckg:position`` or label, then the order of ``roles``.

    Examples
    --------
    >>> from careerkg.graph.factory import open_store
    >>> ds = "https://w3id.org/careerkg/id/role/data-scientist"
    >>> figures = salary_figures(open_store(None), [ds])
    >>> all(f.role == ds for f in figures)
    True
    """
    roles = list(dict.fromkeys(roles))
    if not roles:
        return []
    found: dict[str, SalaryFigure] = {}
    for row in store.query(_salary_query(roles)).to_python():
        if row["fig"] in found:
            continue
        group = row.get("group")
        order = row.get("order")
        statistic = _named(row, "statistic")
        label = (pick_label(row, "group") or local_name(group)) if group else "Overall"
        if group is None and statistic is not None:
            # an overall figure of a distribution: grouped by its statistic, in percentile
            # order (the mean beside the median), after the seed's plain "Overall"
            group, label = row["statistic"], statistic
            percentile = row.get("percentile")
            order = percentile if isinstance(percentile, int) else 50
        elif group is None:
            order = 0
        found[row["fig"]] = SalaryFigure(
            iri=row["fig"], role=row["role"],
            dimension=_DIMENSIONS.get(row.get("dimension", ""), "overall"),
            group=group,
            group_label=label,
            group_order=int(order) if isinstance(order, int) else None,
            qualifier=_QUALIFIERS.get(row.get("qualifier", ""), "exact"),
            amount=_decimal(row.get("amount")),
            currency=str(row["currency"]) if "currency" in row else None,
            stated_as=str(row["statedAs"]) if "statedAs" in row else None,
            year=str(row["year"]) if "year" in row else None,
            relative_min=_decimal(row.get("relMin")),
            relative_max=_decimal(row.get("relMax")),
            relative_to_amount=_decimal(row.get("baseAmount")),
            relative_to_label=pick_label(row, "base"),
            source=_named(row, "source"),
            region=_named(row, "region"),
            period=str(row["period"]) if "period" in row else None,
            statistic=statistic,
        )
    dims = list(_DIMENSIONS.values())
    return sorted(
        found.values(),
        key=lambda f: (dims.index(f.dimension), f.group_order if f.group_order is not None
                       else 1 << 30, f.group_label.lower(), roles.index(f.role), f.iri),
    )



_MEDIANS_QUERY = f"""SELECT ?role ?amount ?year ?fig WHERE {{
  ?fig a <{CKG}SalaryFigure> ; <{CKG}role> ?role ; <{CKG}statistic> <{CKG}Median> ;
       <{CKG}amount> ?amount ; <{SCHEMA}currency> "USD" .
  OPTIONAL {{ ?fig <{CKG}year> ?year }}
  FILTER NOT EXISTS {{ ?fig <{CKG}dimension> ?d FILTER(?d != <{CKG}OverallDimension>) }}
  FILTER NOT EXISTS {{ ?fig <{CKG}qualifier> ?q FILTER(?q != <{CKG}Exact>) }}
}}"""


def median_wages(store: Store) -> dict[str, float]:
    """Each role's median annual wage in US dollars, where a survey states one: the overall
    ``ckg:SalaryFigure`` whose ``ckg:statistic`` is ``ckg:Median`` (as the BLS OEWS import
    gives them), stated exactly.  A top-coded median ("at least $239,200") is not an amount,
    so that role has none here; roles without such a figure are absent.  When a role has
    several (two surveys), the latest year's is kept, then the first figure's by IRI.

    >>> from careerkg.graph.factory import open_store
    >>> median_wages(open_store(None))  # the article's figures state no statistic
    {}
    """
    best: dict[str, tuple[str, str, float]] = {}
    for row in store.query(_MEDIANS_QUERY, timeout=120.0).to_python():
        amount = _decimal(row.get("amount"))
        if amount is None:
            continue
        year, fig = str(row.get("year", "")), row["fig"]
        known = best.get(row["role"])
        if known is None or (year, known[1]) > (known[0], fig):
            best[row["role"]] = (year, fig, float(amount))
    return {role: value for role, (_year, _fig, value) in sorted(best.items())}
