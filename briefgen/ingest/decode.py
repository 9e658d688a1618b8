"""Decoding: a file's bytes → NFC text, or a clear reason why it is not text.

Byte-order marks decide first (UTF-8, UTF-16, UTF-32); then strict UTF-8; then a
legacy single-byte encoding chosen by charset-normalizer, with Windows-1252 preferred
when it reads the bytes as cleanly as charset-normalizer's own pick (short Western
texts are otherwise often labelled cp1250, which turns "ñ" into "ń").
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field

# Legacy encodings tried before charset-normalizer's pick when they read the bytes as
# cleanly; Windows-1252 is what "Latin-1" files saved on Windows actually are.
PREFERRED_LEGACY = ("cp1252",)
# Mess ratio (charset-normalizer's chaos score, 0 = clean) above which no decoding counts.
MAX_CHAOS = 0.2
# Share of control characters (other than tab, newlines, form feed) that marks binary data.
MAX_CONTROL_SHARE = 0.01

# Control characters (Unicode category Cc) other than tab, line feed, form feed, return.
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class UndecodableError(ValueError):
    """The bytes are not text this reader can use (empty, binary, unknown encoding)."""


@dataclass
class Decoded:
    """Text decoded from bytes, the encoding used and any warnings about it."""

    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def decode_bytes(data: bytes) -> Decoded:
    """Turn a text file's bytes into NFC-normalised text without a BOM.

    data (bytes): the raw file content.
    RETURNS (Decoded): text, encoding name and warnings (e.g. a truncated last character).
    Raises UndecodableError with a short reason for empty, binary or undecodable data.
    """
    if not data.strip():
        raise UndecodableError("empty file")
    decoded = _decode_with_bom(data) or _decode_utf16_without_bom(data)
    if decoded is None:
        if b"\x00" in data:
            raise UndecodableError("binary file (contains NUL bytes), not text")
        decoded = _decode_utf8(data) or _decode_legacy(data)
    text = decoded.text
    if not text.strip():
        raise UndecodableError("empty file")
    controls = len(CONTROLS.findall(text))
    if controls > MAX_CONTROL_SHARE * len(text):
        raise UndecodableError(f"binary file ({controls} control characters), not text")
    decoded.text = unicodedata.normalize("NFC", text)
    return decoded


def _decode_with_bom(data: bytes) -> Decoded | None:
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return _decode_tolerating_truncation(data[len(bom) :], encoding)
    return None


def _decode_utf16_without_bom(data: bytes) -> Decoded | None:
    # UTF-16 text of a Latin-script language has a NUL in every other byte; which half
    # holds them tells the byte order.
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0) / len(sample[0::2])
    odd_nuls = sample[1::2].count(0) / len(sample[1::2])
    if odd_nuls > 0.3 and even_nuls < 0.05:
        return _decode_tolerating_truncation(data, "utf-16-le")
    if even_nuls > 0.3 and odd_nuls < 0.05:
        return _decode_tolerating_truncation(data, "utf-16-be")
    return None


def _decode_tolerating_truncation(data: bytes, encoding: str) -> Decoded:
    try:
        return Decoded(data.decode(encoding), encoding)
    except UnicodeDecodeError as exc:
        # A file cut mid-character fails only in its last few bytes: keep the rest.
        if exc.reason == "truncated data" or exc.start >= len(data) - 3:
            try:
                text = data[: exc.start].decode(encoding)
            except UnicodeDecodeError:
                pass
            else:
                return Decoded(
                    text,
                    encoding,
                    [
                        f"ends in the middle of a character (truncated?); dropped the last "
                        f"{len(data) - exc.start} byte(s)"
                    ],
                )
        raise UndecodableError(f"not valid {encoding} at byte {exc.start} ({exc.reason})") from None


def _decode_utf8(data: bytes) -> Decoded | None:
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data":
            return _decode_tolerating_truncation(data, "utf-8")
        return None


def _decode_legacy(data: bytes) -> Decoded:
    from charset_normalizer import from_bytes
    from charset_normalizer.md import mess_ratio

    best = from_bytes(data).best()
    best_chaos = best.chaos if best is not None else 1.0
    for encoding in PREFERRED_LEGACY:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if mess_ratio(text, maximum_threshold=1.0) <= best_chaos + 0.02:
            return Decoded(text, encoding)
    if best is None or best_chaos > MAX_CHAOS:
        raise UndecodableError("unknown text encoding (neither UTF-8 nor a legacy encoding)")
    return Decoded(str(best), best.encoding)
