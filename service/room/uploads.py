"""Reading the editor's form, which may carry an image: multipart, with its limits enforced
before and while reading.

The declared Content-Length is checked first (a 2 GB upload is refused without reading a
byte); the stream is counted as it arrives (a client lying about its length, or sending none,
is cut at the limit); at most MAX_FILES files (the editor's image and one portrait per
person, within the same total) and MAX_FIELDS fields; a text field of more than 1 MiB
is refused. An ordinary form (no file) goes through forms.read_form. Errors are FormErrors with
a French message, like every other form of the service.
"""

from dataclasses import dataclass, field

from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request

from service.core.forms import FORM_TYPE, FormError, read_form
from service.room.draft import MAX_SPEAKERS

MAX_FIELDS = 200
# The image and a portrait per person: browsers send a part for every file field, even empty.
MAX_FILES = 1 + MAX_SPEAKERS
MULTIPART = "multipart/form-data"


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


@dataclass(frozen=True)
class Posted:
    fields: dict[str, str]
    files: dict[str, Upload] = field(default_factory=dict)

    def get(self, name: str, default: str = "") -> str:
        return self.fields.get(name, default)


def too_big(limit: int) -> FormError:
    return FormError(
        413,
        "Envoi trop volumineux",
        f"L’envoi dépasse {limit // (1024 * 1024)} Mo : il n’a pas été lu. Une image doit "
        "peser moins de 20 Mo ; réduisez-la (ou choisissez-en une plus petite) et "
        "recommencez. Votre texte est encore dans la page précédente (bouton Retour).",
    )


async def read_posted(request: Request, limit: int) -> Posted:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != MULTIPART:
        if content_type and content_type != FORM_TYPE:
            raise FormError(415, "Envoi non reconnu", "Ce formulaire doit venir de la page.")
        form = await read_form(request, min(limit, 4 * 1024 * 1024))
        return Posted(dict(form.fields))
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise too_big(limit)

    async def counted():
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise too_big(limit)
            yield chunk

    parser = MultiPartParser(request.headers, counted(), max_files=MAX_FILES, max_fields=MAX_FIELDS)
    try:
        data = await parser.parse()
    except MultiPartException as error:
        raise FormError(400, "Envoi incorrect", _in_french(str(error))) from None
    fields, files = {}, {}
    for name, value in data.multi_items():
        if isinstance(value, UploadFile):
            content = await value.read()
            await value.close()
            if value.filename and content:
                files[name] = Upload(value.filename, content)
        else:
            fields[name] = value
    return Posted(fields, files)


def _in_french(problem: str) -> str:
    """Starlette's reasons (English) as the team reads them."""
    reasons = {
        "Too many files": f"trop de fichiers à la fois ({MAX_FILES} au plus)",
        "Too many fields": f"trop de champs ({MAX_FIELDS} au plus)",
        "Part exceeded maximum size": "un champ de texte dépasse 1 Mo",
        "Missing boundary": "l’envoi est incomplet ou mal formé",
    }
    reason = next((fr for en, fr in reasons.items() if problem.startswith(en)), "envoi mal formé")
    return (
        f"Le formulaire n’a pas pu être lu : {reason}. Rien n’a été enregistré ; revenez à la "
        "page précédente (bouton Retour) : votre texte y est encore."
    )
