"""XML parts edited by splicing bytes, never re-serialised.

A workbook's XML parts carry things no general XML writer keeps as they were: namespace prefixes that
`mc:Ignorable` lists by name, attribute order, whitespace, the bytes of elements the editor does not know. So a part
is parsed once to learn where its elements begin and end (byte offsets from a defused expat parse: no DTD, no
entity declarations, no external references, as defusedxml refuses them), and an edit is a list of byte ranges
replaced or inserted. What the edit does not name keeps every byte.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pyexpat import ExpatError, ParserCreate, XML_PARAM_ENTITY_PARSING_NEVER
from typing import Iterator
from xml.sax.saxutils import escape, quoteattr

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

_TAG_END = re.compile(rb"(?:[^>\"']|\"[^\"]*\"|'[^']*')*>")
_ENCODING = re.compile(rb"^(?:\xef\xbb\xbf)?<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")


class XmlError(ValueError):
    """A part that cannot be edited: not well-formed, not UTF-8, or declaring a DTD or entities."""


@dataclass(eq=False)
class Node:
    tag: str  # "{namespace}local", or "local" outside any namespace
    qname: str  # the name as written, with its prefix
    attrs: dict[str, str]  # expanded names ("{ns}local") for prefixed attributes, plain names otherwise
    start: int  # offset of "<"
    open_end: int  # offset after the start tag's ">"
    close: int = 0  # offset of the end tag "</" (open_end for an element written <x/>)
    end: int = 0  # offset after the element (open_end for an element written <x/>)
    children: list["Node"] = field(default_factory=list)
    text: str = ""  # collected only for the element names asked for
    ns: dict[str, str] = field(default_factory=dict)  # namespace declarations on this element: prefix -> uri

    @property
    def local(self) -> str:
        return self.tag.rsplit("}", 1)[-1]

    @property
    def namespace(self) -> str:
        return self.tag[1:].split("}", 1)[0] if self.tag.startswith("{") else ""

    @property
    def prefix(self) -> str:
        """The prefix the element is written with ("" for the default namespace)."""
        return self.qname.split(":", 1)[0] if ":" in self.qname else ""

    def find(self, local: str) -> "Node | None":
        return next((c for c in self.children if c.local == local), None)

    def findall(self, local: str) -> list["Node"]:
        return [c for c in self.children if c.local == local]

    def iter(self) -> Iterator["Node"]:
        yield self
        for child in self.children:
            yield from child.iter()

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get(name, default)


def parse(data: bytes, skip: frozenset[str] = frozenset(), text: frozenset[str] = frozenset()) -> Node:
    """The element tree of a part, with byte offsets. Children of elements whose local name is in `skip` are
    parsed (to check the XML) but not kept; text is kept for elements whose local name is in `text`."""
    encoding = _ENCODING.match(data[:200])
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or (encoding and encoding.group(1).lower() not in (b"utf-8", b"utf8")):
        raise XmlError("delen er ikke skrevet i UTF-8")
    parser = ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.SetParamEntityParsing(XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[Node] = []
    skipping = 0  # depth inside a skipped element
    pending_ns: dict[str, str] = {}
    root: list[Node] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal skipping, pending_ns
        if skipping:
            skipping += 1
            pending_ns = {}
            return
        at = parser.CurrentByteIndex
        m = _TAG_END.match(data, at)
        if m is None:
            raise XmlError("ufuldstændigt element")
        head = data[at + 1:m.end()]
        qname = re.match(rb"[^\s/>]+", head).group().decode("utf-8")
        node = Node(_expand(name), qname, {_expand(k): v for k, v in attrs.items()}, at, m.end(), ns=pending_ns)
        pending_ns = {}
        if stack:
            stack[-1].children.append(node)
        else:
            root.append(node)
        stack.append(node)
        if node.local in skip:
            skipping = 1

    def end(name: str) -> None:
        nonlocal skipping
        if skipping > 1:
            skipping -= 1
            return
        skipping = 0
        node = stack.pop()
        if data[node.open_end - 2:node.open_end] == b"/>":
            node.close = node.end = node.open_end
        else:
            node.close = parser.CurrentByteIndex
            node.end = data.index(b">", node.close) + 1

    def chars(content: str) -> None:
        if stack and not skipping and stack[-1].local in text:
            stack[-1].text += content

    def namespace(prefix: str | None, uri: str) -> None:
        pending_ns[prefix or ""] = uri

    def forbid_dtd(name, sysid, pubid, has_internal_subset):
        raise DTDForbidden(name, sysid, pubid)

    def forbid_entity(name, is_parameter, value, base, sysid, pubid, notation):
        raise EntitiesForbidden(name, value, base, sysid, pubid, notation)

    def forbid_unparsed(name, base, sysid, pubid, notation):
        raise EntitiesForbidden(name, None, base, sysid, pubid, notation)

    def forbid_external(context, base, sysid, pubid):
        raise ExternalReferenceForbidden(context, base, sysid, pubid)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.StartNamespaceDeclHandler = namespace
    parser.StartDoctypeDeclHandler = forbid_dtd
    parser.EntityDeclHandler = forbid_entity
    parser.UnparsedEntityDeclHandler = forbid_unparsed
    parser.ExternalEntityRefHandler = forbid_external
    try:
        parser.Parse(data, True)
    except ExpatError as exc:
        raise XmlError(f"ikke gyldig XML ({exc})") from None
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden):
        raise XmlError("delen har en DTD eller entiteter") from None
    if not root:
        raise XmlError("delen er tom")
    return root[0]


def _expand(name: str) -> str:
    return "{" + name if "}" in name else name


class Splice:
    """Byte edits of one part: ranges replaced and bytes inserted; `apply` makes the new part. Edits may not
    overlap; inserts at one offset keep the order they were made in."""

    def __init__(self, data: bytes):
        self.data = data
        self.edits: list[tuple[int, int, int, bytes]] = []

    def replace(self, start: int, end: int, new: bytes) -> None:
        self.edits.append((start, end, len(self.edits), new))

    def insert(self, at: int, new: bytes) -> None:
        self.replace(at, at, new)

    def remove(self, node: Node) -> None:
        self.replace(node.start, node.end, b"")

    def apply(self) -> bytes:
        out, pos = [], 0
        for start, end, _, new in sorted(self.edits):
            if start < pos:
                raise XmlError("overlappende ændringer")
            out += [self.data[pos:start], new]
            pos = end
        out.append(self.data[pos:])
        return b"".join(out)


def append_child(splice: Splice, data: bytes, node: Node, new: bytes) -> None:
    """`new` as the last child of `node` (an empty element <x/> is opened)."""
    if node.end == node.open_end:  # <x/>
        head = data[node.start:node.open_end - 2].rstrip()
        splice.replace(node.start, node.end, head + b">" + new + f"</{node.qname}>".encode("utf-8"))
    else:
        splice.insert(node.close, new)


def start_tag(data: bytes, node: Node, set_attrs: dict[str, str | None]) -> bytes:
    """The node's start tag with unprefixed attributes set (appended when missing) or removed (value None)."""
    tag = data[node.start:node.open_end]
    for name, value in set_attrs.items():
        pattern = re.compile(rb"\s" + re.escape(name.encode()) + rb"\s*=\s*(?:\"[^\"]*\"|'[^']*')")
        new = b"" if value is None else b" " + name.encode() + b"=" + quoteattr(value).encode("utf-8")
        if pattern.search(tag):
            tag = pattern.sub(lambda _: new, tag, count=1)
        elif value is not None:
            cut = len(tag) - (2 if tag.endswith(b"/>") else 1)
            while cut > 0 and tag[cut - 1:cut].isspace():
                cut -= 1
            tag = tag[:cut] + new + tag[cut:]
    return tag


def element(prefix: str, local: str, attrs: dict[str, str] | None = None, inner: bytes | str | None = None) -> bytes:
    """An element written with `prefix` for its namespace; attribute values escaped, `inner` bytes as given (a str is
    escaped as text)."""
    name = f"{prefix}:{local}" if prefix else local
    head = "<" + name + "".join(f" {k}={quoteattr(v)}" for k, v in (attrs or {}).items())
    if inner is None:
        return (head + "/>").encode("utf-8")
    body = escape(inner).encode("utf-8") if isinstance(inner, str) else inner
    return (head + ">").encode("utf-8") + body + f"</{name}>".encode("utf-8")


def prefix_for(root: Node, namespace: str) -> str | None:
    """The prefix the root element binds to `namespace` ("" when it is the default namespace), or None."""
    if root.ns.get("") == namespace:
        return ""
    return next((p for p, uri in root.ns.items() if uri == namespace and p), None)
