"""``python -m atlas.cli``: the ``atlas`` command."""

from atlas.cli import command

command()
