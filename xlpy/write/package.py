"""An existing workbook edited as the zip package it is (Open Packaging Conventions).

Parts are read, replaced, added or removed by name; every part that is not edited is written back with the bytes it
had. The package's own bookkeeping — the content types and the relationship parts — is edited by splicing
(xmlsplice.py), so an entry that is not added or removed keeps its bytes too. The file is checked by the zip guard
reading uses before anything is parsed, and written atomically (temporary file, then rename).
"""

from __future__ import annotations

import io
import os
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass
from urllib.parse import quote, unquote

from .xmlsplice import Node, Splice, XmlError, append_child, element, parse

NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_OFFICE_DOCUMENT = NS_REL + "/officeDocument"
STRICT_OFFICE_DOCUMENT = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"
CT_RELS = "application/vnd.openxmlformats-package.relationships+xml"
NEW_PART_TIME = (1980, 1, 1, 0, 0, 0)  # what Excel writes: new parts do not make a run's bytes depend on the clock


class PackageError(Exception):
    """Why the package cannot be edited (a reason in Danish, as the findings carry it)."""


@dataclass(frozen=True)
class Rel:
    id: str
    type: str
    target: str  # as written
    part: str | None  # the part it points to, None for an external target
    node: Node


def part_key(name: str) -> str:
    """Part names compare without case (OPC), and some writers store them with backslashes."""
    return name.replace("\\", "/").lstrip("/").casefold()


def rels_name(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def relative(source: str, target: str) -> str:
    """The relationship target for `target` as seen from `source`'s folder."""
    return quote(posixpath.relpath(target, posixpath.dirname(source) or "."), safe="/._-~")


class Package:
    def __init__(self, blob: bytes):
        self.blob = blob
        self.too_large: set[str] = set()  # sheets (by name) the guard found too large to read
        self.memo: dict[str, object] = {}  # what other modules derive from the package once (a calamine reader)
        self._zip = zipfile.ZipFile(io.BytesIO(blob))
        self.infos = self._zip.infolist()
        self._by_key: dict[str, zipfile.ZipInfo] = {}
        for info in self.infos:
            self._by_key.setdefault(part_key(info.filename), info)
        self.changed: dict[str, bytes] = {}  # key -> new bytes
        self._original: dict[str, bytes] = {}  # key -> bytes as read (each part is unpacked once)
        self._parsed: dict[tuple[str, frozenset, frozenset], tuple[bytes, Node]] = {}
        self.added: list[str] = []  # names of new parts, in the order they were added
        self.removed: set[str] = set()  # keys

    @classmethod
    def open(cls, path: str | os.PathLike[str], file: str | None = None) -> "Package":
        """Read and guard a workbook file (.xlsx/.xlsm); PackageError says why it cannot be edited."""
        from ..read.zipguard import MAX_FILE_BYTES, guard_zip

        try:
            with open(path, "rb") as fh:
                blob = fh.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise PackageError(exc.strerror or type(exc).__name__) from None
        if len(blob) > MAX_FILE_BYTES:
            raise PackageError("filen er større end 100 MB")
        skip: dict = {}
        try:
            pkg = cls(blob)
            problem = guard_zip(pkg._zip, blob, file or str(path), [], skip, {}, "xlsx")
        except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError, OSError):
            raise PackageError("filen er ikke en gyldig zip-fil") from None
        if problem:
            from ..findings import finding

            raise PackageError(finding(problem[0], file or str(path), **problem[1]).message())
        pkg.too_large = set(skip)
        if len(pkg._by_key) != len(pkg.infos):
            raise PackageError("zip-filen har to dele med samme navn")
        return pkg

    # --- parts ---------------------------------------------------------------------------------------------------

    def exists(self, name: str) -> bool:
        key = part_key(name)
        return key in self.changed or (key in self._by_key and key not in self.removed)

    def read(self, name: str) -> bytes:
        key = part_key(name)
        if key in self.changed:
            return self.changed[key]
        if key in self.removed or key not in self._by_key:
            raise PackageError(f"delen {name} mangler")
        if key not in self._original:
            try:
                self._original[key] = self._zip.read(self._by_key[key])
            except (zipfile.BadZipFile, zlib.error, ValueError, EOFError, NotImplementedError, OSError,
                    RuntimeError) as exc:
                raise PackageError(f"delen {name} kan ikke læses ({exc})") from None
        return self._original[key]

    def xml(self, name: str, skip: frozenset[str] = frozenset(), text: frozenset[str] = frozenset()) -> Node:
        """A part parsed (xmlsplice.parse), once for each version of its bytes."""
        data = self.read(name)
        cache = (part_key(name), skip, text)
        found = self._parsed.get(cache)
        if found is not None and found[0] is data:
            return found[1]
        try:
            node = parse(data, skip=skip, text=text)
        except XmlError as exc:
            raise PackageError(f"{name}: {exc}") from None
        self._parsed[cache] = (data, node)
        return node

    def write(self, name: str, data: bytes, content_type: str | None = None) -> None:
        """Set a part's bytes (a new part when there is none); `content_type` gives a new part its Override."""
        key = part_key(name)
        fresh = key not in self._by_key or key in self.removed
        self.removed.discard(key)
        if key not in self._by_key and all(part_key(n) != key for n in self.added):
            self.added.append(name)
        self.changed[key] = data
        if fresh and content_type:
            self.set_override(name, content_type)

    def remove(self, name: str) -> None:
        key = part_key(name)
        self.changed.pop(key, None)
        self.added = [n for n in self.added if part_key(n) != key]
        if key in self._by_key:
            self.removed.add(key)
        self.remove_override(name)

    def names(self) -> list[str]:
        """Every part now in the package, with "/" between folders (zip names for existing parts)."""
        out = [i.filename for i in self.infos if part_key(i.filename) not in self.removed and not i.is_dir()]
        return [n.replace("\\", "/") for n in out + self.added]

    def free_name(self, pattern: str) -> str:
        """The first name pattern.format(n), n = 1, 2, …, that no part has (case and slashes ignored)."""
        taken = {part_key(n) for n in self.names()}
        n = 1
        while part_key(pattern.format(n)) in taken:
            n += 1
        return pattern.format(n)

    # --- relationships ---------------------------------------------------------------------------------------------

    def main_part(self) -> str:
        for rel in self.rels(""):
            if rel.type == REL_OFFICE_DOCUMENT and rel.part:
                return rel.part
            if rel.type == STRICT_OFFICE_DOCUMENT:
                raise PackageError("projektmappen er gemt i formatet Strict Open XML; gem den som almindelig .xlsx")
        if self.exists("xl/workbook.xml"):
            return "xl/workbook.xml"
        raise PackageError("projektmappen har ingen workbook-del")

    def rels(self, part: str) -> list[Rel]:
        name = rels_name(part) if part else "_rels/.rels"
        if not self.exists(name):
            return []
        out = []
        for node in self.xml(name).findall("Relationship"):
            rid, target = node.get("Id") or "", node.get("Target") or ""
            external = (node.get("TargetMode") or "").lower() == "external"
            out.append(Rel(rid, node.get("Type") or "", target, None if external else self.resolve(part, target), node))
        return out

    @staticmethod
    def resolve(source: str, target: str) -> str:
        target = unquote(target.split("#", 1)[0])
        if target.startswith("/"):
            return posixpath.normpath(target).lstrip("/")
        return posixpath.normpath(posixpath.join(posixpath.dirname(source), target)).lstrip("/")

    def rels_target(self, rel_type: str) -> str | None:
        """The part the workbook part relates to with this type (styles, shared strings, …), or None."""
        return next((r.part for r in self.rels(self.main_part()) if r.type == rel_type and r.part), None)

    def add_rel(self, source: str, rel_type: str, target_part: str | None, external: str | None = None,
                rid: str | None = None) -> str:
        """A new relationship from `source` to a part (or to an external address); returns its Id, a fresh one
        unless `rid` is given (the caller knows it is free)."""
        name = rels_name(source)
        if not self.exists(name):
            self.write(name, b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                             b'<Relationships xmlns="' + NS_PKG_REL.encode() + b'"></Relationships>')
            self.ensure_default("rels", CT_RELS)
        root = self.xml(name)
        if rid is None:
            used = {c.get("Id") for c in root.children}
            n = 1 + max((int(m.group(1)) for i in used if i and (m := re.fullmatch(r"rId(\d+)", i))), default=0)
            rid = f"rId{n}"
        attrs = {"Id": rid, "Type": rel_type, "Target": external or relative(source, target_part)}
        if external:
            attrs["TargetMode"] = "External"
        self._append(name, root, element(root.prefix, "Relationship", attrs))
        return rid

    def remove_rel(self, source: str, rid: str) -> None:
        name = rels_name(source)
        for rel in self.rels(source):
            if rel.id == rid:
                splice = Splice(self.read(name))
                splice.remove(rel.node)
                self.write(name, splice.apply())
                return

    def drop(self, part: str, itself: bool = True) -> None:
        """Remove a part (unless not `itself`), its relationship part and every part only it points to (directly or
        through those parts); a part that some other part still points to stays."""
        closure: dict[str, str] = {}
        todo = [part]
        while todo:
            name = todo.pop()
            if part_key(name) in closure or not self.exists(name):
                continue
            closure[part_key(name)] = name
            todo += [r.part for r in self.rels(name) if r.part]
        referenced = set()
        for name in self.names():
            source = _source_of(name)
            if source is not None and part_key(source) not in closure:
                referenced.update(part_key(r.part) for r in self.rels(source) if r.part)
        doomed: dict[str, str] = {}
        todo = [part]
        while todo:  # what only this part reaches: not through a part something else points to
            name = todo.pop()
            key = part_key(name)
            if key in doomed or key not in closure or (key in referenced and key != part_key(part)):
                continue
            doomed[key] = name
            todo += [r.part for r in self.rels(name) if r.part]
        for key, name in doomed.items():
            if self.exists(rels_name(name)):
                self.remove(rels_name(name))
            if key != part_key(part) or itself:
                self.remove(name)

    # --- content types ---------------------------------------------------------------------------------------------

    def _types(self) -> Node:
        return self.xml("[Content_Types].xml")

    def parts_of_type(self, content_type: str) -> list[str]:
        """The parts an Override gives this content type (as the Override names them)."""
        return [(n.get("PartName") or "").lstrip("/") for n in self._types().findall("Override")
                if n.get("ContentType") == content_type and self.exists(n.get("PartName") or "")]

    def content_type(self, part: str) -> str | None:
        root = self._types()
        key = part_key(part)
        for node in root.findall("Override"):
            if part_key(node.get("PartName") or "") == key:
                return node.get("ContentType")
        extension = part.rsplit(".", 1)[-1].casefold()
        for node in root.findall("Default"):
            if (node.get("Extension") or "").casefold() == extension:
                return node.get("ContentType")
        return None

    def set_override(self, part: str, content_type: str) -> None:
        self.remove_override(part)
        root = self._types()
        self._append("[Content_Types].xml", root, element(root.prefix, "Override", {
            "PartName": "/" + part.lstrip("/"), "ContentType": content_type}))

    def remove_override(self, part: str) -> None:
        if not self.exists("[Content_Types].xml"):
            return
        key = part_key(part)
        nodes = [n for n in self._types().findall("Override") if part_key(n.get("PartName") or "") == key]
        if nodes:
            splice = Splice(self.read("[Content_Types].xml"))
            for node in nodes:
                splice.remove(node)
            self.write("[Content_Types].xml", splice.apply())

    def ensure_default(self, extension: str, content_type: str) -> None:
        root = self._types()
        if not any((n.get("Extension") or "").casefold() == extension for n in root.findall("Default")):
            first = root.children[0].start if root.children else root.close
            splice = Splice(self.read("[Content_Types].xml"))
            splice.insert(first, element(root.prefix, "Default", {"Extension": extension,
                                                                  "ContentType": content_type}))
            self.write("[Content_Types].xml", splice.apply())

    def _append(self, name: str, root: Node, new: bytes) -> None:
        data = self.read(name)
        splice = Splice(data)
        append_child(splice, data, root, new)
        self.write(name, splice.apply())

    # --- writing -----------------------------------------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the package atomically: parts in their old order (new ones last), unchanged parts with their
        bytes and zip entry details. A path that is a symbolic link is written through: the link stays."""
        from .xlsx import atomic_write

        def write(tmp: str) -> None:
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
                for info in self.infos:
                    key = part_key(info.filename)
                    if key in self.removed:
                        continue
                    data = self.changed.get(key)
                    if data is None:
                        data = self.read(info.filename)
                    out.writestr(_entry(info.filename, info), data)
                for name in self.added:
                    out.writestr(_entry(name, None), self.changed[part_key(name)])

        atomic_write(os.path.realpath(path), write)

    def edited(self) -> bool:
        return bool(self.changed or self.removed)


def _source_of(name: str) -> str | None:
    """The part a relationship part belongs to ("" for the package's own _rels/.rels), None for other parts."""
    folder, base = posixpath.split(name)
    if posixpath.basename(folder) != "_rels" or not base.endswith(".rels"):
        return None
    return posixpath.join(posixpath.dirname(folder), base[:-len(".rels")]) if base != ".rels" else ""


def _entry(name: str, old: zipfile.ZipInfo | None) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, old.date_time if old else NEW_PART_TIME)
    info.compress_type = old.compress_type if old and old.compress_type == zipfile.ZIP_STORED else zipfile.ZIP_DEFLATED
    info.external_attr = old.external_attr if old else 0
    info.create_system = old.create_system if old else 0
    return info
