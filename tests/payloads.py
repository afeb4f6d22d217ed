"""Hostile text for captions, credits, titles and every other field a gallery carries.

A reusable list: every place the reader writes a gallery's text out (HTML pages, the JSON API,
WebVTT cues, static-site and EPUB exports) should show each of these as the very characters
written, never as markup, script or cue structure. Written for this project; the shapes follow
the usual XSS filter-evasion and injection families (HTML, attributes, URLs, CSS, SVG/MathML,
template syntax, JSON-in-HTML, WebVTT).

`PAYLOADS` is the list; `payload_gallery()` builds a plain model gallery that carries them in
its title, standfirst, body and every photo's description, caption and credit.
"""

from __future__ import annotations

PAYLOADS: list[str] = [
    # plain script and its disguises
    "<script>window.__pwned=1</script>",
    "<SCRIPT SRC=/static/x.js></SCRIPT>",
    "<scr<script>ipt>window.__pwned=2</scr</script>ipt>",
    "</script><script>window.__pwned=3</script>",
    "</title><script>window.__pwned=4</script>",
    "</textarea><script>window.__pwned=5</script>",
    "<!--<script>window.__pwned=6</script>-->",
    "<![CDATA[<script>window.__pwned=7</script>]]>",
    # breaking out of attributes
    '" onmouseover="window.__pwned=8" x="',
    "' onfocus='window.__pwned=9' autofocus '",
    '"><img src=x onerror=window.__pwned=10>',
    "'><svg onload=window.__pwned=11>",
    "` onclick=`window.__pwned=12`",
    '" style="background:url(javascript:alert(13))',
    # elements with handlers
    "<img src=x onerror=\"window.__pwned=14\">",
    "<svg/onload=window.__pwned=15>",
    "<svg><script>window.__pwned=16</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned=17>",
    "<body onload=window.__pwned=18>",
    "<iframe src=\"javascript:window.__pwned=19\"></iframe>",
    "<details open ontoggle=window.__pwned=20>",
    "<video><source onerror=\"window.__pwned=21\"></video>",
    "<input autofocus onfocus=window.__pwned=22>",
    "<marquee onstart=window.__pwned=23>",
    # URLs
    "javascript:window.__pwned=24",
    "JaVaScRiPt:alert(25)",
    "java&#x09;script:alert(26)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgyNyk8L3NjcmlwdD4=",
    "<a href=\"javascript:window.__pwned=28\">click</a>",
    "<form action=\"https://example.invalid/steal\"><button>go</button></form>",
    "<base href=\"https://example.invalid/\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(31)\">",
    "<link rel=stylesheet href=\"https://example.invalid/x.css\">",
    # style and entities
    "<style>body{display:none}</style>",
    "&lt;script&gt;window.__pwned=35&lt;/script&gt;",
    "&#60;img src=x onerror=window.__pwned=36&#62;",
    "\u003cscript\u003ewindow.__pwned=37\u003c/script\u003e",
    # JSON-in-HTML and template syntax
    "</script><script>window.__pwned=38</script><!--",
    '{"a": "</script>"} \u2028\u2029',
    "{{ 7*7 }} {% if 1 %}jinja{% endif %} ${7*7} #{7*7}",
    # WebVTT cue injection: a caption that tries to end its cue and start another with markup
    "-->\n00:00.000 --> 00:01.000\n<c.x>injected</c>",
    "WEBVTT\n\nNOTE injected\n\n00:00:00.000 --> 00:00:09.000 line:0\n<b>fake cue</b>",
    "x --> y <v Someone>voice</v> <00:00:01.000> <ruby>r<rt>t</rt></ruby>",
    "line one\r\n\r\n00:00:02.000 --> 00:00:03.000\r\nsecond cue",
    # Unicode tricks
    "\u202eright-to-left override <b>bold</b>",
    "zero\u200bwidth <i>italic</i> \ufeff BOM",
    "&amp; &quot; &apos; &#39; < > \" ' &",
]


def payload_gallery(n_items: int | None = None):
    """A gallery whose every text field carries payloads (one per photo by default)."""
    from reader.model import Gallery, Item

    items = []
    count = n_items or len(PAYLOADS)
    for i in range(count):
        p = PAYLOADS[i % len(PAYLOADS)]
        q = PAYLOADS[(i + 1) % len(PAYLOADS)]
        r = PAYLOADS[(i + 2) % len(PAYLOADS)]
        items.append(Item(position=i + 1, caption=f"Caption {i + 1}: {p}",
                          credit=f"{q} /Agency", alt=f"Description {i + 1}: {r}"))
    return Gallery(
        title="Payloads: " + PAYLOADS[0] + " " + PAYLOADS[8],
        standfirst=PAYLOADS[3] + " " + PAYLOADS[38],
        body=[PAYLOADS[10], PAYLOADS[40]],
        section=PAYLOADS[9],
        published=PAYLOADS[11],
        lang="en",
        items=items,
    )
