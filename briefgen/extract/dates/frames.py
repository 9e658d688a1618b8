"""A news report's facts → the same facts, undated ones dated by the event they continue.

``frame_dates`` gives a sentence without a date of its own the date of the dated
statement about the same country it follows (or, in the lede and the headline, the one
the body gives next), when that date is the report's own news: within ``FRAME_DAYS`` of
publication.
"""

from __future__ import annotations

import datetime as dt
import re

from briefgen.extract.dates.values import _split_iso

# Genres whose undated sentences do not tell one dated event (an analysis spans years).
_FRAMELESS_KINDS = ("opinion", "analysis", "academic", "commentary", "essay", "review")
# How far from publication a date may lie and still be the report's own event.
FRAME_DAYS = 31


def frame_dates(facts: list, doc) -> list:
    """Give undated facts of a news report the date of the event they continue.

    A report tells one event at a time: a sentence without a date of its own that
    follows a dated statement about the same country continues it ("The frigate docked
    on Tuesday. Its crew laid a wreath."), so it takes that date, when the date is the
    report's own news (within ``FRAME_DAYS`` of publication), not background history.
    A sentence before any dated one about its country is the lede, which tells the news
    and leaves its date to a later sentence ("Russia will send two frigates. The
    ministry said on Monday they sail on 3 May."): it takes the first such date in the
    frame. A headline (the line that reads as the title) takes the date the body gives
    for the same country (the first one in the frame), and a headline dated only
    coarsely ("next week": a month) takes the body's more precise date inside it.
    Analysis and opinion pieces (``doc.kind``) and documents without a publication date
    are left as they are: nothing is ever dated by the publication date alone.

    Args:
        facts (list[Fact]): one document's facts, in text order.
        doc (Document): their document (text, published, kind).

    RETURNS (list[Fact]): the same facts, undated ones dated where the frame says so.
    """
    kind = (doc.kind or "").lower()
    if not facts or any(k in kind for k in _FRAMELESS_KINDS):
        return facts
    published = _split_iso(doc.published)
    if published[0] is None or published[1] is None:
        return facts
    headline_end = _headline_end(doc)
    ordered = sorted(facts, key=lambda f: f.quote.start)
    told = [(f.quote.start, f.country, f.date) for f in ordered if f.date]
    for fact in ordered:
        start = fact.quote.start
        same = [(s, d) for s, cc, d in told if cc == fact.country]
        if start < headline_end:
            later = [d for s, d in same if s >= headline_end and _in_frame(d, published)]
            if fact.date is None and later:
                fact.date = later[0]
            elif fact.date and later:
                finer = [d for d in later if len(d) > len(fact.date) and d.startswith(fact.date)]
                if finer:
                    fact.date = finer[0]
            continue
        if fact.date is not None:
            continue
        before = [d for s, d in same if s < start]
        if before and _in_frame(before[-1], published):
            fact.date = before[-1]
        elif not before:  # the lede: the news first, its date in a later sentence
            after = [d for s, d in same if s > start]
            if after and _in_frame(after[0], published):
                fact.date = after[0]
    return facts


def _headline_end(doc) -> int:
    """End of the headline: the line that reads as the document's title (a site banner or
    a section name may stand above it), else the first line of four words or more among
    the first three outside boilerplate, when it has no final full stop; 0 when the text
    opens with a paragraph."""
    text = doc.text
    skip = [
        (r.start, r.end) for r in getattr(doc, "regions", None) or [] if r.kind == "boilerplate"
    ]
    title = _normal_line(doc.title or "")
    lines = [
        m
        for m in re.finditer(r"[^\n]+", text[:_HEADLINE_WINDOW])
        if m.group().strip() and not any(s <= m.start() < e for s, e in skip)
    ]
    if title:
        for m in lines:
            line = _normal_line(m.group())
            if line and (line == title or (len(line) >= 20 and title.startswith(line))):
                return m.end()
    for m in lines[:3]:
        line = m.group().strip()
        if len(line.split()) >= 4:
            ok = len(line) <= 200 and not line.endswith((".", ":"))
            return m.end() if ok else 0
    return 0


# How far into a text a headline may stand (below a site's banner and menus).
_HEADLINE_WINDOW = 1500


def _normal_line(line: str) -> str:
    """A line for comparing with a title: letters and digits, case-folded."""
    return " ".join(re.findall(r"\w+", line.casefold()))


def _in_frame(value: str, published: tuple[int | None, int | None, int | None]) -> bool:
    """Whether an ISO partial date lies within FRAME_DAYS of publication (at the precision
    both have)."""
    year, month, day = _split_iso(value)
    if year is None or month is None:
        return False
    pub_year, pub_month, pub_day = published
    if pub_year is None or pub_month is None:
        return False
    if day is None or pub_day is None:
        return abs((year * 12 + month) - (pub_year * 12 + pub_month)) <= 1
    gap = dt.date(year, month, day) - dt.date(pub_year, pub_month, pub_day)
    return abs(gap.days) <= FRAME_DAYS
