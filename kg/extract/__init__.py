"""Stage ``extract``: draft assessments from TIP-style narratives (``kg extract``).

Takes plain text and the reference countries and regions; gives an :class:`Extraction` (roles,
forms, who goes where, tier, effort findings, each with a sentence locator) and a draft
assessment YAML that a person reviews before it joins ``data/``. Rules over a tokenizer and
gazetteers, no statistical model. May import the base layer (``kg.errors``, ``kg.vocab``) and
the source layer (``kg.sources``, ``kg.reader``, ``kg.records``, ``kg.parse``,
``kg.countrymatch``, ``kg.countryaliases``); never the graph or anything above it.
"""

from __future__ import annotations
