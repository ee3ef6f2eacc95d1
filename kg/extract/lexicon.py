"""Word lists the clause rules read: who is a person, who an offender, which words carry a
place list along, which prepositions give a direction. English function words and the fixed
vocabulary of TIP narratives, not names of places (those are in the gazetteer)."""

from __future__ import annotations

from typing import Final


def words(text: str) -> frozenset[str]:
    """The set of the whitespace-separated words of ``text``."""
    return frozenset(text.split())


#: Nouns for people who can be victims (a demonym or "from X" attached to them is a nationality).
PERSON: Final = words(
    """men women children girls boys adults minors youth youths workers laborers labourers
    migrants nationals citizens people persons individuals victims refugees asylum seekers
    asylum-seekers domestics servants maids students fishermen fisherman seafarers employees
    seekers females males teenagers infants babies families farmers conscripts dancers
    entertainers nurses doctors professionals crew prisoners detainees orphans brides wives
    population populations laborer worker woman man child girl boy adult minor migrant national
    citizen victim refugee person teens teenagers musicians artists performers hostesses
    caregivers herders beggars vendors"""
)
#: Words between a demonym and its head noun ("Cambodian *young* women").
MODIFIERS: Final = words(
    """young adult male female poor rural urban undocumented documented local foreign ethnic
    indigenous unaccompanied low-skilled skilled unskilled semi-skilled low semi domestic economic
    teenage underage vulnerable former runaway street child migrant other some many most
    thousands hundreds dozens of the and or , - overseas illegal irregular legal contract
    seasonal agricultural factory garment female male labor labour sex employment job possibly
    work"""
)
#: Nouns for offenders, customers and institutions: a nationality attached to them is not a
#: victims' origin ("Chinese-owned stores", "Pakistani traffickers", "European tourists").
OFFENDER: Final = words(
    """traffickers trafficker recruiters recruiter agencies agents agent brokers broker employers
    employer owners owner managers manager exploiters exploiter gangs gang networks syndicates
    groups tourists tourist customers customer clients client buyers buyer officials official
    police soldiers military forces militias militants smugglers smuggler operators captains
    husbands government authorities businesses companies firms vessels ships boats fleets
    communities visitors travelers travellers pedophiles criminals perpetrators"""
)
#: Heads that make a demonym or region adjective name a region, not people.
REGION_HEADS: Final = words("countries country states nations region regions")
#: Tokens that continue a list of places without changing its preposition.
LIST_GLUE: Final = words(
    """, and or as well particularly especially mainly mostly primarily predominantly including
    such like possibly reportedly increasingly other neighboring neighbouring nearby surrounding
    countries country states nations parts of the elsewhere various several some many certain
    notably both also even then later e g . ; to a lesser greater much extent part north south
    east west central southeast southwest northeast northwest southern northern eastern western
    - borders border"""
)
#: Prepositions and verbs before a place list, by direction.
FROM_WORDS: Final = words("from")
IN_WORDS: Final = words(
    """in to into within throughout across at inside towards toward onto on aboard around reaching
    entering enter reach"""
)
THROUGH_WORDS: Final = words("through via transit transiting transits crossing")
#: Words before "in" that make the place where people live, not where they are exploited.
RESIDENCE: Final = words("living residing live lives reside resides based settled")
#: Words meaning "elsewhere than the assessed country" or "inside it" when used alone.
ABROAD: Final = words("abroad overseas worldwide")
DOMESTIC: Final = words("domestically internally locally in-country")
#: Adverbs skipped when finding the head before "from" ("migrate *willingly* from").
ADVERBS: Final = words(
    """willingly voluntarily legally illegally mostly primarily mainly often reportedly
    increasingly originally typically usually sometimes generally largely"""
)
#: Verbs of movement or recruitment: "from X" after them gives where victims come from.
MOVE_VERBS: Final = words(
    """migrate migrated migrating come came coming recruited recruit trafficked taken brought
    transported lured moved move travel traveled travelled arrive arrived arriving originate
    originating hail hailing sent smuggled abducted kidnapped sold countries"""
)

__all__ = [
    "ABROAD",
    "ADVERBS",
    "DOMESTIC",
    "FROM_WORDS",
    "IN_WORDS",
    "LIST_GLUE",
    "MODIFIERS",
    "MOVE_VERBS",
    "OFFENDER",
    "PERSON",
    "REGION_HEADS",
    "RESIDENCE",
    "THROUGH_WORDS",
]
