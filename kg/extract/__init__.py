"""Stage ``extract``: draft assessments from TIP-style narratives (``kg extract``).

Takes plain text and the reference countries and regions; gives an ``Extraction`` (roles,
forms, who goes where, tier, effort findings, recommendations, each with a sentence
locator) and a draft assessment YAML that a person reviews before it joins ``data/``. Rules
over a tokenizer and gazetteers, no statistical model.

May import: ``kg.core``, ``kg.source``.
"""

from __future__ import annotations
