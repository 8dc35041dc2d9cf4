"""Make a Pagefind bundle reproducible: the same records always give the same bytes.

Pagefind 1.5 writes the values of each filter, and the list of filters, in the order of a
Rust ``HashMap``, seeded anew in every process. So two builds of the same content make
filter files with different bytes and names, a different ``.pf_meta`` (which names them)
and a different ``pagefind-entry.json`` (which names the meta file) — and an incremental
build could never equal a clean one. :func:`canonicalise` rewrites those three in a fixed
order (values and filters sorted by name) and names them by a hash of their content, as
Pagefind does. It works on the bundle's files in memory (``GetFiles``), before they are
written. Pagefind's files are gzip'd ``pagefind_dcd`` + CBOR (read with ``cbor2``).
"""

from __future__ import annotations

import gzip
import hashlib
import json

import cbor2

SIGNATURE = b"pagefind_dcd"
ENTRY = "pagefind-entry.json"
FILTERS = 3  # position of the [[name, file hash], …] list in a 1.5 ``.pf_meta``


class BundleFormatError(RuntimeError):
    """The bundle is not laid out as this module expects (another Pagefind version?)."""


def _decode(name: str, data: bytes) -> list:
    raw = gzip.decompress(data)
    if not raw.startswith(SIGNATURE):
        raise BundleFormatError(f"{name}: không có chữ ký {SIGNATURE!r}")
    return cbor2.loads(raw[len(SIGNATURE):])


def _encode(value: list) -> bytes:
    return gzip.compress(SIGNATURE + cbor2.dumps(value), mtime=0)


def _hashed(language: str, value: list, length: int) -> str:
    return f"{language}_{hashlib.sha256(cbor2.dumps(value)).hexdigest()[:length]}"


def canonicalise(files: dict[str, bytes], language: str) -> dict[str, bytes]:
    """The bundle ``files`` (path → bytes) with filters, meta and entry in a fixed order."""
    files = dict(files)
    try:
        entry = json.loads(files[ENTRY])
        old_meta = entry["languages"][language]["hash"]
        meta_name = f"pagefind.{old_meta}.pf_meta"
        meta = _decode(meta_name, files.pop(meta_name))
        filters = []
        for name, old in meta[FILTERS]:
            path = f"filter/{old}.pf_filter"
            values = _decode(path, files.pop(path))
            values[1].sort(key=lambda pair: pair[0])
            new = _hashed(language, values, 7)
            files[f"filter/{new}.pf_filter"] = _encode(values)
            filters.append([name, new])
    except (KeyError, IndexError, TypeError, ValueError, OSError) as error:  # malformed bundle
        raise BundleFormatError(f"bó chỉ mục không như Pagefind 1.5: {error!r}") from error
    meta[FILTERS] = sorted(filters)
    new_meta = _hashed(language, meta, 10)
    files[f"pagefind.{new_meta}.pf_meta"] = _encode(meta)
    entry["languages"][language]["hash"] = new_meta
    files[ENTRY] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return files
