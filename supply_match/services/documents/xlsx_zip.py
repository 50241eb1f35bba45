"""An .xlsx's zip, checked before it is read and unpacked within the budget.

The directory is checked first, from its end record (how many parts, how large a
directory) and then part by part (names, declared sizes, packing ratio); a part is then
unpacked in chunks through a byte counter that stops at ``IMPORT_MAX_UNZIPPED_BYTES``.
zipfile itself never unpacks more than a part declares (a part that understates its
size fails its checksum), and only deflate is accepted, whose inflate zipfile bounds.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterator

from supply_match.services.documents import import_limits as limit_errors
from supply_match.services.documents.import_limits import ImportLimits, ReadCounters
from supply_match.services.documents.sheet_errors import unreadable

CHUNK_BYTES = 64 * 1024
# Past this size unpacked, a part's packing ratio is checked (small XML packs very well).
RATIO_CHECKED_FROM_BYTES = 1024 * 1024
# A central directory entry is 46 bytes plus its name (at most 255 here) and extras.
MAX_DIRECTORY_BYTES_PER_ENTRY = 46 + 255 + 256
MAX_NAME_CHARS = 255


def _check_directory_record(data: bytes, limits: ImportLimits) -> None:
    """Refuse a zip whose end record declares too many parts before zipfile reads them."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 65535))
    if end < 0 or len(data) - end < 22:
        raise unreadable()
    _sig, _disk, _cd_disk, _here, entries, directory_bytes, _offset, _comment = struct.unpack(
        "<4s4H2LH", data[end : end + 22]
    )
    if entries != 0xFFFF and entries > limits.max_zip_entries:
        raise limit_errors.exceeded(limits, "max_zip_entries")
    if directory_bytes != 0xFFFFFFFF and directory_bytes > (
        limits.max_zip_entries * MAX_DIRECTORY_BYTES_PER_ENTRY
    ):
        raise limit_errors.exceeded(limits, "max_zip_entries")


def _safe_name(name: str) -> bool:
    parts = name.split("/")
    return (
        0 < len(name) <= MAX_NAME_CHARS
        and not name.startswith("/")
        and "\\" not in name
        and "\x00" not in name
        and ".." not in parts
    )


class BoundedWorkbook:
    """An .xlsx's zip, checked on opening; ``chunks`` unpacks one part within the budget."""

    def __init__(self, data: bytes, limits: ImportLimits, counters: ReadCounters):
        self.limits = limits
        self.counters = counters
        _check_directory_record(data, limits)
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            entries = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
            raise unreadable() from None
        if len(entries) > limits.max_zip_entries:
            raise limit_errors.exceeded(limits, "max_zip_entries")
        names = [entry.filename for entry in entries]
        if len(set(names)) != len(names) or not all(_safe_name(name) for name in names):
            raise unreadable()
        if sum(entry.file_size for entry in entries) > limits.max_unzipped_bytes:
            raise limit_errors.exceeded(limits, "max_unzipped_bytes")
        for entry in entries:
            if entry.file_size > RATIO_CHECKED_FROM_BYTES and entry.file_size > (
                limits.max_compression_ratio * max(entry.compress_size, 1)
            ):
                raise limit_errors.exceeded(limits, "max_compression_ratio")
        self.entries = {entry.filename: entry for entry in entries}

    def has(self, name: str) -> bool:
        return name in self.entries

    def chunks(self, name: str) -> Iterator[bytes]:
        entry = self.entries.get(name)
        if entry is None:
            raise unreadable()
        # zipfile bounds each inflate call only for deflate; bzip2 and LZMA could unpack
        # a bomb in one call, and Excel and WPS never use them.
        if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise unreadable()
        if entry.flag_bits & 0x1:  # encrypted
            raise unreadable()
        self.counters.parts_read += 1
        try:
            with self.zip.open(entry) as part:
                while chunk := part.read(CHUNK_BYTES):
                    self.counters.bytes_unzipped += len(chunk)
                    if self.counters.bytes_unzipped > self.limits.max_unzipped_bytes:
                        raise limit_errors.exceeded(self.limits, "max_unzipped_bytes")
                    yield chunk
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, ValueError):
            raise unreadable() from None
