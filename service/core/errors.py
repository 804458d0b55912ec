"""The error a refused action raises, in every domain: what the person asked cannot be done.

Moderation actions, the room's saves and publications raise it with a French message (shown
on the page as is) and the HTTP status to answer; the pages catch it and show the form again.
"""


class ActionError(Exception):
    """An action cannot be done; `message` says why, in French."""

    def __init__(self, message: str, status_code: int = 400):
        super().__init__(message)
        self.message = message
        self.status_code = status_code
