"""Export of a requirement graph or overlap view: node-link JSON, GraphML or GEXF (for Gephi,
Cytoscape and networkx)."""

from __future__ import annotations

import io
import json
import re

import networkx as nx

__all__ = ["EXPORT_FORMATS", "export_graph"]

#: format → (media type, file extension)
EXPORT_FORMATS = {
    "json": ("application/json", ".json"),
    "graphml": ("application/graphml+xml", ".graphml"),
    "gexf": ("application/gexf+xml", ".gexf"),
}

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _portable(value):
    """An attribute value every format can store: no None, lists joined, XML-safe text."""
    if isinstance(value, tuple | list | set | frozenset):
        value = " ".join(str(v) for v in value)
    if isinstance(value, str):
        return _XML_INVALID.sub("\ufffd", value)
    return value


def export_graph(G: nx.Graph, fmt: str = "json") -> bytes:
    """Serialize a graph as node-link JSON, GraphML or GEXF (for Gephi and Cytoscape).

    Parameters
    ----------
    G : networkx.Graph
        Usually an :func:`overlap_view`.
    fmt : {"json", "graphml", "gexf"}
        The format (see :data:`EXPORT_FORMATS` for media types).

    Returns
    -------
    bytes
        UTF-8 text.

    Attribute values become portable: absent values are left out, tuples (``codes``,
    ``broader``) become space-separated text.  Read the result back with
    :func:`networkx.node_link_graph`, :func:`networkx.read_graphml` or
    :func:`networkx.read_gexf`.

    Examples
    --------
    >>> from careerkg.graph.overlap import requirements_from_dict
    >>> G = requirements_from_dict({"a": ["x"]})
    >>> H = nx.node_link_graph(json.loads(export_graph(G, "json")))
    >>> sorted(H.edges)
    [('a', 'x')]
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown graph format {fmt!r}; use one of: {', '.join(EXPORT_FORMATS)}")
    H = nx.Graph()
    H.graph.update({k: _portable(v) for k, v in G.graph.items()
                    if v is not None and not isinstance(v, dict)})
    for node, data in G.nodes(data=True):
        H.add_node(node, **{k: _portable(v) for k, v in data.items() if v is not None})
    for a, b, data in G.edges(data=True):
        H.add_edge(a, b, **{k: _portable(v) for k, v in data.items() if v is not None})
    if fmt == "json":
        return json.dumps(nx.node_link_data(H), ensure_ascii=False, indent=1).encode()
    if fmt == "graphml":
        out = io.BytesIO()
        nx.write_graphml(H, out, encoding="utf-8")
        return out.getvalue()
    out = io.BytesIO()
    nx.write_gexf(H, out, encoding="utf-8")
    return out.getvalue()
