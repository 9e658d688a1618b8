"""Language: a document's text → the ISO 639-1 code of the language it is written in.

Counted, not guessed: each cues/<language>.yaml lists that language's most frequent
function words (``stopwords``); a word listed for one language only is evidence for it,
and the language with the most evidence in the opening of the text wins. Spanish and
Portuguese share many short words ("de", "que", "se"), so only the words that set them
apart count. A text with too little evidence keeps the default. The analyst's
``language:`` in sources.yaml always wins over this.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

CUES_DIR = Path(__file__).parent / "cues"
#: How much of a text is read (the opening says enough, and keeps this cheap).
SAMPLE_CHARS = 20_000
#: Fewest distinctive words before a language is named.
MIN_EVIDENCE = 3
_WORD = re.compile(r"[^\W\d_]+")


@cache
def _distinctive(cues_dir: Path = CUES_DIR) -> dict[str, str]:
    """Each stopword that only one language's file lists → that language."""
    lists: dict[str, set[str]] = {}
    for path in sorted(cues_dir.glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or {}
        words = {str(w).lower() for w in data.get("stopwords") or []}
        if words:
            lists[path.stem] = words
    out: dict[str, str] = {}
    for language, words in lists.items():
        others = set().union(*(w for other, w in lists.items() if other != language))
        out.update(dict.fromkeys(words - others, language))
    return out


def detect_language(text: str, default: str = "en") -> str:
    """The language ``text`` is written in, by counts of distinctive function words.

    Args:
        text (str): a document's clean text.
        default (str): returned when the evidence is too thin (an empty or tiny text).
    RETURNS (str): e.g. "es"; one of the languages with a cues/ file, or ``default``.
    """
    table = _distinctive()
    counts: dict[str, int] = {}
    for word in _WORD.findall(text[:SAMPLE_CHARS].lower()):
        language = table.get(word)
        if language is not None:
            counts[language] = counts.get(language, 0) + 1
    if not counts:
        return default
    best = max(counts, key=lambda k: (counts[k], k == default))
    return best if counts[best] >= MIN_EVIDENCE else default
