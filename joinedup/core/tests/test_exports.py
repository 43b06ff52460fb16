import csv
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from joinedup.core import exports
from joinedup.portfolio.tests.factories import make_proposal

DANGEROUS = ["=", "+", "-", "@", "\t", "\r"]


def read_csv(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def read_xlsx(body: bytes):
    return load_workbook(io.BytesIO(body)).active


def one_cell_csv(value) -> str:
    return read_csv(exports.csv_bytes(["Value"], [[value]]))[1][0]


def one_cell_xlsx(value):
    return read_xlsx(exports.xlsx_bytes("Test", ["Value"], [[value]]))["A2"]


@pytest.mark.parametrize("start", DANGEROUS)
def test_text_starting_like_a_formula_gets_an_apostrophe_in_csv(start):
    text = f'{start}HYPERLINK("http://evil.example")'
    assert one_cell_csv(text) == "'" + text


@pytest.mark.parametrize("start", DANGEROUS)
def test_text_starting_like_a_formula_is_kept_as_text_in_xlsx(start):
    text = f"{start}1+1"
    cell = one_cell_xlsx(text)
    assert cell.value == text.replace("\r", "\n")  # what was written, as text (XML reads CR as a line break)
    assert cell.data_type == "s"
    assert cell.quotePrefix  # and it stays text if someone edits the cell


def test_ordinary_text_is_left_alone():
    for text in ["Pothole outside 12 High Street", "'already quoted", " =space first", "£40,000 – Café"]:
        assert one_cell_csv(text) == text
        cell = one_cell_xlsx(text)
        assert cell.value == text and cell.data_type == "s" and not cell.quotePrefix
    # A text cell that looks like an error value or a number is still text.
    assert one_cell_xlsx("#N/A").data_type == "s"
    assert one_cell_xlsx("0123").value == "0123"


def test_a_header_that_starts_like_a_formula_is_escaped_too():
    assert read_csv(exports.csv_bytes(["=Total"], []))[0] == ["'=Total"]
    header = read_xlsx(exports.xlsx_bytes("Test", ["=Total", "Name"], []))["A1"]
    assert header.value == "=Total" and header.data_type == "s" and header.quotePrefix and header.font.bold


def test_numbers_and_dates_stay_numbers_and_dates_in_xlsx(settings):
    settings.TIME_ZONE = "Europe/London"
    reported = datetime.datetime(2026, 7, 1, 11, 30, tzinfo=datetime.UTC)
    row = [12, Decimal("40000.50"), 2.5, datetime.date(2027, 3, 31), reported, True, False]
    sheet = read_xlsx(exports.xlsx_bytes("Test", list("ABCDEFG"), [row]))
    cells = list(sheet.iter_rows(min_row=2, max_row=2))[0]
    assert [c.data_type for c in cells[:5]] == ["n", "n", "n", "d", "d"]
    assert cells[0].value == 12 and cells[1].value == 40000.5 and cells[2].value == 2.5
    assert cells[3].value == datetime.datetime(2027, 3, 31) and cells[3].number_format == "yyyy-mm-dd"
    assert cells[4].value == datetime.datetime(2026, 7, 1, 12, 30)  # in the site's time zone (BST)
    assert cells[4].number_format == "yyyy-mm-dd hh:mm"
    assert [cells[5].value, cells[6].value] == ["Yes", "No"]
    csv_row = read_csv(exports.csv_bytes(list("ABCDEFG"), [row]))[1]
    assert csv_row == ["12", "40000.50", "2.5", "2027-03-31", "2026-07-01 12:30", "Yes", "No"]


def test_a_negative_number_is_a_number_not_a_formula():
    for number in [-5, Decimal("-12.50"), -0.25]:
        assert one_cell_csv(number) == str(number)  # no apostrophe
        cell = one_cell_xlsx(number)
        assert cell.data_type == "n" and cell.value == float(number)
    # The same characters typed as text are escaped: only a real number is trusted.
    assert one_cell_csv("-5") == "'-5"
    assert one_cell_xlsx("-5").data_type == "s"


def test_a_number_a_spreadsheet_cannot_hold_is_written_as_text():
    assert one_cell_csv(float("-inf")) == "'-inf"
    assert one_cell_csv(Decimal("NaN")) == "NaN"
    cell = one_cell_xlsx(float("nan"))
    assert cell.value == "nan" and cell.data_type == "s"


def test_none_is_an_empty_cell():
    assert read_csv(exports.csv_bytes(["A", "B", "C"], [[None, "x", None]]))[1] == ["", "x", ""]
    sheet = read_xlsx(exports.xlsx_bytes("Test", ["A", "B", "C"], [[None, "x", None]]))
    assert [sheet["A2"].value, sheet["B2"].value, sheet["C2"].value] == [None, "x", None]


def test_long_text_and_characters_a_workbook_cannot_hold():
    long_text = "A sofa and a mattress. " * 2000  # 46,000 characters
    assert one_cell_csv(long_text) == long_text  # CSV keeps every character
    cell = one_cell_xlsx(long_text)
    assert cell.value == long_text[:32767]  # the most an Excel cell holds
    # Control characters pasted in from other systems cannot go in an XLSX file: they are dropped
    # rather than failing the whole download. Tabs and line breaks stay.
    assert one_cell_xlsx("Kerb\x0b damaged\x00\nnear bus stop").value == "Kerb damaged\nnear bus stop"
    assert one_cell_csv("Kerb\x0b damaged") == "Kerb\x0b damaged"


def test_csv_streams_a_line_at_a_time_with_or_without_the_byte_order_mark():
    lines = exports.csv_lines(["Reference", "Count"], iter([["BDC-1", 3], ["BDC-2", 0]]), bom=False)
    assert next(lines) == "Reference,Count\r\n"
    assert list(lines) == ["BDC-1,3\r\n", "BDC-2,0\r\n"]
    assert exports.csv_bytes(["A"], []) == "\ufeffA\r\n".encode()


def test_the_workbook_has_a_bold_frozen_header_and_a_safe_sheet_name():
    body = exports.xlsx_bytes("Risks: [out of support] / ending soon, by council", ["A", "B"], [["x", 1]])
    sheet = read_xlsx(body)
    assert sheet.title == "Risks out of support  ending so"
    assert len(sheet.title) <= 31
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold and not sheet["A2"].font.bold


def test_responses_are_downloads_with_the_right_type_and_name():
    response = exports.csv_response("boston-roadmap-2026-11-23", ["A"], [["x"]])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="boston-roadmap-2026-11-23.csv"'
    response = exports.xlsx_response("boston-roadmap-2026-11-23", "Roadmap", ["A"], [["x"]])
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="boston-roadmap-2026-11-23.xlsx"'
    assert read_xlsx(response.content).title == "Roadmap"


@pytest.mark.django_db
def test_the_portfolio_ranking_download_now_escapes_a_tab_led_title(client, council, staff_user):
    # The portfolio's own writer used to let a title starting with a tab through unescaped.
    make_proposal(council, actor=staff_user, title="\t=1+1 kiosk upgrade")
    client.force_login(staff_user)
    response = client.get(f"/{council.slug}/staff/portfolio/ranking.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header, row = read_csv(response.content)
    assert row[header.index("Title")] == "'\t=1+1 kiosk upgrade"
    assert row[header.index("One-off cost (£)")] == "50000.00"
    sheet = read_xlsx(client.get(f"/{council.slug}/staff/portfolio/ranking.xlsx").content)
    title = sheet.cell(row=2, column=header.index("Title") + 1)
    assert title.value == "\t=1+1 kiosk upgrade" and title.data_type == "s" and title.quotePrefix
    assert sheet.cell(row=2, column=header.index("One-off cost (£)") + 1).value == 50000
