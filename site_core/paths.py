"""Names and addresses that the build, the theme and the service must agree on, in one place:
one name per address."""

from pathlib import PurePosixPath

# Where the comment service answers readers, relative to the site's root (same origin as the
# site): posting, thanks, the token image, the lettre's subscription and its e-mails' links.
COMMENTS_ENDPOINT = "/commentaires/"
# The build's description of the site for the service (see manifest.py), in the output folder.
MANIFEST_NAME = "_articles-commentaires.json"
# The page the build writes with the site's header and footer around the service's content.
SHELL_NAME = "_gabarit-commentaires.html"
# Relative to the folder the build and the service run from (the checkout, or a deployment).
DEFAULT_DATABASE = PurePosixPath("data/comments.sqlite3")

# The team's area: every team page under one prefix, behind one login and one session cookie
# (service/team/guard.py). The writing room's list of articles is its home page.
TEAM_PATH = "/redaction/"
LOGIN_PATH = TEAM_PATH + "connexion"
LOGOUT_PATH = TEAM_PATH + "deconnexion"
MODERATION_PATH = TEAM_PATH + "commentaires/"  # the comments' queue and its actions
LETTRE_TEAM_PATH = TEAM_PATH + "lettre"  # the lettre's figures, test send and CSV
ACCOUNTS_PATH = TEAM_PATH + "equipe/"
# Where the moderation pages, the login and the lettre's page were before: each old address
# redirects to its new one (service/team/moved.py).
OLD_MODERATION_PATH = COMMENTS_ENDPOINT + "moderation/"
