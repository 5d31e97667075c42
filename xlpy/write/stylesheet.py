"""A workbook's styles.xml, appended to: new fonts, fills, borders, number formats, cell formats (cellXfs) and
differential formats (dxfs) go after the ones there, so every existing entry keeps its index and its bytes. An entry
equal to one already there (the same element, attributes and children, whatever the namespace prefix) is reused,
which makes a second run add nothing.
"""

from __future__ import annotations

from typing import Any, Iterable

from .xmlsplice import Node, Splice, element, parse, start_tag

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# CT_Stylesheet's children in schema order, with the element each list holds.
ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs", "tableStyles",
         "colors", "extLst")
ITEM = {"numFmts": "numFmt", "fonts": "font", "fills": "fill", "borders": "border", "cellStyleXfs": "xf",
        "cellXfs": "xf", "dxfs": "dxf"}
# What a list needs at index 0 (and fills at 1) before anything may point at it: Excel's defaults.
BASE = {
    "fonts": [("font", {}, [("sz", {"val": "11"}, []), ("name", {"val": "Calibri"}, []),
                            ("family", {"val": "2"}, [])])],
    "fills": [("fill", {}, [("patternFill", {"patternType": "none"}, [])]),
              ("fill", {}, [("patternFill", {"patternType": "gray125"}, [])])],
    "borders": [("border", {}, [("left", {}, []), ("right", {}, []), ("top", {}, []), ("bottom", {}, []),
                                ("diagonal", {}, [])])],
    "cellStyleXfs": [("xf", {"numFmtId": "0", "fontId": "0", "fillId": "0", "borderId": "0"}, [])],
    "cellXfs": [("xf", {"numFmtId": "0", "fontId": "0", "fillId": "0", "borderId": "0", "xfId": "0"}, [])],
}
EMPTY = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="' + NS_MAIN.encode() +
         b'"></styleSheet>')

# An entry as plain data: (local name, attributes, children); attribute names of other namespaces as "{ns}name".
Entry = tuple[str, dict[str, str], list[Any]]


def entry_of(node: Any) -> Entry:
    """A parsed element (xmlsplice.Node or ElementTree element) as an Entry."""
    if isinstance(node, Node):
        return node.local, dict(node.attrs), [entry_of(c) for c in node.children]
    return node.tag.rsplit("}", 1)[-1], dict(node.attrib), [entry_of(c) for c in node]


def key(entry: Entry) -> tuple:
    """What makes two entries the same style: names, attributes and children (in any order: a font's children
    may come in any order, and the other lists' children have one order the schema fixes)."""
    local, attrs, children = entry
    return local, tuple(sorted(attrs.items())), tuple(sorted(key(c) for c in children))


def to_xml(entry: Entry, prefix: str) -> bytes:
    local, attrs, children = entry
    plain = {k: v for k, v in attrs.items() if not k.startswith("{")}
    if any(k.startswith("{") for k in attrs):
        raise ValueError(f"attribute of another namespace in {local}")
    inner = b"".join(to_xml(c, prefix) for c in children) if children else None
    return element(prefix, local, plain, inner)


class Stylesheet:
    def __init__(self, data: bytes | None):
        self.data = data if data is not None else EMPTY
        self.root = parse(self.data)
        if self.root.end == self.root.open_end:  # <styleSheet .../>: opened, so lists can go inside
            head = self.data[self.root.start:self.root.open_end - 2].rstrip()
            self.data = (self.data[:self.root.start] + head + b"></" + self.root.qname.encode() + b">" +
                         self.data[self.root.end:])
            self.root = parse(self.data)
        self.prefix = self.root.prefix
        self.lists = {name: self.root.find(name) for name in ORDER}
        self.entries: dict[str, list[Entry]] = {}  # what each list holds, existing first
        self.keys: dict[str, dict[tuple, int]] = {}
        self.added: dict[str, list[Entry]] = {name: [] for name in ITEM}
        for name, item in ITEM.items():
            node = self.lists[name]
            found = [entry_of(c) for c in node.children if c.local == item] if node is not None else []
            self.entries[name] = found
            self.keys[name] = {}
            for i, e in enumerate(found):
                self.keys[name].setdefault(key(e), i)
        for name, base in BASE.items():  # a stylesheet without Excel's defaults gets them, so index 0 exists
            if len(self.entries[name]) < len(base):
                for e in base[len(self.entries[name]):]:
                    self._append(name, e)

    def _append(self, name: str, entry: Entry) -> int:
        self.entries[name].append(entry)
        self.added[name].append(entry)
        index = len(self.entries[name]) - 1
        self.keys[name].setdefault(key(entry), index)
        return index

    def add(self, name: str, entry: Entry) -> int:
        """The index of `entry` in list `name`: an equal entry's, or a new one's at the end."""
        found = self.keys[name].get(key(entry))
        return found if found is not None else self._append(name, entry)

    def number_format(self, code: str) -> int:
        """The id of a custom number format (164 and up) with this code."""
        for _, attrs, _ in self.entries["numFmts"]:
            if attrs.get("formatCode") == code and attrs.get("numFmtId", "").isdigit():
                return int(attrs["numFmtId"])
        ids = [int(a["numFmtId"]) for _, a, _ in self.entries["numFmts"] if a.get("numFmtId", "").isdigit()]
        new = max([163, *ids]) + 1
        self._append("numFmts", ("numFmt", {"numFmtId": str(new), "formatCode": code}, []))
        return new

    def to_bytes(self) -> bytes:
        if not any(self.added.values()):
            return self.data
        splice = Splice(self.data)
        for name in ORDER:
            new = self.added.get(name)
            if not new:
                continue
            xml = b"".join(to_xml(e, self.prefix) for e in new)
            node = self.lists[name]
            count = str(len(self.entries[name]))
            if node is None:
                splice.insert(self._position(name), element(self.prefix, name, {"count": count}, xml))
            elif node.end == node.open_end:  # <dxfs count="0"/>
                tag = _start_tag(self.data, node, count)
                splice.replace(node.start, node.end, tag[:-2].rstrip() + b">" + xml +
                               f"</{node.qname}>".encode())
            else:
                splice.replace(node.start, node.open_end, _start_tag(self.data, node, count))
                splice.insert(node.close, xml)
        return splice.apply()

    def _position(self, name: str) -> int:
        """Where a missing list goes: after the nearest list before it in schema order, else first."""
        before = ORDER[:ORDER.index(name)]
        present = [self.lists[n] for n in before if self.lists[n] is not None]
        return present[-1].end if present else self.root.open_end


def _start_tag(data: bytes, node: Node, count: str) -> bytes:
    return start_tag(data, node, {"count": count})


def remap_xf(entry: Entry, fonts: dict[int, int], fills: dict[int, int], borders: dict[int, int],
             formats: dict[int, int]) -> Entry:
    """A cellXfs entry of another stylesheet with its ids translated."""
    local, attrs, children = entry
    attrs = dict(attrs)
    for name, mapping in (("fontId", fonts), ("fillId", fills), ("borderId", borders), ("numFmtId", formats)):
        if name in attrs:
            value = int(attrs[name])
            attrs[name] = str(mapping.get(value, value))
    if "xfId" in attrs:
        attrs["xfId"] = "0"
    return local, attrs, children


def iter_entries(node: Any, item: str) -> Iterable[Entry]:
    for child in node:
        if child.tag.rsplit("}", 1)[-1] == item:
            yield entry_of(child)
