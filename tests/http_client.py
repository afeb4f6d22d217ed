"""A browser-like client over real HTTP for tests against a real server (`served`): its
own cookies, the CSRF token read from each form, never following redirects, optionally
sending from its own loopback address (127.0.0.2, …: the server sees another client)."""

from __future__ import annotations

import http.client
import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
from html import unescape

from tests.security.conftest import EDITOR, PASSWORD

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    """A client over real HTTP with its own cookies; never follows redirects."""

    class _Stay(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base: str, source: str | None = None):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        handlers = [urllib.request.HTTPCookieProcessor(self.jar), self._Stay]
        if source:  # every connection from this loopback address
            class From(urllib.request.HTTPHandler):
                def http_open(self, req):
                    return self.do_open(lambda host, **kw: http.client.HTTPConnection(
                        host, source_address=(source, 0), **kw), req)
            handlers.append(From)
        self.opener = urllib.request.build_opener(*handlers)

    def request(self, path: str, data: bytes | None = None, headers: dict | None = None):
        req = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        try:
            r = self.opener.open(req, timeout=120)
        except urllib.error.HTTPError as e:
            r = e
        body = r.read()
        r.close()
        return r.status, r.headers, body

    def get(self, path: str, **headers):
        return self.request(path, headers=headers)

    def token(self, path: str) -> str:
        status, _, body = self.get(path)
        assert status == 200, (path, status)
        return unescape(TOKEN.search(body.decode()).group(1))

    def post(self, path: str, fields: dict, form: str | None = None):
        fields = {"csrf_token": self.token(form or path), **fields}
        return self.request(path, urllib.parse.urlencode(fields).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded"})

    def upload(self, path: str, name: str, data: bytes, form: str | None = None):
        boundary = uuid.uuid4().hex
        token = self.token(form or path)
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
                f"{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                f"filename=\"{name}\"\r\nContent-Type: text/plain\r\n\r\n").encode() + data + \
            f"\r\n--{boundary}--\r\n".encode()
        return self.request(path, body,
                            {"Content-Type": f"multipart/form-data; boundary={boundary}"})

    def sign_in(self):
        return self.post("/sign-in", {"name": EDITOR, "password": PASSWORD})


def cookie(base: str, name: str, value: str) -> http.cookiejar.Cookie:
    host = urllib.parse.urlsplit(base).hostname
    return http.cookiejar.Cookie(0, name, value, None, False, host, False, False, "/", True,
                                 False, None, False, None, None, {})
