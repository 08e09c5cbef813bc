"""Placeholder: being written."""


def register():
    pass
