"""The comment service: posting, moderation, moderator e-mail, publishing, personal data."""
