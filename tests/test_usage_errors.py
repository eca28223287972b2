"""Every usage or environment problem is a Chinese message with exit 2; a program defect is exit 3 with a details file.

Also the preview server: no folder listings, no NUL paths, no symbolic links out of or within the site.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from click.testing import CliRunner

from conftest import MINIMAL, ROOT
from pipeline import cli
from pipeline.cli import main
from pipeline.site.serve import serve_in_background


def _no_traceback(r, code):
    assert r.exit_code == code, r.output
    assert "Traceback" not in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)


def test_import_with_an_unknown_table_is_a_usage_error(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("a,b\n1,2\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["import", str(f), "--table", "nonexist", "--data-dir", str(MINIMAL)])
    _no_traceback(r, 2)
    assert "不是已定义的表" in r.output and "schools" in r.output


@pytest.mark.parametrize("base", ["--list", "-x", "--output=/tmp/x", "a b", "HEAD;rm"])
def test_diff_takes_only_a_revision(base):
    r = CliRunner().invoke(main, ["diff", "--data-dir", str(MINIMAL), "--base", base])
    _no_traceback(r, 2)
    assert "不是 git 版本名" in r.output


def test_diff_with_an_unknown_revision_says_so():
    r = CliRunner().invoke(main, ["diff", "--data-dir", str(MINIMAL), "--base", "no-such-branch-xyz"])
    _no_traceback(r, 2)
    assert "找不到版本" in r.output


def _descriptor(tmp_path, change):
    d = tmp_path / "data"
    shutil.copytree(MINIMAL, d)
    p = d / "datapackage.json"
    desc = json.loads(p.read_text(encoding="utf-8"))
    change(desc)
    p.write_text(json.dumps(desc, ensure_ascii=False), encoding="utf-8")
    return d


def test_a_descriptor_missing_a_resource(tmp_path):
    d = _descriptor(tmp_path, lambda x: x.update(resources=[r for r in x["resources"] if r["name"] != "towns"]))
    r = CliRunner().invoke(main, ["build", "--data-dir", str(d), "--out", str(tmp_path / "out")])
    _no_traceback(r, 1)
    assert "没有列出表「towns」" in r.output


def test_a_deeply_nested_descriptor(tmp_path):
    d = tmp_path / "data"
    shutil.copytree(MINIMAL, d)
    (d / "datapackage.json").write_text('{"resources": ' + "[" * 50000 + "]" * 50000 + "}", encoding="utf-8")
    r = CliRunner().invoke(main, ["validate", "--data-dir", str(d)])
    _no_traceback(r, 1)
    assert "不是有效的数据包描述文件" in r.output


def test_a_licence_without_a_name_fails_validation_not_the_build(tmp_path):
    d = _descriptor(tmp_path, lambda x: x["licenses"][0].pop("name"))
    r = CliRunner().invoke(main, ["build", "--data-dir", str(d), "--out", str(tmp_path / "out")])
    _no_traceback(r, 1)
    assert "licenses[0]" in r.output and "缺少名称" in r.output
    assert not (tmp_path / "out" / "site").exists()


@pytest.mark.parametrize("field,value,fragment", [
    ("title", "数据\n# x {: onfocus=alert(1) }", "只能写一行"),
    ("title", "数据\x7f", "控制字符"),
    ("description", "说明\u202e", "改变文字方向"),
    ("title", "长" * 3000, "超过上限"),
])
def test_descriptor_text_follows_the_cell_rules(tmp_path, field, value, fragment):
    d = _descriptor(tmp_path, lambda x: x.update({field: value}))
    r = CliRunner().invoke(main, ["validate", "--data-dir", str(d)])
    _no_traceback(r, 1)
    assert f"字段 {field}" in r.output and fragment in r.output


def test_a_program_defect_is_exit_3_with_a_details_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def boom(*a, **k):
        raise ZeroDivisionError("a defect")

    monkeypatch.setattr("pipeline.compute.compute", boom)
    r = CliRunner().invoke(main, ["compute", "--data-dir", str(MINIMAL), "--out", str(tmp_path / "out")])
    _no_traceback(r, cli.DEFECT)
    assert cli.DEFECT not in (1, 2)
    assert "程序错误" in r.output and "ZeroDivisionError" in r.output and "junheng-error.log" in r.output
    log = (tmp_path / "build" / "junheng-error.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "a defect" in log


def test_serve_on_a_busy_port_is_a_usage_error(tmp_path):
    site = tmp_path / "out" / "site"
    site.mkdir(parents=True)
    (site / "index.html").write_text("<p>x</p>", encoding="utf-8")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        r = subprocess.run([sys.executable, "-m", "pipeline", "serve", "--out", str(tmp_path / "out"), "--port", str(port)],
                           cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "端口" in r.stderr and "Traceback" not in r.stderr


@pytest.fixture
def served(tmp_path):
    site = tmp_path / "site"
    (site / "sub").mkdir(parents=True)
    (site / "index.html").write_text("<p>home</p>", encoding="utf-8")
    (site / "sub" / "page.html").write_text("<p>page</p>", encoding="utf-8")
    (site / "empty").mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("secret", encoding="utf-8")
    (site / "out-link.txt").symlink_to(secret)
    (site / "in-link.html").symlink_to(site / "index.html")
    (site / "dir-link").symlink_to(tmp_path, target_is_directory=True)
    httpd, url = serve_in_background(site)
    yield url
    httpd.shutdown()


def _status(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_the_preview_server_serves_the_site_and_nothing_else(served):
    assert _status(served)[0] == 200 and _status(served + "sub/page.html") == (200, b"<p>page</p>")
    for bad in ("empty/", "sub/", "index.html%00", "index.html%00.txt", "out-link.txt", "in-link.html",
                "dir-link/secret.txt", "%2e%2e/secret.txt", "../secret.txt"):
        status, body = _status(served + bad)
        assert status == 404 and b"secret" not in body, bad


def test_a_site_with_a_404_page_gets_it_for_every_missing_address(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>home</p>", encoding="utf-8")
    (site / "404.html").write_text("<h1>找不到这个页面</h1>", encoding="utf-8")
    httpd, url = serve_in_background(site)
    try:
        for missing in ("no/such/page/", "nope.html", "schools/123/"):
            status, body = _status(url + missing)
            assert status == 404 and "找不到这个页面" in body.decode("utf-8"), missing
        assert _status(url)[0] == 200
    finally:
        httpd.shutdown()
    outside = tmp_path / "outside.html"                            # a 404.html linked from outside the site is not served
    outside.write_text("secret", encoding="utf-8")
    (site / "404.html").unlink()
    (site / "404.html").symlink_to(outside)
    httpd, url = serve_in_background(site)
    try:
        status, body = _status(url + "nope.html")
        assert status == 404 and b"secret" not in body
    finally:
        httpd.shutdown()
