"""Extract: Documents → Facts (diplomatic visits, military cooperation, energy deals).

Each fact is one mention of one event between the power and one country of the region,
with its category, date, actors and the verbatim sentence that states it. Which power,
which region and which words count are lexicon data (briefgen/lexicons/), never code:

    lexicon.py   YAML lexicons → Lexicon
    layout.py    text → blocks (paragraphs, headings, captions, notes)
    matching.py  spaCy blank pipeline + PhraseMatcher/Matcher → sentences with matches
    rules.py     sentence → categories and the countries party to them
    facts.py     sentences + reading context (section, paragraph, notes, dates) → Facts
    dates/       date mentions → ISO partial dates (grammar, candidates, mentions, picking)
"""

from __future__ import annotations

from briefgen.extract.facts import extract_corpus, extract_facts
from briefgen.extract.lexicon import Lexicon, load_lexicon

__all__ = ["Lexicon", "extract_corpus", "extract_facts", "load_lexicon"]
