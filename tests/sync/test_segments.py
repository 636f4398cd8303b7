"""The segment file: what it holds comes back exactly, and any change to it is refused."""

from __future__ import annotations

import pytest

from kamdesk.sync.crypto import FolderEncryption
from kamdesk.sync.entries import WireEntry
from kamdesk.sync.segments import (
    SegmentDamagedError,
    SegmentIncompleteError,
    SegmentKeyError,
    decode_segment,
    encode_segment,
    read_header,
)

from .conftest import ALICE, CUSTOMER, FAST_KDF, PASSPHRASE, entries, entry, readable_texts

_, TEAM_KEY = FolderEncryption.new(PASSPHRASE, FAST_KDF)
_, OTHER_KEY = FolderEncryption.new("another team's passphrase", FAST_KDF)


def tricky_entries() -> list[WireEntry]:
    """Values that trip naive encoders: newlines, quotes, Chinese, JSON objects, nulls."""
    return [
        entry(ALICE, 1, '第一行\n第二行 "quoted" \\ back'),
        entry(ALICE, 2, {"amount": "12000.50", "currency": "CNY"}, column="amount"),
        entry(ALICE, 4, None),  # seq 3 was compacted away
        WireEntry(ALICE, 5, 1 << 60, "stakeholder", "s-1", "deleted_at", "null", None, None),
    ]


@pytest.mark.parametrize("key", [None, TEAM_KEY], ids=["plain", "encrypted"])
def test_a_segment_gives_back_exactly_its_entries(key: object) -> None:
    written = tricky_entries()
    data = encode_segment(ALICE, 1, 5, written, TEAM_KEY if key else None)
    segment = decode_segment(data, TEAM_KEY if key else None)
    assert segment.entries == written
    assert (segment.header.first_seq, segment.header.last_seq, segment.header.count) == (1, 5, 4)
    assert segment.header.encrypted is (key is not None)


def test_an_empty_segment_reads_back_empty() -> None:
    assert decode_segment(encode_segment(ALICE, 1, 3, []), None).entries == []


@pytest.mark.parametrize("key", [None, TEAM_KEY], ids=["plain", "encrypted"])
def test_any_flipped_header_byte_is_refused(key: object) -> None:
    team_key = TEAM_KEY if key else None
    data = encode_segment(ALICE, 1, 12, entries(ALICE, 1, 12), team_key)
    _header, body_start, _length = read_header(data)
    for index in range(body_start):
        damaged = bytearray(data)
        damaged[index] ^= 0x01
        with pytest.raises((SegmentDamagedError, SegmentIncompleteError, SegmentKeyError)):
            decode_segment(bytes(damaged), team_key)


def test_renumbering_an_encrypted_segment_is_caught_by_its_tag() -> None:
    data = encode_segment(ALICE, 1, 12, entries(ALICE, 1, 12), TEAM_KEY)
    # Same length, valid JSON, another range: only the associated data can tell.
    forged = data.replace(b'"first":1,', b'"first":2,', 1)
    assert forged != data
    with pytest.raises(SegmentDamagedError) as raised:
        decode_segment(forged, TEAM_KEY)
    assert "integrity" in raised.value.message


@pytest.mark.parametrize("key", [None, TEAM_KEY], ids=["plain", "encrypted"])
def test_a_flipped_body_byte_is_refused(key: object) -> None:
    team_key = TEAM_KEY if key else None
    data = encode_segment(ALICE, 1, 12, entries(ALICE, 1, 12), team_key)
    damaged = bytearray(data)
    damaged[len(data) - 40] ^= 0x80
    with pytest.raises(SegmentDamagedError):
        decode_segment(bytes(damaged), team_key)


@pytest.mark.parametrize("key", [None, TEAM_KEY], ids=["plain", "encrypted"])
def test_a_segment_cut_anywhere_is_incomplete_not_damaged(key: object) -> None:
    team_key = TEAM_KEY if key else None
    data = encode_segment(ALICE, 1, 30, entries(ALICE, 1, 30), team_key)
    for cut in range(len(data)):
        with pytest.raises(SegmentIncompleteError):
            decode_segment(data[:cut], team_key)


def test_a_segment_under_another_key_or_no_key_is_refused() -> None:
    sealed = encode_segment(ALICE, 1, 3, entries(ALICE, 1, 3), TEAM_KEY)
    with pytest.raises(SegmentKeyError):
        decode_segment(sealed, OTHER_KEY)
    with pytest.raises(SegmentKeyError):
        decode_segment(sealed, None)
    plain = encode_segment(ALICE, 1, 3, entries(ALICE, 1, 3))
    with pytest.raises(SegmentKeyError):
        decode_segment(plain, TEAM_KEY)


def test_an_encrypted_segment_shows_no_customer_text() -> None:
    sealed = encode_segment(ALICE, 1, 20, entries(ALICE, 1, 20), TEAM_KEY)
    plain = encode_segment(ALICE, 1, 20, entries(ALICE, 1, 20))
    needle = CUSTOMER.encode()
    assert needle in decode_segment(plain, None).entries[0].value.encode()
    assert any(needle in text for text in readable_texts(plain))  # the check can see it
    assert not any(needle in text for text in readable_texts(sealed))


def test_a_segment_refuses_entries_of_another_device_or_out_of_order() -> None:
    with pytest.raises(ValueError):
        encode_segment(ALICE, 1, 2, [entry("someone-else", 1)])
    with pytest.raises(ValueError):
        encode_segment(ALICE, 1, 2, [entry(ALICE, 2), entry(ALICE, 1)])
    with pytest.raises(ValueError):
        encode_segment(ALICE, 2, 3, [entry(ALICE, 1)])


@pytest.mark.parametrize(
    "row",
    [
        [True, 1, "account", "a", "name", '"x"', None, None],
        [1, 1.5, "account", "a", "name", '"x"', None, None],
        [1, 1, "account", "a", "name", {"not": "text"}, None, None],
        [1, 1, "account", "a", "name", '"x"', "7", None],
        [1, 1, "account", "a", "name", '"x"', None],
        {"seq": 1},
    ],
)
def test_an_entry_that_is_not_well_formed_is_refused(row: object) -> None:
    with pytest.raises(ValueError):
        WireEntry.from_row(ALICE, row)
