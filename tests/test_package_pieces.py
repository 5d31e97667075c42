"""The pieces of xlpy's package edits: XML parts parsed defused and changed by splicing bytes (xmlsplice.py), styles
appended with the part's own prefix and reused (stylesheet.py), a package that keeps what it does not edit
(package.py)."""

import shutil

import pytest

import ooxml
from conftest import SAMPLES


def test_xml_parts_are_parsed_defused():
    from xlpy.write.xmlsplice import XmlError, parse

    for bad in (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>',
                b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://example.com/x.dtd"><x/>',
                '<?xml version="1.0" encoding="UTF-16"?><x/>'.encode("utf-16"), b"<x><y></x>", b""):
        with pytest.raises(XmlError):
            parse(bad)


def test_splices_change_only_what_they_name():
    from xlpy.write.xmlsplice import Splice, append_child, element, parse, start_tag

    data = b'<?xml version="1.0"?>\n<x:a xmlns:x="u" k=\'>\'>\n  <x:b n="1"/>\n  <x:c></x:c>\n</x:a>'
    root = parse(data)
    b, c = root.children
    assert (root.prefix, b.local, data[b.start:b.end]) == ("x", "b", b'<x:b n="1"/>')
    splice = Splice(data)
    splice.replace(b.start, b.open_end, start_tag(data, b, {"n": "2", "m": "a&b"}))
    append_child(splice, data, c, element("x", "d", {"v": '"'}))
    new = splice.apply()
    assert new == data.replace(b'<x:b n="1"/>', b'<x:b n="2" m="a&amp;b"/>').replace(
        b"<x:c></x:c>", b"<x:c><x:d v='\"'/></x:c>")
    splice = Splice(new)
    root = parse(new)
    append_child(splice, new, root.children[0], b"<x:e/>")
    assert b'<x:b n="2" m="a&amp;b"><x:e/></x:b>' in splice.apply()


def test_styles_are_appended_with_the_parts_own_prefix_and_reused():
    from xlpy.write.stylesheet import Stylesheet

    data = (b'<?xml version="1.0"?><x:styleSheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<x:fonts count="1"><x:font><x:sz val="10"/><x:name val="Arial"/></x:font></x:fonts>'
            b'<x:fills count="2"><x:fill><x:patternFill patternType="none"/></x:fill><x:fill><x:patternFill '
            b'patternType="gray125"/></x:fill></x:fills><x:borders count="1"><x:border/></x:borders>'
            b'<x:cellStyleXfs count="1"><x:xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></x:cellStyleXfs>'
            b'<x:cellXfs count="1"><x:xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></x:cellXfs>'
            b'<x:dxfs count="0"/></x:styleSheet>')
    styles = Stylesheet(data)
    bold = ("font", {}, [("b", {}, []), ("sz", {"val": "10"}, []), ("name", {"val": "Arial"}, [])])
    assert styles.add("fonts", bold) == 1 and styles.add("fonts", bold) == 1
    assert styles.add("fonts", ("font", {}, [("name", {"val": "Arial"}, []), ("sz", {"val": "10"}, [])])) == 0
    assert styles.add("dxfs", ("dxf", {}, [("font", {}, [("b", {}, [])])])) == 0
    assert styles.number_format("0.0%") == 164 and styles.number_format("0.0%") == 164
    new = styles.to_bytes()
    assert b'<x:fonts count="2"><x:font><x:sz val="10"/><x:name val="Arial"/></x:font><x:font><x:b/>' in new
    assert b'<x:dxfs count="1"><x:dxf><x:font><x:b/></x:font></x:dxf></x:dxfs>' in new
    assert new.index(b"<x:numFmts") < new.index(b"<x:fonts")  # a list that was missing goes where the schema says
    assert Stylesheet(new).add("fonts", bold) == 1 and Stylesheet(new).to_bytes() == new
    empty = Stylesheet(b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>')
    assert len(empty.entries["fills"]) == 2 and b"<cellXfs count=\"1\">" in empty.to_bytes()


def test_the_package_keeps_what_it_does_not_edit(tmp_path):
    from xlpy.write.package import Package

    book = tmp_path / "pakke.xlsx"
    shutil.copy(SAMPLES / "allerod_2021.xlsx", book)
    pkg = Package.open(book)
    assert pkg.free_name("xl/worksheets/sheet{}.xml") == "xl/worksheets/sheet8.xml"
    first = pkg.add_rel("xl/worksheets/sheet1.xml", "urn:x", "xl/media/a.png")
    second = pkg.add_rel("xl/worksheets/sheet1.xml", "urn:x", "xl/media/a.png")
    assert first != second
    pkg.write("xl/media/a.png", b"\x89PNG", "image/png")
    pkg.drop("xl/worksheets/sheet1.xml", itself=False)  # its relationships and what only it points to
    assert not pkg.exists("xl/media/a.png") and not pkg.exists("xl/worksheets/_rels/sheet1.xml.rels")
    assert pkg.exists("xl/worksheets/sheet1.xml") and pkg.exists("xl/styles.xml")
    pkg.save(book)
    assert ooxml.parts(book) == ooxml.parts(SAMPLES / "allerod_2021.xlsx")
