"""What the shared queries (tracker.storage.queries) need to differ by engine, and nothing more.

Queries are written once with ``?`` placeholders; ``sql()`` turns them into the engine's form. A list
bound to one parameter is ``in_list(column)``. Rows go in by ``bulk_insert`` and frames come out by
``read_frame``, which the engines implement with their fast paths (DuckDB: a registered frame and
pandas reads; PostgreSQL: COPY and typed rows).
"""

from __future__ import annotations

import re

import pandas as pd

# A quoted literal (kept as it is) or a placeholder.
_PLACEHOLDER = re.compile(r"'(?:[^']|'')*'|\?")
_LIST_TYPES = {"text": ("VARCHAR", "text"), "bigint": ("BIGINT", "bigint")}


class Dialect:
    """DuckDB's words; PostgresDialect overrides what PostgreSQL says differently."""

    name = "duckdb"
    placeholder = "?"

    def sql(self, statement: str) -> str:
        """The statement with the engine's placeholders (the text is written with ``?``)."""
        return statement

    def in_list(self, column: str, kind: str = "text") -> str:
        """A condition true when ``column`` is in the list bound to one ``?``."""
        return f"list_contains(?::{_LIST_TYPES[kind][0]}[], {column})"

    def bulk_insert(self, cur, table: str, frame: pd.DataFrame, fixed: dict) -> None:
        """Insert the frame's rows into ``table`` (columns by the frame's names), each with the ``fixed``
        values (same for every row: the submission id, the time recorded). DuckDB scans the frame itself."""
        if frame.empty:
            return
        name = f"incoming_{table}"
        columns = [*fixed, *frame.columns]
        cur.register(name, frame)
        try:
            cur.execute(f"INSERT INTO {table} ({', '.join(columns)}) "
                        f"SELECT {', '.join([f'${k}' for k in fixed] + list(frame.columns))} FROM {name}", fixed)
        finally:
            cur.unregister(name)

    def read_frame(self, cur, statement: str, params: list, columns: list[str], types: dict[str, str]) -> pd.DataFrame:
        """The result as a frame of ``columns`` (DuckDB's frame carries its types already)."""
        return cur.execute(self.sql(statement), params).df()[columns]


class PostgresDialect(Dialect):
    name = "postgres"
    placeholder = "%s"

    def sql(self, statement: str) -> str:
        # psycopg reads every % as the start of a placeholder (quotes or not): a literal % is written %%.
        # A ? inside a quoted literal stays a question mark.
        return _PLACEHOLDER.sub(lambda m: "%s" if m.group(0) == "?" else m.group(0), statement.replace("%", "%%"))

    def in_list(self, column: str, kind: str = "text") -> str:
        return f"{column} = ANY(?::{_LIST_TYPES[kind][1]}[])"

    def bulk_insert(self, cur, table: str, frame: pd.DataFrame, fixed: dict) -> None:
        """COPY … FROM STDIN: one stream, no statement per row."""
        if frame.empty:
            return
        values = tuple(fixed.values())
        with cur.copy(f"COPY {table} ({', '.join([*fixed, *frame.columns])}) FROM STDIN") as copy:
            for row in zip(*(frame[c].tolist() for c in frame.columns)):
                copy.write_row((*values, *row))

    def read_frame(self, cur, statement: str, params: list, columns: list[str], types: dict[str, str]) -> pd.DataFrame:
        frame = pd.DataFrame(cur.execute(self.sql(statement), params).fetchall(), columns=columns)
        for name, kind in types.items():
            # An empty frame gets every type; a datetime column with rows keeps the driver's datetimes.
            if name in frame.columns and (frame.empty or kind != "datetime64[us]"):
                frame[name] = frame[name].astype(kind)
        return frame

