"""A column facet that reads archive.facet_counts instead of counting millions of rows.

metadata.yml names it `counted` (`facets: [{counted: row}]`). A page of the whole table, or
of the rows one counted column's value selects (`?year=2024`), takes its facets from the
counts the database's triggers keep: a few rows read, whatever the table's size. A page
filtered otherwise counts its rows, as Datasette's column facet does. A column the reader
asks for with `_facet=` is left to Datasette's column facet, so it is never shown twice.
"""

from __future__ import annotations

import re

from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.utils import (
    escape_sqlite,
    path_with_added_args,
    path_with_removed_args,
)

from archive.facet_counts import COUNTED_BY, COUNTED_FACETS, FACET_COUNTS


class CountedFacet(Facet):
    type = "counted"

    async def suggest(self) -> list:
        return []

    async def facet_results(self) -> tuple[list[dict], list[str]]:
        results, timed_out = [], []
        pairs = self.get_querystring_pairs()
        asked = {value for key, value in pairs if key == "_facet"}
        size = self.get_facet_size()
        database = self.ds.get_database(self.database)
        self._counts_kept = await database.table_exists(FACET_COUNTS)  # an older database: no
        for source_and_config in self.get_configs():
            config = source_and_config["config"]
            column = config.get("column") or config["simple"]
            if column in asked:
                continue
            try:
                rows = await self._value_counts(column, size + 1)
                results.append(
                    await self._facet_info(column, source_and_config["source"], rows, size, pairs)
                )
            except QueryInterrupted:
                timed_out.append(column)
        return results, timed_out

    async def _value_counts(self, column: str, limit: int) -> list:
        scope = await self._counted_scope(column)
        if scope is None:
            col = escape_sqlite(column)
            sql = (
                f"select {col} as value, count(*) as count from ({self.sql}) "
                f"where {col} is not null group by {col} order by count desc, value limit {limit}"
            )
            return await self._execute(sql, self.params)
        filter_col, filter_value = scope
        value = None
        if filter_col == column:  # every row holds the one value: its count in the whole table
            filter_col, filter_value, value = "", "", filter_value
        sql = (
            f"select value, count from [{FACET_COUNTS}] where tbl = :table "
            "and filter_col = :filter_col and filter_value = :filter_value and col = :column "
            "and count > 0 and (:value is null or value = :value) "
            "order by count desc, value limit :limit"
        )
        return await self._execute(
            sql,
            {
                "table": self.table,
                "filter_col": filter_col,
                "filter_value": filter_value,
                "column": column,
                "value": value,
                "limit": limit,
            },
        )

    async def _counted_scope(self, column: str) -> tuple[str, object] | None:
        """('', '') when the page shows the whole table; (a counted column, its value as
        stored) when one exact filter on that column selects the page's rows; None when the
        rows must be counted."""
        if not self._counts_kept or column not in COUNTED_FACETS.get(self.table, ()):
            return None
        # Datasette's facet SQL: `select … from <table> `, then a `where` when anything selects
        # rows (a column filter, _where, _search, a _next page); here one `<column> = :p0`.
        table = re.escape(f" from {escape_sqlite(self.table)}")
        if re.search(rf"{table}\s*$", self.sql):
            return "", ""
        one = re.search(rf'{table} where ["\[`]?(\w+)["\]`]? = :(p0)\s*$', self.sql)
        params = self.params if isinstance(self.params, dict) else {}
        if not one or set(params) != {one[2]}:
            return None
        if one[1] != column and one[1] not in COUNTED_BY.get(self.table, ()):
            return None
        # the value as stored (the request's "2024" is the column's 2024); none: no rows
        first = await self._execute(
            f"select {escape_sqlite(one[1])} from ({self.sql}) limit 1", self.params
        )
        return (one[1], first[0][0]) if first else None

    async def _execute(self, sql: str, params) -> list:
        results = await self.ds.execute(
            self.database,
            sql,
            params,
            truncate=False,
            custom_time_limit=self.ds.setting("facet_time_limit_ms"),
        )
        return results.rows

    async def _facet_info(
        self, column: str, source: str, rows: list, size: int, pairs: list[tuple[str, str]]
    ) -> dict:
        shown = rows[:size]
        labels = await self.ds.expand_foreign_keys(
            self.database, self.table, column, [row["value"] for row in shown]
        )
        # A column whose name starts with _ is filtered as column__exact (Datasette's rule).
        key = f"{column}__exact" if column.startswith("_") else column
        values = []
        for row in shown:
            selected = (key, str(row["value"])) in pairs
            toggle = (
                path_with_removed_args(self.request, {key: str(row["value"])})
                if selected
                else path_with_added_args(self.request, {key: row["value"]})
            )
            values.append(
                {
                    "value": row["value"],
                    "label": labels.get((column, row["value"]), row["value"]),
                    "count": row["count"],
                    "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(toggle)),
                    "selected": selected,
                }
            )
        return {
            "name": column,
            # a facet by a column's values, as Datasette's own: pages and the JSON API show it so
            "type": "column",
            "hideable": source != "metadata",
            "toggle_url": self.ds.urls.path(
                path_with_removed_args(self.request, {f"_facet_{self.type}": column})
            ),
            "results": values,
            "truncated": len(rows) > size,
        }
