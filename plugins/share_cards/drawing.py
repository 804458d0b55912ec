"""Share cards drawn with Pillow: 1200 × 630, the site's colours, the title set in Inter.

Inter (SIL Open Font License, theme/fonts/OFL.txt) is shipped with the theme: the drawing never
depends on the fonts of the machine, nor on the network. The title takes the largest size at
which it fits its box, from 76 down to 34 px, in lines of balanced lengths; it breaks only at
ordinary spaces and after hyphens, never at the no-break spaces French typography puts before
« ; : ! ? » and inside « », so no line starts with a mark. A title too long even at 34 px (far
beyond any real one) ends with « … » on the last line that fits: nothing ever overflows.
"""

import re
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from site_core.typography import typeset_text

SIZE = (1200, 630)
MARGIN = 72
# The site's colours (theme/static/css/site.css).
BLUE, ACCENT, WHITE, LIGHT_ACCENT = "#004c97", "#b8410b", "#ffffff", "#ffd3ba"
TITLE_BOX = (MARGIN, 176, SIZE[0] - MARGIN, 520)  # left, top, right, bottom
TITLE_SIZES = range(76, 33, -6)
LINE_HEIGHT = 1.2
SMALL = 28
ELLIPSIS = "…"
# Break opportunities: after an ordinary space, or after a hyphen inside a word.
_PIECES = re.compile(r"[^ \-]*(?:-+|(?: +)|$)")


@lru_cache(maxsize=32)
def font(folder: str, name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(Path(folder) / name), size)


def _pieces(text: str) -> list[str]:
    return [piece for piece in _PIECES.findall(re.sub(r"[ \t\r\n]+", " ", text.strip())) if piece]


def _split_long(piece: str, face, width: float) -> list[str]:
    """A word wider than the line, cut by characters (only for absurd inputs)."""
    parts, current = [], ""
    for char in piece:
        if current and face.getlength(current + char) > width:
            parts.append(current)
            current = ""
        current += char
    return parts + [current]


def wrap(text: str, face, width: float) -> list[str]:
    """Greedy line breaking at the allowed places; lines never wider than `width`."""
    lines, current = [], ""
    for piece in _pieces(text):
        candidate = current + piece
        if face.getlength(candidate.rstrip()) <= width:
            current = candidate
            continue
        if current:
            lines.append(current.rstrip())
        if face.getlength(piece.rstrip()) > width:
            *whole, piece = _split_long(piece, face, width)
            lines += whole
        current = piece
    if current.strip():
        lines.append(current.rstrip())
    return lines


def balanced(text: str, face, width: float) -> list[str]:
    """As many lines as greedy breaking needs, with the most even lengths: the break points
    minimising the sum of squared gaps to the longest line (dynamic programming over the
    pieces, a few dozen for the longest title)."""
    greedy = wrap(text, face, width)
    pieces = _pieces(text)
    if len(greedy) < 2 or any(face.getlength(p.rstrip()) > width for p in pieces):
        return greedy
    count, n = len(greedy), len(pieces)

    def length(i, j):
        return face.getlength("".join(pieces[i:j]).rstrip())

    # best[k][j]: (cost, previous break) of setting pieces[:j] in k lines.
    best = [[(float("inf"), 0)] * (n + 1) for _ in range(count + 1)]
    best[0][0] = (0.0, 0)
    for k in range(1, count + 1):
        for j in range(k, n + 1):
            for i in range(k - 1, j):
                if best[k - 1][i][0] == float("inf"):
                    continue
                line = length(i, j)
                if line > width:
                    continue
                cost = best[k - 1][i][0] + (width - line) ** 2
                if cost < best[k][j][0]:
                    best[k][j] = (cost, i)
    if best[count][n][0] == float("inf"):
        return greedy
    lines, j = [], n
    for k in range(count, 0, -1):
        i = best[k][j][1]
        lines.append("".join(pieces[i:j]).rstrip())
        j = i
    return lines[::-1]


def fit_title(text: str, folder: str, box=TITLE_BOX) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest face at which `text` fits `box`, and its lines."""
    text = typeset_text(text)  # idempotent: no-break spaces where French wants them
    width, height = box[2] - box[0], box[3] - box[1]
    for size in TITLE_SIZES:
        face = font(folder, "Inter-Bold.otf", size)
        lines = wrap(text, face, width)
        if len(lines) * size * LINE_HEIGHT <= height:
            return face, balanced(text, face, width)
    max_lines = int(height // (size * LINE_HEIGHT))
    kept = lines[:max_lines]
    last = kept[-1]
    while last and face.getlength(last + ELLIPSIS) > width:
        last = last[:-1]
    kept[-1] = last.rstrip(" ,;:.\u00a0\u202f") + ELLIPSIS
    return face, kept


def draw_card(title: str, kicker: str, footer: str, site: str, folder: str) -> Image.Image:
    """The card: `site` at the top, `kicker` (the thème) above the title, `footer` (a date)."""
    image = Image.new("RGB", SIZE, BLUE)
    draw = ImageDraw.Draw(image)
    regular = font(folder, "Inter-Regular.otf", SMALL)
    bold = font(folder, "Inter-Bold.otf", SMALL)
    draw.text((MARGIN, 58), site, font=bold, fill=WHITE)
    if kicker:
        draw.text((MARGIN, TITLE_BOX[1] - 56), kicker.upper(), font=bold, fill=LIGHT_ACCENT)
    face, lines = fit_title(title, folder)
    step = face.size * LINE_HEIGHT
    top = TITLE_BOX[1] + (TITLE_BOX[3] - TITLE_BOX[1] - step * len(lines)) / 2
    for index, line in enumerate(lines):
        draw.text((MARGIN, top + index * step), line, font=face, fill=WHITE)
    if footer:
        draw.text((MARGIN, SIZE[1] - 84), footer, font=regular, fill=WHITE)
    draw.rectangle((0, SIZE[1] - 18, SIZE[0], SIZE[1]), fill=ACCENT)
    return image
