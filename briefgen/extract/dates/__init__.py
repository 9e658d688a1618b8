"""Date expressions in text → ISO partial dates ("YYYY", "YYYY-MM", "YYYY-MM-DD").

``find_dates`` finds every date expression in a text and resolves it: explicit dates
("23 January 2018", "June 2019", "2018-01-23", "in 2016", "(March 1967)"), ranges
("2008-2009": two mentions), day-months without a year ("on December 10", which take the
year the passage is about), and relative ones ("last month", "in June of this year",
"yesterday", "the following year") resolved against the document's publication date. A
text that gives no date gives no mention: nothing ever defaults to the publication date.
``pick_date`` chooses the mention that dates an event; ``parse_date`` normalises a
free-form date string (e.g. from metadata); ``frame_dates`` dates a report's undated facts
by the event they continue.

Month names, weekday names, relative words and the words that mark a four-digit number as
a quantity rather than a year are data: ``briefgen/lexicons/languages/<lang>/dates.yaml``.
Each language's file is read and compiled once per process.

The package, in the order a text goes through it:

    values.py      year bounds, the reference dates resolve against, date arithmetic
    grammar.py     a language's dates.yaml → compiled patterns (``_grammar``)
    resolvers.py   what a matched expression means given the reference
    candidates.py  text → candidate expressions, the longest non-overlapping kept
    mentions.py    ``DateMention``, ``find_dates``: candidates → resolved mentions
    picking.py     ``pick_date``: mentions → the one that dates an event
    parsing.py     ``parse_date``: a free-form date string → ISO
    frames.py      ``frame_dates``: a report's undated facts → the date of their event
"""

from __future__ import annotations

from briefgen.extract.dates.frames import FRAME_DAYS, frame_dates
from briefgen.extract.dates.grammar import _grammar as _grammar
from briefgen.extract.dates.grammar import _lexicon_path as _lexicon_path
from briefgen.extract.dates.mentions import DateMention, find_dates
from briefgen.extract.dates.parsing import parse_date
from briefgen.extract.dates.picking import pick_date
from briefgen.extract.dates.values import ISO_PARTIAL, PRECISIONS, YEAR_MAX, YEAR_MIN

__all__ = [
    "FRAME_DAYS",
    "ISO_PARTIAL",
    "PRECISIONS",
    "YEAR_MAX",
    "YEAR_MIN",
    "DateMention",
    "find_dates",
    "frame_dates",
    "parse_date",
    "pick_date",
]
