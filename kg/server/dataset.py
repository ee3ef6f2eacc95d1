"""The RDF dataset a query runs on, with SPARQL 1.1 dataset semantics.

* The protocol's ``default-graph-uri``/``named-graph-uri`` parameters, when given, define the
  dataset and override the query's own ``FROM``/``FROM NAMED`` (SPARQL 1.1 Protocol §2.1.4): the
  default graph is the merge of the listed default graphs (empty when only named graphs are
  listed), and only the listed named graphs can be reached with ``GRAPH``.
* Otherwise a query with ``FROM``/``FROM NAMED`` gets exactly the graphs it names (Query §13.2:
  with ``FROM NAMED`` alone its default graph is empty).
* Otherwise the default graph is the union of all graphs (the endpoint's advertised
  ``sd:UnionDefaultGraph``) and every named graph can be reached with ``GRAPH``.

pyoxigraph applies ``FROM`` itself, but only when it is not told to use the union default
graph, so the union is asked for only when the query names no dataset.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from kg.query.sparqltext import has_dataset_clause


def dataset_options(
    query: str,
    default_graphs: Sequence[str] = (),
    named_graphs: Sequence[str] = (),
    has_dataset: bool | None = None,
) -> dict[str, object]:
    """Keyword arguments of ``Store.query`` that give ``query`` its dataset; ``has_dataset``
    is whether the query has FROM clauses, when its parse says (else the text is scanned).

    Raises:
        ValueError: a graph IRI is not a valid IRI.
    """
    if default_graphs or named_graphs:
        return {
            "default_graph": [ox.NamedNode(g) for g in default_graphs],
            "named_graphs": [ox.NamedNode(g) for g in named_graphs],
        }
    if has_dataset_clause(query) if has_dataset is None else has_dataset:
        return {}
    return {"use_default_graph_as_union": True}


__all__ = ["dataset_options"]
