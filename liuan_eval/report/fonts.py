"""Chinese text in charts: register the CJK font shipped by ``mplfonts`` with matplotlib.

``mplfonts`` (a dependency, installed from the package index) ships
``fonts/NotoSansCJKsc-Regular.otf``. Registering that file with matplotlib's font manager
and putting its family first in ``font.sans-serif`` makes every chart render Chinese on a
fresh machine, without any system font. A missing glyph would show up as matplotlib's
``UserWarning: Glyph ... missing from font(s)``; ``tests/test_report_fonts.py`` turns that
warning into a failure.

Examples
--------
>>> from liuan_eval.report.fonts import setup_fonts
>>> setup_fonts()
'Noto Sans CJK SC'
>>> import matplotlib
>>> matplotlib.rcParams["font.sans-serif"][0]
'Noto Sans CJK SC'
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

#: The family name of the registered font.
CJK_FAMILY = "Noto Sans CJK SC"
_FONT_FILE = "NotoSansCJKsc-Regular.otf"


def font_path() -> Path:
    """Path of the CJK font file inside the installed ``mplfonts`` package.

    Raises
    ------
    FileNotFoundError
        When ``mplfonts`` is installed without its fonts.

    Examples
    --------
    >>> font_path().name
    'NotoSansCJKsc-Regular.otf'
    """
    import mplfonts

    path = Path(mplfonts.__file__).resolve().parent / "fonts" / _FONT_FILE
    if not path.is_file():
        raise FileNotFoundError(
            f"CJK font {_FONT_FILE} not found at {path}: reinstall the 'mplfonts' package "
            "(pip install --force-reinstall mplfonts)")
    return path


@cache
def setup_fonts() -> str:
    """Register the CJK font, make it matplotlib's first sans-serif family; return its name.

    Also turns off the Unicode minus sign, which the CJK font lacks. The report's charts are
    :class:`matplotlib.figure.Figure` objects drawn with Agg, so no pyplot backend is
    needed. Safe to call many times; the work is done once per process.

    Returns
    -------
    str
        The registered family name, ``"Noto Sans CJK SC"``.

    Examples
    --------
    >>> setup_fonts() == CJK_FAMILY
    True
    """
    import matplotlib
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(font_path()))
    rc = matplotlib.rcParams
    rest = [f for f in rc["font.sans-serif"] if f != CJK_FAMILY]
    rc["font.sans-serif"] = [CJK_FAMILY, *rest]
    rc["font.family"] = "sans-serif"
    rc["axes.unicode_minus"] = False
    return CJK_FAMILY


#: The family name the HTML report gives its embedded font subset.
WEB_FAMILY = "LiuanReportCJK"


def font_face_css(text: str) -> str:
    """A CSS ``@font-face`` rule embedding the CJK font, cut down to the characters of ``text``.

    The HTML report embeds it so that its Chinese text renders on a machine with no
    Chinese system font (a fresh server, headless Chromium) — not only its charts. The
    subset is a WOFF file (zlib, no extra dependency; fontTools comes with matplotlib),
    typically 100–300 KB for a report.

    Examples
    --------
    >>> css = font_face_css("六安市年度考核")
    >>> css.startswith("@font-face") and "data:font/woff;base64," in css
    True
    """
    import base64
    import io

    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = []  # horizontal simplified Chinese needs no GSUB/GPOS: half the size and time
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(font_path()), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(set(text))))
    subsetter.subset(font)
    buf = io.BytesIO()
    subset.save_font(font, buf, options)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (f'@font-face {{font-family: "{WEB_FAMILY}"; '
            f'src: url(data:font/woff;base64,{data}) format("woff");}}')
