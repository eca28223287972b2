"""Jinja templates compiled once and kept in the build cache (OUT/cache/jinja/): the pages' and the theme's.

Compiling a template into Python takes longer than rendering it: the ~120 templates of a build (the pages' for each
edition, Material's for each edition) took about 0.45 s of the 4.5 s a forced build of the minimal data takes. Jinja's
own `FileSystemBytecodeCache` stores the compiled code; here each entry is keyed by everything the code is made from —
the Jinja version, the environment's compile options, the template's name and its full text — instead of by the name
and file path, which changes with every build (each is made in a new staging folder). An entry so keyed can never be
stale: a changed template, option or Jinja version is a new entry. Jinja writes each entry to a temporary file and
renames it, so builds running at once can share the folder.

The entries are Python code that the build runs, so the cache must be as trusted as the code itself: a cache carried
between CI runs (JUNHENG_CACHE) must never be one a pull request could have written (GitHub's Actions cache keeps a pull
request's entries from the main branch's runs; the workflows here keep no cache at all).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket, FileSystemBytecodeCache


def _options(env: jinja2.Environment) -> tuple:
    """What the compiled code of a template depends on besides its name and text (jinja2.compiler.CodeGenerator)."""
    auto = env.autoescape
    finalize = env.finalize
    return (jinja2.__version__, env.block_start_string, env.block_end_string, env.variable_start_string,
            env.variable_end_string, env.comment_start_string, env.comment_end_string, env.line_statement_prefix,
            env.line_comment_prefix, env.trim_blocks, env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline,
            tuple(sorted(env.extensions)), env.optimized, env.is_async,
            auto if isinstance(auto, bool) else f"{auto.__module__}.{auto.__qualname__}",
            None if finalize is None else str(getattr(finalize, "jinja_pass_arg", "plain")))


class TemplateCache(FileSystemBytecodeCache):
    """Compiled templates in FOLDER, keyed by what they are compiled from (see the module's docstring)."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        super().__init__(str(folder), "%s.jinja")

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None, source: str) -> Bucket:
        key = hashlib.sha256(repr((_options(environment), name, source)).encode("utf-8")).hexdigest()
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket


def folder_of(cache: Path | None) -> Path | None:
    """Where a build cache keeps its compiled templates (None: no cache, compile each time)."""
    return cache / "jinja" if cache is not None else None


def attach(env: jinja2.Environment, folder: Path | None) -> jinja2.Environment:
    """ENV, compiling each of its templates at most once into FOLDER (as it is, when FOLDER is None)."""
    if folder is not None:
        env.bytecode_cache = TemplateCache(folder)
    return env
