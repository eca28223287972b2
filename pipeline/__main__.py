"""Turn `python -m pipeline` into the `junheng` command."""

from .cli import main

main()
