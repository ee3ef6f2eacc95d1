"""Graph patterns: group graph patterns, OPTIONAL/UNION/GRAPH/SERVICE/BIND/VALUES.

The query forms that contain them, and the entry point, are in :mod:`kg.server.sparql.query`.
"""

from __future__ import annotations

from typing import ClassVar

from kg.server.sparql.triples import Triples


class Patterns(Triples):
    """Graph patterns (the query forms are :class:`kg.server.sparql.query.Query`)."""

    _PATTERN_WORDS: ClassVar[dict[str, tuple[str, str]]] = {
        word[0]: (word, rule)
        for word, rule in (
            ("OPTIONAL", "group_graph_pattern"),
            ("LATERAL", "group_graph_pattern"),
            ("MINUS", "group_graph_pattern"),
            ("GRAPH", "_graph"),
            ("SERVICE", "_service"),
            ("FILTER", "constraint"),
            ("BIND", "_bind"),
            ("VALUES", "data_block"),
        )
    }

    # --- group graph patterns ------------------------------------------------------------

    def group_graph_pattern(self, pos: int) -> int:
        """``GroupGraphPattern``: ``{ GroupGraphPatternSub }`` / ``{ SubSelect }``."""
        if not self.s.startswith("{", pos):
            return self.fail(pos, "'{'")
        self.enter(pos)
        start = self.ws(pos + 1)
        end = -1
        for rule in (self._group_sub, self.sub_select):  # pyoxigraph's two alternatives
            self.clear_bnodes()
            end = rule(start)
            if end >= 0:
                self.clear_bnodes()
                end = self.lit(self.ws(end), "}")
                if end >= 0:
                    break
        self.leave()
        return end

    def _group_sub(self, pos: int) -> int:
        """``GroupGraphPatternSub``: triples, then patterns each followed by triples."""
        end = self.ws(self._optional(pos, self.triples_block))
        count = 0
        while True:
            nxt = self._graph_pattern_not_triples(end)
            if nxt < 0:
                break
            nxt = self.ws(nxt)
            if self.s.startswith(".", nxt):
                nxt = self.ws(nxt + 1)
            end = self.ws(self._optional(nxt, self.triples_block))
            self.grow(end, 1)
            count += 1
        self.tree -= count
        return end

    def triples_block(self, pos: int) -> int:
        """``TriplesBlock``: ``TriplesSameSubjectPath`` separated by ``.``, optional last ``.``."""
        end = self.triples_same_subject(self.ws(pos), path=True)
        if end < 0:
            return -1
        end = self.ws(end)
        while self.s.startswith(".", end):
            nxt = self.triples_same_subject(self.ws(end + 1), path=True)
            if nxt < 0:
                return self.ws(end + 1)  # the trailing "." _
            end = self.ws(nxt)
        return end

    def _graph_pattern_not_triples(self, pos: int) -> int:
        """``GraphPatternNotTriples``, in pyoxigraph's order."""
        if self.s.startswith("{", pos):
            return self._union(pos)
        # The eight keywords start with eight different letters: only one can match here.
        entry = self._PATTERN_WORDS.get(self.s[pos : pos + 1].upper())
        if entry is None:
            return self.fail(pos, "a graph pattern")
        word, rule_name = entry
        after = self.kw(pos, word)
        end = getattr(self, rule_name)(self.ws(after)) if after >= 0 else -1
        if end >= 0 and word == "SERVICE":
            self.services.append(pos)
        return end

    def _union(self, pos: int) -> int:
        end = self.group_graph_pattern(pos)
        if end < 0:
            return -1
        end, count = self.ws(end), 0
        while True:
            after = self.kw(end, "UNION")
            if after < 0:
                break
            self.grow(end, 1)
            count += 1
            nxt = self.group_graph_pattern(self.ws(after))
            if nxt < 0:
                break
            end = self.ws(nxt)
        self.tree -= count
        return end

    def _graph(self, pos: int) -> int:
        end = self.var_or_iri(pos)
        return self.group_graph_pattern(self.ws(end)) if end >= 0 else -1

    def _service(self, pos: int) -> int:
        """``SERVICE SILENT? VarOrIri GroupGraphPattern`` (recorded: the guard refuses it)."""
        silent = self.kw(pos, "SILENT")
        for start in ([self.ws(silent)] if silent >= 0 else []) + [pos]:
            end = self.var_or_iri(start)
            if end >= 0:
                end = self.group_graph_pattern(self.ws(end))
            if end >= 0:
                return end
        return -1

    def _bind(self, pos: int) -> int:
        end = self.lit(pos, "(")
        return self.expression_as(pos, end) if end >= 0 else -1

    def expression_as(self, pos: int, inner: int) -> int:
        """``Expression AS Var )`` from ``inner``, inside the bracket opened at ``pos`` (BIND
        and a SELECT projection)."""
        self.enter(pos)
        end = self.expression(self.ws(inner))
        self.leave()
        if end >= 0:
            end = self.kw(self.ws(end), "AS")
        if end >= 0:
            end = self.var(self.ws(end))
        return self.lit(self.ws(end), ")") if end >= 0 else -1

    def data_block(self, pos: int) -> int:
        """``DataBlock``: ``?x { values }`` / ``( ?x ?y ) { ( values ) … }``."""
        end = self.var(pos)
        if end >= 0:
            end = self.lit(self.ws(end), "{")
            if end >= 0:
                end = self.ws(end)
                while (nxt := self.data_block_value(end)) >= 0:
                    end = self.ws(nxt)
                end = self.lit(end, "}")
                if end >= 0:
                    return end
        return self._data_block_full(pos)

    def _data_block_full(self, pos: int) -> int:
        end = self.lit(pos, "(")
        if end < 0:
            return -1
        end, names = self.ws(end), []
        while (nxt := self.var(end)) >= 0:
            names.append(self.s[end + 1 : nxt])
            end = self.ws(nxt)
        end = self.lit(self.ws(end), ")")
        if end < 0:
            return -1
        end = self.lit(self.ws(end), "{")
        if end < 0:
            return -1
        end = self.ws(end)
        rows_ok = True
        while self.s.startswith("(", end):
            row, count = self.ws(end + 1), 0
            while (nxt := self.data_block_value(row)) >= 0:
                row, count = self.ws(nxt), count + 1
            row = self.lit(self.ws(row), ")")
            if row < 0:
                break
            rows_ok = rows_ok and count == len(names)
            end = self.ws(row)
        end = self.lit(end, "}")
        if end < 0 or not rows_ok or len(set(names)) != len(names):
            return -1  # pyoxigraph: repeated variables or a row of the wrong length
        return end

    def sub_select(self, pos: int) -> int:
        """``SubSelect``: defined with the query forms (:class:`kg.server.sparql.query.Query`)."""
        raise NotImplementedError
