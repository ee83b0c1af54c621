"""Search keys for items: name, codes, pinyin initials (every reading of polyphonic characters), full pinyin.

The key is stored on the row (Item.search_key) so a search is a single case-insensitive LIKE; the initials
list covers each combination of readings of characters such as 重/长/行, capped so a name full of
polyphonic characters cannot blow the column up.
"""

import itertools
import re

from pypinyin import Style, lazy_pinyin, pinyin

# 2^6 combinations cover names with six two-reading characters; beyond that the default readings win.
MAX_INITIAL_COMBINATIONS = 64
# Longer queries cannot match anything useful; cutting them keeps every request cheap.
MAX_QUERY_LENGTH = 60

_HAN = re.compile(r"[\u3400-\u9fff]")


def _initial_choices(text: str) -> list[list[str]]:
    """For each character worth keeping, the list of letters it may start with."""
    choices = []
    for char in text:
        if _HAN.match(char):
            readings = pinyin(char, style=Style.FIRST_LETTER, heteronym=True)[0]
            letters = list(dict.fromkeys(r[:1].lower() for r in readings if r and r[:1].isascii()))
            if letters:
                choices.append(letters)
        elif char.isascii() and char.isalnum():
            choices.append([char.lower()])
    return choices


def initials(text: str) -> list[str]:
    """Every initials string of `text` (default reading first), at most MAX_INITIAL_COMBINATIONS."""
    choices = _initial_choices(text)
    if not choices:
        return []
    return [
        "".join(combo) for combo in itertools.islice(itertools.product(*choices), MAX_INITIAL_COMBINATIONS)
    ]


def full_pinyin(text: str) -> str:
    return "".join(p for p in lazy_pinyin(text, errors="ignore")).lower()


def search_key(*texts: str) -> str:
    parts: list[str] = []
    for text in texts:
        if not text:
            continue
        parts.append(text.lower())
        if _HAN.search(text):
            parts.extend(initials(text))
            parts.append(full_pinyin(text))
    # "|" never appears in a normalised query, so a match cannot straddle two parts.
    return "|".join(dict.fromkeys(parts))


def normalise_query(q: str | None) -> str:
    """What a search box sent, made safe to match: trimmed, capped, no separators, lower case."""
    if not q:
        return ""
    q = "".join(ch for ch in q[: MAX_QUERY_LENGTH * 4] if ch.isprintable() and ch not in "|")
    return re.sub(r"\s+", "", q).lower()[:MAX_QUERY_LENGTH]
