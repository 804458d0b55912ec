"""Placeholder: replaced by the real plugin."""


def register():
    pass
