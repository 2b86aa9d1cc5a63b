"""Every fact of the article is answerable from the seed graph with SPARQL.

One test per group of facts. The expected answers are written from the article, not from the
graph. The graph holds no article text: passages point into it by position. When the article is
available (its path in CAREERKG_ARTICLE), the tests resolve those positions and check that every
figure's amount and qualifier wording, and the words each claim rests on, are in the passages the
graph derives them from; without it those tests are skipped (the reason says so).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

try:
    from seed_fixture import article_text, passage_spans, seed_store, select
except ImportError:  # tests/ imported as a package
    from tests.seed_fixture import article_text, passage_spans, seed_store, select

PREFIXES = """
PREFIX ckg: <https://w3id.org/careerkg/ontology#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX role: <https://w3id.org/careerkg/id/role/>
PREFIX skill: <https://w3id.org/careerkg/id/skill/>
PREFIX tool: <https://w3id.org/careerkg/id/tool/>
PREFIX category: <https://w3id.org/careerkg/id/category/>
PREFIX resp: <https://w3id.org/careerkg/id/responsibility/>
PREFIX task: <https://w3id.org/careerkg/id/task/>
PREFIX industry: <https://w3id.org/careerkg/id/industry/>
PREFIX usecase: <https://w3id.org/careerkg/id/use-case/>
PREFIX salary: <https://w3id.org/careerkg/id/salary/>
PREFIX level: <https://w3id.org/careerkg/id/experience-level/>
PREFIX place: <https://w3id.org/careerkg/id/location/>
PREFIX src: <https://w3id.org/careerkg/id/source/>
PREFIX claim: <https://w3id.org/careerkg/id/claim/>
"""

ID = "https://w3id.org/careerkg/id/"
MLE = "role:machine-learning-engineer"
DS = "role:data-scientist"


@pytest.fixture(scope="module")
def store():
    return seed_store()


@pytest.fixture(scope="module")
def spans(store) -> dict[str, str]:
    """Each passage's span of the article (the module's article tests skip without it)."""
    return passage_spans(store, article_text())


def derived_spans(store, spans, resource: str) -> list[str]:
    """The article text of every passage ``resource`` is derived from."""
    passages = column(store, f"SELECT ?p WHERE {{ {resource} prov:wasDerivedFrom ?p }}", "p")
    assert passages, resource
    return [spans[p] for p in passages]


def rows(store, query: str) -> list[dict]:
    return select(store, PREFIXES + query)


def column(store, query: str, name: str) -> list:
    return [row[name] for row in rows(store, query)]


def labels_of(store, role: str, predicate: str) -> set[str]:
    return set(column(store, f"""
        SELECT ?label WHERE {{ {role} {predicate} ?x . ?x rdfs:label ?label }}""", "label"))


def ask(store, query: str) -> bool:
    return store.query(PREFIXES + query).boolean


# ---------------------------------------------------------------------------------------------
# Roles
# ---------------------------------------------------------------------------------------------


def test_the_two_roles_with_their_names(store):
    found = rows(store, """
        SELECT ?role ?label ?pref ?definition WHERE {
          ?role a ckg:Role , skos:Concept ; rdfs:label ?label ; skos:prefLabel ?pref ;
                skos:definition ?definition .
        } ORDER BY ?label""")
    assert [(r["label"], r["pref"]) for r in found] == [
        ("Data scientist", "Data scientist"),
        ("Machine learning engineer", "Machine learning engineer"),
    ]
    # each definition states the role's defining fact (in the project's words)
    assert "insights" in found[0]["definition"]
    assert "predictive models" in found[1]["definition"]
    assert {"ML engineer", "MLE"} <= labels_of_alt(store, MLE)
    assert "DS" in labels_of_alt(store, DS)


def labels_of_alt(store, resource: str) -> set[str]:
    return set(column(store, f"SELECT ?l WHERE {{ {resource} skos:altLabel ?l }}", "l"))


def test_data_scientist_links_to_onet_and_esco_only_what_is_sure(store):
    assert set(column(store, f"SELECT ?m WHERE {{ {DS} skos:closeMatch ?m }}", "m")) == {
        "https://www.onetonline.org/link/summary/15-2051.00",
        "http://data.europa.eu/esco/occupation/258e46f9-0075-4a2e-adae-1ff0477e0f30",
    }
    assert column(store, f"SELECT ?m WHERE {{ {MLE} skos:closeMatch ?m }}", "m") == []
    sources = column(store, f"""
        SELECT ?source WHERE {{ {DS} skos:closeMatch ?m . ?m dct:source/rdfs:label ?source }}
        ORDER BY ?source""", "source")
    assert sources == ["ESCO", "O*NET OnLine"]


def test_ml_engineers_collaborate_with_data_scientists(store):
    assert ask(store, f"ASK {{ {MLE} ckg:collaboratesWith {DS} }}")


# ---------------------------------------------------------------------------------------------
# Key Responsibilities
# ---------------------------------------------------------------------------------------------


def responsibilities(store, role: str) -> list[tuple[int, str, str]]:
    return [
        (r["position"], r["label"], r["definition"])
        for r in rows(store, f"""
            SELECT ?position ?label ?definition WHERE {{
              {role} ckg:hasResponsibility ?r .
              ?r a ckg:Responsibility ; ckg:position ?position ; rdfs:label ?label ;
                 skos:definition ?definition .
            }} ORDER BY ?position""")
    ]


def test_all_five_ml_engineer_responsibilities(store):
    found = responsibilities(store, MLE)
    assert [(p, label) for p, label, _ in found] == [
        (1, "Model development"),
        (2, "Algorithm optimization"),
        (3, "Software integration"),
        (4, "Performance monitoring"),
        (5, "Collaboration"),
    ]
    assert "production" in found[2][2]


def test_all_six_data_scientist_responsibilities(store):
    found = responsibilities(store, DS)
    assert [(p, label) for p, label, _ in found] == [
        (1, "Data collection"),
        (2, "Data exploration"),
        (3, "Hypothesis testing"),
        (4, "Predictive modeling"),
        (5, "Data visualization"),
        (6, "Stakeholder communication"),
    ]
    assert "(EDA)" in found[1][2]
    assert {"EDA", "Exploratory data analysis"} <= labels_of_alt(store, "resp:data-exploration")


# ---------------------------------------------------------------------------------------------
# Tasks named in each role's description
# ---------------------------------------------------------------------------------------------


def test_ml_engineer_tasks(store):
    assert labels_of(store, MLE, "ckg:performsTask") == {
        "Data preprocessing", "Feature engineering", "Model validation",
        "Continuous model improvement", "Optimizing model performance and scalability",
    }


def test_data_scientist_tasks(store):
    assert labels_of(store, DS, "ckg:performsTask") == {
        "Data collection", "Data cleaning", "Dataset modeling", "Data exploration",
        "Hypothesis testing", "Creating visualizations", "A/B testing", "Data mining",
        "Statistical analysis", "Predictive modeling",
    }


# ---------------------------------------------------------------------------------------------
# Skills Required
# ---------------------------------------------------------------------------------------------

MLE_SKILLS = {
    "Computer science", "Mathematics and statistics", "Programming", "Algorithms",
    "Data structures", "Linear algebra", "Calculus", "Probability theory",
    "Software engineering", "Software development", "Version control", "Code architecture",
    "Model optimization", "Hyperparameter tuning", "Regularization techniques",
    "Model evaluation metrics", "Big data technologies", "Machine learning frameworks",
    "Data modeling",
}
DS_SKILLS = {
    "Statistical analysis", "Data wrangling", "Hypothesis testing", "Regression analysis",
    "Inferential statistics", "Data visualization", "Programming", "Domain knowledge",
    "Machine learning", "Interpreting and communicating data insights",
}


def test_every_ml_engineer_skill_and_sub_skill(store):
    assert labels_of(store, MLE, "ckg:requiresSkill") == MLE_SKILLS


def test_every_data_scientist_skill_and_sub_skill(store):
    assert labels_of(store, DS, "ckg:requiresSkill") == DS_SKILLS


def test_shared_and_distinct_skills(store):
    shared = column(store, f"""
        SELECT ?label WHERE {{ {MLE} ckg:requiresSkill ?s . {DS} ckg:requiresSkill ?s .
                               ?s rdfs:label ?label }}""", "label")
    assert shared == ["Programming"]
    in_both_lists = MLE_SKILLS & DS_SKILLS
    assert in_both_lists == {"Programming"}


def test_skill_hierarchy(store):
    found = rows(store, """
        SELECT ?parent ?child WHERE {
          ?s skos:broader ?p . ?s rdfs:label ?child . ?p rdfs:label ?parent
        }""")
    hierarchy: dict[str, set[str]] = {}
    for row in found:
        hierarchy.setdefault(row["parent"], set()).add(row["child"])
    assert hierarchy == {
        "Mathematics and statistics": {"Linear algebra", "Calculus", "Probability theory"},
        "Software engineering": {"Software development", "Version control", "Code architecture"},
        "Model optimization": {
            "Hyperparameter tuning", "Regularization techniques", "Model evaluation metrics",
        },
        "Statistical analysis": {
            "Hypothesis testing", "Regression analysis", "Inferential statistics",
        },
        # ours, not the article's: an ML engineer's frameworks are a kind of a data
        # scientist's machine learning (so compare does not ask them to learn it)
        "Machine learning": {"Machine learning frameworks"},
    }
    assert ask(store, "ASK { skill:linear-algebra skos:broader skill:mathematics-and-statistics }")


def test_every_skill_and_tool_has_exactly_one_category(store):
    counts = rows(store, """
        SELECT ?x (COUNT(DISTINCT ?c) AS ?n) WHERE {
          { ?x a ckg:Skill } UNION { ?x a ckg:Tool }
          OPTIONAL { ?x ckg:category ?c . ?c a ckg:Category }
        } GROUP BY ?x""")
    assert len(counts) == 28 + 14
    assert {row["n"] for row in counts} == {1}
    categories = column(store, "SELECT ?l WHERE { ?c a ckg:Category, skos:Concept ; "
                               "skos:prefLabel ?l } ORDER BY ?l", "l")
    assert categories == [
        "Big data", "Computer science", "Data analysis", "Data visualization",
        "Machine learning", "Mathematics", "Programming languages", "Software engineering",
        "Statistics",
    ]


# ---------------------------------------------------------------------------------------------
# Tools, frameworks, languages
# ---------------------------------------------------------------------------------------------


def test_programming_languages_per_role(store):
    query = """SELECT ?l WHERE {{ {role} ckg:usesTool ?t . ?t a ckg:ProgrammingLanguage ;
               rdfs:label ?l }}"""
    assert set(column(store, query.format(role=MLE), "l")) == {"Python", "C++", "Java", "R"}
    assert set(column(store, query.format(role=DS), "l")) == {"Python", "R", "SQL"}
    assert labels_of(store, MLE, "ckg:usesLanguage") == {"Python", "C++", "Java", "R"}
    assert labels_of(store, DS, "ckg:usesLanguage") == {"Python", "R", "SQL"}


def test_tools_per_role_with_their_kind(store):
    def tools(role):
        return {
            (r["label"], r["kind"])
            for r in rows(store, f"""
                SELECT ?label ?kind WHERE {{
                  VALUES (?type ?kind) {{ (ckg:ProgrammingLanguage "language")
                    (ckg:Framework "framework") (ckg:Library "library")
                    (ckg:Software "software") }}
                  {role} ckg:usesTool ?t . ?t a ckg:Tool , ?type ; rdfs:label ?label }}""")
        }

    assert tools(MLE) == {
        ("Python", "language"), ("C++", "language"), ("Java", "language"), ("R", "language"),
        ("TensorFlow", "framework"), ("Keras", "framework"), ("PyTorch", "framework"),
        ("Hadoop", "framework"), ("Spark", "framework"), ("Git", "software"),
    }
    assert tools(DS) == {
        ("Python", "language"), ("R", "language"), ("SQL", "language"),
        ("Matplotlib", "library"), ("Seaborn", "library"), ("Tableau", "software"),
    }


def test_every_tool_is_typed_tool_explicitly(store):
    untyped = column(store, """
        SELECT ?t WHERE {
          VALUES ?type { ckg:ProgrammingLanguage ckg:Framework ckg:Library ckg:Software }
          ?t a ?type . FILTER NOT EXISTS { ?t a ckg:Tool }
        }""", "t")
    assert untyped == []


def test_what_tools_are_used_for(store):
    found = {
        r["tool"]: (r["usedFor"], r["skill"])
        for r in rows(store, """
            SELECT ?tool ?usedFor ?skill WHERE {
              ?t a ckg:Tool ; rdfs:label ?tool ; ckg:supportsSkill/rdfs:label ?skill .
              OPTIONAL { ?t ckg:usedFor ?usedFor }
            }""")
    }
    # what each tool is for, as the article says it (in the project's words): the skill it is
    # listed under, and the key fact of its purpose
    assert found["Git"] == ("version control", "Version control")
    assert found["TensorFlow"][1] == "Machine learning frameworks"
    assert "training models" in found["TensorFlow"][0]
    assert found["Spark"][1] == "Big data technologies"
    assert "large datasets" in found["Spark"][0]
    assert found["Tableau"][1] == "Data visualization"
    assert "findings" in found["Tableau"][0]
    assert found["SQL"][1] == "Programming"
    assert "automating tasks" in found["SQL"][0]
    assert found["Java"] == (None, "Programming")


# ---------------------------------------------------------------------------------------------
# Industries and Career Paths
# ---------------------------------------------------------------------------------------------

USE_CASES = {
    # Industries Hiring Machine Learning Engineers (the article gives two use cases for
    # technology and for healthcare, three for the others)
    ("Machine learning engineer", "Technology"): {"Personal assistants", "Recommendation systems"},
    ("Machine learning engineer", "Healthcare"): {
        "Predictive analytics in patient care", "Medical imaging",
    },
    ("Machine learning engineer", "Finance"): {
        "Algorithmic trading", "Fraud detection", "Risk management",
    },
    ("Machine learning engineer", "Automotive"): {
        "Autonomous driving", "Predictive maintenance", "Vehicle design optimization",
    },
    # the list of industries for data scientists
    ("Data scientist", "Marketing"): {
        "Customer segmentation", "Sentiment analysis", "Predictive modeling",
    },
    ("Data scientist", "Retail"): {
        "Inventory management", "Personalized recommendations", "Sales forecasting",
    },
    ("Data scientist", "Media"): {
        "Audience analysis", "Recommendation algorithms", "Content optimization",
    },
    ("Data scientist", "Logistics"): {
        "Supply chain management", "Route planning", "Demand forecasting",
    },
}


def test_industries_hiring_each_role_with_their_use_cases(store):
    found: dict[tuple[str, str], set[str]] = {}
    for row in rows(store, """
        SELECT ?role ?industry ?useCase WHERE {
          ?r a ckg:Role ; rdfs:label ?role ; ckg:hiredIn ?i .
          ?i a ckg:Industry ; rdfs:label ?industry ; ckg:hasUseCase ?u .
          ?u a ckg:UseCase ; ckg:appliesRole ?r ; rdfs:label ?useCase .
        }"""):
        found.setdefault((row["role"], row["industry"]), set()).add(row["useCase"])
    assert found == USE_CASES
    assert labels_of(store, MLE, "ckg:hiredIn") == {
        "Technology", "Healthcare", "Finance", "Automotive",
    }
    assert labels_of(store, DS, "ckg:hiredIn") == {"Marketing", "Retail", "Media", "Logistics"}


def test_industry_employers(store):
    found = dict(
        (r["industry"], r["employers"])
        for r in rows(store, """SELECT ?industry ?employers WHERE {
            ?i a ckg:Industry ; rdfs:label ?industry ; ckg:exampleEmployers ?employers }""")
    )
    assert found == {
        "Technology": "Tech companies", "Healthcare": "Hospitals and research institutions",
        "Finance": "Financial firms", "Automotive": "Car manufacturers",
        "Marketing": "Marketing firms", "Retail": "Retailers", "Media": "Media companies",
        "Logistics": "Logistics firms",
    }


# ---------------------------------------------------------------------------------------------
# Salary Comparison
# ---------------------------------------------------------------------------------------------


def figure(store, iri: str) -> dict:
    found = rows(store, f"""
        SELECT ?role ?dimension ?amount ?qualifier ?statedAs ?level ?location ?industry
               ?relativeMin ?relativeMax ?relativeTo ?currency ?period ?region ?year ?source
        WHERE {{
          {iri} a ckg:SalaryFigure , qb:Observation ; ckg:role ?role ; ckg:dimension ?dimension ;
                ckg:qualifier ?qualifier ; ckg:statedAs ?statedAs ; ckg:period ?period ;
                ckg:region ?region ; ckg:year ?year ; dct:source ?source .
          OPTIONAL {{ {iri} ckg:amount ?amount }}
          OPTIONAL {{ {iri} ckg:experienceLevel ?level }}
          OPTIONAL {{ {iri} ckg:location ?location }}
          OPTIONAL {{ {iri} ckg:industry ?industry }}
          OPTIONAL {{ {iri} ckg:relativeMin ?relativeMin }}
          OPTIONAL {{ {iri} ckg:relativeMax ?relativeMax }}
          OPTIONAL {{ {iri} ckg:relativeTo ?relativeTo }}
          OPTIONAL {{ {iri} schema:currency ?currency }}
        }}""")
    assert len(found) == 1, iri
    row = found[0]
    return {
        key: (value.rsplit("#", 1)[-1].rsplit("/", 1)[-1] if isinstance(value, str)
              and value.startswith("https://w3id.org/careerkg/") else value)
        for key, value in row.items()
    }


def test_overall_averages_are_exact(store):
    mle, ds = figure(store, "salary:mle-overall"), figure(store, "salary:ds-overall")
    assert (mle["amount"], mle["qualifier"], mle["dimension"]) == (
        Decimal(112806), "Exact", "OverallDimension",
    )
    assert (ds["amount"], ds["qualifier"], ds["dimension"]) == (
        Decimal(96492), "Exact", "OverallDimension",
    )
    # the FAQ's hedged wordings are kept too
    assert column(store, "SELECT ?w WHERE { salary:mle-overall ckg:alsoStatedAs ?w }", "w") == [
        "approximately $112,806"
    ]
    assert column(store, "SELECT ?w WHERE { salary:ds-overall ckg:alsoStatedAs ?w }", "w") == [
        "around $96,492"
    ]


EXPERIENCE = [
    # figure, role, level, amount, qualifier, the article's wording
    ("salary:mle-entry", "machine-learning-engineer", "entry", 89000, "Approximate",
     "around $89,000"),
    ("salary:mle-mid", "machine-learning-engineer", "mid", 112000, "Approximate",
     "approximately $112,000"),
    ("salary:mle-senior", "machine-learning-engineer", "senior", 150000, "AtLeast",
     "more than $150,000"),
    ("salary:ds-entry", "data-scientist", "entry", 85000, "Approximate", "about $85,000"),
    ("salary:ds-mid", "data-scientist", "mid", 100000, "Approximate", "around $100,000"),
    ("salary:ds-senior", "data-scientist", "senior", 130000, "AtLeast", "over $130,000"),
]


@pytest.mark.parametrize(("iri", "role", "level", "amount", "qualifier", "stated"), EXPERIENCE)
def test_experience_level_figures(store, iri, role, level, amount, qualifier, stated):
    found = figure(store, iri)
    assert found["role"] == role
    assert found["dimension"] == "ExperienceDimension"
    assert found["level"] == level
    assert found["amount"] == Decimal(amount)
    assert found["qualifier"] == qualifier
    assert found["statedAs"] == stated
    assert found["location"] is None and found["industry"] is None


def test_experience_levels_and_their_years(store):
    found = rows(store, """
        SELECT ?level ?min ?max ?exclusive ?minType ?maxType WHERE {
          ?level a ckg:ExperienceLevel ; ckg:position ?position .
          OPTIONAL { ?level ckg:minYears ?min BIND (DATATYPE(?min) AS ?minType) }
          OPTIONAL { ?level ckg:maxYears ?max BIND (DATATYPE(?max) AS ?maxType) }
          OPTIONAL { ?level ckg:minYearsExclusive ?exclusive }
        } ORDER BY ?position""")
    integer = "http://www.w3.org/2001/XMLSchema#integer"
    assert [(r["level"].rsplit("/", 1)[-1], r["min"], r["max"], r["exclusive"]) for r in found] == [
        ("entry", None, None, None),
        ("mid", 3, 5, None),      # mid level: 3-5 years of experience
        ("senior", 10, None, True),  # senior: over 10 years, i.e. more than 10
    ]
    assert {r["minType"] for r in found[1:]} == {integer}
    assert found[1]["maxType"] == integer


def test_location_figures(store):
    mle, ds = figure(store, "salary:mle-tech-hubs"), figure(store, "salary:ds-tech-hubs")
    assert (mle["location"], mle["amount"], mle["qualifier"], mle["statedAs"]) == (
        "tech-hubs", Decimal(140000), "AtLeast", "upwards of $140,000",
    )
    assert (ds["location"], ds["amount"], ds["qualifier"], ds["statedAs"]) == (
        "tech-hubs", Decimal(130000), "AtLeast", "hit the $130,000 mark",
    )
    examples = column(store, """SELECT ?l WHERE { place:tech-hubs ckg:exampleLocation ?p .
                                ?p rdfs:label ?l } ORDER BY ?l""", "l")
    assert examples == ["New York", "San Francisco"]


@pytest.mark.parametrize("role", ["mle", "ds"])
def test_smaller_cities_relative_range(store, role):
    found = figure(store, f"salary:{role}-smaller-cities")
    assert found["qualifier"] == "RelativeRange"
    assert found["location"] == "smaller-cities"
    assert (found["relativeMin"], found["relativeMax"]) == (Decimal("-0.20"), Decimal("-0.10"))
    assert found["relativeTo"] == f"{role}-tech-hubs"
    assert found["amount"] is None and found["currency"] is None
    assert found["statedAs"] == "10-20% lower"


INDUSTRY = [
    ("salary:mle-technology", "machine-learning-engineer", "technology", 125000, "AtLeast",
     "often exceeding $125,000"),
    ("salary:mle-finance", "machine-learning-engineer", "finance", 125000, "AtLeast",
     "often exceeding $125,000"),
    ("salary:mle-healthcare", "machine-learning-engineer", "healthcare", 120000, "Approximate",
     "around $120,000"),
    ("salary:mle-automotive", "machine-learning-engineer", "automotive", 120000, "Approximate",
     "around $120,000"),
    ("salary:ds-technology", "data-scientist", "technology", 115000, "UpTo",
     "reaching up to $115,000"),
    ("salary:ds-marketing", "data-scientist", "marketing", 115000, "UpTo",
     "reaching up to $115,000"),
    ("salary:ds-retail", "data-scientist", "retail", 105000, "Approximate",
     "usually around $105,000"),
    ("salary:ds-logistics", "data-scientist", "logistics", 105000, "Approximate",
     "usually around $105,000"),
]


@pytest.mark.parametrize(("iri", "role", "industry", "amount", "qualifier", "stated"), INDUSTRY)
def test_industry_figures(store, iri, role, industry, amount, qualifier, stated):
    found = figure(store, iri)
    assert (found["role"], found["dimension"], found["industry"]) == (
        role, "IndustryDimension", industry,
    )
    assert (found["amount"], found["qualifier"], found["statedAs"]) == (
        Decimal(amount), qualifier, stated,
    )


def test_every_figure_has_its_dimensions(store):
    found = rows(store, """
        SELECT ?f ?currency ?period ?region ?year ?source ?yearType ?periodType WHERE {
          ?f a ckg:SalaryFigure ; ckg:period ?period ; ckg:region ?region ; ckg:year ?year ;
             dct:source ?source .
          OPTIONAL { ?f schema:currency ?currency }
          BIND (DATATYPE(?year) AS ?yearType) BIND (DATATYPE(?period) AS ?periodType)
        }""")
    assert len(found) == 20
    for row in found:
        relative = row["f"].endswith("smaller-cities")
        assert row["currency"] == (None if relative else "USD"), row["f"]
        assert row["period"] == "P1Y"
        assert row["periodType"] == "http://www.w3.org/2001/XMLSchema#duration"
        assert row["region"] == ID + "location/united-states"
        assert row["year"] == "2023"
        assert row["yearType"] == "http://www.w3.org/2001/XMLSchema#gYear"
        assert row["source"] == ID + "source/glassdoor"


TABLE = {
    # row of the summary table: (its cells, the figures it states)
    "passage-table-average-salary": (("$112,806", "$96,492"), {"mle-overall", "ds-overall"}),
    "passage-table-entry-level-salary": (("$89,000", "$85,000"), {"mle-entry", "ds-entry"}),
    "passage-table-mid-level-salary": (("$112,000", "$100,000"), {"mle-mid", "ds-mid"}),
    "passage-table-senior-salary": (("$150,000+", "$130,000+"), {"mle-senior", "ds-senior"}),
    "passage-table-high-location-salary": (
        ("$140,000", "$130,000"), {"mle-tech-hubs", "ds-tech-hubs"},
    ),
    "passage-table-tech-sector-salary": (
        ("$125,000+", "$115,000"), {"mle-technology", "ds-technology"},
    ),
}


@pytest.mark.parametrize("passage", sorted(TABLE))
def test_summary_table_rows(store, passage):
    cells, figures = TABLE[passage]
    found = rows(store, f"""
        SELECT ?f ?wording WHERE {{
          ?f a ckg:SalaryFigure ; prov:wasDerivedFrom src:{passage} .
          {{ ?f ckg:statedAs ?wording }} UNION {{ ?f ckg:alsoStatedAs ?wording }}
        }}""")
    assert {row["f"].rsplit("/", 1)[-1] for row in found} == figures
    wordings = {row["wording"] for row in found}
    assert set(cells) <= wordings


def test_where_each_role_is_paid_most(store):
    assert labels_of(store, MLE, "ckg:topPayingIndustry") == {"Technology", "Finance"}
    assert labels_of(store, DS, "ckg:topPayingIndustry") == {"Technology", "Marketing"}
    top = rows(store, """
        SELECT ?role (MAX(?amount) AS ?top) WHERE {
          ?f ckg:role/rdfs:label ?role ; ckg:amount ?amount } GROUP BY ?role ORDER BY ?role""")
    assert [(r["role"], r["top"]) for r in top] == [
        ("Data scientist", Decimal(130000)), ("Machine learning engineer", Decimal(150000)),
    ]


FIGURES = [
    # figure, the prose wording of its amount and qualifier (a short fact phrase of the article)
    *[(iri, stated) for iri, _role, _level, _amount, _qualifier, stated in EXPERIENCE],
    *[(iri, stated) for iri, _role, _industry, _amount, _qualifier, stated in INDUSTRY],
    ("salary:mle-overall", "$112,806"), ("salary:ds-overall", "$96,492"),
    ("salary:mle-tech-hubs", "upwards of $140,000"), ("salary:ds-tech-hubs", "$130,000 mark"),
    ("salary:mle-smaller-cities", "10-20% lower"), ("salary:ds-smaller-cities", "10-20% lower"),
]


def test_every_figure_is_checked_against_the_article(store):
    assert len({iri for iri, _stated in FIGURES}) == len(
        column(store, "SELECT ?f WHERE { ?f a ckg:SalaryFigure }", "f")) == 20


@pytest.mark.parametrize(("iri", "stated"), FIGURES)
def test_figure_amount_and_qualifier_are_in_its_passages(store, spans, iri, stated):
    """The figure's wording (amount with its hedge) is in the article text of a passage the
    figure is derived from, and so are its table cells."""
    texts = derived_spans(store, spans, iri)
    assert any(stated in text for text in texts), (iri, stated)
    for wording in column(store, f"SELECT ?w WHERE {{ {iri} ckg:alsoStatedAs ?w }}", "w"):
        assert any(wording in text for text in texts), (iri, wording)


@pytest.mark.parametrize("passage", sorted(TABLE))
def test_summary_table_rows_in_the_article(store, spans, passage):
    cells, _figures = TABLE[passage]
    text = spans[ID + "source/" + passage]
    assert all(cell in text for cell in cells), (passage, text)


def test_figure_provenance_names_its_wording(store, spans):
    texts = derived_spans(store, spans, "salary:mle-entry")
    assert any("Entry-level" in text and "around $89,000" in text for text in texts)


# ---------------------------------------------------------------------------------------------
# Comparisons and conclusions
# ---------------------------------------------------------------------------------------------

CLAIMS = [
    # claim, subjects, a passage stating it, the words of that passage the claim rests on
    ("mle-bridge-data-science-and-software-engineering", {"machine-learning-engineer"},
     "passage-who-mle", ("bridge the gap", "software engineering")),
    ("mle-productionize-data-scientist-models",
     {"machine-learning-engineer", "data-scientist"}, "passage-who-mle",
     ("created by data scientists", "production-level")),
    ("ds-prioritize-exploration-and-hypothesis-testing",
     {"machine-learning-engineer", "data-scientist"}, "passage-who-ds",
     ("Unlike machine learning engineers", "data exploration", "hypothesis testing")),
    ("mle-top-paid-in-technology-and-finance", {"machine-learning-engineer"},
     "passage-faq-mle-top-industries", ("top salaries", "technology and finance")),
    ("ds-top-paid-in-technology-and-marketing", {"data-scientist"},
     "passage-conclusion-sectors", ("data scientists", "technology and marketing")),
    ("both-salaries-competitive", {"machine-learning-engineer", "data-scientist"},
     "passage-salary-summary", ("Both roles", "competitive salaries")),
    ("smaller-cities-pay-less", {"machine-learning-engineer", "data-scientist"},
     "passage-salary-location-smaller-cities", ("smaller cities", "10-20% lower")),
    ("demand-will-grow", {"machine-learning-engineer", "data-scientist"},
     "passage-conclusion-demand", ("demand", "will only grow")),
    ("tech-hubs-pay-more", {"machine-learning-engineer", "data-scientist"},
     "passage-faq-location", ("San Francisco", "cost of living")),
]


@pytest.mark.parametrize(("claim", "subjects", "passage", "words"), CLAIMS)
def test_claims(store, claim, subjects, passage, words):
    found = rows(store, f"""
        SELECT ?subject WHERE {{ claim:{claim} a ckg:Claim ; rdfs:label ?label ;
                                 ckg:subject ?subject ;
                                 prov:wasDerivedFrom src:{passage} }}""")
    assert {row["subject"].rsplit("/", 1)[-1] for row in found} == subjects


@pytest.mark.parametrize(("claim", "passage", "words"),
                         [(claim, passage, words) for claim, _s, passage, words in CLAIMS])
def test_claims_rest_on_their_passage(spans, claim, passage, words):
    text = spans[ID + "source/" + passage]
    assert all(word in text for word in words), (claim, text)


def test_top_paying_claims_mention_their_industries(store):
    assert set(column(store, """SELECT ?i WHERE {
        claim:mle-top-paid-in-technology-and-finance ckg:mentions ?i }""", "i")) == {
        ID + "industry/technology", ID + "industry/finance",
    }
    assert set(column(store, """SELECT ?i WHERE {
        claim:ds-top-paid-in-technology-and-marketing ckg:mentions ?i }""", "i")) == {
        ID + "industry/technology", ID + "industry/marketing",
    }


def test_comparisons_are_typed(store):
    comparisons = set(column(store, "SELECT ?c WHERE { ?c a ckg:Comparison , ckg:Claim }", "c"))
    assert ID + "claim/ds-prioritize-exploration-and-hypothesis-testing" in comparisons
    assert ID + "claim/primary-difference" in comparisons
    assert ID + "claim/demand-will-grow" not in comparisons


# ---------------------------------------------------------------------------------------------
# Source, provenance, counts
# ---------------------------------------------------------------------------------------------


def test_article_and_glassdoor(store):
    assert column(store, "SELECT ?t WHERE { src:article a schema:Article ; dct:title ?t }",
                  "t") == [
        "Machine Learning Engineer vs Data Scientist: Key Differences, Salaries, and Career Paths"
    ]
    assert ask(store, "ASK { src:glassdoor rdfs:label \"Glassdoor\"@en }")


def test_every_passage_is_part_of_the_article_and_about_a_role(store):
    found = rows(store, """
        SELECT ?p (COUNT(?role) AS ?roles) WHERE {
          ?p a ckg:Passage ; dct:isPartOf src:article ; ckg:section ?s ;
             <http://www.w3.org/ns/oa#hasSelector> ?selector .
          OPTIONAL { ?p ckg:about ?role }
        } GROUP BY ?p""")
    assert len(found) == 76
    assert min(row["roles"] for row in found) >= 1


def test_counts(store):
    def count(cls):
        return rows(store, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a {cls} }}")[0]["n"]

    assert {
        cls: count(cls)
        for cls in ("ckg:Role", "ckg:Skill", "ckg:Tool", "ckg:Category", "ckg:Responsibility",
                    "ckg:Task", "ckg:Industry", "ckg:UseCase", "ckg:SalaryFigure",
                    "ckg:ExperienceLevel", "ckg:Location", "ckg:Passage", "ckg:Claim")
    } == {
        "ckg:Role": 2, "ckg:Skill": 28, "ckg:Tool": 14, "ckg:Category": 9,
        "ckg:Responsibility": 11, "ckg:Task": 15, "ckg:Industry": 8, "ckg:UseCase": 22,
        "ckg:SalaryFigure": 20, "ckg:ExperienceLevel": 3, "ckg:Location": 5,
        "ckg:Passage": 76, "ckg:Claim": 28,
    }
