"""QR codes of the app's address, for phones in the meeting room: as text for a terminal and as
an SVG for a page (drawn with segno, offline).

Examples
--------
>>> text = terminal_qr("http://192.168.43.10:8501")
>>> len(text.splitlines()) > 10, set(text) <= {"█", "▀", "▄", " ", "\\n"}
(True, True)
>>> svg_qr("http://192.168.43.10:8501").startswith("<svg")
True
>>> png_qr("http://192.168.43.10:8501")[:4]
b'\x89PNG'
"""

from __future__ import annotations

import io

import segno

__all__ = ["png_qr", "svg_qr", "terminal_qr"]


def terminal_qr(url: str) -> str:
    """``url`` as a QR code in block characters, two modules a character row (dark on a light
    quiet zone, so it scans from a dark or a light terminal)."""
    qr = segno.make(url, error="m", micro=False)
    rows = [[bool(v) for v in row] for row in qr.matrix_iter(scale=1, border=2)]
    if len(rows) % 2:
        rows.append([False] * len(rows[0]))
    glyph = {(False, False): "█", (True, True): " ", (True, False): "▄", (False, True): "▀"}
    return "\n".join(
        "".join(glyph[(top, bottom)] for top, bottom in zip(upper, lower, strict=True))
        for upper, lower in zip(rows[::2], rows[1::2], strict=True)
    )


def svg_qr(url: str, *, scale: int = 8) -> str:
    """``url`` as an SVG QR code (black on white, with its quiet zone)."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        out, kind="svg", scale=scale, border=4, xmldecl=False, svgns=True, nl=False
    )
    return out.getvalue().decode("ascii")


def png_qr(url: str, *, scale: int = 10) -> bytes:
    """``url`` as a PNG QR code (black on white, with its quiet zone)."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()
