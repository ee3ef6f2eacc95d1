"""What an assessment file may refer to while it is parsed (shared by the assessment and
curation parsers)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping

from kg.core.errors import Location
from kg.source.hints import place_hint
from kg.source.reader import Obj
from kg.source.records import Records, Vocabulary, ref


class Ctx:
    """What an assessment file may refer to while it is parsed."""

    def __init__(self, records: Records, vocab: Vocabulary):
        self.records, self.vocab = records, vocab
        self.geo = records.geo_ids()
        #: Hints for unknown places: anything (country or region), or countries only.
        self.place = functools.partial(place_hint, records=records, regions=True)
        self.country = functools.partial(place_hint, records=records, regions=False)
        self.ids: dict[str, dict[str, Location]] = {
            k: {} for k in ("flow", "policy", "claim", "resolution", "recommendation")
        }

    def concepts(
        self, obj: Obj, key: str, scheme: str, kind: str, *, required: bool = False
    ) -> tuple[str, ...]:
        """Map a list of short names to concept IRIs."""
        names = obj.str_list(key, required=required)
        return tuple(
            obj.choice(
                key, self.vocab[scheme], kind, index=None if isinstance(obj.data[key], str) else i
            )
            for i, _ in enumerate(names)
        )

    def concept(
        self, obj: Obj, key: str, scheme: str, kind: str, *, required: bool = False
    ) -> str | None:
        """Map one short name to its concept IRI."""
        if obj.string(key, required=required) is None:
            return None
        return obj.choice(key, self.vocab[scheme], kind)

    def refs(
        self,
        obj: Obj,
        key: str,
        valid: Mapping[str, object],
        kind: str,
        *,
        required: bool = False,
        hint: Callable[[str], str] | None = None,
    ) -> tuple[str, ...]:
        """Check a list of identifiers against ``valid``."""
        names = obj.str_list(key, required=required)
        if isinstance(obj.data.get(key), str):
            return (ref(obj, key, valid, kind, hint=hint),)
        return tuple(ref(obj, key, valid, kind, index=i, hint=hint) for i, _ in enumerate(names))
