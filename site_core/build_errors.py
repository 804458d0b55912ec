"""Content errors of one build, collected from every plugin and reported together.

Pelican alone logs « Could not process » and skips a file whose reading fails, so an article
could vanish from the site unnoticed. Plugins (content_validation, images, …) record each
problem here, in French, naming the file; the build stops before anything is written and lists
them all at once, so an editor fixes every mistake in one go.
"""

import logging
import os

logger = logging.getLogger(__name__)

_problems: list[str] = []
_files: set[str] = set()  # source paths with a problem


class ContentError(Exception):
    """The content has errors; the message lists them in French for the editors."""


def relative(path, settings) -> str:
    """`path` as the editors know it: relative to the folder holding the content folder."""
    return os.path.relpath(path, os.path.dirname(os.path.abspath(settings["PATH"])))


def record(path, settings, message) -> str:
    """Note a problem of the file at `path`; returns the French line the build will report."""
    problem = f"{relative(path, settings)} : {message}"
    _files.add(os.path.abspath(path))
    if problem not in _problems:
        _problems.append(problem)
        logger.error(problem)
    return problem


def reset(_pelican=None) -> None:
    """Start a build (or a livereload rebuild) with no problems."""
    _problems.clear()
    _files.clear()


def has_problems(path) -> bool:
    """Whether a problem was recorded for the file at `path` in this build."""
    return os.path.abspath(path) in _files


def stop_on_problems(_generators=None) -> None:
    """Stop the build if any problem was recorded, listing them all."""
    if _problems:
        listing = "\n".join(f"  - {problem}" for problem in _problems)
        raise ContentError(
            f"La construction du site a échoué : {len(_problems)} erreur(s) dans le contenu.\n"
            f"{listing}"
        )
