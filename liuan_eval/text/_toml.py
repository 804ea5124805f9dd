"""Reading the editable TOML tables of the text package (shipped default or an office's own)."""
from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path


def read_table_toml(path: str | Path | None, default: str) -> tuple[dict, str]:
    """The parsed TOML at ``path`` (or the package's ``default`` file) and its name for messages.

    Examples
    --------
    >>> data, src = read_table_toml(None, "routing.toml")
    >>> src, "departments" in data
    ('routing.toml', True)
    """
    if path is None:
        raw, src = resources.files("liuan_eval.text").joinpath(default).read_bytes(), default
    else:
        raw, src = Path(path).read_bytes(), str(path)
    try:
        return tomllib.loads(raw.decode("utf-8")), src
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{src}: not valid TOML: {exc}") from exc
