"""Measuring and breaking text for fixed boxes: the wall map's lines are decided here, then
drawn one ``cell`` each, so what was measured is what is printed and nothing runs off.

Widths come from fpdf2 itself (HarfBuzz-shaped when shaping is on), once per word and style
at a reference size and scaled linearly, so trying a layout at many type sizes costs
arithmetic, not shaping. Private to :mod:`layers`.
"""

from __future__ import annotations

from dataclasses import dataclass

from fpdf import FPDF

from layers._pdf import FONT

__all__ = ["PT", "Line", "Typesetter"]  # i18n-ignore: names of the module's API

#: Millimetres per point.
PT = 25.4 / 72
_REFERENCE = 100.0
#: Measured widths are summed word by word; keep a little room for kerning and rounding.
_SLACK = 0.985
#: What joins short phrases packed on one line.
SEPARATOR = " · "


@dataclass(frozen=True)
class Line:
    """One line of text: what it says, its style (``""`` or ``"B"``), its size in points, the
    height it takes (mm), how far it is indented (mm), its grey (0 black, 255 white), and
    whether it is inside a framed box (the notice of a translation not yet reviewed)."""

    text: str
    style: str
    size: float
    height: float
    indent: float = 0.0
    grey: int = 0
    boxed: bool = False


class Typesetter:
    """Widths of text in ``pdf``'s DejaVu fonts, and line breaking to a width."""

    def __init__(self, pdf: FPDF) -> None:
        self._pdf = pdf
        self._widths: dict[tuple[str, str], float] = {}
        self._lines: dict[tuple[str, str], float] = {}
        self._wrapped: dict[tuple[str, str, float], list[str]] = {}
        self._split: dict[tuple[str, str], list[tuple[str, float]]] = {}

    def _unit(self, text: str, style: str) -> float:
        """Width in mm of ``text`` at 1 pt."""
        key = (style, text)
        if key not in self._widths:
            self._pdf.set_font(FONT, style, _REFERENCE)
            self._widths[key] = self._pdf.get_string_width(text) / _REFERENCE
        return self._widths[key]

    def width(self, text: str, style: str, size: float) -> float:
        """Width in mm of ``text`` at ``size`` points (summed word by word)."""
        key = (style, text)
        unit = self._lines.get(key)
        if unit is None:
            words = text.split(" ")
            spaces = (len(words) - 1) * self._unit(" ", style)
            unit = self._lines[key] = sum(self._unit(w, style) for w in words if w) + spaces
        return unit * size

    def _words(self, text: str, style: str) -> list[tuple[str, float]]:
        """The words of ``text`` with their widths in mm at 1 pt."""
        key = (style, text)
        if key not in self._split:
            self._split[key] = [(w, self._unit(w, style)) for w in text.split()]
        return self._split[key]

    def _pieces(self, word: str, room: float, style: str) -> list[tuple[str, float]]:
        """A word wider than ``room`` (mm at 1 pt) cut into pieces that fit (a name with no
        spaces), with their widths."""
        pieces, start = [], 0
        while start < len(word):
            end = start + 1
            while end < len(word) and self._unit(word[start : end + 1], style) <= room:
                end += 1
            pieces.append((word[start:end], self._unit(word[start:end], style)))
            start = end
        return pieces

    def wrap(self, text: str, width: float, style: str, size: float) -> list[str]:
        """``text`` broken into lines no wider than ``width`` mm at ``size`` points."""
        room = width * _SLACK / size
        key = (style, text, round(room, 4))
        if key in self._wrapped:
            return self._wrapped[key]
        space = self._unit(" ", style)
        lines: list[str] = []
        line: list[str] = []
        used = 0.0
        for word, unit in self._words(text, style):
            for piece, wide in [(word, unit)] if unit <= room else self._pieces(word, room, style):
                if line and used + space + wide > room:
                    lines.append(" ".join(line))
                    line, used = [piece], wide
                else:
                    used += (space if line else 0.0) + wide
                    line.append(piece)
        if line:
            lines.append(" ".join(line))
        self._wrapped[key] = lines = lines or [""]
        return lines

    def pack(self, phrases: tuple[str, ...], width: float, style: str, size: float) -> list[str]:
        """Short ``phrases`` on as few lines as fit, joined by `` · ``; a phrase is broken
        only when it is wider than a line on its own."""
        room = width * _SLACK
        lines: list[str] = []
        line = ""
        for phrase in phrases:
            joined = f"{line}{SEPARATOR}{phrase}" if line else phrase
            if self.width(joined, style, size) <= room:
                line = joined
                continue
            if line:
                lines.append(line)
            if self.width(phrase, style, size) <= room:
                line = phrase
                continue
            # Too wide on its own: break it after a comma if that is enough, else by words.
            parts = phrase.split(", ")
            if len(parts) > 1 and all(self.width(p + ",", style, size) <= room for p in parts):
                pieces = [f"{p}," for p in parts[:-1]] + [parts[-1]]
            else:
                pieces = [phrase]
            line = ""
            for piece in pieces:
                joined = f"{line} {piece}" if line else piece
                if self.width(joined, style, size) <= room:
                    line = joined
                    continue
                if line:
                    lines.append(line)
                parts = self.wrap(piece, width, style, size)
                lines.extend(parts[:-1])
                line = parts[-1]
        if line:
            lines.append(line)
        return lines
