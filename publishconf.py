"""Production settings: `invoke preview` and `invoke publish` build with these."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F403

# The public address of the site; override with the SITEURL environment variable.
SITEURL = os.environ.get("SITEURL", "https://partenaires.caf-essonne.fr")
RELATIVE_URLS = False
DELETE_OUTPUT_DIRECTORY = True
