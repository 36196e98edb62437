"""Reading the raw survey: CSV (UTF-8 or GB18030/GBK), Excel (.xlsx) and SPSS (.sav).

Every reader returns the data as *text* cells (``str``; an empty string is a blank cell) so that
the respondent id is kept exactly as written and the cleaning step decides, cell by cell, what is
a number, a missing code or an error.  SPSS value labels are returned alongside.
"""
from __future__ import annotations

import io
import os
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from clusterup.errors import InputError

ENCODINGS = {"utf-8": "utf-8-sig", "gb18030": "gb18030", "gbk": "gbk"}


@dataclass
class RawData:
    """The raw file as text cells, plus what was learnt while reading it."""

    frame: pd.DataFrame
    source: str
    encoding: str | None = None
    value_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    delimiter: str | None = None


DELIMITERS = (",", ";", "\t", "|")


def detect_delimiter(header_line: str) -> str:
    """The CSV field separator: the candidate (``, ; tab |``) occurring most often in the header
    line outside quotes; a comma when none occurs (one-column file).  Excel in many European and
    Chinese locales writes semicolon-separated "CSV"."""
    import csv

    counts = {}
    for d in DELIMITERS:
        fields = next(csv.reader([header_line], delimiter=d), [])
        counts[d] = len(fields) - 1
    best = max(DELIMITERS, key=lambda d: (counts[d], d == ","))
    return best if counts[best] > 0 else ","


def read_raw(path: str, *, encoding: str = "auto", sheet: str | int = 0, delimiter: str = "detect") -> RawData:
    """Read a raw survey file by its extension.

    Parameters
    ----------
    path : str
        ``.csv``, ``.xlsx`` or ``.sav``.
    encoding : {"auto", "utf-8", "gb18030", "gbk"}
        CSV only.  ``auto`` tries UTF-8 (with or without BOM) and then GB18030, a superset of GBK
        and GB2312 — the encodings Chinese Excel and SPSS write.
    sheet : str or int
        Excel sheet.
    delimiter : {"detect", ",", ";", "\\t", "|"}
        CSV only.  ``detect`` takes the candidate occurring most often in the header line
        (:func:`detect_delimiter`); the separator used is returned in ``RawData.delimiter``.

    Raises
    ------
    InputError
        Missing file, unknown extension, undecodable bytes, unreadable file.
    """
    if not os.path.exists(path):
        raise InputError("the data file does not exist", file=path,
                         fix="check data.path in the config (paths are relative to the working directory)")
    ext = os.path.splitext(path)[1].lower()
    if ext == ".csv":
        return _read_csv(path, encoding, delimiter)
    if ext == ".xlsx":
        return _read_xlsx(path, sheet)
    if ext == ".sav":
        return _read_sav(path)
    raise InputError(f"unsupported file type {ext!r}", file=path, fix="give a .csv, .xlsx or .sav file")


def _decode(raw: bytes, path: str, encoding: str) -> tuple[str, str]:
    if encoding == "auto":
        try:
            return raw.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError:
            pass
        try:
            return raw.decode("gb18030"), "gb18030"
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise InputError(f"the file is neither UTF-8 nor GB18030 (undecodable byte 0x{raw[exc.start]:02x} "
                             f"at byte {exc.start})", file=path, where=f"line {line}",
                             fix="save the file as UTF-8 CSV, or set data.encoding") from None
    codec = ENCODINGS.get(encoding.lower())
    if codec is None:
        raise InputError(f"unknown encoding {encoding!r}", where="data.encoding",
                         fix="use auto, utf-8 or gb18030")
    try:
        return raw.decode(codec), encoding
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        other = "gb18030" if encoding.lower().startswith("utf") else "utf-8"
        hint = ""
        try:
            raw.decode(ENCODINGS[other])
            hint = f"; the file decodes as {other}"
        except UnicodeDecodeError:
            pass
        raise InputError(f"cannot decode the file as {encoding} (byte 0x{raw[exc.start]:02x} at byte {exc.start}){hint}",
                         file=path, where=f"line {line}",
                         fix=f"set data.encoding to {other if hint else 'auto'} or re-save the file as UTF-8") from None


def _read_csv(path: str, encoding: str, delimiter: str = "detect") -> RawData:
    with open(path, "rb") as fh:
        raw = fh.read()
    text, used = _decode(raw, path, encoding)
    if not text.strip():
        raise InputError("the file is empty", file=path, fix="point data.path at the survey file")
    import csv
    if delimiter == "detect":
        sep = detect_delimiter(text.splitlines()[0])
    elif delimiter in DELIMITERS:
        sep = delimiter
    else:
        raise InputError(f"unknown delimiter {delimiter!r}", where="data.delimiter",
                         fix="use detect or one of ',' ';' '\\t' '|'")
    header = next(csv.reader(io.StringIO(text), delimiter=sep), [])
    _check_header([h.strip() for h in header], path)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_filter=False,
                            skipinitialspace=False)
    except pd.errors.ParserError as exc:
        raise InputError(f"the CSV cannot be parsed ({exc})", file=path,
                         fix="check that every row has as many fields as the header") from None
    except pd.errors.EmptyDataError:
        raise InputError("the file is empty", file=path, fix="point data.path at the survey file") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return RawData(frame, path, used, delimiter=sep)


def _check_header(names: list[str], path: str) -> None:
    seen: dict[str, int] = {}
    for k, name in enumerate(names, start=1):
        if name in seen:
            raise InputError(f"column name {name!r} appears twice in the header (columns {seen[name]} and {k})",
                             file=path, where="header",
                             fix="rename or remove one of the two columns so every column name is unique")
        seen[name] = k


def _cell_text(v) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    return str(v)


def _read_xlsx(path: str, sheet) -> RawData:
    try:
        frame = pd.read_excel(path, sheet_name=sheet, dtype=object, engine="openpyxl")
    except ValueError as exc:
        raise InputError(f"cannot read the sheet ({exc})", file=path, where=f"sheet {sheet!r}",
                         fix="set data.sheet to an existing sheet name or index") from None
    except Exception as exc:  # openpyxl raises several types for corrupt files
        raise InputError(f"cannot read the Excel file ({type(exc).__name__}: {exc})", file=path,
                         fix="re-save the workbook as .xlsx") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    _check_header(list(frame.columns), path)
    frame = frame.map(_cell_text)
    return RawData(frame, path, None)


def _read_sav(path: str) -> RawData:
    import pyreadstat

    try:
        df, meta = pyreadstat.read_sav(path, apply_value_formats=False, user_missing=True)
    except Exception as exc:
        raise InputError(f"cannot read the SPSS file ({type(exc).__name__}: {exc})", file=path,
                         fix="re-save the file from SPSS as .sav") from None
    df.columns = [str(c).strip() for c in df.columns]
    labels = {}
    for var, lab in (meta.variable_value_labels or {}).items():
        labels[str(var)] = {_cell_text(k): str(v) for k, v in lab.items()}
    frame = df.astype(object).map(_cell_text)
    return RawData(frame, path, None, labels)


def write_sav(frame: pd.DataFrame, path: str, value_labels: dict[str, dict] | None = None) -> None:
    """Write a frame to SPSS .sav with value labels (used by tests and for users' convenience)."""
    import pyreadstat

    pyreadstat.write_sav(frame, path, variable_value_labels=value_labels or {})
