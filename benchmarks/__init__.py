"""Benchmarks: careerkg side by side with `oxigraph serve`, pyoxigraph, rdflib and networkx.

Run everything with ``python -m benchmarks`` (``--quick`` for smaller sizes); see
``docs/benchmarks.md`` for the method and how to read the table.
"""
