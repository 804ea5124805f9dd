"""Every file the project writes: masked, formula-safe, written atomically, repeatable.

One road out for every output — CSV tables, the workbook, the HTML report, the
executed notebook, quarantine files, ``ingest``'s and ``classify``'s outputs:

* :func:`mask_frame` / :func:`mask_document` pass all text through the one masking
  function :func:`liuan_eval.clean.mask_pii` (phones, ID numbers, e-mails, plates, also
  when split by spaces, dashes or line breaks);
* :func:`escape_formulas` prefixes ``'`` to text cells Excel would run as a formula
  (``=``, ``+``, ``-``, ``@``, tab, carriage return), as the workbook writer does;
* :func:`write_csv`, :func:`write_text`, :func:`write_bytes` write to a temporary file
  beside the target and move it into place, so a reader never sees half a file;
* :class:`OutputFolder` builds a whole output folder under a temporary name and swaps it
  in at the end: an interrupted run leaves the previous complete folder untouched.

An output folder or file that cannot be written raises
:class:`liuan_eval.errors.OutputError` (exit status 2 on the command line).

Examples
--------
>>> import pandas as pd, tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> p = write_csv(pd.DataFrame({"text": ["=HYPERLINK(1)", "电话139 1234 5678"], "n": [1, -2]}), d / "t.csv")
>>> p.read_text(encoding="utf-8-sig").splitlines()
['text,n', "'=HYPERLINK(1),1", '电话139****5678,-2']
"""
from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from liuan_eval.clean import mask_pii
from liuan_eval.errors import OutputError, interrupted

#: First characters that make a spreadsheet cell a formula (OWASP's list).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_RE = r"^[=+\-@\t\r]"
_BASE64_RUN = re.compile(r"(data:[a-z/+.-]+;base64,[A-Za-z0-9+/=]+)")


def _is_text(values: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(values) or values.dtype == object


def _text_cells(values: pd.Series) -> pd.Series | None:
    """The text cells of a column as a ``str`` Series (non-text objects as NA), or None."""
    if not _is_text(values):
        return None
    if values.dtype == object:
        is_text = values.map(lambda v: isinstance(v, str), na_action="ignore").fillna(False).astype(bool)
        return values.where(is_text).astype("str")
    return values.astype("str")


#: What a leaked citizen's number looks like in an output (for checks; masking is :func:`mask_pii`).
MOBILE_RE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[0-9Xx])(?![0-9A-Za-z])")


def find_citizen_numbers(text: str) -> list[str]:
    """Unmasked mobile and ID numbers in ``text`` (a final check on an output, not a masker).

    Examples
    --------
    >>> find_citizen_numbers("a 13912345678 b 139****5678")
    ['13912345678']
    """
    return [m.group(0) for m in MOBILE_RE.finditer(text)] + [m.group(0) for m in ID_RE.finditer(text)]


def mask_series(values: pd.Series) -> pd.Series:
    """:func:`liuan_eval.clean.mask_pii` over the text cells of a column; other cells unchanged.

    Examples
    --------
    >>> mask_series(pd.Series(["a 13812345678", None], dtype="str")).tolist()[0]
    'a 138****5678'
    """
    text = _text_cells(values)
    if text is None:
        return values
    masked = mask_pii(text)
    if values.dtype == object:
        return values.where(text.isna(), masked.astype(object))
    return masked


def mask_text(text: str) -> str:
    """One text through :func:`liuan_eval.clean.mask_pii`.

    Examples
    --------
    >>> mask_text("电话13912345678，身份证11010519491231002X")
    '电话139****5678，身份证1101**********002X'
    """
    return mask_pii(pd.Series([text], dtype="str")).iloc[0] if text else text


def mask_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text column and every header masked.

    Examples
    --------
    >>> mask_frame(pd.DataFrame({"x": ["13812345678"]})).iloc[0, 0]
    '138****5678'
    """
    out = frame.copy()
    for i in range(out.shape[1]):
        out.isetitem(i, mask_series(out.iloc[:, i]))
    out.columns = mask_pii(pd.Series([str(c) for c in out.columns], dtype="str")).tolist()
    return out


def escape_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that Excel would run as a formula, prefixed with ``'`` (shown as text).

    Examples
    --------
    >>> escape_formulas(pd.DataFrame({"a": ["=1+1", "@SUM(A1)", "ok", None]}))["a"].tolist()
    ["'=1+1", "'@SUM(A1)", 'ok', nan]
    """
    out = frame.copy()
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        text = _text_cells(col)
        if text is None:
            continue
        hit = text.str.contains(_FORMULA_RE, regex=True).fillna(False).to_numpy(dtype=bool)
        if hit.any():
            col = col.copy()
            col[hit] = "'" + text[hit]
            out.isetitem(i, col)
    return out


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`mask_frame` then :func:`escape_formulas`: what every table output holds."""
    return escape_formulas(mask_frame(frame))


def mask_document(text: str) -> str:
    """An HTML or text document with citizens' numbers masked, embedded images left intact.

    Examples
    --------
    >>> mask_document('<p>13812345678</p><img src="data:image/png;base64,AAA13812345678B">')
    '<p>138****5678</p><img src="data:image/png;base64,AAA13812345678B">'
    """
    pieces = _BASE64_RUN.split(text)
    for i in range(0, len(pieces), 2):  # even pieces lie outside the data: URIs
        if pieces[i]:
            pieces[i] = mask_text(pieces[i])
    return "".join(pieces)


def mask_notebook(nb) -> None:
    """Mask, in place, an nbformat notebook's sources and its text outputs (images untouched)."""
    for cell in nb.cells:
        cell.source = mask_document(cell.source)
        for out in cell.get("outputs", []):
            if "text" in out:
                out["text"] = mask_document(out["text"] if isinstance(out["text"], str) else "".join(out["text"]))
            for mime, value in list(out.get("data", {}).items()):
                if mime.startswith("text/") or mime.endswith("json"):
                    if isinstance(value, str):
                        out["data"][mime] = mask_document(value)
                    elif isinstance(value, list):
                        out["data"][mime] = [mask_document(v) for v in value]


# --- atomic writes ---------------------------------------------------------------------------
def _tmp_beside(path: Path) -> Path:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise OutputError(path.parent, exc.strerror or str(exc)) from None
    return Path(name)


def _commit(tmp: Path, path: Path) -> Path:
    try:
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(path, exc.strerror or str(exc)) from None
    return path


def _atomic(path, write) -> Path:
    """``write(tmp)`` into a temporary file beside ``path``, then rename it into place."""
    path = Path(path)
    tmp = _tmp_beside(path)
    try:
        write(tmp)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(path, exc.strerror or str(exc)) from None
        raise
    return _commit(tmp, path)


def write_bytes(data: bytes, path) -> Path:
    """Write ``data`` to ``path`` atomically (a temporary file beside it, then a rename)."""
    return _atomic(path, lambda tmp: tmp.write_bytes(data))


def write_text(text: str, path, *, mask: bool = True) -> Path:
    """Write a text document (UTF-8) atomically, masked with :func:`mask_document`."""
    return write_bytes((mask_document(text) if mask else text).encode("utf-8"), path)


def write_json(obj, path) -> Path:
    """Write ``obj`` as sorted, indented JSON (masked), atomically."""
    return write_text(json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True, default=str) + "\n", path)


def write_csv(frame: pd.DataFrame, path, *, bom: bool = True) -> Path:
    """Write ``frame`` as CSV: masked, formula-safe, repeatable, atomic.

    UTF-8 with BOM by default (Excel shows the Chinese); ``\\n`` line ends; floats with
    10 significant digits (reproducible, and no float prints a digit run that looks like
    a phone number); no index.
    """
    safe = safe_frame(frame)
    for i in range(safe.shape[1]):  # timestamps as pandas writes them, without a Python call per cell
        text = _datetime_text(safe.iloc[:, i])
        if text is not None:
            safe.isetitem(i, text)
    return _atomic(path, lambda tmp: safe.to_csv(tmp, index=False, encoding="utf-8-sig" if bom else "utf-8",
                                                  lineterminator="\n", float_format="%.10g"))


def _datetime_text(values: pd.Series) -> pd.Series | None:
    """A time-zone-aware timestamp column as the text ``DataFrame.to_csv`` writes for it
    (``2025-03-01 09:30:00+08:00``, NaT empty), computed at once; ``None`` for any other column
    and when a value has a fraction of a second or an offset in seconds (pandas formats those).

    Examples
    --------
    >>> t = pd.Series(pd.to_datetime(["2025-03-01 09:30", None], format="ISO8601")).dt.tz_localize("Asia/Shanghai")
    >>> _datetime_text(t).tolist(), t.to_frame().to_csv(index=False).splitlines()[1]
    (['2025-03-01 09:30:00+08:00', None], '2025-03-01 09:30:00+08:00')
    """
    if not isinstance(values.dtype, pd.DatetimeTZDtype):
        return None
    local = values.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
    utc = values.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
    na = np.isnat(local)
    ns = local.view(np.int64)[~na]
    offset = (local - utc).view(np.int64)[~na] // 10**9  # seconds east of UTC
    if (ns % 10**9).any() or (offset % 60).any():
        return None
    out = np.full(len(values), None, dtype=object)
    if (~na).any():
        text = np.char.replace(np.datetime_as_string(local[~na].astype("datetime64[s]"), unit="s"), "T", " ")
        minutes, where = np.unique(offset // 60, return_inverse=True)
        signs = np.asarray([f"{'+' if m >= 0 else '-'}{abs(m) // 60:02d}:{abs(m) % 60:02d}" for m in minutes])
        out[~na] = np.char.add(text, signs[where]).astype(object)
    return pd.Series(out, index=values.index, dtype=object)


class OutputFolder:
    """Build an output folder under a temporary name; swap it in only when complete.

    ``with OutputFolder(out) as tmp:`` — write everything into ``tmp``; on a normal exit
    the previous ``out`` (if any) is replaced by it in two renames; on an error or Ctrl-C
    ``tmp`` is removed and ``out`` is left as it was.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "2025"
    >>> with OutputFolder(out) as tmp:
    ...     _ = (tmp / "a.txt").write_text("x")
    >>> sorted(p.name for p in out.iterdir())
    ['a.txt']
    >>> try:
    ...     with OutputFolder(out) as tmp:
    ...         _ = (tmp / "b.txt").write_text("y")
    ...         raise KeyboardInterrupt
    ... except KeyboardInterrupt:
    ...     pass
    >>> sorted(p.name for p in out.iterdir()), sorted(p.name for p in out.parent.iterdir())
    (['a.txt'], ['2025'])
    """

    def __init__(self, target):
        self.target = Path(target)
        self.tmp: Path | None = None

    def __enter__(self) -> Path:
        t = self.target
        if t.exists() and not t.is_dir():
            raise OutputError(t, "已有同名文件，不是文件夹")
        try:
            t.parent.mkdir(parents=True, exist_ok=True)
            self.tmp = Path(tempfile.mkdtemp(prefix=f".{t.name}.partial-", dir=t.parent))
        except OSError as exc:
            raise OutputError(t, exc.strerror or str(exc)) from None
        return self.tmp

    def __exit__(self, exc_type, exc, tb) -> bool:
        tmp, t = self.tmp, self.target
        if exc_type is not None or interrupted():
            shutil.rmtree(tmp, ignore_errors=True)
            if exc_type is None:  # Ctrl-C was swallowed somewhere (a finaliser): still not complete
                raise KeyboardInterrupt
            return False
        old = None
        try:
            os.chmod(tmp, 0o755)
            if t.exists():
                old = t.parent / f".{t.name}.old-{os.getpid()}"
                shutil.rmtree(old, ignore_errors=True)
                os.replace(t, old)
            os.replace(tmp, t)
        except OSError as exc:
            if old is not None and old.exists() and not t.exists():
                os.replace(old, t)
            shutil.rmtree(tmp, ignore_errors=True)
            raise OutputError(t, exc.strerror or str(exc)) from None
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return False


__all__ = ["FORMULA_PREFIXES", "ID_RE", "MOBILE_RE", "find_citizen_numbers", "OutputFolder", "escape_formulas", "mask_document", "mask_frame", "mask_notebook",
           "mask_series", "mask_text", "safe_frame", "write_bytes", "write_csv", "write_json", "write_text"]
