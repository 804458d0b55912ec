"""French typography in Jinja templates, with the rules of `site_core.typography`.

Add `FrenchTypography` to an environment (`env.add_extension(FrenchTypography)` or
`Environment(extensions=[FrenchTypography])`) and:

- the text written in the template files (labels such as « Mots-clés : », page titles, notes) is
  typeset once, when a template is compiled, so it costs nothing per rendered page;
- the `typo` filter typesets a value as it is rendered: `{{ speaker.role | typo }}`, for text
  that comes from content, settings or readers.

The build (plugins/french_typography) and the comment service can both use it, so their pages
read alike.
"""

from jinja2 import pass_eval_context
from jinja2.ext import Extension
from jinja2.lexer import Token
from markupsafe import Markup

from site_core.typography import typeset_html, typeset_text

# Stands for each {{ }}, {% %} or {# #} while the text around it is typeset as one piece, so a
# label keeps its context across an expression (« {{ name }} : » gets its no-break space).
# LINE SEPARATOR: never in a template, not a word character, and whitespace to the HTML tag
# pattern, so `<li class="a"{% if x %} hidden{% endif %}>` is still read as a tag.
_HOLE = "\u2028"


@pass_eval_context
def typo(eval_ctx, value):
    """The `typo` filter: French spacing for a rendered value.

    Markup (and, where the environment does not autoescape, as in Pelican, any string: content
    is HTML there) is typeset as HTML; plain text that autoescape will escape, as text.
    """
    if not value:
        return value
    if isinstance(value, Markup):
        return Markup(typeset_html(value))
    if eval_ctx.autoescape:
        return typeset_text(str(value))
    return typeset_html(str(value))


def typeset_template_text(pieces: list[str]) -> list[str]:
    """Typeset the literal text pieces of one template, each seeing its neighbours."""
    if any(_HOLE in piece for piece in pieces):
        return pieces  # not in a real template; never risk mixing pieces up
    result = typeset_html(_HOLE.join(pieces)).split(_HOLE)
    return result if len(result) == len(pieces) else pieces


class FrenchTypography(Extension):
    """Typesets template text at compile time and provides the `typo` filter."""

    def __init__(self, environment):
        super().__init__(environment)
        environment.filters["typo"] = typo

    def filter_stream(self, stream):
        tokens = list(stream)
        data = [i for i, token in enumerate(tokens) if token.type == "data"]
        typeset = typeset_template_text([tokens[i].value for i in data])
        for i, value in zip(data, typeset, strict=True):
            if value != tokens[i].value:
                tokens[i] = Token(tokens[i].lineno, "data", value)
        return iter(tokens)
