"""Free-form date strings (e.g. from a page's metadata) → ISO partial dates (``parse_date``)."""

from __future__ import annotations

import re

from briefgen.extract.dates.grammar import _grammar
from briefgen.extract.dates.mentions import find_dates
from briefgen.extract.dates.values import ISO_PARTIAL, _split_iso, _valid

_TIME_TAIL = re.compile(
    r"^[\sT,]*(?:\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[ap]\.?m\.?)?)?\s*"
    r"(?:Z|[+-]\d{2}:?\d{2}|[A-Z]{2,5})?\s*$",
    re.I,
)


def parse_date(value: str, *, language: str = "en") -> str | None:
    """Normalise a free-form date ("December 21, 2019", "21 Dec 2019", "2019") to ISO.

    A trailing time or time zone ("2019-12-21T10:00:00Z", "Dec 21, 2019 10:00 AM") is
    ignored. Anything else left over (words, a second date) makes it not a date.

    Args:
        value (str): the string, e.g. from a page's metadata.
        language (str): which month names to accept.

    RETURNS (str | None): an ISO partial date, or None if ``value`` is not a date.
    """
    if not isinstance(value, str):
        return None
    value = value.strip()
    if ISO_PARTIAL.match(value):
        year, month, day = _split_iso(value)
        return value if year is not None and _valid(year, month, day) else None
    iso = re.match(r"^(\d{4}-\d{2}-\d{2})[T ]", value)
    if iso and _TIME_TAIL.match(value[iso.end() - 1 :]):
        return parse_date(iso.group(1))
    mentions = [m for m in find_dates(value, language=language) if not m.relative]
    if len(mentions) != 1:
        return None
    mention = mentions[0]
    head = value[: mention.start]
    g = _grammar(language)
    if re.search(r"\w", head) and not all(
        w.lower().rstrip(".") in g.weekday_of for w in re.findall(r"[^\W\d]+\.?", head)
    ):
        return None
    if not _TIME_TAIL.match(value[mention.end :]):
        return None
    return mention.value
