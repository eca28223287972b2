"""Turn `python -m pipeline` into the `junheng` command."""

from .cli import main

if __name__ == "__main__":   # guarded: the build's worker processes import this module without running the CLI
    main()
