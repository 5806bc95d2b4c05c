"""Hostile SAMHSA import files, built by hand: workbooks whose parts lie about
their size or expand when parsed, and JSON listings with traps in their rows."""

import io
import zipfile

from treatment.interchange.samhsa import LEADING_COLUMNS

SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PACKAGE_NS = "http://schemas.openxmlformats.org/package/2006"
OFFICE_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PARTS = {
    "[Content_Types].xml": (
        f'<Types xmlns="{PACKAGE_NS}/content-types">'
        '<Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{PACKAGE_NS}/relationships">'
        f'<Relationship Id="rId1" Type="{OFFICE_NS}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{SHEET_NS}" xmlns:r="{OFFICE_NS}"><sheets>'
        '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{PACKAGE_NS}/relationships">'
        f'<Relationship Id="rId1" Type="{OFFICE_NS}/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def workbook(sheet_data, *, prologue="", dimension=""):
    """An .xlsx whose first sheet holds `sheet_data` (the <row>s), deflated
    as hard as zip allows."""
    sheet = (
        f'<?xml version="1.0"?>{prologue}<worksheet xmlns="{SHEET_NS}">'
        f"{dimension}<sheetData>{sheet_data}</sheetData></worksheet>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()


def column_letters(number):
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def text_row(row, values):
    cells = "".join(
        f'<c r="{column_letters(n)}{row}" t="inlineStr"><is><t>{value}</t></is></c>'
        for n, value in enumerate(values, 1)
    )
    return f'<row r="{row}">{cells}</row>'


HEADER = text_row(1, LEADING_COLUMNS)


def billion_laughs():
    """Ten entities of ten each, nine deep: a billion "lol"s from 1 KB."""
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    )
    return workbook(
        f'{HEADER}<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c></row>',
        prologue=f"<!DOCTYPE lolz [{entities}]>",
    )


# Each is at most 2 KB; the importer must refuse it or finish within 5 s and
# 100 MB.
SMALL_HOSTILE_WORKBOOKS = {
    "dimension claiming 16,384 columns and a million rows": workbook(
        HEADER, dimension='<dimension ref="A1:XFD1048576"/>'
    ),
    "a row numbered 1,048,576 with a cell in the last column": workbook(
        f'{HEADER}<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    ),
    "entities that expand a billion times": billion_laughs(),
    "six thousand rows that deflate to nothing": workbook(
        HEADER + "<row><c><v>1</v></c></row>" * 6_000
    ),
    "one row of five thousand cells, all in the last column": workbook(
        HEADER.replace("</row>", '<c r="XFD1"><v>1</v></c>' * 5_000 + "</row>")
    ),
}
