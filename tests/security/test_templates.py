"""Every template is autoescaped, and none switches it off."""

from __future__ import annotations

import re

from reader.resources import templates_dir

UNSAFE = re.compile(r"\|\s*safe\b|autoescape\s+false|Markup\(|\|\s*unescape\b")


def test_every_template_is_autoescaped(app):
    names = app.jinja_env.list_templates()
    assert "error.html" in names and "editor/item.html" in names
    for name in names:
        assert app.jinja_env.autoescape(name) is True, name
        assert app.select_jinja_autoescape(name), name


def test_no_template_switches_escaping_off():
    for path in templates_dir().rglob("*"):
        if path.is_file():
            assert not UNSAFE.search(path.read_text(encoding="utf-8")), path


def test_no_template_has_inline_script_or_style():
    """The CSP forbids them; a page that relied on one would break silently."""
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=\"|\son[a-z]+=",
                        re.I)
    for path in templates_dir().rglob("*.html"):
        assert not inline.search(path.read_text(encoding="utf-8")), path
