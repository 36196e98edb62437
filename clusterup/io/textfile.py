"""One reader for every text input: codebook, model, hypotheses and published files.

The study's authors write Chinese item wording and comments, and Chinese editors save text as
GBK/GB18030 as often as UTF-8.  Every text input is therefore read by :func:`read_text` with the
data file's rule: UTF-8 (with or without a byte-order mark) first, then GB18030 (a superset of GBK
and GB2312).  The encoding used is returned so the caller can record it; bytes that are neither
give an :class:`~clusterup.errors.InputError` naming the file, the line and what to do.
"""
from __future__ import annotations

from dataclasses import dataclass

from clusterup.errors import InputError

#: the order in which encodings are tried, and the codec used for each
ENCODINGS = (("utf-8", "utf-8-sig"), ("gb18030", "gb18030"))


@dataclass(frozen=True)
class TextFile:
    """A decoded text file and the encoding it was read with."""

    text: str
    path: str
    encoding: str


def decode_bytes(raw: bytes, path: str, what: str = "file") -> tuple[str, str]:
    """Decode ``raw`` as UTF-8, else GB18030; return (text, encoding name)."""
    for name, codec in ENCODINGS:
        try:
            return raw.decode(codec), name
        except UnicodeDecodeError as exc:
            first = exc
    pos = first.start
    line = raw[:pos].count(b"\n") + 1
    raise InputError(f"the {what} is neither UTF-8 nor GB18030/GBK text (undecodable byte 0x{raw[pos]:02x} "
                     f"at byte {pos})", file=path, where=f"line {line}",
                     fix=f"re-save the {what} as UTF-8 (or GB18030) text")


def read_text(path: str, what: str = "file") -> TextFile:
    """Read a text input with the encoding rule above (missing file and binary content named)."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        raise InputError(f"the {what} file does not exist", file=path,
                         fix=f"check the path given for the {what} in the config") from None
    except IsADirectoryError:
        raise InputError(f"the {what} path is a directory, not a file", file=path,
                         fix=f"point the config at the {what} file") from None
    except OSError as exc:
        raise InputError(f"the {what} file cannot be read ({exc.strerror})", file=path,
                         fix="check the file's permissions") from None
    if b"\x00" in raw[:4096]:
        raise InputError(f"the {what} is a binary file, not text", file=path,
                         fix=f"point the config at the {what} text file")
    text, enc = decode_bytes(raw, path, what)
    return TextFile(text, path, enc)
