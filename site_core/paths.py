"""Names and addresses that the build, the theme and the service must agree on, in one place."""

from pathlib import PurePosixPath

# Where the comment service answers, relative to the site's root (same origin as the site).
COMMENTS_ENDPOINT = "/commentaires/"
MODERATION_PATH = COMMENTS_ENDPOINT + "moderation/"
# The build's description of the site for the service (see manifest.py), in the output folder.
MANIFEST_NAME = "_articles-commentaires.json"
# The page the build writes with the site's header and footer around the service's content.
SHELL_NAME = "_gabarit-commentaires.html"
# Relative to the folder the build and the service run from (the checkout, or a deployment).
DEFAULT_DATABASE = PurePosixPath("data/comments.sqlite3")
# The writing room and the team's pages (service/room, service/team/accounts_pages.py).
ROOM_PATH = "/redaction/"
