"""Serve a built site on localhost the way a static host does: gzip for text, a short cache lifetime, and the site's
own 404.html (with status 404) for an address it does not have.

`junheng serve`, the browser tests and the Lighthouse audit all use this server, so what they measure
(bytes transferred, what the browser caches) is what a reader gets from GitHub Pages or nginx with its
defaults: text compressed with gzip, `Cache-Control: max-age=600`.
"""

from __future__ import annotations

import collections
import functools
import gzip
import http.server
import io
import os
import threading
from pathlib import Path

# what a static host compresses (GitHub Pages and nginx's gzip_types cover these)
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "application/xml",
                "image/svg+xml", "application/atom+xml", "application/manifest+json")
MAX_AGE = 600   # seconds, GitHub Pages' default


class StaticHandler(http.server.SimpleHTTPRequestHandler):
    """SimpleHTTPRequestHandler plus gzip, Cache-Control and a count of requests per path."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".js": "application/javascript", ".json": "application/json", ".svg": "image/svg+xml",
                      ".xml": "application/xml", ".woff2": "font/woff2", ".csv": "text/csv"}
    hits: collections.Counter   # set per server by make_server
    quiet = True

    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        if not self.quiet:
            super().log_message(format, *args)

    def end_headers(self):
        self.send_header("Cache-Control", f"max-age={MAX_AGE}")
        super().end_headers()

    def send_error(self, code, message=None, explain=None):
        """A missing page answered with the site's 404.html, as GitHub Pages and nginx's error_page do (in the site's
        language, with its ways back), when the site has one inside it; otherwise the server's own short message."""
        page = os.path.join(self.directory, "404.html")
        if code != 404 or self.command not in ("GET", "HEAD") or not os.path.isfile(page) or not self._servable(page):
            return super().send_error(code, message, explain)
        with open(page, "rb") as fh:
            body = fh.read()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(body)

    def list_directory(self, path):
        """A static host lists no folders: a folder without index.html is not found."""
        self.send_error(404)
        return None

    def _servable(self, path: str) -> bool:
        """Inside the site, reached through no symbolic link (none out of the site, none within it)."""
        if "\x00" in path:
            return False
        rel = os.path.relpath(path, self.directory)
        if rel == ".." or rel.startswith(".." + os.sep):
            return False
        return os.path.realpath(path) == os.path.normpath(os.path.join(os.path.realpath(self.directory), rel))

    def send_head(self):
        self.hits[self.path.split("?", 1)[0]] += 1
        path = self.translate_path(self.path)
        if not self._servable(path):
            self.send_error(404)
            return None
        if os.path.isdir(path):
            if not self.path.split("?", 1)[0].endswith("/"):
                return super().send_head()   # the redirect to the folder's URL
            path = os.path.join(path, "index.html")
            if not self._servable(path):
                self.send_error(404)
                return None
        ctype = self.guess_type(path)
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not os.path.isfile(path) or not wants_gzip or not ctype.startswith(COMPRESSIBLE):
            return super().send_head()
        body = _gzipped(path, os.stat(path).st_mtime_ns)
        self.send_response(200)
        self.send_header("Content-Type", ctype if not ctype.startswith("text/") else f"{ctype}; charset=utf-8")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", self.date_time_string(int(os.stat(path).st_mtime)))
        self.end_headers()
        return io.BytesIO(body)


@functools.lru_cache(maxsize=4096)
def _gzipped(path: str, mtime_ns: int) -> bytes:
    return gzip.compress(Path(path).read_bytes(), compresslevel=6, mtime=0)


def make_server(root: Path, port: int = 0, *, quiet: bool = True) -> http.server.ThreadingHTTPServer:
    """A server for `root` on 127.0.0.1 (port 0: any free port); its handler's `hits` counts requests."""
    handler = type("Handler", (StaticHandler,), {"hits": collections.Counter(), "quiet": quiet})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(handler, directory=str(root)))
    httpd.hits = handler.hits
    return httpd


def serve_in_background(root: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Start a server in a daemon thread; returns it and its base URL (call `.shutdown()` when done)."""
    httpd = make_server(root)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/"
