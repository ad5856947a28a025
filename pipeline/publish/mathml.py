"""LaTeX formulas → safe MathML, rendered at build time so the portal needs no JavaScript.

latex2mathml copies ``\\text{…}`` and ``\\href`` arguments through unescaped, so its output
is re-parsed and rebuilt from a whitelist of MathML elements and attributes.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET

from latex2mathml.converter import convert

NS = "{http://www.w3.org/1998/Math/MathML}"
ELEMENTS = {
    "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msub", "msup", "msubsup", "mfrac", "msqrt",
    "mroot", "mstyle", "merror", "mpadded", "mphantom", "mfenced", "menclose", "munder", "mover",
    "munderover", "mtable", "mtr", "mtd", "semantics",
}  # fmt: skip
ATTRIBUTES = {
    "display", "mathvariant", "stretchy", "fence", "separator", "accent", "accentunder", "lspace", "rspace",
    "linethickness", "columnalign", "rowalign", "width", "height", "depth", "displaystyle", "scriptlevel",
    "open", "close", "separators", "notation", "minsize", "maxsize", "movablelimits", "form", "columnspacing",
    "rowspacing", "columnlines", "rowlines", "frame", "bevelled",
}  # fmt: skip


def _rebuild(node: ET.Element, out: list[str]) -> None:
    tag = node.tag.removeprefix(NS)
    if tag not in ELEMENTS:  # anything else is shown as plain text, never as markup
        text = "".join(node.itertext())
        if text:
            out.append(f"<mtext>{html.escape(text)}</mtext>")
        if node.tail:
            out.append(html.escape(node.tail))
        return
    attrs = "".join(
        f' {name}="{html.escape(value)}"' for name, value in sorted(node.attrib.items()) if name in ATTRIBUTES
    )
    out.append(f"<{tag}{attrs}>")
    if node.text:
        out.append(html.escape(node.text))
    for child in node:
        _rebuild(child, out)
    out.append(f"</{tag}>")
    if node.tail:
        out.append(html.escape(node.tail))


def latex_to_mathml(latex: str) -> str | None:
    """Safe MathML for ``latex``, or None when it cannot be converted (show the source instead)."""
    try:
        root = ET.fromstring(convert(latex, display="block"))
    except Exception:  # latex2mathml raises many kinds of errors on malformed input
        return None
    out: list[str] = []
    _rebuild(root, out)
    return "".join(out).replace("<math", '<math xmlns="http://www.w3.org/1998/Math/MathML"', 1)
