"""The segment file: one immutable batch of one device's change-log entries.

Layout (integers big-endian)::

    "KSEG"  format (1 byte)  header length (2)  header (JSON)  body length (4)  body  [SHA-256]

The header names the device, the sequence numbers the segment covers, its entry count,
and whether the body is encrypted (then with the key id and the nonce). The body is the
entries as one compact JSON array of arrays (one C-speed parse for the whole segment),
compressed with zlib. A plain segment ends with a SHA-256 of
everything before it; an encrypted one has no checksum, since its body is AES-256-GCM with
everything before the body as associated data: the tag then proves the header and the
body both unaltered, so no one without the key can move a segment to another device or
renumber it.

Because the header states the body's length, a file still being copied in by a sync
service (shorter than it says) is told apart from a damaged one (same length, wrong
checksum or tag); the folder retries both later and reads neither.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import struct
import zlib
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag

from kamdesk.errors import SyncFolderError
from kamdesk.i18n import _
from kamdesk.sync.crypto import NONCE_BYTES, TeamKey, new_nonce
from kamdesk.sync.entries import WireEntry

MAGIC = b"KSEG"
SEGMENT_FORMAT = 1
_PREFIX = struct.Struct(">4sBH")
_BODY_LENGTH = struct.Struct(">I")
_CHECKSUM_BYTES = 32
_TAG_BYTES = 16
#: Fast compression: segments are written on every sync, and level 1 already shrinks
#: JSON to a fraction; the best levels cost several times the time for a few %.
_ZLIB_LEVEL = 1
#: Largest body this app will inflate, so a damaged or hostile file cannot exhaust memory.
_MAX_BODY_BYTES = 1 << 30


class SegmentError(SyncFolderError):
    """A segment cannot be read now; the folder skips it and says why."""

    #: True when trying again later may succeed (still arriving, or a sync service may
    #: yet replace a damaged copy with the good one).
    retry_later = True


class SegmentIncompleteError(SegmentError):
    """The file is shorter than its header says: it is probably still being copied in."""


class SegmentDamagedError(SegmentError):
    """The file is complete but fails its checksum or tag, or is not a segment at all."""


class SegmentKeyError(SegmentError):
    """The segment is encrypted with another key, or not encrypted where it must be."""

    retry_later = False


class NewerSegmentError(SegmentError):
    """The segment was written in a newer format than this app reads."""

    retry_later = False


@dataclass(frozen=True)
class SegmentHeader:
    """What a segment says about itself before its body is opened."""

    device_id: str
    first_seq: int
    last_seq: int
    count: int
    encrypted: bool
    key_id: str | None
    nonce: bytes | None

    def to_json(self) -> dict[str, Any]:
        """The header as its JSON object."""
        return {
            "device": self.device_id,
            "first": self.first_seq,
            "last": self.last_seq,
            "count": self.count,
            "encrypted": self.encrypted,
            "key_id": self.key_id,
            "nonce": base64.b64encode(self.nonce).decode("ascii") if self.nonce else None,
            "compression": "zlib",
        }

    @classmethod
    def from_json(cls, data: object) -> SegmentHeader:
        """The header ``to_json`` wrote; ValueError otherwise."""
        if not isinstance(data, dict) or data.get("compression") != "zlib":
            raise ValueError("not a segment header")
        device, first, last, count = data["device"], data["first"], data["last"], data["count"]
        encrypted, key_id, nonce = data["encrypted"], data["key_id"], data["nonce"]
        if not isinstance(device, str) or not isinstance(encrypted, bool):
            raise ValueError("bad header fields")
        if not all(isinstance(n, int) and not isinstance(n, bool) for n in (first, last, count)):
            raise ValueError("bad header numbers")
        if encrypted:
            if not isinstance(key_id, str) or not isinstance(nonce, str):
                raise ValueError("an encrypted header names its key and nonce")
            nonce_bytes: bytes | None = base64.b64decode(nonce, validate=True)
            if nonce_bytes is None or len(nonce_bytes) != NONCE_BYTES:
                raise ValueError("bad nonce")
        else:
            key_id, nonce_bytes = None, None
        return cls(device, first, last, count, encrypted, key_id, nonce_bytes)


@dataclass(frozen=True)
class Segment:
    """A segment read back: its header and its entries in sequence order."""

    header: SegmentHeader
    entries: list[WireEntry]


def encode_segment(
    device_id: str,
    first_seq: int,
    last_seq: int,
    entries: list[WireEntry],
    key: TeamKey | None = None,
) -> bytes:
    """The bytes of a segment holding ``entries`` (all of ``device_id``, in seq order).

    It covers the sequence numbers ``first_seq`` to ``last_seq``; the entries may leave
    gaps (compacted away), but none may fall outside.
    """
    if any(e.device_id != device_id for e in entries):
        raise ValueError("a segment holds the entries of one device only")
    seqs = [e.seq for e in entries]
    if seqs != sorted(set(seqs)) or (seqs and (seqs[0] < first_seq or seqs[-1] > last_seq)):
        raise ValueError("entries must be in increasing seq order within the segment's range")
    rows = json.dumps([e.to_row() for e in entries], ensure_ascii=False, separators=(",", ":"))
    plain_body = zlib.compress(rows.encode("utf-8"), _ZLIB_LEVEL)
    nonce = new_nonce() if key else None
    header = SegmentHeader(
        device_id,
        first_seq,
        last_seq,
        len(entries),
        encrypted=key is not None,
        key_id=key.key_id if key else None,
        nonce=nonce,
    )
    header_bytes = json.dumps(header.to_json(), sort_keys=True, separators=(",", ":")).encode()
    body_length = len(plain_body) + (_TAG_BYTES if key else 0)
    prefix = (
        _PREFIX.pack(MAGIC, SEGMENT_FORMAT, len(header_bytes))
        + header_bytes
        + _BODY_LENGTH.pack(body_length)
    )
    if key is not None and nonce is not None:
        return prefix + key.encrypt(nonce, plain_body, prefix)
    unsealed = prefix + plain_body
    return unsealed + hashlib.sha256(unsealed).digest()


def read_header(data: bytes) -> tuple[SegmentHeader, int, int]:
    """The header, where the body starts, and the body's length.

    Raises SegmentIncompleteError when the file stops before the end it announces.
    """
    if data[: len(MAGIC)] != MAGIC[: len(data)]:
        raise SegmentDamagedError(_("This file is not a KAMDesk sync segment."))
    if len(data) < _PREFIX.size:
        raise SegmentIncompleteError(_("The segment is still arriving (it is incomplete)."))
    _magic, version, header_length = _PREFIX.unpack_from(data)
    if version > SEGMENT_FORMAT:
        raise NewerSegmentError(
            _("This segment was written by a newer KAMDesk; update KAMDesk to read it.")
        )
    body_start = _PREFIX.size + header_length + _BODY_LENGTH.size
    if len(data) < body_start:
        raise SegmentIncompleteError(_("The segment is still arriving (it is incomplete)."))
    try:
        header = SegmentHeader.from_json(json.loads(data[_PREFIX.size : body_start - 4]))
    except (ValueError, KeyError, binascii.Error) as exc:
        # ValueError covers bad JSON and bad UTF-8 too; the length may be what is bad, so
        # a file that is still arriving is told as such below, not here.
        raise SegmentDamagedError(_("The segment's header is damaged.")) from exc
    (body_length,) = _BODY_LENGTH.unpack_from(data, body_start - 4)
    if body_length > _MAX_BODY_BYTES:
        raise SegmentDamagedError(_("The segment's header is damaged."))
    return header, body_start, body_length


def decode_segment(data: bytes, key: TeamKey | None) -> Segment:
    """The segment in ``data``, checked whole; a SegmentError says why it cannot be read.

    ``key`` is the folder's key when the folder is encrypted, and then a plain segment is
    refused: anyone who can write to the folder could otherwise slip in entries.
    """
    header, body_start, body_length = read_header(data)
    trailer = 0 if header.encrypted else _CHECKSUM_BYTES
    expected = body_start + body_length + trailer
    if len(data) < expected:
        raise SegmentIncompleteError(_("The segment is still arriving (it is incomplete)."))
    if len(data) > expected:
        raise SegmentDamagedError(_("The segment is longer than it says: it is damaged."))
    body = data[body_start : body_start + body_length]
    if header.encrypted:
        if key is None:
            raise SegmentKeyError(_("The segment is encrypted, but this folder is not."))
        if header.key_id != key.key_id or header.nonce is None:
            raise SegmentKeyError(
                _("The segment is encrypted with another team key (an old passphrase?).")
            )
        try:
            body = key.decrypt(header.nonce, body, data[:body_start])
        except InvalidTag as exc:
            raise SegmentDamagedError(
                _("The segment fails its integrity check: it is damaged or was altered.")
            ) from exc
    else:
        if key is not None:
            raise SegmentKeyError(
                _("The segment is not encrypted, but this folder is: it was ignored.")
            )
        if hashlib.sha256(data[: body_start + body_length]).digest() != data[-trailer:]:
            raise SegmentDamagedError(
                _("The segment fails its checksum: it is damaged or still being replaced.")
            )
    entries = _entries(header, body)
    return Segment(header, entries)


def _entries(header: SegmentHeader, body: bytes) -> list[WireEntry]:
    damaged = _("The segment's entries are damaged.")
    try:
        inflater = zlib.decompressobj()
        text = inflater.decompress(body, _MAX_BODY_BYTES)
        if inflater.unconsumed_tail or not inflater.eof:
            raise SegmentDamagedError(damaged)
        rows = json.loads(text)
        if not isinstance(rows, list):
            raise SegmentDamagedError(damaged)
        entries = [WireEntry.from_row(header.device_id, row) for row in rows]
    except (zlib.error, ValueError) as exc:
        raise SegmentDamagedError(damaged) from exc
    seqs = [e.seq for e in entries]
    if len(entries) != header.count or seqs != sorted(set(seqs)):
        raise SegmentDamagedError(damaged)
    if entries and (seqs[0] < header.first_seq or seqs[-1] > header.last_seq):
        raise SegmentDamagedError(damaged)
    return entries
