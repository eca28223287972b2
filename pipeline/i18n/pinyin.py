"""Names in Hanyu Pinyin, for English readers: 索镇第一小学 → Suǒzhèn Dìyī Xiǎoxué.

Names stay in Chinese on the English pages; beside a school's or a town's name the reader gets its pinyin (with tone
marks), so the name can be read aloud and matched with the Chinese. Words are split by jieba (already in the runtime for
the search) after the county's or a town's name at its start (索镇 → Suǒ Zhèn), and each word is spelled by pypinyin, whose phrase
dictionary picks the reading of a character with several. It is a transliteration of the written name, not an official
English name.
"""

from __future__ import annotations

import functools
import logging
import re

from . import CJK

_HAN_RUN = re.compile(r"([\u3400-\u9fff]+)")
_PUNCT = str.maketrans({"（": " (", "）": ")", "、": ", ", "·": " ", "，": ", "})


@functools.cache
def _tokenizer():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba.Tokenizer()


_SUFFIX = re.compile(r"(街道|镇|乡|街|办事处|县|区|市|旗)$")


def _words(piece: str, places: tuple[str, ...]) -> list[str]:
    """A Chinese run split into words: a leading place name as its proper name and its kind (索镇 → 索, 镇; 桓台县 → 桓台,
    县), then jieba."""
    for place in places:
        if piece.startswith(place):
            stem = _SUFFIX.sub("", place) or place
            return [stem, place[len(stem):], *_words(piece[len(place):], places)]
    return _tokenizer().lcut(piece) if piece else []


def pinyin(name: str, places: tuple[str, ...] = ()) -> str:
    """NAME in pinyin: each word a capitalised run of syllables with tone marks, words apart; what is not Chinese as
    written. PLACES (the county's and its towns' names) are split into proper name and kind."""
    from pypinyin import Style, lazy_pinyin

    if not isinstance(name, str) or not CJK.search(name):
        return ""
    places = tuple(sorted(places, key=len, reverse=True))
    out = []
    for piece in _HAN_RUN.split(name.translate(_PUNCT)):
        if not _HAN_RUN.fullmatch(piece or "-"):
            out.append(piece)
            continue
        out.append(" ".join("".join(lazy_pinyin(w, style=Style.TONE)).capitalize() for w in _words(piece, places) if w))
    return re.sub(r"\s+", " ", "".join(out)).replace("( ", "(").strip()


def spell_all(names, places: tuple[str, ...], cache_dir=None) -> dict[str, str]:
    """{name: its pinyin} for NAMES, read from the build cache when the same names were spelled before by the same code
    and libraries (jieba's dictionary takes most of a second to load), else spelled here and stored."""
    import hashlib
    import json
    from importlib.metadata import version
    from pathlib import Path

    names = sorted({n for n in names if isinstance(n, str)})
    key = hashlib.sha256(json.dumps([names, sorted(places), version("pypinyin"), version("jieba"),
                                     Path(__file__).read_text(encoding="utf-8")], ensure_ascii=False).encode()).hexdigest()[:32]
    path = Path(cache_dir) / "pinyin" / f"{key}.json" if cache_dir is not None else None
    if path is not None and path.is_file():
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):          # a damaged entry is spelled again
            pass
    spelled = {n: pinyin(n, tuple(places)) for n in names}
    if path is not None:
        from ..site.workers import store

        store(path, json.dumps(spelled, ensure_ascii=False))
    return spelled
