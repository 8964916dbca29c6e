"""`python -m smekg` runs the command line."""

from .cli import run

run()
