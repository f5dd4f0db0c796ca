"""The ZIP archive (docs/api.md §6.3): data.json, uploads/…, manifest.json, written and read here.

`export_zip` writes an archive from one consistent snapshot (the ZIP export, and every backup);
`Archive` opens one and checks all of it before anything reads it (a ZIP import, a restore, the
verification of a backup). Both sides share the names of the members, so what one writes the
other reads.
"""

import hashlib
import json
import re
import zipfile
import zlib

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from accounts.models import AuditEvent
from interchange.documents import SECTIONS, ImportRejected, StreamedDocument
from interchange.exports import consistent_snapshot, export_json_chunks, section_counts
from interchange.formats import FORMAT_VERSION, iso_datetime
from interchange.reports import Progress, no_progress
from preferences.formats import format_number
from purchases.blobs import store_file
from purchases.models import Blob

COPY_CHUNK = 1024 * 1024

# -- Writing ---------------------------------------------------------------------------------------


def _entry(name: str) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name, date_time=timezone.now().timetuple()[:6])
    entry.compress_type = zipfile.ZIP_DEFLATED
    return entry


def export_zip(target, *, app_version: str = "1", progress=None, blob_store=None) -> dict:
    """Write the full archive (data.json, uploads/…, manifest.json) to the binary file TARGET.

    Returns the manifest: format and app versions, record counts, and the SHA-256 and size of
    data.json and of every blob; `missing_blobs` names the files the store has lost (their
    attachments stay in data.json and come back marked unavailable).

    With BLOB_STORE (a storage: a backup location), attachment files are not put in the archive
    but in that storage's `blobs/` folder, once per content for every backup there (incremental
    backups); the manifest names each one's place in `store`.
    """
    blobs = []
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        digest = hashlib.sha256()
        with consistent_snapshot():
            with archive.open(_entry("data.json"), "w", force_zip64=True) as member:
                for chunk in export_json_chunks(progress):
                    data = chunk.encode()
                    digest.update(data)
                    member.write(data)
            counts = section_counts()
            audit_events = AuditEvent.objects.count()
            stored = list(
                Blob.objects.filter(reference_count__gt=0)
                .only("sha256", "extension", "size")
                .order_by("sha256")
            )
        # Files are copied after the snapshot's transaction, so that the job can report its
        # progress meanwhile. They never change; one deleted since is reported as missing.
        total = len(stored)
        missing = []
        for done, blob in enumerate(stored, 1):
            path = f"uploads/{blob.name}"
            try:
                if blob_store is None:
                    entry = _blob_into_archive(blob, archive, path)
                else:
                    entry = _blob_into_store(blob, blob_store, path)
            except OSError:  # lost from the store: the archive says so rather than failing
                missing.append(path)
                continue
            blobs.append(entry)
            if progress:
                progress("Stored files", done, total)
        manifest = {
            "format_version": FORMAT_VERSION,
            "created_at": iso_datetime(timezone.now()),
            "app_version": app_version,
            "data_sha256": digest.hexdigest(),
            "record_counts": counts,
            "blobs": blobs,
            "missing_blobs": missing,
            "audit_events": audit_events,
        }
        archive.writestr(_entry("manifest.json"), json.dumps(manifest, indent=2))
    return manifest


def _copy(source, target) -> tuple[str, int]:
    """Copy SOURCE to TARGET (binary files) chunk by chunk; return the SHA-256 and size."""
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(COPY_CHUNK):
        digest.update(chunk)
        size += len(chunk)
        target.write(chunk)
    return digest.hexdigest(), size


def _blob_into_archive(blob, archive: zipfile.ZipFile, path: str) -> dict:
    with (
        default_storage.open(blob.name, "rb") as source,
        archive.open(path, "w", force_zip64=True) as member,
    ):
        sha256, size = _copy(source, member)
    return {"path": path, "sha256": sha256, "size": size}


def shared_blob_name(blob_name: str) -> str:
    """Where a backup location keeps the file of a blob for every backup there."""
    return f"blobs/{blob_name}"


def _blob_into_store(blob, blob_store, path: str) -> dict:
    """Put BLOB's file in BLOB_STORE unless an earlier backup did; return its manifest entry.

    The copy is checked against the blob's SHA-256 whenever the backup is verified or restored.
    """
    shared = shared_blob_name(blob.name)
    present = blob_store.exists(shared)
    if present and blob_store.size(shared) != blob.size:
        blob_store.delete(shared)  # cut short by a backup that was killed: copy it again
        present = False
    if not present:
        with default_storage.open(blob.name, "rb") as source:
            saved = blob_store.save(shared, File(source, name=shared))
        if saved != shared:  # written meanwhile by another backup: the same content
            blob_store.delete(saved)
    return {"path": path, "sha256": blob.sha256, "size": blob.size, "store": shared}


# -- Reading ---------------------------------------------------------------------------------------

UPLOAD_ENTRY = re.compile(r"uploads/[0-9a-f]{2}/[0-9a-f]{2}/([0-9a-f]{64})([^/]*)")
_ALLOWED_FILES = ("data.json", "manifest.json")
_FILE_TYPE_BITS, _SYMLINK = 0o170000, 0o120000


def _leaves_archive(name: str) -> bool:
    """Whether an entry name points outside the folder it is extracted to."""
    parts = re.split(r"[/\\]", name)
    return (
        name.startswith(("/", "\\"))
        or bool(re.match(r"[A-Za-z]:", name))
        or ".." in parts
        or "\x00" in name
    )


class Archive:
    """A ZIP archive (docs/api.md §6.3) checked completely on opening; ImportRejected if it fails.

    Checks: that it is a ZIP; no entry leaves the archive, is a link, or is encrypted; the total
    unpacked size is within SPENDS_IMPORT_MAX_UNPACKED_BYTES; data.json exists at the root, is
    within SPENDS_IMPORT_MAX_BYTES and parses; every blob's SHA-256 equals its name; and, when a
    manifest is present, that data.json and every blob match it and it lists every blob.
    """

    def __init__(self, file, *, progress: Progress | None = None, blob_store=None, read_data=True):
        """READ_DATA False checks data.json against the manifest's checksum without parsing it
        (a backup checking the archive it just wrote, whose data it made itself)."""
        self.progress = progress or no_progress
        self.read_data = read_data
        self.warnings: list[str] = []
        # A stored backup keeps its files in its location's shared folder (incremental backups):
        # the manifest names them, BLOB_STORE is that location's storage.
        self.blob_store = blob_store
        self.external: dict[str, str] = {}  # sha256 -> name in blob_store
        try:
            self.zip = zipfile.ZipFile(file)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError):
            raise ImportRejected(gettext("The file is not a ZIP archive.")) from None
        try:
            self._check()
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as error:
            self.zip.close()
            raise ImportRejected(
                gettext("The archive is damaged: %(error)s.") % {"error": error}
            ) from None
        except BaseException:
            self.zip.close()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.zip.close()

    def _check(self) -> None:
        self.blobs: dict[str, zipfile.ZipInfo] = {}
        entries, ignored, unpacked = {}, [], 0
        for info in self.zip.infolist():
            name = info.filename
            _refuse_unsafe_entry(info)
            if info.is_dir():
                continue
            if name in entries:
                raise ImportRejected(
                    gettext("The archive holds %(name)s twice.") % {"name": repr(name)}
                )
            entries[name] = info
            unpacked += info.file_size
            match = UPLOAD_ENTRY.fullmatch(name)
            if match:
                self.blobs.setdefault(match[1], info)
            elif name not in _ALLOWED_FILES:
                ignored.append(name)
        limit = settings.SPENDS_IMPORT_MAX_UNPACKED_BYTES
        if unpacked > limit:
            raise ImportRejected(
                gettext(
                    "The archive unpacks to %(size)s bytes, more than the limit of %(limit)s "
                    "bytes (SPENDS_IMPORT_MAX_UNPACKED_BYTES)."
                )
                % {"size": format_number(unpacked), "limit": format_number(limit)}
            )
        if ignored:
            self.warnings.append(_ignored_warning(ignored))
        if "data.json" not in entries:
            raise ImportRejected(gettext("The archive has no data.json at its root."))
        data_info = entries["data.json"]
        if data_info.file_size > settings.SPENDS_IMPORT_MAX_BYTES:
            raise ImportRejected(
                gettext(
                    "data.json is %(size)s bytes, more than the import limit of %(limit)s "
                    "bytes (SPENDS_IMPORT_MAX_BYTES)."
                )
                % {
                    "size": format_number(data_info.file_size),
                    "limit": format_number(settings.SPENDS_IMPORT_MAX_BYTES),
                }
            )
        raw_sha256 = self._sha256_of(data_info)
        self.data = None
        if self.read_data:
            try:
                self.data = StreamedDocument(lambda: self.zip.open(data_info))
            except ImportRejected as error:
                raise ImportRejected(gettext("data.json: %(error)s") % {"error": error}) from None
        elif "manifest.json" not in entries:
            raise ImportRejected(
                gettext("The archive has no manifest.json to check data.json against.")
            )
        self.has_manifest = "manifest.json" in entries
        listed = self._manifest(entries, raw_sha256) if self.has_manifest else None
        self._verify_blobs(entries, listed)

    def _sha256_of(self, info: zipfile.ZipInfo) -> str:
        digest = hashlib.sha256()
        with self.zip.open(info) as member:
            while chunk := member.read(COPY_CHUNK):
                digest.update(chunk)
        return digest.hexdigest()

    def _manifest(self, entries: dict, data_sha256: str) -> dict[str, dict]:
        """Check data.json against manifest.json; return the manifest's blobs by path."""
        info = entries["manifest.json"]
        if info.file_size > settings.SPENDS_IMPORT_MAX_BYTES:
            raise ImportRejected(gettext("manifest.json is larger than the import limit."))
        try:
            manifest = json.loads(self.zip.read(info).decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise ImportRejected(gettext("manifest.json is not valid JSON.")) from None
        if not isinstance(manifest, dict):
            raise ImportRejected(gettext("manifest.json is not an object."))
        if manifest.get("data_sha256") != data_sha256:
            raise ImportRejected(
                gettext(
                    "data.json does not match the checksum in manifest.json: the archive is "
                    "damaged or was altered."
                )
            )
        counts = manifest.get("record_counts")
        for key, count in (counts if isinstance(counts, dict) and self.data else {}).items():
            if key in SECTIONS and count != self.data.counts[key]:
                raise ImportRejected(
                    gettext(
                        "manifest.json counts %(count)s %(section)s but data.json holds %(held)s."
                    )
                    % {"count": count, "section": key, "held": self.data.counts[key]}
                )
        listed = {}
        blobs = manifest.get("blobs")
        for entry in blobs if isinstance(blobs, list) else []:
            path = entry.get("path") if isinstance(entry, dict) else None
            if isinstance(path, str) and path not in entries and "store" in entry:
                self._external(path, entry)
                continue
            if not isinstance(path, str) or path not in entries:
                raise ImportRejected(
                    gettext("manifest.json lists %(path)s, which the archive lacks.")
                    % {"path": repr(path)}
                )
            listed[path] = entry
        for path in entries:
            if UPLOAD_ENTRY.fullmatch(path) and path not in listed:
                raise ImportRejected(
                    gettext("%(path)s is in the archive but not in manifest.json.") % {"path": path}
                )
        return listed

    def _external(self, path: str, entry: dict) -> None:
        """Note a file the manifest says is kept beside the archive, in its location."""
        match = UPLOAD_ENTRY.fullmatch(path)
        store = entry.get("store")
        if (
            not match
            or entry.get("sha256") != match[1]
            or store != f"blobs/{path.removeprefix('uploads/')}"
        ):
            raise ImportRejected(
                gettext("manifest.json names %(path)s in a way this app cannot read.")
                % {"path": repr(path)}
            )
        self.external.setdefault(match[1], store)

    def _verify_external(self) -> None:
        """Check the files kept in the backup location against their names."""
        if not self.external:
            return
        if self.blob_store is None:
            self.warnings.append(
                ngettext(
                    "%(count)s attachment file is kept with the backups this archive came from, "
                    "not inside it; restore it from there to bring it back",
                    "%(count)s attachment files are kept with the backups this archive came "
                    "from, not inside it; restore it from there to bring them back",
                    len(self.external),
                )
                % {"count": len(self.external)}
            )
            self.external = {}
            return
        for done, (sha256, name) in enumerate(self.external.items(), 1):
            digest = hashlib.sha256()
            try:
                with self.blob_store.open(name, "rb") as source:
                    while chunk := source.read(COPY_CHUNK):
                        digest.update(chunk)
            except OSError:
                raise ImportRejected(
                    gettext("%(name)s is missing from the backup location; this backup needs it.")
                    % {"name": name}
                ) from None
            if digest.hexdigest() != sha256:
                raise ImportRejected(
                    gettext(
                        "%(name)s in the backup location does not match its name: it is damaged."
                    )
                    % {"name": name}
                )
            self.progress("Checking files", done, len(self.external))

    def _verify_blobs(self, entries: dict, listed: dict | None) -> None:
        self._verify_external()
        uploads = [(path, info) for path, info in entries.items() if UPLOAD_ENTRY.fullmatch(path)]
        for done, (path, info) in enumerate(uploads, 1):
            digest, size = hashlib.sha256(), 0
            with self.zip.open(info) as member:
                while chunk := member.read(COPY_CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
            actual = digest.hexdigest()
            if actual != UPLOAD_ENTRY.fullmatch(path)[1]:
                raise ImportRejected(
                    gettext(
                        "%(path)s: the content does not match its name (its SHA-256 is "
                        "%(sha256)s); the archive is damaged or was altered."
                    )
                    % {"path": path, "sha256": actual}
                )
            if listed is not None and (
                listed[path].get("sha256") != actual or listed[path].get("size") != size
            ):
                raise ImportRejected(
                    gettext("%(path)s: the content does not match manifest.json.") % {"path": path}
                )
            self.progress("Checking files", done, len(uploads))

    # -- the blob source interface used by the importer

    def has(self, sha256: str) -> bool:
        return sha256 in self.blobs or sha256 in self.external

    def extension(self, sha256: str) -> str:
        if sha256 in self.blobs:
            return UPLOAD_ENTRY.fullmatch(self.blobs[sha256].filename)[2]
        return self.external[sha256].rsplit("/", 1)[-1][64:]

    def size(self, sha256: str) -> int:
        if sha256 in self.blobs:
            return self.blobs[sha256].file_size
        return self.blob_store.size(self.external[sha256])

    def open_blob(self, sha256: str):
        if sha256 in self.blobs:
            return self.zip.open(self.blobs[sha256])
        return self.blob_store.open(self.external[sha256], "rb")

    def store(self, names: dict[str, str], written: list[str], progress: Progress) -> None:
        for done, (sha256, name) in enumerate(names.items(), 1):
            if not default_storage.exists(name):
                with self.open_blob(sha256) as member:
                    store_file(name, File(member, name=name))
                written.append(name)
            progress("Storing files", done, len(names))


def _refuse_unsafe_entry(info: zipfile.ZipInfo) -> None:
    """Raise ImportRejected for an entry that would write outside the import, link elsewhere,
    or cannot be read (encrypted)."""
    name = info.filename
    if _leaves_archive(name):
        raise ImportRejected(
            gettext("The archive entry %(name)s points outside the archive; nothing was imported.")
            % {"name": repr(name)}
        )
    if (info.external_attr >> 16) & _FILE_TYPE_BITS == _SYMLINK:
        raise ImportRejected(
            gettext("The archive entry %(name)s is a symbolic link.") % {"name": repr(name)}
        )
    if info.flag_bits & 0x1:
        raise ImportRejected(
            gettext("The archive entry %(name)s is encrypted.") % {"name": repr(name)}
        )


def _ignored_warning(ignored: list[str]) -> str:
    """The warning naming the entries the format does not know (the first ten)."""
    entries_named = ", ".join(ignored[:10])
    if len(ignored) > 10:
        return gettext(
            "Ignored archive entries that are not part of the format: %(entries)s and %(more)s more"
        ) % {"entries": entries_named, "more": len(ignored) - 10}
    return gettext("Ignored archive entries that are not part of the format: %(entries)s") % {
        "entries": entries_named
    }
