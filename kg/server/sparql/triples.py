"""Triple patterns, RDF terms, triple terms and reification (SPARQL 1.2), and VALUES rows;
property paths are in :mod:`kg.server.sparql.paths`."""

from __future__ import annotations

from kg.server.sparql.paths import Paths, Rule


class Triples(Paths):
    """``TriplesSameSubject`` (templates) and ``TriplesSameSubjectPath`` (patterns)."""

    # --- subjects and objects ------------------------------------------------------------

    def triples_same_subject(self, pos: int, path: bool = False) -> int:
        """``TriplesSameSubject`` or (``path``) ``TriplesSameSubjectPath``."""
        not_empty = self.property_list_path if path else self.property_list
        end = self.reified_triple(pos)
        if end >= 0:
            return self._optional(self.ws(end), not_empty)
        end = self.var_or_term(pos)
        if end >= 0:
            end = not_empty(self.ws(end))
            if end >= 0:
                return end
        end = self.collection(pos, path)
        if end < 0:
            end = self._nested(pos, "[", not_empty, "]")
        return self._optional(self.ws(end), not_empty) if end >= 0 else -1

    def _optional(self, pos: int, rule: Rule) -> int:
        end = rule(pos)
        return end if end >= 0 else pos

    def property_list(self, pos: int) -> int:
        """``PropertyListNotEmpty``: ``Verb ObjectList (; Verb ObjectList)*``."""
        return self._property_list(pos, self.verb, self.object_list)

    def property_list_path(self, pos: int) -> int:
        """``PropertyListPathNotEmpty``: verbs may be property paths."""
        return self._property_list(pos, self._verb_path_or_simple, self.object_list_path)

    def _property_list(self, pos: int, verb: Rule, objects: Rule) -> int:
        end = verb(pos)
        if end >= 0:
            end = objects(self.ws(end))
        if end < 0:
            return -1
        end = self.ws(end)
        while self.s.startswith(";", end):
            end = self.ws(end + 1)
            nxt = verb(end)
            if nxt >= 0:
                nxt = objects(self.ws(nxt))
                if nxt >= 0:
                    end = self.ws(nxt)
        return end

    def _verb_path_or_simple(self, pos: int) -> int:
        return self._first(pos, self.path, self.var)

    def object_list(self, pos: int) -> int:
        """``ObjectList``: ``Object (, Object)*`` with annotations."""
        return self._objects(pos, self.graph_node, self.property_list)

    def object_list_path(self, pos: int) -> int:
        """``ObjectListPath``."""
        return self._objects(pos, self.graph_node_path, self.property_list_path)

    def _objects(self, pos: int, node: Rule, annotation_list: Rule) -> int:
        end = self._object(pos, node, annotation_list)
        if end < 0:
            return -1
        while self.s.startswith(",", end):
            nxt = self._object(self.ws(end + 1), node, annotation_list)
            if nxt < 0:
                break
            end = nxt
        return end

    def _object(self, pos: int, node: Rule, annotation_list: Rule) -> int:
        """``Object``: a node then its annotations (``~ reifier``, ``{| … |}``), spaces."""
        end = node(pos)
        if end < 0:
            return -1
        end = self.ws(end)
        while True:
            nxt = self._annotation(end, annotation_list)
            if nxt < 0:
                return end
            end = nxt

    def _annotation(self, pos: int, annotation_list: Rule) -> int:
        if self.s.startswith("~", pos):
            end = self.ws(pos + 1)
            end = self._optional(end, self._reifier_id)
            end = self.ws(end)
            block = self._nested(end, "{|", annotation_list, "|}")
            return self.ws(block if block >= 0 else end)
        block = self._nested(pos, "{|", annotation_list, "|}")
        return self.ws(block) if block >= 0 else -1

    def _reifier_id(self, pos: int) -> int:
        return self._first(pos, self.var, self.iri, self.blank_node)

    def graph_node(self, pos: int) -> int:
        """``GraphNode``: a reified triple, a term, a collection or a blank node list."""
        end = self._first(pos, self.reified_triple, self.var_or_term)
        if end >= 0:
            return end
        end = self.collection(pos, False)
        return end if end >= 0 else self._nested(pos, "[", self.property_list, "]")

    def graph_node_path(self, pos: int) -> int:
        """``GraphNodePath``."""
        end = self._first(pos, self.reified_triple, self.var_or_term)
        if end >= 0:
            return end
        end = self.collection(pos, True)
        return end if end >= 0 else self._nested(pos, "[", self.property_list_path, "]")

    def collection(self, pos: int, path: bool) -> int:
        """``Collection``/``CollectionPath``: ``( node+ )``."""
        if not self.s.startswith("(", pos):
            return self.fail(pos, "'('")
        node = self.graph_node_path if path else self.graph_node
        self.enter(pos)
        end, count = self.ws(pos + 1), 0
        while True:
            nxt = node(end)
            if nxt < 0:
                break
            end, count = self.ws(nxt), count + 1
        self.leave()
        return self.lit(end, ")") if count else -1

    def var_or_term(self, pos: int) -> int:
        """``VarOrTerm``."""
        return self._first(
            pos,
            self.var,
            self.triple_term,
            self.iri,
            self.rdf_literal,
            self.numeric_literal,
            self.boolean_literal,
            self.blank_node,
            self.nil,
        )

    # --- SPARQL 1.2 triple terms and reification -----------------------------------------

    def reified_triple(self, pos: int) -> int:
        """``ReifiedTriple``: ``<< subject verb object ~reifier? >>``."""
        return self._nested(pos, "<<", self._reified_triple_inner, ">>")

    def _reified_triple_inner(self, pos: int) -> int:
        end = self._reified_object(pos)
        if end >= 0:
            end = self.verb(self.ws(end))
        if end >= 0:
            end = self._reified_object(self.ws(end))
        if end < 0:
            return -1
        end = self.ws(end)
        if self.s.startswith("~", end):
            return self._optional(self.ws(end + 1), self._reifier_id)
        return end

    def _reified_object(self, pos: int) -> int:
        return self._first(
            pos,
            self.var,
            self.triple_term,
            self.reified_triple,
            self.iri,
            self.rdf_literal,
            self.numeric_literal,
            self.boolean_literal,
            self.blank_node,
        )

    def triple_term(self, pos: int) -> int:
        """``TripleTerm``: ``<<( subject verb object )>>``."""
        return self._nested(pos, "<<(", self._triple_term_inner, ")>>")

    def _triple_term_inner(self, pos: int) -> int:
        end = self._triple_term_object(pos)
        if end >= 0:
            end = self.verb(self.ws(end))
        return self._triple_term_object(self.ws(end)) if end >= 0 else -1

    def _triple_term_object(self, pos: int) -> int:
        return self._first(
            pos,
            self.var,
            self.triple_term,
            self.iri,
            self.rdf_literal,
            self.numeric_literal,
            self.boolean_literal,
            self.blank_node,
        )

    def triple_term_data(self, pos: int) -> int:
        """``TripleTermData``: a triple term of constants whose subject is an IRI."""
        if not self.s.startswith("<<(", pos):
            return self.fail(pos, "'<<('")
        self.enter(pos)
        subject = self.ws(pos + 3)
        end = self._triple_term_data_object(subject)
        if end >= 0 and self.iri(subject) != end:
            end = -1  # literals and triple terms are not allowed as subjects
        if end >= 0:
            end = self._first(self.ws(end), self.iri, self._a)
        if end >= 0:
            end = self._triple_term_data_object(self.ws(end))
        self.leave()
        return self.lit(self.ws(end), ")>>") if end >= 0 else -1

    def _triple_term_data_object(self, pos: int) -> int:
        return self._first(
            pos,
            self.triple_term_data,
            self.iri,
            self.rdf_literal,
            self.numeric_literal,
            self.boolean_literal,
        )

    # --- VALUES ------------------------------------------------------------------------

    def data_block_value(self, pos: int) -> int:
        """``DataBlockValue``: a constant or ``UNDEF``."""
        end = self._first(
            pos,
            self.triple_term_data,
            self.iri,
            self.rdf_literal,
            self.numeric_literal,
            self.boolean_literal,
        )
        return end if end >= 0 else self.kw(pos, "UNDEF")
