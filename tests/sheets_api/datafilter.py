"""DataFilter resolution: developer metadata lookups, a1Range and gridRange filters."""

from __future__ import annotations

from .model import GridBox, Spreadsheet, bad

LOCATION_TYPES = ("ROW", "COLUMN", "SHEET", "SPREADSHEET")


def location_type(location: dict) -> str:
    if "dimensionRange" in location:
        return "ROW" if location["dimensionRange"].get("dimension") == "ROWS" else "COLUMN"
    if "sheetId" in location:
        return "SHEET"
    if location.get("spreadsheet"):
        return "SPREADSHEET"
    raise bad("A developer metadata location must set dimensionRange, sheetId or spreadsheet")


def _sheet_of(location: dict) -> int | None:
    if "dimensionRange" in location:
        return location["dimensionRange"].get("sheetId", 0)
    return location.get("sheetId")


def _overlaps(a: dict, b: dict) -> bool:
    return a["startIndex"] < b["endIndex"] and b["startIndex"] < a["endIndex"]


def _location_matches(query: dict, meta: dict, strategy: str) -> bool:
    q_type, m_type = location_type(query), location_type(meta)
    if strategy == "EXACT":
        if q_type != m_type:
            return False
        if q_type in ("ROW", "COLUMN"):
            q, m = query["dimensionRange"], meta["dimensionRange"]
            return (
                q.get("sheetId", 0) == m["sheetId"]
                and q.get("startIndex", 0) == m["startIndex"]
                and q.get("endIndex") == m["endIndex"]
            )
        return _sheet_of(query) == _sheet_of(meta)
    if q_type == "SPREADSHEET":
        return True
    if m_type == "SPREADSHEET":
        return False
    if _sheet_of(query) != _sheet_of(meta):
        return False
    if q_type == "SHEET" or m_type == "SHEET":
        return True
    q, m = query["dimensionRange"], meta["dimensionRange"]
    if q.get("dimension") != m["dimension"]:
        return True  # a row and a column of one sheet always cross
    q = {"startIndex": q.get("startIndex", 0), "endIndex": q.get("endIndex", 10**9)}
    return _overlaps(q, m)


def lookup_metadata(ss: Spreadsheet, lookup: dict) -> list[dict]:
    """Metadata matching every field the lookup sets (DeveloperMetadataLookup)."""
    strategy = lookup.get("locationMatchingStrategy", "INTERSECTING")
    if strategy not in (
        "EXACT",
        "INTERSECTING",
        "DEVELOPER_METADATA_LOCATION_MATCHING_STRATEGY_UNSPECIFIED",
    ):
        raise bad(f"Invalid locationMatchingStrategy: {strategy}")
    if "locationMatchingStrategy" in lookup and "metadataLocation" not in lookup:
        raise bad("locationMatchingStrategy requires a metadataLocation")
    out = []
    for meta in ss.metadata:
        if "metadataId" in lookup and meta["metadataId"] != lookup["metadataId"]:
            continue
        if "metadataKey" in lookup and meta.get("metadataKey") != lookup["metadataKey"]:
            continue
        if "metadataValue" in lookup and meta.get("metadataValue") != lookup["metadataValue"]:
            continue
        if "visibility" in lookup and meta.get("visibility") != lookup["visibility"]:
            continue
        if "locationType" in lookup and meta["location"]["locationType"] != lookup["locationType"]:
            continue
        if "metadataLocation" in lookup and not _location_matches(
            lookup["metadataLocation"], meta["location"], strategy
        ):
            continue
        out.append(meta)
    return out


def metadata_box(ss: Spreadsheet, meta: dict) -> list[GridBox]:
    """The cells a piece of metadata addresses: its row(s), column(s) or sheet."""
    location = meta["location"]
    kind = location["locationType"]
    if kind == "SPREADSHEET":
        return [GridBox(s, 0, s.row_count, 0, s.col_count) for s in ss.sheets]
    if kind == "SHEET":
        sheet = ss.sheet_by_id(location["sheetId"])
        return [GridBox(sheet, 0, sheet.row_count, 0, sheet.col_count)]
    rng = location["dimensionRange"]
    sheet = ss.sheet_by_id(rng["sheetId"])
    if kind == "ROW":
        return [GridBox(sheet, rng["startIndex"], rng["endIndex"], 0, sheet.col_count)]
    return [GridBox(sheet, 0, sheet.row_count, rng["startIndex"], rng["endIndex"])]


def filter_boxes(ss: Spreadsheet, data_filter: dict) -> list[GridBox]:
    """The ranges a DataFilter selects, in the spreadsheet's current layout."""
    kinds = [k for k in ("developerMetadataLookup", "a1Range", "gridRange") if k in data_filter]
    if len(kinds) != 1:
        raise bad(
            "A DataFilter must set exactly one of developerMetadataLookup, a1Range, gridRange"
        )
    if "a1Range" in data_filter:
        return [ss.box(data_filter["a1Range"])]
    if "gridRange" in data_filter:
        return [ss.grid_box(data_filter["gridRange"])]
    boxes = []
    for meta in lookup_metadata(ss, data_filter["developerMetadataLookup"]):
        boxes.extend(metadata_box(ss, meta))
    return boxes


def metadata_for_filter(ss: Spreadsheet, data_filter: dict) -> list[dict]:
    """developerMetadata:search semantics: a lookup selects directly, a range by intersection."""
    if "developerMetadataLookup" in data_filter:
        return lookup_metadata(ss, data_filter["developerMetadataLookup"])
    (box,) = filter_boxes(ss, data_filter)
    out = []
    for meta in ss.metadata:
        location = meta["location"]
        kind = location["locationType"]
        if kind == "SPREADSHEET":
            continue
        if kind == "SHEET":
            if location["sheetId"] == box.sheet.id:
                out.append(meta)
            continue
        rng = location["dimensionRange"]
        if rng["sheetId"] != box.sheet.id:
            continue
        lo, hi = (box.start_row, box.end_row) if kind == "ROW" else (box.start_col, box.end_col)
        if rng["startIndex"] < hi and lo < rng["endIndex"]:
            out.append(meta)
    return out
