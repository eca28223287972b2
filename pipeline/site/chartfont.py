"""Make the static SVG charts 4× faster to render: a small copy of the chart font for vl-convert to measure text with.

vl-convert lays out every label by measuring it in the first installed font of the chart's font list, which on a
build machine is Noto Sans CJK SC: a 19 MB font collection that it reads again for each measurement (about 5 ms a
label, most of a chart's 0.2 s). So the build cuts, with fontTools, the two faces it uses (regular and bold) down to
the characters the charts can hold, under a family name of its own ("JH Chart Sans"); a chart whose text is all in
that subset is rendered with the name put first in its font list, and the name is taken out of the SVG again. The
subset keeps the original glyphs' advance widths and layout tables, so the SVG is byte for byte the one the full font
gives (tests/test_site.py renders charts both ways). A chart with any other character, or a machine without the
font, renders as before.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

FAMILY = "JH Chart Sans"
SOURCE = "Noto Sans CJK SC"
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts")
# text Vega makes itself (number formats, truncated labels) besides the spec's own strings
EXTRA = "".join(map(chr, range(32, 127))) + "−…×·，。、：；（）《》「」“”％"
WEIGHTS = ("Bold", "Regular")
_registered: set[str] = set()
_ready: dict[str, str] = {}          # font folder -> the characters every face covers, once all faces are made


def sources() -> dict[str, Path] | None:
    """The installed Noto Sans CJK files with a regular and a bold face; None when either is missing."""
    found = {}
    for weight in WEIGHTS:
        names = (f"NotoSansCJK-{weight}.ttc", f"NotoSansCJKsc-{weight}.otf")
        for d in FONT_DIRS:
            hit = next((p for n in names for p in sorted(d.rglob(n)) if p.is_file()), None) if d.is_dir() else None
            if hit:
                found[weight] = hit
                break
    return found if len(found) == 2 else None


def chars_of(*texts: str) -> str:
    return "".join(sorted(set("".join(texts)) | set(EXTRA)))


def subset_key(files: dict[str, Path], chars: str) -> str:
    """What the subset depends on: the source files (path, size, modified time) and the characters."""
    import fontTools

    ident = [(w, str(p), p.stat().st_size, p.stat().st_mtime_ns) for w, p in sorted(files.items())]
    return hashlib.sha256(json.dumps([ident, chars, fontTools.version], ensure_ascii=False).encode()).hexdigest()[:24]


def make_subset(weight: str, path: Path, chars: str, out: Path) -> str:
    """Write one face, JHChartSans-{weight}.otf, into `out` (a folder of its own); return the characters it covers."""
    from fontTools import subset
    from fontTools.ttLib import TTCollection, TTFont

    out.mkdir(parents=True, exist_ok=True)
    # recalcBBoxes=False: the glyphs' bounds are kept as they are, not worked out again from every outline on saving
    # (a third of the time); vl-convert measures text by advance widths, and the SVG is the same either way
    if path.suffix == ".ttc":
        font = next(f for f in TTCollection(str(path), lazy=True, recalcBBoxes=False).fonts
                    if f["name"].getDebugName(1) == SOURCE)
    else:
        font = TTFont(str(path), lazy=True, recalcBBoxes=False)
    opts = subset.Options()
    opts.layout_features = ["*"]       # keep every layout feature, so shaping (and so width) is unchanged
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    opts.hinting = False
    sub = subset.Subsetter(opts)
    sub.populate(text=chars)
    sub.subset(font)
    for rec in font["name"].names:
        text = rec.toUnicode()
        if SOURCE in text or "NotoSansCJKsc" in text:
            rec.string = text.replace(SOURCE, FAMILY).replace("NotoSansCJKsc", "JHChartSans")
    tmp = out / f".JHChartSans-{weight}.otf.{os.getpid()}.tmp"      # a cache shared by builds at once (JUNHENG_CACHE)
    font.save(str(tmp))
    tmp.replace(out / f"JHChartSans-{weight}.otf")
    return "".join(sorted(chr(c) for c in font.getBestCmap()))


def covered(font_dir: str) -> str | None:
    """The characters every face of a finished subset covers; None while a face is still being made."""
    if font_dir not in _ready:
        parts = [Path(font_dir) / f"covered-{w}.txt" for w in WEIGHTS]
        if not all(p.is_file() for p in parts):
            return None
        _ready[font_dir] = "".join(sorted(set.intersection(*(set(p.read_text(encoding="utf-8")) for p in parts))))
    return _ready[font_dir]


def render(spec: dict, font_dir: str | None) -> str:
    """The spec's SVG; through the subset when it is finished and holds every character of the spec (same bytes,
    faster), else through the installed font. A chart rendered before the subset is ready is simply slower."""
    import vl_convert

    font = spec.get("config", {}).get("font")
    have = covered(font_dir) if font_dir and font else None
    if have is None or not set(json.dumps(spec, ensure_ascii=False)) <= set(have):
        return vl_convert.vegalite_to_svg(spec)
    if font_dir not in _registered:
        vl_convert.register_font_directory(font_dir)
        _registered.add(font_dir)
    fast = dict(spec, config=dict(spec["config"], font=f"{FAMILY}, {font}"))
    return vl_convert.vegalite_to_svg(fast).replace(f"{FAMILY}, {font}", font)
