"""A seeded generator of an ESCO-sized career graph in the careerkg ontology.

At full scale (``scale=1``) it writes about 3,000 roles, 14,000 skills, 126,000 role-skill
links, 1,500 tools, 30,000 role-tool links and 63,000 salary figures: about one million
triples.  The same seed and scale always give byte-identical files, so every engine of a
benchmark run reads exactly the same data, and files are cached under ``benchmarks/.data``.

Shape, chosen to make the overlap queries realistic rather than uniform:

* roles belong to families (about 30 roles each); each family has a pool of twice as many
  skills as a role needs, and a role takes about 70% of its skills from its family's pool and
  the rest from a global Zipf-like popularity curve — so roles of a family share many skills, and a
  handful of skills (the "Python" and "SQL" of the graph) are shared by most roles;
* every skill and tool has exactly one ``ckg:category``; about a third of the skills have a
  ``skos:broader`` parent in the same category;
* each role is hired in seven industries and has one salary figure per experience level and
  industry (``ckg:experienceLevel`` and ``ckg:industry`` both set, so the salary aggregation
  per level x industry has work to do), with a qualifier and the wording it was stated in.

Everything lives under ``https://w3id.org/careerkg/id/<kind>/gen-...`` so generated
instances never collide with the seed article's.

>>> config = GeneratorConfig.scaled(0.01)
>>> (config.roles, config.skills, config.links)
(30, 140, 1260)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox

from careerkg.graph.namespaces import CKG, ID, PREFIXES, QB, RDF, RDFS, SCHEMA, SKOS, XSD

__all__ = ["GeneratorConfig", "GeneratedGraph", "generate", "iter_ntriples", "DATA_DIR"]

#: Where generated graphs (and other prepared data) are cached; git-ignored.
DATA_DIR = Path(__file__).resolve().parent / ".data"
#: Bump when the generator's output changes, so stale caches are not reused.
GENERATOR_VERSION = 2

_TOOL_TYPES = ("ProgrammingLanguage", "Framework", "Software", "Library")
_QUALIFIERS = ("Exact", "Approximate", "AtLeast", "UpTo")
_QUALIFIER_WORDS = {
    "Exact": "", "Approximate": "around ", "AtLeast": "more than ", "UpTo": "up to ",
}
_LEVELS = (("entry", "Entry level", 0.78), ("mid", "Mid level", 1.0), ("senior", "Senior", 1.32))
_WORDS = (
    "data", "analytics", "machine", "learning", "cloud", "platform", "quality", "research",
    "clinical", "financial", "marketing", "supply", "chain", "security", "network", "software",
    "systems", "product", "operations", "risk", "customer", "insight", "geospatial", "media",
    "health", "energy", "retail", "logistics", "statistical", "model", "pipeline", "reporting",
    "infrastructure", "compliance", "experimentation", "forecasting", "vision", "language",
    "audio", "robotics", "embedded", "mobile", "web", "database", "warehouse", "streaming",
    "governance", "privacy",
)


@dataclass(frozen=True)
class GeneratorConfig:
    """Sizes of the generated graph; :meth:`scaled` derives them from the full ESCO size."""

    roles: int = 3000
    skills: int = 14000
    links: int = 126000
    tools: int = 1500
    tools_per_role: int = 10
    categories: int = 40
    industries: int = 20
    industries_per_role: int = 7
    family_size: int = 30
    seed: int = 7

    @classmethod
    def scaled(cls, scale: float, seed: int = 7) -> GeneratorConfig:
        """The full-size configuration with roles, skills, links and tools times ``scale``."""
        if not 0 < scale <= 1:
            raise ValueError(f"scale must be in (0, 1], got {scale}")
        full = cls()
        return cls(
            roles=max(4, round(full.roles * scale)),
            skills=max(20, round(full.skills * scale)),
            links=max(40, round(full.links * scale)),
            tools=max(10, round(full.tools * scale)),
            tools_per_role=min(full.tools_per_role, max(2, round(full.tools * scale) // 2)),
            categories=full.categories,
            industries=full.industries,
            industries_per_role=full.industries_per_role,
            family_size=full.family_size,
            seed=seed,
        )

    def key(self) -> str:
        """A short digest naming the cached files of this configuration."""
        text = json.dumps({**asdict(self), "version": GENERATOR_VERSION}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class GeneratedGraph:
    """Files written by :func:`generate` and what they hold."""

    config: GeneratorConfig
    ntriples: Path
    turtle: Path
    triples: int
    roles: int
    links: int

    def to_dict(self) -> dict:
        return {
            "config": asdict(self.config),
            "ntriples": str(self.ntriples),
            "turtle": str(self.turtle),
            "triples": self.triples,
            "roles": self.roles,
            "links": self.links,
        }


def _iri(kind: str, slug: str) -> str:
    return f"<{ID}{kind}/gen-{slug}>"


def _lit(text: str, lang: str | None = "en") -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def _typed(value: str, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


def _name(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(words))


def _zipf_cum_weights(n: int, exponent: float = 0.9) -> list[float]:
    total = 0.0
    cumulative = []
    for rank in range(1, n + 1):
        total += 1.0 / rank**exponent
        cumulative.append(total)
    return cumulative


def _split_links(rng: random.Random, roles: int, links: int, skills: int) -> list[int]:
    """Skills per role: varied (half to one and a half times the mean), summing to ``links``."""
    mean = links / roles
    counts = [max(1, round(mean * rng.uniform(0.5, 1.5))) for _ in range(roles)]
    counts = [min(c, skills) for c in counts]
    diff = links - sum(counts)
    i = 0
    while diff != 0 and i < roles * 100:
        j = i % roles
        if diff > 0 and counts[j] < skills:
            counts[j] += 1
            diff -= 1
        elif diff < 0 and counts[j] > 1:
            counts[j] -= 1
            diff += 1
        i += 1
    return counts


def iter_ntriples(config: GeneratorConfig) -> Iterator[str]:
    """The generated graph as N-Triples lines (without the final newline), deterministically."""
    rng = random.Random(config.seed)
    a = f"<{RDF}type>"
    label, pref, alt = f"<{RDFS}label>", f"<{SKOS}prefLabel>", f"<{SKOS}altLabel>"
    concept = f"<{SKOS}Concept>"
    ckg = {name: f"<{CKG}{name}>" for name in (
        "Role", "Skill", "Tool", "Category", "Industry", "ExperienceLevel", "SalaryFigure",
        "requiresSkill", "usesTool", "category", "hiredIn", "role", "dimension",
        "experienceLevel", "industry", "amount", "qualifier", "statedAs", "year", "position",
        "IndustryDimension", *_TOOL_TYPES, *_QUALIFIERS,
    )}

    def labelled(subject: str, text: str) -> Iterator[str]:
        yield f"{subject} {label} {_lit(text)} ."
        yield f"{subject} {pref} {_lit(text)} ."

    # Categories, industries, experience levels.
    categories = [_iri("category", f"c{i:03d}") for i in range(config.categories)]
    for i, category in enumerate(categories):
        yield f"{category} {a} {ckg['Category']} ."
        yield f"{category} {a} {concept} ."
        yield from labelled(category, f"Category {i} {_name(rng, 2)}")
    industries = [_iri("industry", f"i{i:03d}") for i in range(config.industries)]
    for i, industry in enumerate(industries):
        yield f"{industry} {a} {ckg['Industry']} ."
        yield f"{industry} {a} {concept} ."
        yield from labelled(industry, f"Industry {i} {_name(rng, 1)}")
    levels = []
    for position, (slug, text, _factor) in enumerate(_LEVELS, start=1):
        level = _iri("experience-level", slug)
        levels.append(level)
        yield f"{level} {a} {ckg['ExperienceLevel']} ."
        yield f"{level} {a} {concept} ."
        yield from labelled(level, text)
        yield f"{level} {ckg['position']} {_typed(str(position), 'integer')} ."

    # Skills, with a category each and a broader skill for about a third.
    skills = [_iri("skill", f"s{i:05d}") for i in range(config.skills)]
    skill_category = [rng.randrange(config.categories) for _ in skills]
    first_in_category: dict[int, int] = {}
    for i, skill in enumerate(skills):
        name = f"{_name(rng, 2)} {i}"
        yield f"{skill} {a} {ckg['Skill']} ."
        yield f"{skill} {a} {concept} ."
        yield from labelled(skill, name.capitalize())
        if rng.random() < 0.5:
            yield f"{skill} {alt} {_lit(name.upper())} ."
        yield f"{skill} {ckg['category']} {categories[skill_category[i]]} ."
        parent = first_in_category.setdefault(skill_category[i], i)
        if parent != i and rng.random() < 0.33:
            yield f"{skill} <{SKOS}broader> {skills[parent]} ."

    # Tools: typed ckg:Tool and one specific type, with a category.
    tools = [_iri("tool", f"t{i:04d}") for i in range(config.tools)]
    for i, tool in enumerate(tools):
        yield f"{tool} {a} {ckg['Tool']} ."
        yield f"{tool} {a} {ckg[_TOOL_TYPES[i % len(_TOOL_TYPES)]]} ."
        yield f"{tool} {a} {concept} ."
        yield from labelled(tool, f"Tool {i} {_name(rng, 1)}")
        yield f"{tool} {ckg['category']} {categories[rng.randrange(config.categories)]} ."

    # Roles, their skills (family pools + global popularity), tools and industries.
    skill_weights = _zipf_cum_weights(config.skills)
    order = list(range(config.skills))
    rng.shuffle(order)  # popularity rank -> skill index
    families = max(1, config.roles // config.family_size)
    pool_size = max(10, min(config.skills, 2 * config.links // config.roles))
    pools = [sorted(rng.sample(range(config.skills), pool_size)) for _ in range(families)]
    counts = _split_links(rng, config.roles, config.links, config.skills)
    tool_weights = _zipf_cum_weights(config.tools)
    roles = [_iri("role", f"r{i:05d}") for i in range(config.roles)]
    base_pay = {}
    for i, role in enumerate(roles):
        family = i % families
        yield f"{role} {a} {ckg['Role']} ."
        yield f"{role} {a} {concept} ."
        yield f"{role} {a} <{SCHEMA}Occupation> ."
        name = f"{_name(rng, 2)} specialist {i}".capitalize()
        yield from labelled(role, name)
        yield f"{role} {alt} {_lit(name.upper())} ."
        yield f"{role} <{SKOS}notation> {_lit(f'G-{family:03d}.{i:05d}', None)} ."
        yield f"{role} <{SKOS}definition> {_lit(f'A generated role of family {family}.')} ."
        chosen: set[int] = set()
        pool = pools[family]
        while len(chosen) < counts[i]:
            if rng.random() < 0.7 and len(chosen) < len(pool):
                chosen.add(pool[rng.randrange(len(pool))])
            else:
                rank = rng.choices(range(config.skills), cum_weights=skill_weights)[0]
                chosen.add(order[rank])
        for s in sorted(chosen):
            yield f"{role} {ckg['requiresSkill']} {skills[s]} ."
        used = set(rng.choices(range(config.tools), cum_weights=tool_weights,
                               k=config.tools_per_role))
        for t in sorted(used):
            yield f"{role} {ckg['usesTool']} {tools[t]} ."
        hired = sorted(rng.sample(range(config.industries), config.industries_per_role))
        for ind in hired:
            yield f"{role} {ckg['hiredIn']} {industries[ind]} ."
        base_pay[i] = (rng.randrange(55, 140) * 1000, hired)

    # Salary figures: one per role x experience level x industry the role is hired in.
    usd, year = _lit("USD", None), _typed("2024", "gYear")
    for i, role in enumerate(roles):
        base, hired = base_pay[i]
        for (slug, _text, factor), level in zip(_LEVELS, levels, strict=True):
            for ind in hired:
                figure = _iri("salary", f"r{i:05d}-{slug}-i{ind:03d}")
                amount = round(base * factor * rng.uniform(0.85, 1.25) / 500) * 500
                qualifier = rng.choice(_QUALIFIERS)
                yield f"{figure} {a} {ckg['SalaryFigure']} ."
                yield f"{figure} {a} <{QB}Observation> ."
                yield f"{figure} {ckg['role']} {role} ."
                yield f"{figure} {ckg['dimension']} {ckg['IndustryDimension']} ."
                yield f"{figure} {ckg['experienceLevel']} {level} ."
                yield f"{figure} {ckg['industry']} {industries[ind]} ."
                yield f"{figure} {ckg['amount']} {_typed(str(amount), 'decimal')} ."
                yield f"{figure} {ckg['qualifier']} {ckg[qualifier]} ."
                yield f"{figure} <{SCHEMA}currency> {usd} ."
                yield f"{figure} {ckg['year']} {year} ."
                words = f"{_QUALIFIER_WORDS[qualifier]}${amount:,}"
                yield f"{figure} {ckg['statedAs']} {_lit(words, None)} ."


def generate(config: GeneratorConfig, directory: Path | None = None) -> GeneratedGraph:
    """Write the graph of ``config`` as N-Triples and Turtle (cached by configuration).

    Parameters
    ----------
    config
        The sizes and seed.
    directory
        Cache directory; ``benchmarks/.data`` by default.

    Returns
    -------
    GeneratedGraph
        The two files and their triple count.
    """
    root = (directory or DATA_DIR) / f"generated-{config.key()}"
    meta_path = root / "meta.json"
    if meta_path.is_file():
        meta = json.loads(meta_path.read_text())
        return GeneratedGraph(
            config, root / "graph.nt", root / "graph.ttl", meta["triples"], meta["roles"],
            meta["links"],
        )
    root.mkdir(parents=True, exist_ok=True)
    nt_path, ttl_path = root / "graph.nt", root / "graph.ttl"
    # Partial files are private to this process, so two runs filling the cache at once
    # cannot interleave their writes; each rename is atomic.
    nt_part = root / f"graph.nt.{os.getpid()}.part"
    ttl_part = root / f"graph.ttl.{os.getpid()}.part"
    count = 0
    with open(nt_part, "w", encoding="utf-8") as out:
        buffer = []
        for line in iter_ntriples(config):
            buffer.append(line)
            if len(buffer) >= 10000:
                out.write("\n".join(buffer) + "\n")
                count += len(buffer)
                buffer.clear()
        if buffer:
            out.write("\n".join(buffer) + "\n")
            count += len(buffer)
    with open(ttl_part, "wb") as out:
        ox.serialize(
            ox.parse(path=str(nt_part), format=ox.RdfFormat.N_TRIPLES),
            out, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES,
        )
    nt_part.replace(nt_path)
    ttl_part.replace(ttl_path)
    meta = {"triples": count, "roles": config.roles, "links": config.links, **asdict(config)}
    meta_part = root / f"meta.json.{os.getpid()}.part"
    meta_part.write_text(json.dumps(meta, indent=2))
    meta_part.replace(meta_path)
    return GeneratedGraph(config, nt_path, ttl_path, count, config.roles, config.links)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the ESCO size")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dir", type=Path, default=None, help="cache directory")
    args = parser.parse_args(argv)
    graph = generate(GeneratorConfig.scaled(args.scale, args.seed), args.dir)
    print(json.dumps(graph.to_dict(), indent=2))


if __name__ == "__main__":
    main()
