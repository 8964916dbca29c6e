"""`python -m smekg` runs the command line."""

from .entry import run

run()
