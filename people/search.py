"""Understanding what someone typed into the find-a-person box, and the
normalised forms of names, postcodes and NHS numbers that searching relies on."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

import nhs_number

_NOT_WORD = re.compile(r"[^a-z0-9\s]")
_SPACES = re.compile(r"\s+")

# A full UK postcode ("WN1 1AA", "SW1A 2AA") or just its outward part ("WN1").
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")
_OUTWARD = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d %m %Y", "%d %B %Y", "%d %b %Y")


def normalise_name(name: str) -> str:
    """Lower case, accents off, hyphens as spaces, other punctuation dropped:
    "Zoë O'Brien-Smith" becomes "zoe obrien smith"."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    plain = plain.replace("-", " ")
    plain = _NOT_WORD.sub("", plain)
    return _SPACES.sub(" ", plain).strip()


def normalise_postcode(value: str) -> str | None:
    """The standard form of a full UK postcode ("wn11aa" -> "WN1 1AA"), or None
    when the value is not one."""
    compact = re.sub(r"\s+", "", (value or "").upper())
    if len(compact) < 5:
        return None
    match = _POSTCODE.match(f"{compact[:-3]} {compact[-3:]}")
    if not match:
        return None
    return f"{match.group(1)} {match.group(2)}"


def normalise_nhs_number(value: str) -> str | None:
    """Ten digits when the value is a valid NHS number (modulus 11), else None."""
    digits = re.sub(r"[\s-]", "", value or "")
    if not re.fullmatch(r"[0-9]{10}", digits):
        return None
    return digits if nhs_number.is_valid(digits) else None


def parse_date(value: str) -> dt.date | None:
    text = _SPACES.sub(" ", (value or "").strip())
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date, not a moment
        except ValueError:
            continue
    return None


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    nhs_number: str = ""
    postcode: str = ""
    postcode_outward: str = ""
    date_of_birth: dt.date | None = None
    name_terms: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (
            self.nhs_number
            or self.postcode
            or self.postcode_outward
            or self.date_of_birth
            or self.name_terms
        )


def parse_search(text: str) -> SearchQuery:
    """Work out whether the box holds an NHS number, a postcode, a date of birth,
    or names (optionally with a date of birth: "Jean Smith 12/3/1950")."""
    text = _SPACES.sub(" ", (text or "").strip())[:200]
    if not text:
        return SearchQuery()
    digits = re.sub(r"[\s-]", "", text)
    if re.fullmatch(r"[0-9]{10}", digits):
        # Search by whatever ten digits were typed: a mistyped number simply
        # finds nobody, which is the honest answer.
        return SearchQuery(text=text, nhs_number=digits)
    if postcode := normalise_postcode(text):
        return SearchQuery(text=text, postcode=postcode)
    if _OUTWARD.match(text.upper()):
        return SearchQuery(text=text, postcode_outward=text.upper())
    if date_of_birth := parse_date(text):
        return SearchQuery(text=text, date_of_birth=date_of_birth)

    # Names, perhaps with a date among them.
    words = text.split(" ")
    date_of_birth = None
    for word in words:
        if re.search(r"[0-9]", word) and (parsed := parse_date(word)):
            date_of_birth = parsed
            words.remove(word)
            break
    terms = normalise_name(" ".join(words)).split()
    return SearchQuery(text=text, date_of_birth=date_of_birth, name_terms=terms[:5])
