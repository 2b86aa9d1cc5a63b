"""The canned query library (queries/*.rq): headers, syntax, results.

Every query has a title and a description, parses (Oxigraph and rdflib), runs on the seed
graph with its parameters bound to their defaults and returns rows in a stated order. For many
of them the exact rows are checked against answers written from the article.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from rdflib.plugins.sparql import prepareQuery

try:
    from seed_fixture import (
        QUERIES,
        CannedQuery,
        article_text,
        canned_queries,
        query_prefixes,
        run_canned,
        seed_store,
        select,
    )
except ImportError:  # tests/ imported as a package
    from tests.seed_fixture import (
        QUERIES,
        CannedQuery,
        article_text,
        canned_queries,
        query_prefixes,
        run_canned,
        seed_store,
        select,
    )

ID = "https://w3id.org/careerkg/id/"
MLE = ID + "role/machine-learning-engineer"
DS = ID + "role/data-scientist"
LIBRARY = canned_queries()
BY_NAME = {query.name: query for query in LIBRARY}


@pytest.fixture(scope="module")
def store():
    return seed_store()


def run(store, name: str, **params: str) -> list[dict]:
    return run_canned(store, BY_NAME[name], **params)


def project(found: list[dict], *columns: str) -> list[tuple]:
    return [tuple(row[column] for column in columns) for row in found]


# ---------------------------------------------------------------------------------------------
# every query: header, syntax, runs, ordered
# ---------------------------------------------------------------------------------------------


def test_the_library_has_enough_queries():
    assert len(LIBRARY) >= 20


@pytest.mark.parametrize("query", LIBRARY, ids=lambda query: query.name)
def test_header(query: CannedQuery):
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", query.name), "file names are slugs"
    lines = query.text.splitlines()
    assert lines[0].startswith("# title: ") and query.title
    assert lines[1].startswith("# description: ") and query.description
    header = [line for line in lines if line.startswith("#")]
    for line in header[2:]:
        assert re.fullmatch(r"# param: \w+ = \S+", line), line
    body = [line for line in lines[len(header):] if line.strip()]
    assert body[0].startswith("PREFIX "), "PREFIX lines follow the header"


@pytest.mark.parametrize("query", LIBRARY, ids=lambda query: query.name)
def test_parses_with_rdflib_too(query: CannedQuery):
    prepareQuery(query.text)


@pytest.mark.parametrize("query", LIBRARY, ids=lambda query: query.name)
def test_runs_and_returns_rows(store, query: CannedQuery):
    assert run_canned(store, query)


@pytest.mark.parametrize("query", LIBRARY, ids=lambda query: query.name)
def test_is_ordered_and_independent_of_named_graphs(query: CannedQuery):
    text = re.sub(r"(?m)^#.*$", "", query.text)
    assert re.search(r"\bORDER\s+BY\b", text, re.IGNORECASE)
    assert not re.search(r"\b(GRAPH|FROM|SERVICE)\b", text)


@pytest.mark.parametrize(
    "query", [q for q in LIBRARY if q.params], ids=lambda query: query.name
)
def test_parameters_are_selected_variables(query: CannedQuery):
    """A parameter is a variable of the SELECT clause (so it can be bound by substitution or
    by VALUES, and shows in the results)."""
    select = re.search(r"SELECT\s+(DISTINCT\s+)?(.*?)\bWHERE\b", query.text, re.DOTALL).group(2)
    for param in query.params:
        assert f"?{param.name} " in select + " ", param.name


@pytest.mark.parametrize("query", LIBRARY, ids=lambda query: query.name)
def test_results_are_deterministic(store, query: CannedQuery):
    assert run_canned(store, query) == run_canned(store, query)


def test_prefixes_are_declared(store):
    for query in LIBRARY:
        used = set(re.findall(r"(?<![\w<?$])([a-z]+):[A-Za-z]", re.sub(r"<[^>]*>|\"[^\"]*\"",
                                                                       "", query.text)))
        used -= {"http", "https", "title", "description", "param"}
        declared = set(query_prefixes(query))
        assert used <= declared, (query.name, used - declared)


# ---------------------------------------------------------------------------------------------
# exact answers, written from the article
# ---------------------------------------------------------------------------------------------


def test_shared_skills(store):
    assert project(run(store, "shared-skills"), "skillLabel", "categoryLabel") == [
        ("Programming", "Programming languages"),
    ]


def test_shared_tools(store):
    assert project(run(store, "shared-tools"), "toolLabel") == [("Python",), ("R",)]


def test_skills_only_one_role_needs(store):
    found = run(store, "skills-only-one-role")
    by_owner: dict[str, set[str]] = {}
    for row in found:
        by_owner.setdefault(row["ownerLabel"], set()).add(row["skillLabel"])
    assert len(by_owner["Machine learning engineer"]) == 18
    assert by_owner["Data scientist"] == {
        "Statistical analysis", "Data wrangling", "Hypothesis testing", "Regression analysis",
        "Inferential statistics", "Data visualization", "Domain knowledge", "Machine learning",
        "Interpreting and communicating data insights",
    }
    # the other way round
    reverse = run(store, "skills-only-one-role", role="role:data-scientist",
                  other="role:machine-learning-engineer")
    assert {row["skill"] for row in reverse} == {row["skill"] for row in found}


def test_languages_per_role(store):
    assert project(run(store, "languages-per-role"), "roleLabel", "languageLabel") == [
        ("Data scientist", "Python"),
        ("Data scientist", "R"),
        ("Data scientist", "SQL"),
        ("Machine learning engineer", "C++"),
        ("Machine learning engineer", "Java"),
        ("Machine learning engineer", "Python"),
        ("Machine learning engineer", "R"),
    ]


def test_tools_per_role(store):
    assert project(run(store, "tools-per-role"), "roleLabel", "kind", "toolLabel") == [
        ("Data scientist", "Library", "Matplotlib"),
        ("Data scientist", "Library", "Seaborn"),
        ("Data scientist", "Programming language", "Python"),
        ("Data scientist", "Programming language", "R"),
        ("Data scientist", "Programming language", "SQL"),
        ("Data scientist", "Software", "Tableau"),
        ("Machine learning engineer", "Framework", "Hadoop"),
        ("Machine learning engineer", "Framework", "Keras"),
        ("Machine learning engineer", "Framework", "PyTorch"),
        ("Machine learning engineer", "Framework", "Spark"),
        ("Machine learning engineer", "Framework", "TensorFlow"),
        ("Machine learning engineer", "Programming language", "C++"),
        ("Machine learning engineer", "Programming language", "Java"),
        ("Machine learning engineer", "Programming language", "Python"),
        ("Machine learning engineer", "Programming language", "R"),
        ("Machine learning engineer", "Software", "Git"),
    ]


def test_responsibilities_per_role(store):
    found = run(store, "responsibilities-per-role")
    assert project(found, "roleLabel", "position", "responsibilityLabel") == [
        ("Data scientist", 1, "Data collection"),
        ("Data scientist", 2, "Data exploration"),
        ("Data scientist", 3, "Hypothesis testing"),
        ("Data scientist", 4, "Predictive modeling"),
        ("Data scientist", 5, "Data visualization"),
        ("Data scientist", 6, "Stakeholder communication"),
        ("Machine learning engineer", 1, "Model development"),
        ("Machine learning engineer", 2, "Algorithm optimization"),
        ("Machine learning engineer", 3, "Software integration"),
        ("Machine learning engineer", 4, "Performance monitoring"),
        ("Machine learning engineer", 5, "Collaboration"),
    ]
    assert "sources" in found[0]["definition"]


def test_tasks_per_role(store):
    """One role's tasks (a parameter, the machine learning engineer by default: every role's
    tasks are ~19,000 rows with O*NET, too many to sort for a first page)."""
    assert project(run(store, "tasks-per-role"), "role", "roleLabel", "taskLabel") == [
        (MLE, "Machine learning engineer", "Continuous model improvement"),
        (MLE, "Machine learning engineer", "Data preprocessing"),
        (MLE, "Machine learning engineer", "Feature engineering"),
        (MLE, "Machine learning engineer", "Model validation"),
        (MLE, "Machine learning engineer", "Optimizing model performance and scalability"),
    ]
    assert project(run(store, "tasks-per-role", role=f"<{DS}>"), "roleLabel", "taskLabel") == [
        ("Data scientist", "A/B testing"),
        ("Data scientist", "Creating visualizations"),
        ("Data scientist", "Data cleaning"),
        ("Data scientist", "Data collection"),
        ("Data scientist", "Data exploration"),
        ("Data scientist", "Data mining"),
        ("Data scientist", "Dataset modeling"),
        ("Data scientist", "Hypothesis testing"),
        ("Data scientist", "Predictive modeling"),
        ("Data scientist", "Statistical analysis"),
    ]


def test_industries_and_use_cases(store):
    found = project(run(store, "industries-and-use-cases"), "roleLabel", "industryLabel",
                    "useCaseLabel")
    assert len(found) == 22
    assert found[:3] == [
        ("Data scientist", "Logistics", "Demand forecasting"),
        ("Data scientist", "Logistics", "Route planning"),
        ("Data scientist", "Logistics", "Supply chain management"),
    ]
    assert found[-2:] == [
        ("Machine learning engineer", "Technology", "Personal assistants"),
        ("Machine learning engineer", "Technology", "Recommendation systems"),
    ]


def test_salary_by_experience(store):
    found = run(store, "salary-by-experience")
    assert project(found, "levelLabel", "minYears", "maxYears", "minYearsExclusive",
                   "roleAmount", "roleQualifier", "otherAmount", "otherQualifier") == [
        ("Entry level", None, None, None, Decimal(89000), "Approximate", Decimal(85000),
         "Approximate"),
        ("Mid level", 3, 5, None, Decimal(112000), "Approximate", Decimal(100000),
         "Approximate"),
        ("Senior", 10, None, True, Decimal(150000), "AtLeast", Decimal(130000), "AtLeast"),
    ]
    assert {(row["role"], row["other"]) for row in found} == {(MLE, DS)}


def test_salary_by_location(store):
    found = run(store, "salary-by-location")
    assert project(found, "locationLabel", "roleAmount", "roleQualifier", "roleRelativeMin",
                   "roleRelativeMax", "otherAmount", "otherQualifier", "otherRelativeMin",
                   "otherRelativeMax") == [
        ("Smaller cities", None, "RelativeRange", Decimal("-0.20"), Decimal("-0.10"),
         None, "RelativeRange", Decimal("-0.20"), Decimal("-0.10")),
        ("Tech hubs", Decimal(140000), "AtLeast", None, None,
         Decimal(130000), "AtLeast", None, None),
    ]


def test_salary_by_industry(store):
    found = run(store, "salary-by-industry")
    assert project(found, "industryLabel", "roleAmount", "roleQualifier", "otherAmount",
                   "otherQualifier") == [
        ("Automotive", Decimal(120000), "Approximate", None, None),
        ("Finance", Decimal(125000), "AtLeast", None, None),
        ("Healthcare", Decimal(120000), "Approximate", None, None),
        ("Logistics", None, None, Decimal(105000), "Approximate"),
        ("Marketing", None, None, Decimal(115000), "UpTo"),
        ("Retail", None, None, Decimal(105000), "Approximate"),
        ("Technology", Decimal(125000), "AtLeast", Decimal(115000), "UpTo"),
    ]


def test_every_salary_figure(store):
    found = run(store, "salary-figures")
    assert len(found) == 20
    assert project(found[:2], "roleLabel", "dimension", "amount", "qualifier", "statedAs") == [
        ("Data scientist", "Overall", Decimal(96492), "Exact", "$96,492"),
        ("Data scientist", "Experience level", Decimal(85000), "Approximate", "about $85,000"),
    ]
    assert {row["qualifier"] for row in found} == {
        "Exact", "Approximate", "AtLeast", "UpTo", "RelativeRange",
    }
    amounts = [row for row in found if row["qualifier"] != "RelativeRange"]
    assert {(r["currency"], r["period"], r["regionLabel"], r["year"], r["sourceLabel"])
            for r in amounts} == {("USD", "P1Y", "United States", "2023", "Glassdoor")}


def test_highest_salary_per_role(store):
    assert project(run(store, "highest-salary-per-role"), "roleLabel", "figureLabel",
                   "amount", "qualifier") == [
        ("Data scientist", "Data scientist salary in tech hubs", Decimal(130000), "AtLeast"),
        ("Data scientist", "Senior data scientist salary", Decimal(130000), "AtLeast"),
        ("Machine learning engineer", "Senior machine learning engineer salary",
         Decimal(150000), "AtLeast"),
    ]


def test_top_paying_industries(store):
    assert project(run(store, "top-paying-industries"), "roleLabel", "industryLabel", "amount",
                   "qualifier") == [
        ("Data scientist", "Marketing", Decimal(115000), "UpTo"),
        ("Data scientist", "Technology", Decimal(115000), "UpTo"),
        ("Machine learning engineer", "Finance", Decimal(125000), "AtLeast"),
        ("Machine learning engineer", "Technology", Decimal(125000), "AtLeast"),
    ]


def test_smaller_cities_range(store):
    assert project(run(store, "smaller-cities-range"), "roleLabel", "relativeMin",
                   "relativeMax", "statedAs", "relativeToAmount") == [
        ("Data scientist", Decimal("-0.20"), Decimal("-0.10"), "10-20% lower", Decimal(130000)),
        ("Machine learning engineer", Decimal("-0.20"), Decimal("-0.10"), "10-20% lower",
         Decimal(140000)),
    ]


def test_experience_levels(store):
    assert project(run(store, "experience-levels"), "levelLabel", "minYears", "maxYears",
                   "minYearsExclusive") == [
        ("Entry level", None, None, None),
        ("Mid level", 3, 5, None),
        ("Senior", 10, None, True),
    ]


def test_skill_hierarchy(store):
    """One role's sub-skills under their parents (a parameter, the machine learning engineer
    by default: every role's are ~185,000 rows with ESCO)."""
    assert project(run(store, "skill-hierarchy"), "parentLabel", "skillLabel", "role") == [
        # the seed's one link of its own, not an item of the article (graph/seed/skills.ttl)
        ("Machine learning", "Machine learning frameworks", MLE),
        ("Mathematics and statistics", "Calculus", MLE),
        ("Mathematics and statistics", "Linear algebra", MLE),
        ("Mathematics and statistics", "Probability theory", MLE),
        ("Model optimization", "Hyperparameter tuning", MLE),
        ("Model optimization", "Model evaluation metrics", MLE),
        ("Model optimization", "Regularization techniques", MLE),
        ("Software engineering", "Code architecture", MLE),
        ("Software engineering", "Software development", MLE),
        ("Software engineering", "Version control", MLE),
    ]
    assert project(run(store, "skill-hierarchy", role=f"<{DS}>"), "parentLabel", "skillLabel",
                   "roleLabel") == [
        ("Statistical analysis", "Hypothesis testing", "Data scientist"),
        ("Statistical analysis", "Inferential statistics", "Data scientist"),
        ("Statistical analysis", "Regression analysis", "Data scientist"),
    ]


def test_career_gap(store):
    found = run(store, "career-gap")
    skills = {row["itemLabel"] for row in found if row["kind"] == "skill"}
    tools = {row["itemLabel"] for row in found if row["kind"] == "tool"}
    assert tools == {"C++", "Java", "TensorFlow", "Keras", "PyTorch", "Hadoop", "Spark", "Git"}
    assert len(skills) == 18 and "Programming" not in skills
    assert {"Linear algebra", "Software engineering", "Big data technologies",
            "Machine learning frameworks", "Data structures"} <= skills
    categories = [row["categoryLabel"] for row in found]
    assert categories == sorted(categories)
    assert ("Linear algebra", "Mathematics and statistics") in project(
        found, "itemLabel", "parentLabel"
    )


def test_overview_counts(store):
    assert project(run(store, "overview-counts"), "kind", "count") == [
        ("Roles", 2), ("Skills", 28), ("Tools", 14), ("Categories", 9),
        ("Responsibilities", 11), ("Tasks", 15), ("Industries", 8), ("Use cases", 22),
        ("Salary figures", 20), ("Experience levels", 3), ("Locations", 5), ("Claims", 28),
        ("Passages", 76),
    ]


def test_role_profile(store):
    assert project(run(store, "role-profile"), "roleLabel", "skills", "tools", "languages",
                   "responsibilities", "tasks", "industries") == [
        ("Data scientist", 10, 6, 3, 6, 10, 4),
        ("Machine learning engineer", 19, 10, 4, 5, 5, 4),
    ]


def test_search_by_name(store):
    assert project(run(store, "search-labels"), "kind", "label", "matched") == [
        ("Responsibility", "Data exploration", "EDA"),
        ("Task", "Data exploration", "EDA"),
    ]
    assert project(run(store, "search-labels", text='"mle"'), "resource") == [(MLE,)]
    assert project(run(store, "search-labels", text='"ML engineer"'), "resource") == [(MLE,)]


def test_provenance(store):
    found = run(store, "provenance")
    assert project(found, "passage", "section") == [
        (ID + "source/passage-salary-experience-mle", "Salary Comparison > Experience Level"),
        (ID + "source/passage-table-entry-level-salary",
         "Salary Comparison > Industry Variation > Table "
         "(Criteria | Machine Learning Engineer | Data Scientist)"),
    ]
    # the graph gives where each passage is, never its text
    assert "quote" not in found[0]
    assert [row["position"] for row in found] == sorted(row["position"] for row in found)
    assert all(0 <= row["start"] < row["end"] for row in found)
    assert found[0]["end"] <= found[1]["start"]
    digest = select(store, f"SELECT ?h WHERE {{ <{ID}source/article> "
                           "<https://w3id.org/careerkg/ontology#sha256> ?h }")[0]["h"]
    assert {row["sha256"] for row in found} == {digest}
    assert {row["article"] for row in found} == {ID + "source/article"}


def test_provenance_positions_resolve_to_the_facts(store):
    """With the article at hand, the positions the query gives are the passages stating the
    figure: its wording ("around $89,000") and its table row's cells."""
    text = article_text()
    found = run(store, "provenance")
    prose, table = (text[row["start"]:row["end"]] for row in found)
    assert "Entry-level" in prose and "around $89,000" in prose
    assert all(cell in table for cell in ("Entry-level", "$89,000", "$85,000"))


def test_facts_from_passage(store):
    assert project(run(store, "facts-from-passage"), "kind", "resourceLabel") == [
        ("Claim", "Pay rises with experience, because experienced people have stronger skills "
                  "and contribute more to projects."),
        ("ExperienceLevel", "Entry level"),
        ("ExperienceLevel", "Mid level"),
        ("ExperienceLevel", "Senior"),
        ("SalaryFigure", "Entry-level machine learning engineer salary"),
        ("SalaryFigure", "Mid-level machine learning engineer salary"),
        ("SalaryFigure", "Senior machine learning engineer salary"),
    ]
    found = run(store, "facts-from-passage")
    assert {(row["section"], row["start"] < row["end"]) for row in found} == {
        ("Salary Comparison > Experience Level", True),
    }


def test_facts_from_passage_position_resolves_to_its_figures(store):
    """With the article at hand, the passage's position spans every figure it states."""
    text = article_text()
    row = run(store, "facts-from-passage")[0]
    span = text[row["start"]:row["end"]]
    assert all(wording in span for wording in
               ("around $89,000", "approximately $112,000", "more than $150,000"))


def test_claims_in_article_order(store):
    found = run(store, "claims")
    assert len(found) == 28
    positions = [row["firstPosition"] for row in found]
    assert positions == sorted(positions)
    by_claim = {row["claim"].rsplit("/", 1)[-1]: row for row in found}
    assert by_claim["mle-top-paid-in-technology-and-finance"]["roles"] == (
        "Machine learning engineer"
    )
    assert by_claim["both-salaries-competitive"]["roles"] == (
        "Data scientist & Machine learning engineer"
    )
    assert by_claim["ds-prioritize-exploration-and-hypothesis-testing"]["comparison"] is True
    assert by_claim["demand-will-grow"]["comparison"] is False


def test_comparisons_quote_the_article(store):
    found = run(store, "comparisons")
    assert {row["claim"].rsplit("/", 1)[-1] for row in found} >= {
        "mle-productionize-data-scientist-models",
        "ds-prioritize-exploration-and-hypothesis-testing",
        "primary-difference",
    }
    assert all(row["section"] and 0 <= row["start"] < row["end"] for row in found)
    assert all("quote" not in row for row in found)


def test_external_links(store):
    assert project(run(store, "external-links"), "resource", "match", "sourceLabel") == [
        (DS, "http://data.europa.eu/esco/occupation/258e46f9-0075-4a2e-adae-1ff0477e0f30",
         "ESCO"),
        (DS, "https://www.onetonline.org/link/summary/15-2051.00", "O*NET OnLine"),
    ]


def test_tool_purposes(store):
    found = {row["toolLabel"]: row for row in run(store, "tool-purposes")}
    assert len(found) == 14
    assert "large datasets" in found["Hadoop"]["usedFor"]
    assert found["Git"]["skillLabel"] == "Version control"


def test_skills_and_tools_by_category(store):
    found = run(store, "skills-and-tools-by-category")
    assert len(found) == 28 + 14
    big_data = project([r for r in found if r["categoryLabel"] == "Big data"], "kind",
                       "memberLabel")
    assert big_data == [("skill", "Big data technologies"), ("tool", "Hadoop"), ("tool", "Spark")]


def test_the_model_document_examples_run(store):
    doc = (QUERIES.parent / "docs" / "model.md").read_text(encoding="utf-8")
    examples = re.findall(r"```sparql\n(.*?)```", doc, re.DOTALL)
    runnable = [text for text in examples if "SELECT" in text]
    assert len(runnable) >= 3
    for text in runnable:
        assert select(store, text), text


def test_every_query_file_is_tested_for_its_answer():
    """Keep this list in step with the library: a new query gets an answer test."""
    answered = {
        name.removeprefix("test_").replace("_", "-")
        for name in globals()
        if name.startswith("test_")
    }
    aliases = {
        "skills-only-one-role": "skills-only-one-role-needs",
        "highest-salary-per-role": "highest-salary-per-role",
        "search-labels": "search-by-name",
        "salary-figures": "every-salary-figure",
        "claims": "claims-in-article-order",
        "comparisons": "comparisons-quote-the-article",
    }
    missing = [
        path.stem for path in sorted(QUERIES.glob("*.rq"))
        if aliases.get(path.stem, path.stem) not in answered
    ]
    assert missing == []
