"""Commands on skill overlap: overlap, similar, next, path, skills, overlap-graph."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
import pyoxigraph as ox

from careerkg.graph import overlap as ov

from .common import (
    compact,
    echo_table,
    open_from_options,
    reports_errors,
    store_options,
    text_or_json,
    write_output,
)

BY_HELP = "What a role's requirements are: skills, tools (languages, frameworks, software) or all."
WHAT = {"skills": "skills", "tools": "tools", "all": "skills and tools"}


def _by_option(command):
    return click.option(
        "--by", type=click.Choice(list(ov.BY_CHOICES)), default="all", show_default=True,
        help=BY_HELP,
    )(command)


_format_option = text_or_json()


def _name(entity: dict) -> str:
    codes = entity.get("codes") or []
    code = f" ({', '.join(codes)})" if codes else ""
    return f"{entity['label']}{code}"


def _iri(iri: str) -> str:
    return compact(ox.NamedNode(iri))


def _grouped(items: list[dict]) -> list[str]:
    """Lines ``Category: a, b, c`` in the order the items come (sorted by category)."""
    lines: list[str] = []
    groups: dict[str, list[str]] = {}
    for item in items:
        groups.setdefault(item.get("category_label") or ov.NO_CATEGORY, []).append(item["label"])
    for category, labels in groups.items():
        lines.append(f"  {category}: {', '.join(labels)}")
    return lines or ["  (none)"]


def _echo_comparison(report: dict) -> None:
    a, b = report["a"], report["b"]
    width = max(len(_name(a)), len(_name(b)))
    click.echo(f"A  {_name(a).ljust(width)}  {_iri(a['iri'])}")
    click.echo(f"B  {_name(b).ljust(width)}  {_iri(b['iri'])}")
    click.echo(
        f"Compared by {WHAT[report['by']]}: {a['items']} and {b['items']} requirements, "
        f"{len(report['shared'])} shared."
    )
    for sentence in report["explanation"]:
        click.echo(sentence)
    for title, items in (
        ("Shared", report["shared"]),
        (f"Only {a['label']}", report["only_a"]),
        (f"Only {b['label']}", report["only_b"]),
    ):
        click.echo(f"\n{title} ({len(items)})")
        for line in _grouped(items):
            click.echo(line)
    if report["categories"]:
        click.echo("")
        rows = [
            tuple(ox.Literal(v) for v in (
                c["category_label"], str(c["shared"]), str(c["only_a"]), str(c["only_b"]),
                f"{c['jaccard']:.3f}", f"{c['overlap_coefficient']:.3f}",
            ))
            for c in report["categories"]
        ]
        echo_table(["category", "shared", "only A", "only B", "Jaccard", "overlap"], rows)
    for source, target, gap in ((a, b, report["gap"]), (b, a, report["gap_reverse"])):
        click.echo(
            f"\nWhat {source['label']} must learn to become {target['label']} ({len(gap)})"
        )
        if not gap:
            click.echo("  nothing: every requirement is already there")
        for item in gap:
            category = item.get("category_label") or ov.NO_CATEGORY
            click.echo(f"  {item['rank']:>3}. {item['label']}  [{category}]")


@click.command()
@click.argument("role_a", metavar="A")
@click.argument("role_b", metavar="B")
@_by_option
@_format_option
@store_options
@reports_errors
def overlap(role_a, role_b, by, fmt, store, update_endpoint):
    """Compare two roles: shared requirements, those only one has, Jaccard and overlap
    coefficient (overall and per category), and what each must learn to become the other.

    A role is named by IRI, prefixed name, local name, code (such as an O*NET-SOC code) or
    label, case-insensitively.

    \b
    Examples:
      careerkg overlap "data scientist" "ML engineer"
      careerkg overlap role:data-scientist role:machine-learning-engineer --by tools
      careerkg overlap 15-2051.00 15-2041.00 --format json
    """
    with open_from_options(store, update_endpoint) as kg:
        report = ov.overlap_report(kg, role_a, role_b, by)
    if fmt == "json":
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        _echo_comparison(report)


@click.command()
@click.argument("role", metavar="A")
@click.option("--top", "-k", "top", type=click.IntRange(min=1), default=10, show_default=True,
              help="How many similar roles to list.")
@click.option("--metric", type=click.Choice(list(ov.SIMILARITY_METRICS)), default="weighted",
              show_default=True,
              help="Rank by the weighted similarity (importance x rarity, across taxonomies "
              "and the skill hierarchy), by Jaccard or by the overlap coefficient.")
@_by_option
@_format_option
@store_options
@reports_errors
def similar(role, top, metric, by, fmt, store, update_endpoint):
    """List the roles most similar to role A.

    \b
    Examples:
      careerkg similar "data scientist"
      careerkg similar 15-2051.00 --top 5 --metric jaccard --format json
    """
    with open_from_options(store, update_endpoint) as kg:
        report = ov.similar_report(kg, role, top, by, metric)
    if fmt == "json":
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
        return
    subject = report["role"]
    click.echo(
        f"Roles most similar to {_name(subject)} {_iri(subject['iri'])}, by {WHAT[by]} "
        f"({subject['items']} requirements), ranked by {metric}:"
    )
    if not report["similar"]:
        click.echo("  none: no other role shares a requirement with it")
        return
    rows = [
        tuple(ox.Literal(v) for v in (
            str(rank), s["label"], ", ".join(s["codes"]), f"{s['similarity']:.3f}",
            f"{s['jaccard']:.3f}", f"{s['overlap_coefficient']:.3f}",
            f"{s['shared']} of {s['items']}",
        ))
        for rank, s in enumerate(report["similar"], start=1)
    ]
    echo_table(["#", "role", "code", "weighted", "Jaccard", "overlap", "shared"], rows)


def _money(amount: float | None, signed: bool = False) -> str:
    if amount is None:
        return "—"
    sign = ("+" if amount > 0 else "−" if amount < 0 else "±") if signed else ""
    return f"{sign}${abs(amount):,.0f}"


def _labels(items: list[dict], most: int) -> str:
    shown = ", ".join(i["label"] for i in items[:most])
    more = f" (+{len(items) - most} more)" if len(items) > most else ""
    return (shown + more) or "nothing"


@click.command("next")
@click.argument("role", metavar="ROLE")
@click.option("--top", "-k", "top", type=click.IntRange(min=1), default=10, show_default=True,
              help="How many roles to list.")
@_by_option
@_format_option
@store_options
@reports_errors
def next_(role, top, by, fmt, store, update_endpoint):
    """List the roles reachable from ROLE with the least to learn.

    For each: how many of its requirements ROLE already has, what is missing (most
    important first), the weighted similarity and the change in median wage (BLS).

    \b
    Examples:
      careerkg next "data scientist"
      careerkg next 29-1141.00 --top 5 --format json
    """
    with open_from_options(store, update_endpoint) as kg:
        report = ov.next_report(kg, role, top, by)
    if fmt == "json":
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
        return
    subject = report["role"]
    click.echo(f"Where {_name_code(subject)} can go next, least to learn first "
               f"(median wage {_money(subject['wage'])}):")
    if not report["next"]:
        click.echo("  nowhere: no other role shares a requirement with it")
        return
    rows = [
        tuple(ox.Literal(v) for v in (
            str(rank), n["role"]["label"], n["role"]["code"] or "",
            f"{n['shared']} of {n['requirements']}", f"{n['similarity']:.3f}",
            _money(n["wage_change"], signed=True), _labels(n["missing"], 4),
        ))
        for rank, n in enumerate(report["next"], start=1)
    ]
    echo_table(["#", "role", "code", "has", "similarity", "wage", "to learn"], rows,
               max_width=80)
    if report["related"]:
        click.echo("\nO*NET's own list of related occupations (not used above): "
                   + "; ".join(r["role"]["label"] for r in report["related"]))


def _name_code(ref: dict) -> str:
    return f"{ref['label']} ({ref['code']})" if ref.get("code") else ref["label"]


@click.command()
@click.argument("role_a", metavar="A")
@click.argument("role_b", metavar="B")
@click.option("--max-steps", type=click.IntRange(min=1, max=10), default=ov.MAX_STEPS,
              show_default=True, help="At most this many moves from A to B.")
@_by_option
@_format_option
@store_options
@reports_errors
def path(role_a, role_b, max_steps, by, fmt, store, update_endpoint):
    """Find the sequence of roles from A to B that needs the least learning.

    Each move goes to one of a role's most similar roles; each step lists what to learn
    for it and the role's median wage (BLS).

    \b
    Examples:
      careerkg path "data scientist" "software developers"
      careerkg path 29-1141.00 11-9111.00 --max-steps 3 --format json
    """
    with open_from_options(store, update_endpoint) as kg:
        report = ov.path_report(kg, role_a, role_b, max_steps, by)
    if fmt == "json":
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
        return
    moves = len(report["steps"]) - 1
    click.echo(f"From {_name_code(report['a'])} to {_name_code(report['b'])}: {moves} "
               f"move{'s' if moves != 1 else ''}.")
    for n, step in enumerate(report["steps"]):
        click.echo(f"{n}. {_name_code(step['role'])}  median wage {_money(step['wage'])}")
        if n:
            click.echo(f"   learn ({len(step['learn'])}): {_labels(step['learn'], 8)}")


@click.command()
@click.option("--top", "-k", "top", type=click.IntRange(min=1), default=20, show_default=True,
              help="How many skills and technologies to list.")
@click.option("--by", "order", type=click.Choice(list(ov.MARKET_ORDERS)), default="roles",
              show_default=True,
              help="Rank by how many roles need it, or by the median wage of those roles.")
@click.option("--min-roles", type=click.IntRange(min=1), default=ov.WAGE_MIN_ROLES,
              show_default=True, help="With --by wage: only those needed by at least this "
              "many roles of known wage.")
@_format_option
@store_options
@reports_errors
def skills(top, order, min_roles, fmt, store, update_endpoint):
    """List the skills and technologies the most roles need, with what those roles earn.

    Hot technologies (O*NET's flag) are marked with *.

    \b
    Examples:
      careerkg skills
      careerkg skills --by wage --top 10 --format json
    """
    with open_from_options(store, update_endpoint) as kg:
        report = ov.skills_report(kg, top, order, min_roles)
    if fmt == "json":
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
        return
    click.echo(f"Skills and technologies by {'roles' if order == 'roles' else 'median wage'} "
               f"({report['roles']} roles, {report['roles_with_wage']} with a median wage):")
    rows = [
        tuple(ox.Literal(v) for v in (
            str(s["rank"]), s["label"] + (" *" if s["hot"] else ""), s["kind"],
            str(s["roles"]), _money(s["median_wage"]),
        ))
        for s in report["skills"]
    ]
    echo_table(["#", "skill or technology", "kind", "roles", "median wage"], rows)


@click.command("overlap-graph")
@click.option("--format", "fmt", type=click.Choice(list(ov.EXPORT_FORMATS)), default="json",
              show_default=True,
              help="node-link JSON (networkx, D3), GraphML or GEXF (Gephi, Cytoscape desktop).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write to this file instead of standard output.")
@click.option("--role", "center", metavar="NAME",
              help="Only this role's ego network: it, its --top most similar roles and "
              "their requirements.")
@click.option("--top", type=click.IntRange(min=1), default=None,
              help="With --role: how many similar roles (default 10). Without: keep only the "
              "N roles most similar to the rest (default: every role).")
@click.option("--max-items", type=click.IntRange(min=1), default=None,
              help="Keep at most this many requirements, the most shared first.")
@click.option("--industries", is_flag=True, help="Add the industries that hire each role.")
@_by_option
@store_options
@reports_errors
def overlap_graph(fmt, output, center, top, max_items, industries, by, store, update_endpoint):
    """Export the role-requirement overlap graph for Gephi, Cytoscape or networkx.

    Nodes are roles and their skills/tools (with label, IRI, kind, category, and whether
    the requirement is shared by several roles); edges link a role to what it requires.

    \b
    Examples:
      careerkg overlap-graph --format gexf -o careers.gexf
      careerkg overlap-graph --role "data scientist" --top 5 --format graphml
    """
    with open_from_options(store, update_endpoint) as kg:
        G = ov.cached_requirements_graph(kg)
        role = ov.resolve_role(kg, center).iri if center else None
    view = ov.overlap_view(
        G, center=role, by=by, k=top or 10, max_roles=None if role else top,
        max_items=max_items, industries=industries,
    )
    data = ov.export_graph(view, fmt)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    write_output(data, output)
    click.echo(
        f"Wrote {view.number_of_nodes():,} nodes and {view.number_of_edges():,} edges "
        f"({len(data):,} bytes of {ov.EXPORT_FORMATS[fmt][0]}) to {output}",
        err=True,
    )


COMMANDS = [overlap, similar, next_, path, skills, overlap_graph]
