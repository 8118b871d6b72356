"""The local Sheets API server behaves as Google documents, seen through real gspread over HTTP.

Every test writes and reads through gspread's own methods (or its HTTPClient for endpoints
gspread has no wrapper for) and asserts on what a later read returns.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import date

import gspread
import pytest
from gspread.exceptions import APIError, SpreadsheetNotFound
from gspread.urls import SPREADSHEETS_API_V4_BASE_URL
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheets_sync.stores.gsheets.client import client_for_endpoint
from tests.sheets_api import SheetsApiServer

CONTACTS, LOG = 0, 7


@pytest.fixture(scope="module")
def server():
    with SheetsApiServer() as srv:
        yield srv


@pytest.fixture
def api(server: SheetsApiServer) -> SheetsApiServer:
    server.reset()
    return server


@pytest.fixture
def gc(api: SheetsApiServer) -> gspread.Client:
    client = client_for_endpoint(api.base_url)
    client.set_timeout(10)
    return client


@pytest.fixture
def book(api: SheetsApiServer, gc: gspread.Client) -> gspread.Spreadsheet:
    spreadsheet_id = api.create_spreadsheet(
        "Contacts book",
        sheets=[
            {"title": "Contacts", "sheetId": CONTACTS},
            {"title": "Log", "sheetId": LOG, "gridProperties": {"rowCount": 20, "columnCount": 5}},
        ],
    )
    sheet = gc.open_by_key(spreadsheet_id)
    api.log.clear()
    return sheet


def read(book: gspread.Spreadsheet, rng: str, render: str = "UNFORMATTED_VALUE", **params):
    response = book.values_batch_get([rng], params={"valueRenderOption": render, **params})
    return response["valueRanges"][0].get("values")


def write(book: gspread.Spreadsheet, rng: str, values, option: str = "RAW") -> dict:
    return book.values_update(rng, params={"valueInputOption": option}, body={"values": values})


def error_of(excinfo: pytest.ExceptionInfo) -> dict:
    return excinfo.value.error


def grid(book: gspread.Spreadsheet, fields: str, **params) -> dict:
    return book.client.spreadsheets_get(book.id, {"fields": fields, **params})


def post(book: gspread.Spreadsheet, suffix: str, body: dict) -> dict:
    url = f"{SPREADSHEETS_API_V4_BASE_URL}/{book.id}{suffix}"
    return book.client.request("post", url, json=body).json()


def row_metadata(book: gspread.Spreadsheet, key: str, row: int, sheet_id: int = CONTACTS) -> dict:
    return {
        "createDeveloperMetadata": {
            "developerMetadata": {
                "metadataKey": key,
                "metadataValue": "",
                "visibility": "DOCUMENT",
                "location": {
                    "dimensionRange": {
                        "sheetId": sheet_id,
                        "dimension": "ROWS",
                        "startIndex": row - 1,
                        "endIndex": row,
                    }
                },
            }
        }
    }


def by_key(key: str) -> dict:
    return {"developerMetadataLookup": {"metadataKey": key}}


# -- writing values: RAW and USER_ENTERED ------------------------------------------------------


def test_user_entered_parses_formulas_numbers_and_iso_dates(book):
    write(
        book, "Contacts!A1", [["=SUM(1,2)", "7e30", "2024-03-05", "12.5", "TRUE"]], "USER_ENTERED"
    )
    assert read(book, "Contacts!A1:E1") == [[3, 7e30, 45356, 12.5, True]]
    assert read(book, "Contacts!A1:E1", "FORMULA") == [["=SUM(1,2)", 7e30, 45356, 12.5, True]]


def test_raw_keeps_strings_as_typed(book):
    write(book, "Contacts!A1", [["=SUM(1,2)", "7e30", "2024-03-05", "'lead"]], "RAW")
    assert read(book, "Contacts!A1:D1") == [["=SUM(1,2)", "7e30", "2024-03-05", "'lead"]]
    cells = grid(book, "sheets.data.rowData.values.userEnteredValue", ranges="Contacts!A1")
    assert cells["sheets"][0]["data"][0]["rowData"][0]["values"][0] == {
        "userEnteredValue": {"stringValue": "=SUM(1,2)"}
    }


def test_formula_rendering_cannot_tell_raw_text_from_a_formula_but_grid_data_can(book):
    write(book, "Contacts!A1", [["=1+1"]], "RAW")
    write(book, "Contacts!B1", [["=1+1"]], "USER_ENTERED")
    assert read(book, "Contacts!A1:B1", "FORMULA") == [["=1+1", "=1+1"]]
    data = grid(book, "sheets.data.rowData.values.userEnteredValue", ranges="Contacts!A1:B1")
    cells = data["sheets"][0]["data"][0]["rowData"][0]["values"]
    assert [c["userEnteredValue"] for c in cells] == [
        {"stringValue": "=1+1"},
        {"formulaValue": "=1+1"},
    ]


def test_a_mask_inside_a_cell_value_selects_only_that_member(book):
    write(book, "Contacts!A1", [["text", "=1+1", "=1/0"]], "USER_ENTERED")
    data = grid(book, "sheets.data.rowData.values(userEnteredValue.formulaValue,"
                      "effectiveValue.errorValue.type)", ranges="Contacts!A1:C1")
    assert data["sheets"][0]["data"][0]["rowData"][0]["values"] == [
        {},
        {"userEnteredValue": {"formulaValue": "=1+1"}},
        {"userEnteredValue": {"formulaValue": "=1/0"},
         "effectiveValue": {"errorValue": {"type": "DIVIDE_BY_ZERO"}}},
    ]


def test_formatted_value_renders_every_value_as_text(book):
    write(book, "Contacts!A1", [[3, True, "2024-03-05", "=2/4"]], "USER_ENTERED")
    assert read(book, "Contacts!A1:D1", "FORMATTED_VALUE") == [["3", "TRUE", "2024-03-05", "0.5"]]


def test_null_skips_a_cell_and_empty_string_clears_it(book):
    write(book, "Contacts!A1", [["keep", "clear me", "x"]])
    write(book, "Contacts!A1", [[None, "", "y"]])
    assert read(book, "Contacts!A1:C1") == [["keep", "", "y"]]


def test_value_input_option_is_required(book):
    with pytest.raises(APIError) as excinfo:
        book.values_update("Contacts!A1", params={}, body={"values": [["x"]]})
    assert error_of(excinfo)["code"] == 400
    assert "valueInputOption" in error_of(excinfo)["message"]


def test_values_beyond_an_explicit_range_are_refused(book):
    with pytest.raises(APIError) as excinfo:
        write(book, "Contacts!A1:B1", [["a", "b", "c"]])
    assert "tried writing to column [C]" in error_of(excinfo)["message"]
    assert read(book, "Contacts!A1:C1") is None


def test_columns_major_dimension_writes_and_reads_columns(book):
    book.values_update(
        "Contacts!A1",
        params={"valueInputOption": "RAW"},
        body={"majorDimension": "COLUMNS", "values": [["a", "b"], ["c", "d"]]},
    )
    assert read(book, "Contacts!A1:B2") == [["a", "c"], ["b", "d"]]
    assert read(book, "Contacts!A1:B2", majorDimension="COLUMNS") == [["a", "b"], ["c", "d"]]


# -- reading values ------------------------------------------------------------------------


def test_dates_are_serials_unformatted_even_under_formula_rendering(book):
    write(book, "Contacts!A1", [["2024-03-05 12:00"]], "USER_ENTERED")
    assert read(book, "Contacts!A1") == [[45356.5]]
    assert read(book, "Contacts!A1", "FORMULA") == [[45356.5]]
    as_text = read(book, "Contacts!A1", dateTimeRenderOption="FORMATTED_STRING")
    assert as_text == [["2024-03-05 12:00:00"]]


def test_serial_counts_days_since_1899_12_30(book):
    write(book, "Contacts!A1", [["1900-01-01"], ["2026-11-23"]], "USER_ENTERED")
    expected = (date(2026, 11, 23) - date(1899, 12, 30)).days
    assert read(book, "Contacts!A1:A2") == [[2], [expected]]


def test_trailing_empty_rows_and_columns_are_dropped_and_inner_empty_rows_are_empty_lists(book):
    write(book, "Contacts!B2", [["x", None], [None], ["y"]])
    assert read(book, "Contacts!A1:F10") == [[], ["", "x"], [], ["", "y"]]


def test_values_key_is_absent_when_the_range_is_empty(book):
    response = book.values_batch_get(["Contacts!A1:C3"])
    assert response["valueRanges"][0] == {"range": "Contacts!A1:C3", "majorDimension": "ROWS"}


def test_quoted_sheet_names_with_spaces_and_unicode(book, api):
    book.batch_update(
        {
            "requests": [
                {"addSheet": {"properties": {"title": "客户"}}},
                {"addSheet": {"properties": {"title": "Done items"}}},
            ]
        }
    )
    write(book, "'客户'!A1", [["王", "李"]])
    write(book, "'Done items'!B2", [["ok"]])
    response = book.values_batch_get(["'客户'!A1:B2", "'Done items'!B2"])
    assert [r["range"] for r in response["valueRanges"]] == ["'客户'!A1:B2", "'Done items'!B2"]
    assert [r["values"] for r in response["valueRanges"]] == [[["王", "李"]], [["ok"]]]


def test_whole_columns_rows_and_open_ended_ranges_are_clipped_to_the_grid(book):
    write(book, "Log!A1", [["h1", "h2"], ["a", "b"], ["c", "d"]])
    response = book.values_batch_get(["Log!B:B", "Log!2:2", "Log!A2:C", "Log"])
    ranges = [r["range"] for r in response["valueRanges"]]
    assert ranges == ["Log!B1:B20", "Log!A2:E2", "Log!A2:C20", "Log!A1:E20"]
    assert response["valueRanges"][0]["values"] == [["h2"], ["b"], ["d"]]
    assert response["valueRanges"][2]["values"] == [["a", "b"], ["c", "d"]]


def test_a_range_past_the_grid_is_an_error(book):
    with pytest.raises(APIError) as excinfo:
        book.values_batch_get(["Log!A1:A21"])
    error = error_of(excinfo)
    assert (error["code"], error["status"]) == (400, "INVALID_ARGUMENT")
    assert "exceeds grid limits. Max rows: 20, max columns: 5" in error["message"]


def test_an_unknown_sheet_cannot_be_parsed(book):
    with pytest.raises(APIError) as excinfo:
        book.values_batch_get(["Nope!A1"])
    assert error_of(excinfo)["message"] == "Unable to parse range: Nope!A1"


def test_writing_beyond_the_grid_fails_until_the_grid_grows(book):
    with pytest.raises(APIError) as excinfo:
        write(book, "Log!A20", [["x"], ["y"]])
    assert "exceeds grid limits" in error_of(excinfo)["message"]
    assert read(book, "Log!A20") is None
    book.batch_update(
        {"requests": [{"appendDimension": {"sheetId": LOG, "dimension": "ROWS", "length": 5}}]}
    )
    write(book, "Log!A20", [["x"], ["y"]])
    assert read(book, "Log!A20:A21") == [["x"], ["y"]]


def test_values_batch_update_is_all_or_nothing(book):
    with pytest.raises(APIError):
        book.values_batch_update(
            {
                "valueInputOption": "RAW",
                "data": [
                    {"range": "Contacts!A1", "values": [["written?"]]},
                    {"range": "Log!A99", "values": [["past the grid"]]},
                ],
            }
        )
    assert read(book, "Contacts!A1") is None


def test_values_batch_update_writes_every_range_in_one_request(book, api):
    response = book.values_batch_update(
        {
            "valueInputOption": "USER_ENTERED",
            "data": [
                {"range": "Contacts!A1:B1", "values": [["Name", "Phone"]]},
                {"range": "Log!A1", "values": [["1"], ["2"]]},
            ],
        }
    )
    assert response["totalUpdatedCells"] == 4
    assert api.log.count() == 1
    assert read(book, "Log!A1:A2") == [[1], [2]]


# -- append and clear ------------------------------------------------------------------------


def test_append_writes_below_the_last_row_with_values(book):
    write(book, "Log!A1", [["when", "what"], ["mon", "call"]])
    response = book.values_append(
        "Log!A1", params={"valueInputOption": "RAW"}, body={"values": [["tue", "mail"]]}
    )
    assert response["tableRange"] == "Log!A1:B2"
    assert response["updates"]["updatedRange"] == "Log!A3:B3"
    assert read(book, "Log!A1:B3") == [["when", "what"], ["mon", "call"], ["tue", "mail"]]


def test_append_at_the_end_of_the_sheet_adds_rows(book):
    write(book, "Log!A20", [["last"]])
    book.values_append("Log!A1", params={"valueInputOption": "RAW"}, body={"values": [["more"]]})
    props = grid(book, "sheets.properties")["sheets"][1]["properties"]
    assert props["gridProperties"]["rowCount"] == 21
    assert read(book, "Log!A21") == [["more"]]


def test_append_with_insert_rows_pushes_rows_below_down(book):
    write(book, "Log!A1", [["a"], ["b"]])
    write(book, "Log!C10", [["below"]])
    book.values_append(
        "Log!A1:A2",
        params={"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"},
        body={"values": [["c"]]},
    )
    assert read(book, "Log!A3") == [["c"]]
    assert read(book, "Log!C11") == [["below"]]


def test_clear_removes_values_but_keeps_formats_and_validations(book):
    book.batch_update(
        {
            "requests": [
                {
                    "setDataValidation": {
                        "range": {"sheetId": LOG, "startRowIndex": 0, "endRowIndex": 1},
                        "rule": {"condition": {"type": "BOOLEAN"}},
                    }
                }
            ]
        }
    )
    write(book, "Log!A1:B2", [[True, False], ["x", "y"]])
    book.values_clear("Log!A1:B1")
    book.client.values_batch_clear(book.id, body={"ranges": ["Log!A2"]})
    assert read(book, "Log!A1:B2") == [[], ["", "y"]]
    data = grid(book, "sheets.data.rowData.values.dataValidation", ranges="Log!A1")
    cell = data["sheets"][0]["data"][0]["rowData"][0]["values"][0]
    assert cell["dataValidation"]["condition"]["type"] == "BOOLEAN"


# -- spreadsheets.get ------------------------------------------------------------------------


def test_one_masked_get_returns_properties_values_formats_and_validations(book, api):
    write(book, "Contacts!A1", [["Done", "Due"], [True, "2026-11-23"]], "USER_ENTERED")
    book.batch_update(
        {
            "requests": [
                {
                    "setDataValidation": {
                        "range": {
                            "sheetId": CONTACTS,
                            "startRowIndex": 1,
                            "endRowIndex": 2,
                            "startColumnIndex": 0,
                            "endColumnIndex": 1,
                        },
                        "rule": {"condition": {"type": "BOOLEAN"}, "showCustomUi": True},
                    }
                }
            ]
        }
    )
    api.log.clear()
    fields = (
        "sheets(properties(sheetId,title,gridProperties),"
        "data(rowData(values(userEnteredValue,effectiveValue,userEnteredFormat.numberFormat,"
        "dataValidation))))"
    )
    doc = grid(book, fields)
    assert api.log.count() == 1
    contacts = doc["sheets"][0]
    assert contacts["properties"]["title"] == "Contacts"
    assert contacts["properties"]["gridProperties"] == {"rowCount": 1000, "columnCount": 26}
    row = contacts["data"][0]["rowData"][1]["values"]
    assert row[0]["dataValidation"]["condition"] == {"type": "BOOLEAN"}
    assert row[0]["effectiveValue"] == {"boolValue": True}
    assert row[1]["userEnteredFormat"] == {
        "numberFormat": {"type": "DATE", "pattern": "yyyy-mm-dd"}
    }
    assert "spreadsheetId" not in doc and "rowMetadata" not in contacts["data"][0]


def test_include_grid_data_is_ignored_once_fields_are_set(book):
    write(book, "Contacts!A1", [["x"]])
    doc = grid(book, "sheets.properties.title", includeGridData="true")
    assert doc == {
        "sheets": [{"properties": {"title": "Contacts"}}, {"properties": {"title": "Log"}}]
    }


def test_grid_data_only_when_asked(book):
    write(book, "Contacts!A1", [["x"]])
    plain = book.client.spreadsheets_get(book.id)
    assert "data" not in plain["sheets"][0]
    full = book.client.spreadsheets_get(book.id, {"includeGridData": "true"})
    cell = full["sheets"][0]["data"][0]["rowData"][0]["values"][0]
    assert cell["formattedValue"] == "x"


def test_ranges_limit_the_sheets_and_cells_returned(book):
    write(book, "Log!A1", [["a", "b"], ["c", "d"]])
    doc = grid(
        book,
        "sheets(properties.title,data(startRow,rowData.values.effectiveValue))",
        ranges="Log!A2:B2",
    )
    assert doc["sheets"] == [
        {
            "properties": {"title": "Log"},
            "data": [
                {
                    "startRow": 1,
                    "rowData": [
                        {
                            "values": [
                                {"effectiveValue": {"stringValue": "c"}},
                                {"effectiveValue": {"stringValue": "d"}},
                            ]
                        }
                    ],
                }
            ],
        }
    ]


# -- spreadsheets.batchUpdate ----------------------------------------------------------------


def test_batch_update_is_atomic_and_names_the_invalid_request(book):
    with pytest.raises(APIError) as excinfo:
        book.batch_update(
            {
                "requests": [
                    {"addSheet": {"properties": {"title": "Today"}}},
                    {
                        "setDataValidation": {
                            "range": {"sheetId": CONTACTS, "startRowIndex": 0, "endRowIndex": 1},
                            "rule": {"condition": {"type": "ONE_OF_LIST"}},
                        }
                    },
                ]
            }
        )
    assert error_of(excinfo)["message"].startswith("Invalid requests[1].setDataValidation: ")
    titles = [s["properties"]["title"] for s in grid(book, "sheets.properties.title")["sheets"]]
    assert titles == ["Contacts", "Log"]


def test_unknown_request_kinds_fail_the_whole_batch(book):
    with pytest.raises(APIError) as excinfo:
        book.batch_update(
            {"requests": [{"addSheet": {"properties": {"title": "Today"}}}, {"frobnicate": {}}]}
        )
    error = error_of(excinfo)
    assert (error["code"], error["status"]) == (400, "INVALID_ARGUMENT")
    assert "Unknown name \"frobnicate\" at 'requests[1]'" in error["message"]
    assert len(grid(book, "sheets.properties.title")["sheets"]) == 2


def test_replies_line_up_with_requests_and_a_chosen_sheet_id_is_usable_in_the_same_batch(book):
    response = book.batch_update(
        {
            "requests": [
                {
                    "addSheet": {
                        "properties": {
                            "sheetId": 42,
                            "title": "Today",
                            "gridProperties": {"rowCount": 3, "columnCount": 2},
                        }
                    }
                },
                {
                    "updateCells": {
                        "start": {"sheetId": 42, "rowIndex": 0, "columnIndex": 0},
                        "rows": [{"values": [{"userEnteredValue": {"stringValue": "Call"}}]}],
                        "fields": "userEnteredValue",
                    }
                },
                {"autoResizeDimensions": {"dimensions": {"sheetId": 42, "dimension": "COLUMNS"}}},
            ]
        }
    )
    replies = response["replies"]
    assert len(replies) == 3 and replies[1:] == [{}, {}]
    assert replies[0]["addSheet"]["properties"]["sheetId"] == 42
    assert read(book, "Today!A1") == [["Call"]]


def test_update_cells_string_values_are_never_parsed_and_dates_are_numbers_with_a_format(book):
    serial = (date(2026, 11, 23) - date(1899, 12, 30)).days
    book.batch_update(
        {
            "requests": [
                {
                    "updateCells": {
                        "start": {"sheetId": CONTACTS, "rowIndex": 0, "columnIndex": 0},
                        "rows": [
                            {
                                "values": [
                                    {"userEnteredValue": {"stringValue": '=HYPERLINK("x")'}},
                                    {"userEnteredValue": {"stringValue": "2024-03-05"}},
                                    {
                                        "userEnteredValue": {"numberValue": serial},
                                        "userEnteredFormat": {
                                            "numberFormat": {
                                                "type": "DATE",
                                                "pattern": "yyyy-mm-dd",
                                            }
                                        },
                                    },
                                ]
                            }
                        ],
                        "fields": "userEnteredValue,userEnteredFormat.numberFormat",
                    }
                }
            ]
        }
    )
    assert read(book, "Contacts!A1:C1") == [['=HYPERLINK("x")', "2024-03-05", serial]]
    assert read(book, "Contacts!A1:C1", "FORMATTED_VALUE") == [
        ['=HYPERLINK("x")', "2024-03-05", "2026-11-23"]
    ]


def test_update_cells_past_the_grid_fails(book):
    with pytest.raises(APIError) as excinfo:
        book.batch_update(
            {
                "requests": [
                    {
                        "updateCells": {
                            "start": {"sheetId": LOG, "rowIndex": 20, "columnIndex": 0},
                            "rows": [{"values": [{"userEnteredValue": {"numberValue": 1}}]}],
                            "fields": "userEnteredValue",
                        }
                    }
                ]
            }
        )
    assert error_of(excinfo)["message"].startswith("Invalid requests[0].updateCells: ")


def test_repeat_cell_sets_a_number_format_on_a_range(book):
    write(book, "Log!A1", [[45356], [45357]])
    book.batch_update(
        {
            "requests": [
                {
                    "repeatCell": {
                        "range": {"sheetId": LOG, "startColumnIndex": 0, "endColumnIndex": 1},
                        "cell": {
                            "userEnteredFormat": {
                                "numberFormat": {"type": "DATE", "pattern": "dd.mm.yyyy"}
                            }
                        },
                        "fields": "userEnteredFormat.numberFormat",
                    }
                }
            ]
        }
    )
    assert read(book, "Log!A1:A2", "FORMATTED_VALUE") == [["05.03.2024"], ["06.03.2024"]]
    assert read(book, "Log!A1:A2") == [[45356], [45357]]


def test_insert_delete_and_move_dimension_move_cells(book):
    write(book, "Log!A1", [["r1"], ["r2"], ["r3"], ["r4"]])
    book.batch_update(
        {
            "requests": [
                {
                    "insertDimension": {
                        "range": {
                            "sheetId": LOG,
                            "dimension": "ROWS",
                            "startIndex": 1,
                            "endIndex": 2,
                        }
                    }
                },
                {
                    "deleteDimension": {
                        "range": {
                            "sheetId": LOG,
                            "dimension": "ROWS",
                            "startIndex": 3,
                            "endIndex": 4,
                        }
                    }
                },
                {
                    "moveDimension": {
                        "source": {
                            "sheetId": LOG,
                            "dimension": "ROWS",
                            "startIndex": 0,
                            "endIndex": 1,
                        },
                        "destinationIndex": 4,
                    }
                },
            ]
        }
    )
    # after insert: r1,_,r2,r3,r4; after delete row 4: r1,_,r2,r4; after move: _,r2,r4,r1
    assert read(book, "Log!A1:A4") == [[], ["r2"], ["r4"], ["r1"]]
    assert grid(book, "sheets.properties.gridProperties.rowCount")["sheets"][1] == {
        "properties": {"gridProperties": {"rowCount": 20}}
    }


def test_sort_range_orders_numbers_before_text_and_empty_last(book):
    write(book, "Log!A1", [["b", 1], ["", 2], ["a", 3], [10, 4]])
    book.batch_update(
        {
            "requests": [
                {
                    "sortRange": {
                        "range": {"sheetId": LOG, "startRowIndex": 0, "endRowIndex": 4},
                        "sortSpecs": [{"dimensionIndex": 0, "sortOrder": "ASCENDING"}],
                    }
                }
            ]
        }
    )
    assert read(book, "Log!A1:B4") == [[10, 4], ["a", 3], ["b", 1], ["", 2]]


def test_update_sheet_properties_follows_its_field_mask(book):
    book.batch_update(
        {
            "requests": [
                {
                    "updateSheetProperties": {
                        "properties": {
                            "sheetId": LOG,
                            "title": "History",
                            "gridProperties": {"frozenRowCount": 1, "rowCount": 2},
                        },
                        "fields": "title,gridProperties.frozenRowCount",
                    }
                }
            ]
        }
    )
    props = grid(book, "sheets.properties")["sheets"][1]["properties"]
    assert props["title"] == "History"
    assert props["gridProperties"] == {"rowCount": 20, "columnCount": 5, "frozenRowCount": 1}


def test_shrinking_the_grid_drops_the_rows_cut_off(book):
    write(book, "Log!A1", [["keep"], ["gone"]])
    book.batch_update(
        {
            "requests": [
                {
                    "updateSheetProperties": {
                        "properties": {"sheetId": LOG, "gridProperties": {"rowCount": 1}},
                        "fields": "gridProperties.rowCount",
                    }
                },
                {"appendDimension": {"sheetId": LOG, "dimension": "ROWS", "length": 1}},
            ]
        }
    )
    assert read(book, "Log!A1:A2") == [["keep"]]


def test_delete_sheet_and_the_last_sheet_cannot_go(book):
    book.batch_update({"requests": [{"deleteSheet": {"sheetId": LOG}}]})
    with pytest.raises(APIError) as excinfo:
        book.batch_update({"requests": [{"deleteSheet": {"sheetId": CONTACTS}}]})
    assert "You can't remove all the sheets" in error_of(excinfo)["message"]
    assert [s["properties"]["title"] for s in grid(book, "sheets.properties")["sheets"]] == [
        "Contacts"
    ]


def test_warning_only_protection_is_stored_and_cannot_have_editors(book):
    protected = {
        "range": {"sheetId": CONTACTS, "startColumnIndex": 5, "endColumnIndex": 8},
        "description": "Owned by sheets-sync",
        "warningOnly": True,
    }
    reply = book.batch_update({"requests": [{"addProtectedRange": {"protectedRange": protected}}]})
    stored = reply["replies"][0]["addProtectedRange"]["protectedRange"]
    assert stored["warningOnly"] is True and "protectedRangeId" in stored
    with pytest.raises(APIError) as excinfo:
        with_editors = {**protected, "editors": {"users": ["a@example.com"]}}
        book.batch_update({"requests": [{"addProtectedRange": {"protectedRange": with_editors}}]})
    assert excinfo.value.code == 400
    ranges = grid(book, "sheets.protectedRanges")["sheets"][0]["protectedRanges"]
    assert [r["description"] for r in ranges] == ["Owned by sheets-sync"]


def test_basic_filter_charts_and_pixel_sizes_are_stored_as_given(book):
    chart = {
        "chartId": 7,
        "spec": {"title": "Touchpoints"},
        "position": {"overlayPosition": {"anchorCell": {"sheetId": LOG}}},
    }
    book.batch_update(
        {
            "requests": [
                {"setBasicFilter": {"filter": {"range": {"sheetId": CONTACTS, "endRowIndex": 10}}}},
                {"addChart": {"chart": chart}},
                {
                    "updateDimensionProperties": {
                        "range": {
                            "sheetId": CONTACTS,
                            "dimension": "COLUMNS",
                            "startIndex": 0,
                            "endIndex": 1,
                        },
                        "properties": {"pixelSize": 240},
                        "fields": "pixelSize",
                    }
                },
            ]
        }
    )
    doc = grid(
        book,
        "sheets(basicFilter,charts,data.columnMetadata.pixelSize)",
        ranges=["Contacts!A1:B1", "Log!A1"],
    )
    contacts, log = doc["sheets"]
    assert contacts["basicFilter"]["range"] == {"sheetId": CONTACTS, "endRowIndex": 10}
    assert contacts["data"][0]["columnMetadata"] == [{"pixelSize": 240}, {"pixelSize": 100}]
    assert log["charts"][0]["spec"] == {"title": "Touchpoints"}
    book.batch_update({"requests": [{"deleteEmbeddedObject": {"objectId": 7}}]})
    assert "charts" not in grid(book, "sheets.charts")["sheets"][1]


def test_the_ten_million_cell_limit(book):
    with pytest.raises(APIError) as excinfo:
        book.batch_update(
            {
                "requests": [
                    {
                        "addSheet": {
                            "properties": {
                                "title": "Huge",
                                "gridProperties": {"rowCount": 400_000, "columnCount": 26},
                            }
                        }
                    }
                ]
            }
        )
    assert "above the limit of 10000000 cells" in error_of(excinfo)["message"]


# -- developer metadata ----------------------------------------------------------------------


def test_row_metadata_follows_its_row_when_a_person_inserts_rows_above(book, api):
    write(book, "Contacts!A1", [["Name"], ["Ann"], ["Bob"]])
    book.batch_update({"requests": [row_metadata(book, "contact:C0042", 3)]})
    api.person(book.id).insert_rows("Contacts", above_row=2, count=2)
    response = post(
        book,
        "/values:batchUpdateByDataFilter",
        {
            "valueInputOption": "RAW",
            "data": [{"dataFilter": by_key("contact:C0042"), "values": [[None, "called"]]}],
        },
    )
    assert response["responses"][0]["updatedRange"] == "Contacts!A5:B5"
    assert read(book, "Contacts!A1:B5") == [["Name"], [], [], ["Ann"], ["Bob", "called"]]


def test_deleting_the_row_deletes_its_metadata(book, api):
    book.batch_update({"requests": [row_metadata(book, "contact:C1", 2)]})
    api.person(book.id).delete_rows("Contacts", 2)
    found = post(book, "/developerMetadata:search", {"dataFilters": [by_key("contact:C1")]})
    assert found == {}


def test_metadata_moves_with_move_dimension_and_with_a_sort(book, api):
    write(book, "Log!A1", [["c"], ["a"], ["b"]])
    book.batch_update({"requests": [row_metadata(book, "row:a", 2, LOG)]})
    api.person(book.id).sort("Log", "A1:E3", by_column="A")
    got = post(
        book,
        "/values:batchGetByDataFilter",
        {"dataFilters": [by_key("row:a")], "valueRenderOption": "UNFORMATTED_VALUE"},
    )
    assert got["valueRanges"][0]["valueRange"] == {
        "range": "Log!A1:E1",
        "majorDimension": "ROWS",
        "values": [["a"]],
    }
    book.batch_update(
        {
            "requests": [
                {
                    "moveDimension": {
                        "source": {
                            "sheetId": LOG,
                            "dimension": "ROWS",
                            "startIndex": 0,
                            "endIndex": 1,
                        },
                        "destinationIndex": 3,
                    }
                }
            ]
        }
    )
    got = post(book, "/values:batchGetByDataFilter", {"dataFilters": [by_key("row:a")]})
    assert got["valueRanges"][0]["valueRange"]["range"] == "Log!A3:E3"


def test_metadata_get_and_search_by_key_value_and_location(book):
    reply = book.batch_update({"requests": [row_metadata(book, "contact:C7", 4)]})
    meta = reply["replies"][0]["createDeveloperMetadata"]["developerMetadata"]
    url = f"{SPREADSHEETS_API_V4_BASE_URL}/{book.id}/developerMetadata/{meta['metadataId']}"
    assert book.client.request("get", url).json() == meta
    by_range = post(
        book, "/developerMetadata:search", {"dataFilters": [{"a1Range": "Contacts!A4:C4"}]}
    )
    assert [
        m["developerMetadata"]["metadataKey"] for m in by_range["matchedDeveloperMetadata"]
    ] == ["contact:C7"]
    elsewhere = post(
        book,
        "/developerMetadata:search",
        {
            "dataFilters": [
                {"gridRange": {"sheetId": CONTACTS, "startRowIndex": 0, "endRowIndex": 3}}
            ]
        },
    )
    assert elsewhere == {}
    with pytest.raises(APIError) as excinfo:
        book.client.request("get", url[: url.rindex("/")] + "/999")
    assert error_of(excinfo)["status"] == "NOT_FOUND"


def test_update_and_delete_developer_metadata(book):
    book.batch_update({"requests": [row_metadata(book, "contact:C8", 2)]})
    book.batch_update(
        {
            "requests": [
                {
                    "updateDeveloperMetadata": {
                        "dataFilters": [by_key("contact:C8")],
                        "developerMetadata": {"metadataValue": "v2"},
                        "fields": "metadataValue",
                    }
                }
            ]
        }
    )
    found = post(book, "/developerMetadata:search", {"dataFilters": [by_key("contact:C8")]})
    assert found["matchedDeveloperMetadata"][0]["developerMetadata"]["metadataValue"] == "v2"
    reply = book.batch_update(
        {"requests": [{"deleteDeveloperMetadata": {"dataFilter": by_key("contact:C8")}}]}
    )
    assert len(reply["replies"][0]["deleteDeveloperMetadata"]["deletedDeveloperMetadata"]) == 1
    assert post(book, "/developerMetadata:search", {"dataFilters": [by_key("contact:C8")]}) == {}


def test_data_filter_writes_may_not_exceed_the_matched_range(book):
    book.batch_update({"requests": [row_metadata(book, "contact:C9", 2, LOG)]})
    with pytest.raises(APIError) as excinfo:
        post(
            book,
            "/values:batchUpdateByDataFilter",
            {
                "valueInputOption": "RAW",
                "data": [{"dataFilter": by_key("contact:C9"), "values": [["a"], ["b"]]}],
            },
        )
    assert excinfo.value.code == 400
    assert read(book, "Log!A2:A3") is None


def test_filters_by_a1_and_grid_range_read_like_batch_get(book):
    write(book, "Log!A1", [["x", "y"]])
    got = post(
        book,
        "/values:batchGetByDataFilter",
        {
            "dataFilters": [
                {"a1Range": "Log!A1:B1"},
                {
                    "gridRange": {
                        "sheetId": LOG,
                        "startRowIndex": 0,
                        "endRowIndex": 1,
                        "startColumnIndex": 1,
                        "endColumnIndex": 2,
                    }
                },
            ]
        },
    )
    assert [v["valueRange"]["values"] for v in got["valueRanges"]] == [[["x", "y"]], [["y"]]]


# -- errors, access and Drive ----------------------------------------------------------------


def test_unknown_spreadsheet_is_404_not_found(gc):
    with pytest.raises(SpreadsheetNotFound):
        gc.open_by_key("1doesnotexist")
    with pytest.raises(APIError) as excinfo:
        gc.http_client.spreadsheets_get("1doesnotexist")
    assert error_of(excinfo) == {
        "code": 404,
        "message": "Requested entity was not found.",
        "status": "NOT_FOUND",
    }


def test_unshared_spreadsheet_is_403_permission_denied(book, api, gc):
    api.unshare(book.id)
    with pytest.raises(PermissionError):
        gc.open_by_key(book.id)
    with pytest.raises(APIError) as excinfo:
        read(book, "Contacts!A1")
    assert (error_of(excinfo)["code"], error_of(excinfo)["status"]) == (403, "PERMISSION_DENIED")


def test_gspread_create_open_permissions_and_delete_through_drive(gc):
    created = gc.create("New office")
    assert gc.open_by_key(created.id).title == "New office"
    assert gc.open("New office").id == created.id
    assert created.list_permissions()[0]["role"] == "owner"
    gc.del_spreadsheet(created.id)
    with pytest.raises(SpreadsheetNotFound):
        gc.open_by_key(created.id)


def test_spreadsheets_create_returns_the_new_spreadsheet(gc):
    url = SPREADSHEETS_API_V4_BASE_URL
    body = {"properties": {"title": "Made"}, "sheets": [{"properties": {"title": "Contacts"}}]}
    made = gc.http_client.request("post", url, json=body).json()
    assert made["properties"]["title"] == "Made"
    assert gc.open_by_key(made["spreadsheetId"]).sheet1.title == "Contacts"


# -- test controls: quota, faults, request log, hooks, a person's edits --------------------------


def test_an_answer_is_gzipped_only_for_a_user_agent_that_says_gzip(book, api):
    write(book, "Contacts!A1", [["same text"] * 20] * 50)
    url = f"{SPREADSHEETS_API_V4_BASE_URL}/{book.id}/values/Contacts!A1:T50"
    plain = book.client.request("get", url, headers={"User-Agent": "a program"})
    zipped = book.client.request("get", url, headers={"User-Agent": "a program (gzip)"})
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert zipped.json() == plain.json()  # requests inflates it
    first, second = api.log.entries[-2:]
    assert first.bytes_out == first.json_out == second.json_out > 10 * second.bytes_out


def test_a_cell_holds_at_most_fifty_thousand_characters(book, api):
    write(book, "Contacts!A1", [["x" * 50_000]])
    for attempt in (
        lambda: write(book, "Contacts!A2", [["x" * 50_001]]),
        lambda: book.batch_update({"requests": [{"updateCells": {
            "start": {"sheetId": CONTACTS, "rowIndex": 2, "columnIndex": 0},
            "rows": [{"values": [{"userEnteredValue": {"stringValue": "x" * 50_001}}]}],
            "fields": "userEnteredValue"}}]}),
    ):
        with pytest.raises(APIError) as excinfo:
            attempt()
        assert error_of(excinfo)["message"].endswith(
            "Your input contains more than the maximum of 50000 characters in a single cell.")
    assert [len(row[0]) for row in read(book, "Contacts!A1:A3")] == [50_000]


def test_a_request_body_over_ten_mebibytes_is_refused_and_changes_nothing(book, api):
    write(book, "Contacts!A1", [["before"]])
    api.max_request_bytes = 2_000  # the same refusal as at 10,485,760 bytes, with a small body
    with pytest.raises(APIError) as excinfo:
        write(book, "Contacts!A1", [["x" * 2_000]])
    error = error_of(excinfo)
    assert (error["code"], error["status"]) == (400, "INVALID_ARGUMENT")
    assert error["message"] == "Request payload size exceeds the limit: 2000 bytes."
    assert read(book, "Contacts!A1") == [["before"]]


def test_sixty_reads_a_minute_per_user_then_429_with_retry_after(book, api):
    api.quota.reset()
    for _ in range(60):
        book.values_batch_get(["Contacts!A1"])
    with pytest.raises(APIError) as excinfo:
        book.values_batch_get(["Contacts!A1"])
    error = error_of(excinfo)
    assert (error["code"], error["status"]) == (429, "RESOURCE_EXHAUSTED")
    assert 1 <= int(excinfo.value.response.headers["Retry-After"]) <= 60
    write(book, "Contacts!A1", [["writes have their own quota"]])
    api.clock.advance(60)
    assert read(book, "Contacts!A1") == [["writes have their own quota"]]


def test_quota_is_counted_per_user(book, api):
    api.quota.reset()
    for _ in range(60):
        book.values_batch_get(["Contacts!A1"])
    other = client_for_endpoint(api.base_url)
    other.http_client.session.headers["Authorization"] = "Bearer another-user"
    assert other.http_client.values_batch_get(book.id, ["Contacts!A1"])["valueRanges"]


def test_the_project_quota_binds_across_users(book, api):
    api.quota.reset()
    api.quota.project_limits["read"] = 5  # 300 by default; small so the test stays fast
    for _ in range(3):
        book.values_batch_get(["Contacts!A1"])
    other = client_for_endpoint(api.base_url)
    other.http_client.session.headers["Authorization"] = "Bearer another-user"
    for _ in range(2):
        other.http_client.values_batch_get(book.id, ["Contacts!A1"])
    with pytest.raises(APIError) as excinfo:
        other.http_client.values_batch_get(book.id, ["Contacts!A1"])
    assert error_of(excinfo)["status"] == "RESOURCE_EXHAUSTED"
    assert "'Read requests per minute'" in error_of(excinfo)["message"]


def test_injected_faults_answer_5xx_then_recover(book, api):
    api.faults.fail_next(2, status=503)
    for _ in range(2):
        with pytest.raises(APIError) as excinfo:
            read(book, "Contacts!A1")
        assert error_of(excinfo)["status"] == "UNAVAILABLE"
    assert read(book, "Contacts!A1") is None


def test_a_fault_after_apply_loses_the_answer_but_keeps_the_write(book, api):
    api.faults.fail_next(1, status=500, after_apply=True)
    with pytest.raises(APIError) as excinfo:
        write(book, "Contacts!A1", [["landed"]])
    assert excinfo.value.code == 500
    assert read(book, "Contacts!A1") == [["landed"]]


def test_a_storm_fails_every_other_request(book, api):
    api.faults.storm(4, every=2)
    outcomes = []
    for _ in range(4):
        try:
            read(book, "Contacts!A1")
            outcomes.append("ok")
        except APIError as exc:
            outcomes.append(exc.code)
    assert outcomes == [500, "ok", 503, "ok"]


def test_the_request_log_counts_requests_and_bytes(book, api):
    book.values_batch_get(["Contacts!A1:B2", "Log!A1"])
    book.batch_update({"requests": [{"addSheet": {"properties": {"title": "Today"}}}]})
    summary = api.log.summary()
    assert (summary["requests"], summary["reads"], summary["writes"]) == (2, 1, 1)
    assert summary["bytes_in"] > 0 and summary["bytes_out"] > summary["bytes_in"]


def test_a_person_edit_can_land_between_a_read_and_a_write(book, api):
    write(book, "Contacts!A1", [["Name"], ["Ann"], ["Bob"]])
    book.batch_update({"requests": [row_metadata(book, "contact:bob", 3)]})
    api.on_request(
        "values:batchUpdateByDataFilter",
        lambda srv: srv.person(book.id).insert_rows("Contacts", above_row=1),
    )
    assert read(book, "Contacts!A3") == [["Bob"]]
    post(
        book,
        "/values:batchUpdateByDataFilter",
        {
            "valueInputOption": "RAW",
            "data": [{"dataFilter": by_key("contact:bob"), "values": [[None, "ok"]]}],
        },
    )
    assert read(book, "Contacts!A4:B4") == [["Bob", "ok"]]


def test_a_person_ticks_a_checkbox_types_sorts_and_deletes(book, api):
    write(book, "Log!A1", [["Done", "Who"], [False, "Cy"], [False, "Al"]])
    person = api.person(book.id)
    person.tick("Log", "A2")
    person.type("Log", "C2", "2026-11-23")
    person.sort("Log", "A2:E3", by_column="B")
    assert read(book, "Log!A2:C3") == [[False, "Al"], [True, "Cy", 46349]]
    person.delete_rows("Log", 2)
    assert read(book, "Log!A2:B2") == [[True, "Cy"]]
    assert api.log.count() == 3  # a person's edits are not requests


def control(base: str, name: str, body: dict) -> dict:
    request = urllib.request.Request(
        f"{base}/_test/{name}", data=json.dumps(body).encode(), method="POST"
    )
    return json.loads(urllib.request.urlopen(request, timeout=10).read())


@pytest.mark.slow
def test_the_server_runs_standalone_with_http_test_controls(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.sheets_api.server", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline().strip()
        base = line.split("=", 1)[1]
        request = urllib.request.Request(
            f"{base}/_test/spreadsheets",
            data=json.dumps({"title": "Bench"}).encode(),
            method="POST",
        )
        spreadsheet_id = json.loads(urllib.request.urlopen(request, timeout=10).read())[
            "spreadsheetId"
        ]
        control(
            base,
            "seed",
            {"spreadsheetId": spreadsheet_id, "range": "Sheet1!A1", "values": [["Ann"], ["Bob"]]},
        )
        control(
            base,
            "person",
            {
                "spreadsheetId": spreadsheet_id,
                "edit": "insert_rows",
                "args": {"sheet": "Sheet1", "above_row": 1},
            },
        )
        gc = client_for_endpoint(base)
        gc.set_timeout(10)
        book = gc.open_by_key(spreadsheet_id)
        assert book.title == "Bench"
        assert read(book, "Sheet1!A1:A3") == [[], ["Ann"], ["Bob"]]
        log = json.loads(urllib.request.urlopen(f"{base}/_test/log", timeout=10).read())
        assert (log["requests"], log["reads"]) == (2, 2)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# -- more of what a store leans on -------------------------------------------------------------


def test_a_batch_can_grow_the_grid_and_then_write_past_the_old_edge(book):
    book.batch_update(
        {
            "requests": [
                {"appendDimension": {"sheetId": LOG, "dimension": "ROWS", "length": 10}},
                {
                    "updateCells": {
                        "start": {"sheetId": LOG, "rowIndex": 25, "columnIndex": 0},
                        "rows": [{"values": [{"userEnteredValue": {"stringValue": "row 26"}}]}],
                        "fields": "userEnteredValue",
                    }
                },
            ]
        }
    )
    assert read(book, "Log!A26") == [["row 26"]]


def test_column_metadata_follows_inserted_columns_and_sheet_metadata_is_listed(book):
    column = {"sheetId": CONTACTS, "dimension": "COLUMNS", "startIndex": 2, "endIndex": 3}
    book.batch_update(
        {
            "requests": [
                {
                    "createDeveloperMetadata": {
                        "developerMetadata": {
                            "metadataKey": "owned:touchpoint",
                            "visibility": "DOCUMENT",
                            "location": {"dimensionRange": column},
                        }
                    }
                },
                {
                    "createDeveloperMetadata": {
                        "developerMetadata": {
                            "metadataKey": "tab:contacts",
                            "visibility": "DOCUMENT",
                            "location": {"sheetId": CONTACTS},
                        }
                    }
                },
                {
                    "createDeveloperMetadata": {
                        "developerMetadata": {
                            "metadataKey": "schema",
                            "metadataValue": "1",
                            "visibility": "DOCUMENT",
                            "location": {"spreadsheet": True},
                        }
                    }
                },
                {
                    "insertDimension": {
                        "range": {
                            "sheetId": CONTACTS,
                            "dimension": "COLUMNS",
                            "startIndex": 0,
                            "endIndex": 2,
                        }
                    }
                },
            ]
        }
    )
    found = post(book, "/developerMetadata:search", {"dataFilters": [by_key("owned:touchpoint")]})
    location = found["matchedDeveloperMetadata"][0]["developerMetadata"]["location"]
    assert location == {
        "locationType": "COLUMN",
        "dimensionRange": {**column, "startIndex": 4, "endIndex": 5},
    }
    doc = grid(book, "developerMetadata.metadataKey,sheets.developerMetadata.metadataKey")
    assert doc["developerMetadata"] == [{"metadataKey": "schema"}]
    assert doc["sheets"][0]["developerMetadata"] == [{"metadataKey": "tab:contacts"}]


def test_gspread_worksheet_methods_round_trip(book):
    sheet = book.get_worksheet_by_id(LOG)
    sheet.update([["Done", "When"], [False, "2026-11-23"]], "A1", value_input_option="USER_ENTERED")
    sheet.append_row(["x", "y"], value_input_option="RAW")
    assert sheet.get_values("A1:B3") == [["Done", "When"], ["FALSE", "2026-11-23"], ["x", "y"]]
    assert book.values_get("Log!B2", params={"valueRenderOption": "UNFORMATTED_VALUE"})[
        "values"
    ] == [[46349]]
    sheet.batch_clear(["A3:B3"])
    assert read(book, "Log!A3:B3") is None


def test_open_by_key_is_one_request_and_each_worksheets_call_is_another(api, book, gc):
    gc.open_by_key(book.id).worksheets()
    assert api.log.count() == 2


def test_simple_formulas_have_real_effective_values_and_others_are_name_errors(book):
    write(
        book,
        "Log!A1",
        [[1], [2], [3], ["=SUM(A1:A3)*2"], ['=IF(A1>0,"yes","no")'], ["=VLOOKUP(1,A1:A3,1)"]],
        "USER_ENTERED",
    )
    assert read(book, "Log!A4:A6") == [[12], ["yes"], ["#NAME?"]]


def test_validations_move_with_the_cells_a_sort_moves(book, api):
    write(book, "Log!A1", [["b", "x"], ["a", "y"]])
    book.batch_update(
        {
            "requests": [
                {
                    "setDataValidation": {
                        "range": {
                            "sheetId": LOG,
                            "startRowIndex": 0,
                            "endRowIndex": 1,
                            "startColumnIndex": 1,
                            "endColumnIndex": 2,
                        },
                        "rule": {
                            "condition": {
                                "type": "ONE_OF_LIST",
                                "values": [{"userEnteredValue": "x"}],
                            }
                        },
                    }
                }
            ]
        }
    )
    api.person(book.id).sort("Log", "A1:E2", by_column="A")
    data = grid(
        book, "sheets.data.rowData.values.dataValidation.condition.type", ranges="Log!B1:B2"
    )
    rows = data["sheets"][0]["data"][0]["rowData"]
    assert rows == [
        {"values": [{}]},
        {"values": [{"dataValidation": {"condition": {"type": "ONE_OF_LIST"}}}]},
    ]


def test_get_by_data_filter_returns_the_matched_rows_grid(book):
    write(book, "Contacts!A1", [["Name"], ["Ann"]])
    book.batch_update({"requests": [row_metadata(book, "contact:ann", 2)]})
    doc = post(
        book, ":getByDataFilter", {"dataFilters": [by_key("contact:ann")], "includeGridData": True}
    )
    data = doc["sheets"][0]["data"][0]
    assert data["startRow"] == 1
    assert data["rowData"][0]["values"][0]["effectiveValue"] == {"stringValue": "Ann"}


def test_formula_references_follow_inserted_and_deleted_rows(book, api):
    write(book, "Log!A1", [["=B3*2", "", ""], ["", "", ""], ["", 21, "=B3"]], "USER_ENTERED")
    api.person(book.id).insert_rows("Log", above_row=2)
    assert read(book, "Log!A1", "FORMULA") == [["=B4*2"]]
    assert read(book, "Log!A1") == [[42]]
    api.person(book.id).delete_rows("Log", 4)
    assert read(book, "Log!A1", "FORMULA") == [["=#REF!*2"]]
    assert read(book, "Log!A1", "FORMATTED_VALUE") == [["#REF!"]]


def test_gspread_notes_and_formats_use_slash_and_parenthesised_field_masks(book):
    sheet = book.get_worksheet_by_id(LOG)
    sheet.update_note("B2", "called twice")
    sheet.format("A1", {"numberFormat": {"type": "DATE", "pattern": "yyyy/mm/dd"}})
    write(book, "Log!A1", [[46349]])
    assert sheet.get_notes() == [[""], ["", "called twice"]]
    assert read(book, "Log!A1", "FORMATTED_VALUE") == [["2026/11/23"]]


def test_concurrent_writers_each_land_their_cells(book, api):
    api.quota.enabled = False

    def writer(column: str) -> None:
        client = client_for_endpoint(api.base_url)
        for row in range(1, 11):
            client.http_client.values_update(
                book.id,
                f"Log!{column}{row}",
                params={"valueInputOption": "RAW"},
                body={"values": [[f"{column}{row}"]]},
            )

    threads = [threading.Thread(target=writer, args=(c,)) for c in "ABCDE"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert read(book, "Log!A1:E10") == [[f"{c}{r}" for c in "ABCDE"] for r in range(1, 11)]


def test_data_filter_writes_accept_columns_major_values(book):
    column = {"sheetId": LOG, "dimension": "COLUMNS", "startIndex": 1, "endIndex": 2}
    book.batch_update(
        {
            "requests": [
                {
                    "createDeveloperMetadata": {
                        "developerMetadata": {
                            "metadataKey": "owned:score",
                            "visibility": "DOCUMENT",
                            "location": {"dimensionRange": column},
                        }
                    }
                }
            ]
        }
    )
    post(
        book,
        "/values:batchUpdateByDataFilter",
        {
            "valueInputOption": "USER_ENTERED",
            "data": [
                {
                    "dataFilter": by_key("owned:score"),
                    "majorDimension": "COLUMNS",
                    "values": [["Score", "3", "4"]],
                }
            ],
        },
    )
    assert read(book, "Log!B1:B3") == [["Score"], [3], [4]]


def test_row_metadata_must_sit_on_exactly_one_bounded_row(book):
    two_rows = row_metadata(book, "contact:wide", 2)
    two_rows["createDeveloperMetadata"]["developerMetadata"]["location"]["dimensionRange"][
        "endIndex"
    ] = 3
    with pytest.raises(APIError) as excinfo:
        book.batch_update({"requests": [two_rows]})
    assert "single row or column" in error_of(excinfo)["message"]
    unbounded = row_metadata(book, "contact:open", 2)
    del unbounded["createDeveloperMetadata"]["developerMetadata"]["location"]["dimensionRange"][
        "endIndex"
    ]
    with pytest.raises(APIError) as excinfo:
        book.batch_update({"requests": [unbounded]})
    assert "startIndex and an endIndex" in error_of(excinfo)["message"]


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(texts=st.lists(_TEXT, min_size=1, max_size=5))
def test_raw_text_round_trips_exactly_and_user_entered_never_fails(book, api, texts):
    api.quota.enabled = False
    write(book, "Log!A1", [texts], "RAW")
    assert read(book, "Log!A1:E1") == [texts]
    write(book, "Log!A2", [texts], "USER_ENTERED")  # any text parses to something
    book.client.values_batch_clear(book.id, body={"ranges": ["Log!A1:E2"]})


def test_seeded_values_are_in_place_without_a_request(api):
    spreadsheet_id = api.create_spreadsheet("Seeded", [{"title": "Contacts"}])
    api.seed(spreadsheet_id, "Contacts!A1", [["Name", "Since"], ["Ann", "2024-03-05"]])
    assert api.log.count() == 0
    book = api.client().open_by_key(spreadsheet_id)
    assert read(book, "Contacts!A1:B2") == [["Name", "Since"], ["Ann", 45356]]


def test_inserted_rows_take_formats_and_checkboxes_of_their_neighbour_but_no_values(book, api):
    checkbox = {"condition": {"type": "BOOLEAN"}}
    book.batch_update(
        {
            "requests": [
                {
                    "setDataValidation": {
                        "range": {
                            "sheetId": LOG,
                            "startRowIndex": 1,
                            "endRowIndex": 3,
                            "startColumnIndex": 0,
                            "endColumnIndex": 1,
                        },
                        "rule": checkbox,
                    }
                }
            ]
        }
    )
    write(book, "Log!A1", [["Done"], [True], [False]])
    book.batch_update(
        {
            "requests": [
                {
                    "insertDimension": {
                        "range": {
                            "sheetId": LOG,
                            "dimension": "ROWS",
                            "startIndex": 3,
                            "endIndex": 4,
                        },
                        "inheritFromBefore": True,
                    }
                }
            ]
        }
    )
    api.person(book.id).insert_rows("Log", above_row=2)
    data = grid(
        book, "sheets.data.rowData.values(userEnteredValue,dataValidation)", ranges="Log!A1:A5"
    )
    cells = [row.get("values", [{}])[0] for row in data["sheets"][0]["data"][0]["rowData"]]
    assert cells == [
        {"userEnteredValue": {"stringValue": "Done"}},
        {"dataValidation": checkbox},
        {"userEnteredValue": {"boolValue": True}, "dataValidation": checkbox},
        {"userEnteredValue": {"boolValue": False}, "dataValidation": checkbox},
        {"dataValidation": checkbox},
    ]


def test_include_values_in_response_echoes_what_was_written(book):
    response = book.values_update(
        "Contacts!A1",
        params={
            "valueInputOption": "USER_ENTERED",
            "includeValuesInResponse": "true",
            "responseValueRenderOption": "UNFORMATTED_VALUE",
        },
        body={"values": [["=1+1", "2024-03-05"]]},
    )
    assert response["updatedData"]["values"] == [[2, 45356]]
    appended = book.values_append(
        "Log!A1",
        params={"valueInputOption": "RAW", "includeValuesInResponse": True},
        body={"values": [["x"]]},
    )
    assert appended["updates"]["updatedData"]["values"] == [["x"]]


@pytest.mark.slow
def test_latency_makes_each_request_cost_time(book, api):
    api.latency = 0.05
    started = time.perf_counter()
    for _ in range(3):
        read(book, "Contacts!A1")
    assert time.perf_counter() - started >= 0.15


@pytest.mark.parametrize(
    ("number_format", "shown"),
    [
        ({"type": "NUMBER", "pattern": "#,##0.00"}, "-12,345.68"),
        ({"type": "NUMBER", "pattern": "0"}, "-12346"),
        ({"type": "CURRENCY", "pattern": "[$€-407]#,##0.00"}, "-€12,345.68"),
        ({"type": "PERCENT", "pattern": "0.0%"}, "-1234567.8%"),
        ({"type": "TEXT"}, "-12345.678"),
    ],
)
def test_formatted_values_follow_the_number_format(book, number_format, shown):
    book.batch_update(
        {
            "requests": [
                {
                    "repeatCell": {
                        "range": {
                            "sheetId": LOG,
                            "startRowIndex": 0,
                            "endRowIndex": 1,
                            "startColumnIndex": 0,
                            "endColumnIndex": 1,
                        },
                        "cell": {"userEnteredFormat": {"numberFormat": number_format}},
                        "fields": "userEnteredFormat.numberFormat",
                    }
                }
            ]
        }
    )
    write(book, "Log!A1", [[-12345.678]])
    assert read(book, "Log!A1", "FORMATTED_VALUE") == [[shown]]
    assert read(book, "Log!A1") == [[-12345.678]]
