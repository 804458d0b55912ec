"""French typography: no-break spaces before ; : ! ? and inside « », for every text a reader sees.

One implementation for the build (plugins/french_typography) and the service's pages and e-mails.

Rules (French Imprimerie nationale usage, as the Caf's editorial guide asks):
- U+202F (narrow no-break space) before ; ! ? and after «, before »;
- U+00A0 (no-break space) before :.
An ordinary space (or a run of spaces) at those places is replaced; a missing one is inserted
after a word, a closing bracket or ». A mark only counts as punctuation when nothing word-like or
URL-like follows it, so "10:30", "caf.fr/x?y=1", "http://…" or "?!" (one space, before the pair)
are left alone; URLs and e-mail addresses are also protected as whole tokens. Idempotent.

The HTML walker is a markup-preserving tokenizer rather than BeautifulSoup: bs4 costs about
6 ms per 10 kB interview (twice stock Pelican's whole per-article build cost), this about 0.1 ms,
and it leaves every tag, attribute and entity byte-for-byte as written.
"""

import html
import re

NNBSP = "\u202f"
NBSP = "\u00a0"

# Spaces that may stand where French wants a no-break space (replaced as a whole run).
_SP = "[ \\t\\r\\n\\u00a0\\u202f\\u2009]"
# What may precede a mark that gets an inserted space: a word, a closing bracket, », …, %, €.
_BEFORE = "[\\w»)\\]…%€”]"
# A mark is punctuation only when nothing word-, URL- or code-like follows it ("10:30",
# "x?y=1", "::"). A run of marks ("?!") is spaced once, before its first mark.
_INFIX = "[\\w/\\\\=&%#@~+-]"


def _before_mark(mark: str, space: str, infix: str) -> tuple[re.Pattern, str]:
    """Rule for the space before `mark`, as a pattern over reversed text, and its replacement.

    Run on reversed text, a pattern starts with the mark itself and uses a literal replacement:
    the regex engine skips the long stretches without the mark in C, about ten times faster than
    a pattern starting with a look-behind or an optional run of spaces. In reversed text, what
    follows the mark (up to two more marks, then no infix character) is a look-behind.
    """
    marks = "[;!?]"
    not_infix = "".join(f"(?<!{infix}{marks * n}.)" for n in range(3))
    return re.compile(f"{re.escape(mark)}{not_infix}(?:{_SP}+|(?={_BEFORE}))"), mark + space


_REVERSED_RULES = (
    *(_before_mark(mark, NNBSP, _INFIX) for mark in ";!?"),
    # "::" is code-like: a colon next to another one is infix.
    _before_mark(":", NBSP, "[:" + _INFIX[1:]),
    # » (unless it starts the text).
    (re.compile(f"»(?:{_SP}+|(?=\\S))"), "»" + NNBSP),
)
# After « (unless it ends the text): on the text as written.
_AFTER_OPENING_QUOTE = re.compile(f"«(?:{_SP}+|(?=\\S))")
_BEFORE_MARKS = re.compile("[;:!?»]")
# Cheap pre-check: most strings (and all markup-free whitespace) have nothing to do.
_TRIGGER = re.compile("[;:!?«»]")
# Tokens never touched: words containing / or @ or a time (URLs, bare domains with a path,
# e-mail addresses, 10:30), less the punctuation that ends them ("voir caf.fr/aide ?").
_PROTECTED = re.compile(r'((?<![^\s«»"])[^\s«»"]*?(?:/|@|\d:\d)(?:[^\s«»"]*[^\s«»".,;:!?)’\'])?)')
# Cheap pre-check for _PROTECTED, much slower to run on every string.
_TIME_HINT = re.compile(r":(?<=\d:)\d")  # starts with a literal: scanned in C


def _maybe_protected(text: str) -> bool:
    return "/" in text or "@" in text or (":" in text and _TIME_HINT.search(text) is not None)


def _typeset_plain(text: str, before: str, after: str) -> str:
    """Apply the rules to `text`, seeing the characters around it (other nodes, tokens)."""
    # Neighbouring characters are added as read-only context; whitespace is never needed as
    # context (a missing neighbour and a space both mean "already separated").
    head = before if before and not before.isspace() else ""
    tail = after if after and not after.isspace() else ""
    padded = head + text + tail
    if "«" in padded:
        padded = _AFTER_OPENING_QUOTE.sub("«" + NNBSP, padded)
    if _BEFORE_MARKS.search(padded):
        reversed_text = padded[::-1]
        for pattern, replacement in _REVERSED_RULES:
            reversed_text = pattern.sub(replacement, reversed_text)
        padded = reversed_text[::-1]
    return padded[len(head) : len(padded) - len(tail)]


def typeset_text(text: str, before: str = "", after: str = "") -> str:
    """French spacing for plain text; `before`/`after`: the characters around it, if any."""
    if not _TRIGGER.search(text):
        return text
    pieces = _PROTECTED.split(text) if _maybe_protected(text) else (text,)
    if len(pieces) == 1:
        return _typeset_plain(text, before, after)
    # Odd indexes are protected tokens: kept as is, but they give context to their neighbours.
    for i in range(0, len(pieces), 2):
        if _TRIGGER.search(pieces[i]):
            prev = pieces[i - 1][-1:] if i else before
            nxt = pieces[i + 1][:1] if i + 1 < len(pieces) else after
            pieces[i] = _typeset_plain(pieces[i], prev, nxt)
    return "".join(pieces)


# Elements whose text is code, data or input: never changed.
SKIPPED = frozenset({"code", "pre", "kbd", "samp", "var", "script", "style", "textarea"})
# Their content is raw text: jump to the closing tag instead of tokenizing it.
_RAW_TEXT = frozenset({"script", "style", "textarea"})
# Inline elements: text runs on across them, so "<em>mot</em>!" is one context.
_INLINE = frozenset(
    {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "i", "ins",
     "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u",
     "var"}
)  # fmt: skip
_TAG = re.compile(
    r"(<(?:!--.*?-->|!\[CDATA\[.*?\]\]>|[!?][^>]*>"
    r"|(/?)([a-zA-Z][a-zA-Z0-9:-]*)(?:\s+[^\s/>\"'=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*"
    r"\s*/?>))",
    re.DOTALL,
)


def typeset_html(html_text: str) -> str:
    """French spacing in the text of an HTML fragment; markup and skipped elements untouched."""
    if not _TRIGGER.search(html_text):
        return html_text
    # One split in C: [text, tag, closing "/" or "", tag name (None: comment…), text, …].
    tokens = _TAG.split(html_text)
    parts, tags, closings, names = tokens[::4], tokens[1::4], tokens[2::4], tokens[3::4]
    editable = [True] * len(parts)
    run = [0]  # indexes in `parts` of the texts of the current inline run
    skipped = 0  # depth inside SKIPPED elements
    raw_until = None  # inside script, style or textarea: raw text up to its end tag
    for k, name in enumerate(names):
        text = k + 1  # the text part after this tag
        if raw_until:
            editable[text] = False
            if not (name and closings[k] and name.lower() == raw_until):
                continue
            raw_until = None
        if name is not None:
            name = name.lower()
            if name in _RAW_TEXT:
                raw_until = None if closings[k] else name
            elif name in SKIPPED:
                if closings[k]:
                    skipped = max(skipped - 1, 0)
                elif not tags[k].endswith("/>"):
                    skipped += 1
        editable[text] = not (skipped or raw_until)
        if name is None or name in _INLINE:  # comments too: invisible, no effect on runs
            run.append(text)
        else:
            _typeset_run(parts, run, editable)
            run = [text]
    _typeset_run(parts, run, editable)
    joined = [""] * (2 * len(parts) - 1)
    joined[::2], joined[1::2] = parts, tags
    return "".join(joined)


def _typeset_run(parts: list[str], run: list[int], editable: list[bool]) -> None:
    """Typeset the editable text parts of one inline run, each seeing its neighbours' text."""
    if not any(_TRIGGER.search(parts[i]) for i in run):
        return
    texts = [html.unescape(parts[i]) if "&" in parts[i] else parts[i] for i in run]
    for k, i in enumerate(run):
        if not editable[i] or not _TRIGGER.search(texts[k]):
            continue
        before = texts[k - 1][-1:] if k else ""
        after = texts[k + 1][:1] if k + 1 < len(run) else ""
        new = typeset_text(texts[k], before, after)
        if new != texts[k]:
            texts[k] = new
            parts[i] = html.escape(new, quote=False) if "&" in parts[i] else new
