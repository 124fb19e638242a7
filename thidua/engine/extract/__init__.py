"""Figures from reports: a unit's year-end report read into figures, and figures into a scale's
criteria. Pure Python, no Django import.

::

    text = read_text("bao-cao-tong-ket.docx")       # .txt, .docx, .pdf (text layer)
    figures = find_figures(text)                     # every stated figure with its sentence
    suggestions = suggest(scale, figures)            # criterion → figure, with a confidence

The command line is ``python -m thidua.extract REPORT [--scale SCALE.json]``
(:mod:`thidua.engine.extract.cli`).
"""

from __future__ import annotations

from .figures import Figure, find_figures
from .numbers import format_number, parse_number, parse_words
from .sources import SourceError, read_text, text_of_bytes
from .suggest import Suggestion, suggest

__all__ = [
    "Figure",
    "SourceError",
    "Suggestion",
    "find_figures",
    "format_number",
    "parse_number",
    "parse_words",
    "read_text",
    "suggest",
    "text_of_bytes",
]
