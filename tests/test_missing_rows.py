"""Never silently wrong: a row the report does not print is named, a cell it does not print
is null with a warning, and no check passes on a value the parser made up."""

import re

from parsers import parse_bytes
from tests.conftest import FIXTURES, load_expected

PAGE = FIXTURES / "reports/synthetic-city-2025.html"
EXPECTED = load_expected(FIXTURES / "reports/synthetic-city-2025.expected.json")


def _parse(edit) -> dict:
    """The clean 2021-format page with `edit` applied to its HTML."""
    html = PAGE.read_text(encoding="utf-8")
    changed = edit(html)
    assert changed != html, "the edit found nothing to change"
    return parse_bytes(changed.encode("utf-8"), "edited.html")


def _without_row(label: str):
    return lambda html: re.sub(rf"<tr><td>{re.escape(label)}</td>.*?</tr>\n", "", html)


def _checks(parsed: dict) -> dict:
    return {c["name"]: c for c in parsed["checks"]}


def test_a_clean_report_names_no_row_and_passes_the_presence_check():
    parsed = parse_bytes(PAGE.read_bytes(), str(PAGE))
    assert parsed["missing_rows"] == []
    assert _checks(parsed)["template_rows_present"]["ok"] is True


def test_a_row_the_report_does_not_print_is_named_and_not_filled_by_a_neighbour():
    parsed = _parse(_without_row("8.属于行政查询事项"))
    rows = parsed["applications"]
    assert parsed["missing_rows"] == ["applications.denied_query_matter"]
    assert "applications.denied_query_matter: not found" in parsed["warnings"]
    check = _checks(parsed)["template_rows_present"]
    assert check["ok"] is False and "applications.denied_query_matter" in check["detail"]
    assert set(rows["denied_query_matter"].values()) == {None}
    # The rows around it keep their own values.
    for key in ("denied_enforcement_files", "unable_not_held"):
        assert rows[key] == EXPECTED["applications"][key]


def test_a_generic_row_that_is_absent_stays_absent():
    """3.其他 is gone: neither the 其他 column header nor （七）总计 is read as it."""
    parsed = _parse(_without_row("3.其他"))
    rows = parsed["applications"]
    assert parsed["missing_rows"] == ["applications.other_other"]
    assert set(rows["other_other"].values()) == {None}
    assert rows["total_processed"] == EXPECTED["applications"]["total_processed"]
    # （六）其他处理 is the sum of its three sub-rows only when all three are printed.
    assert set(rows["other"].values()) == {None}


def test_a_heading_is_not_read_as_the_row_it_resembles():
    """Without 予以公开 and 部分公开, the heading （三）不予公开 is still no 予以公开 row."""

    def edit(html: str) -> str:
        html = re.sub(r"<td colspan=\"2\">（一）予以公开</td>.*?</tr>", "</tr>", html)
        return re.sub(r"<tr><td colspan=\"2\">（二）部分公开.*?</tr>\n", "", html)

    parsed = _parse(edit)
    assert parsed["missing_rows"] == ["applications.granted", "applications.partly_granted"]
    assert parsed["applications"]["denied_state_secret"]["natural_person"] == 13


def test_missing_items_of_the_other_tables_are_named_too():
    def edit(html: str) -> str:
        html = re.sub(r"<tr><td>行政强制</td>.*?</tr>\n", "", html)
        start = html.index("<p>四、政府信息公开行政复议")
        end = html.index("</table>", start) + len("</table>")
        return html[:start] + html[end:]

    parsed = _parse(edit)
    assert parsed["missing_rows"] == [
        "active_disclosure.coercion",
        "review_litigation.review",
        "review_litigation.litigation_direct",
        "review_litigation.litigation_after_review",
    ]
    assert "active_disclosure.coercion: not found" in parsed["warnings"]
    assert "review_litigation.review: not found" in parsed["warnings"]


def test_a_row_one_cell_short_keeps_the_cell_null_and_its_check_open():
    """Six cells for seven columns: null and a warning; the row_total check is null (blank
    cells), never true on a total the parser would have computed."""
    parsed = _parse(lambda html: html.replace("<td>148</td></tr>", "</tr>"))
    repeated = parsed["applications"]["rejected_repeated"]
    assert repeated == {**EXPECTED["applications"]["rejected_repeated"], "total": None}
    assert (
        "applications.rejected_repeated: 6 values where 7 belong; total taken as missing "
        "(the row ends early)" in parsed["warnings"]
    )
    checks = _checks(parsed)
    assert checks["row_total_rejected_repeated"]["ok"] is None
    assert checks["processed_total_total"]["ok"] is None


def test_other_is_the_sum_of_its_sub_rows_only_where_all_three_are_numbers():
    sub = "<td>202</td><td>0</td><td>0</td><td>1</td><td>0</td><td>0</td><td>203</td>"
    blank = "<td>202</td><td></td><td>0</td><td>1</td><td>0</td><td>0</td><td>203</td>"
    parsed = _parse(lambda html: html.replace(sub, blank))
    other = parsed["applications"]["other"]
    assert other["commercial"] is None  # a blank is not a zero
    assert other["natural_person"] == 315 + 202 + 941
    assert other["total"] == 318 + 203 + 965


def test_missing_rows_reach_the_database(tmp_path):
    """A journalist filters reports by the rows they lack: reports.missing_rows holds them."""
    import json

    from archive.database import open_database, store_report
    from archive.provenance import Provenance

    report = _parse(_without_row("8.属于行政查询事项"))
    db = open_database(tmp_path / "nianbao.db")
    store_report(db, report, "text", Provenance("http://x.test/r", None, "ab" * 32, "2026-01-01"))
    (stored,) = db.execute("select missing_rows from reports").fetchone()
    assert json.loads(stored) == ["applications.denied_query_matter"]


def test_a_row_the_form_does_not_have_is_named_not_dropped():
    """A row with values that no row of the form takes (an added 五、 under 三, a 行政征收 item
    with no heading over it in 二) is not read into any row, and a warning names it."""
    added = (
        '<tr><td colspan="3">五、另行答复的申请</td><td>7</td><td>0</td><td>0</td><td>0</td>'
        "<td>0</td><td>0</td><td>7</td></tr>\n"
    )

    def edit(html: str) -> str:
        html = html.replace(
            "<tr><td>行政强制</td>",
            '<tr><td>行政征收</td><td colspan="3">12</td></tr>\n<tr><td>行政强制</td>',
        )
        carried = re.search(r'<tr><td colspan="3">四、结转下年度继续办理</td>.*?</tr>\n', html)
        return html[: carried.end()] + added + html[carried.end() :]

    parsed = _parse(edit)
    assert parsed["applications"] == EXPECTED["applications"]
    assert parsed["active_disclosure"] == EXPECTED["active_disclosure"]
    assert parsed["missing_rows"] == []
    assert (
        'applications: row "五、另行答复的申请" not read (no row of the 2021 form)'
        in parsed["warnings"]
    )
    assert (
        'active_disclosure: row "行政征收" not read (no item of the 2021 form)'
        in (parsed["warnings"])
    )
