"""What a shared-folder sync costs: a sync with nothing new, and moving 100,000 entries.

    python bench/bench_folder_sync.py [--devices 20] [--segments 50] [--runs 200]

1. A folder with 20 devices × 50 segments each (a team after weeks of syncing); one more
   device reads with its watermarks at the end, so there is nothing new: the sync every
   device runs every few seconds. Prints the median and 95th percentile wall time against
   the budget (50 ms), plain and encrypted.
2. One device publishes 100,000 entries and another reads them all (a first sync of a
   big book), plain and encrypted: entries per second each way, and the folder's size.

The folder is on the local disk, so this measures the app's work and the file system's
cache, not a network drive or a sync service.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kamdesk.sync.crypto import FolderEncryption, TeamKey  # noqa: E402
from kamdesk.sync.entries import WireEntry  # noqa: E402
from kamdesk.sync.folder import FolderSync, init_folder  # noqa: E402

BUDGET_MS = 50.0
PASSPHRASE = "bench passphrase"
BULK_ENTRIES = 100_000


def _entries(device: str, first: int, last: int) -> list[WireEntry]:
    return [
        WireEntry(
            device_id=device,
            seq=seq,
            hlc=(1_765_000_000_000 + seq) << 16,
            table="stakeholder",
            row_id=str(uuid.UUID(int=seq % 5000)),
            column="notes",
            value=f'"华东制造集团 采购部 王磊: follow up on the Q{seq % 4 + 1} quote, #{seq}"',
            seen_hlc=(1_765_000_000_000 + seq - 1) << 16,
            seen_device=device,
        )
        for seq in range(first, last + 1)
    ]


def _folder(base: Path, name: str, encrypted: bool) -> tuple[Path, TeamKey | None]:
    root = base / name
    root.mkdir()
    folder = init_folder(root, passphrase=PASSPHRASE if encrypted else None)
    key = folder.encryption.unlock(PASSPHRASE) if folder.encryption else None
    return root, key


def _device(root: Path, device_id: str, key: TeamKey | None) -> FolderSync:
    def find(_folder_id: str, _encryption: FolderEncryption) -> TeamKey | None:
        return key

    return FolderSync(root, device_id, find_key=find)


def nothing_new(base: Path, encrypted: bool, devices: int, segments: int, runs: int) -> None:
    root, key = _folder(base, f"idle-{encrypted}", encrypted)
    per_segment = 20
    for _ in range(devices):
        writer = _device(root, str(uuid.uuid4()), key)
        for s in range(segments):
            writer.publish(_entries(writer.device_id, 1, (s + 1) * per_segment))
    reader = _device(root, str(uuid.uuid4()), key)
    result = reader.read_new({})
    marks = result.watermarks
    assert len(result.entries) == devices * segments * per_segment and not result.problems
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        again = reader.read_new(marks)
        times.append((time.perf_counter() - started) * 1000)
        assert not again.entries
    times.sort()
    median = statistics.median(times)
    p95 = times[int(len(times) * 0.95) - 1]
    label = "encrypted" if encrypted else "plain"
    verdict = "within" if p95 <= BUDGET_MS else "OVER"
    print(
        f"nothing new, {devices} devices x {segments} segments ({label}): "
        f"median {median:.2f} ms, p95 {p95:.2f} ms, budget {BUDGET_MS:.0f} ms ({verdict})"
    )


def bulk(base: Path, encrypted: bool) -> None:
    root, key = _folder(base, f"bulk-{encrypted}", encrypted)
    writer = _device(root, str(uuid.uuid4()), key)
    batch = _entries(writer.device_id, 1, BULK_ENTRIES)
    started = time.perf_counter()
    names = writer.publish(batch)
    wrote = time.perf_counter() - started
    reader = _device(root, str(uuid.uuid4()), key)
    started = time.perf_counter()
    got = reader.read_new({}).entries
    read = time.perf_counter() - started
    assert got == batch
    size = sum(p.stat().st_size for p in root.rglob("*.kseg"))
    label = "encrypted" if encrypted else "plain"
    print(
        f"{BULK_ENTRIES:,} entries ({label}, {len(names)} segments, {size / 1e6:.1f} MB): "
        f"write {wrote:.2f} s ({BULK_ENTRIES / wrote:,.0f}/s), "
        f"read {read:.2f} s ({BULK_ENTRIES / read:,.0f}/s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--devices", type=int, default=20)
    parser.add_argument("--segments", type=int, default=50)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kamdesk-bench-") as folder:
        base = Path(folder)
        for encrypted in (False, True):
            nothing_new(base, encrypted, args.devices, args.segments, args.runs)
        for encrypted in (False, True):
            bulk(base, encrypted)


if __name__ == "__main__":
    main()
