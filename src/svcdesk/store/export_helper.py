"""The CSV export's second process (see :mod:`svcdesk.store.export_csv`): it runs the export's
statement over its share of the tickets on its own SQLite connection, in the same snapshot as
the exporting process, and sends the lines back. SQLite serialises the memory allocations of
all the threads of one process, so a second thread would not go faster; a second process does.

Run as a script (``python -I export_helper.py``) with the standard library only, so that it
is ready in a few tens of milliseconds.

The conversation, on its standard input and output::

    parent -> helper   {"db": path, "busy_timeout_ms": n}\\n
    helper -> parent   R                 connected
    parent -> helper   G\\n               (the parent holds the write lock meanwhile)
    helper -> parent   S                 its read transaction has begun: the same snapshot
    parent -> helper   {"sql": [...], "params": {...}, "slices": [[sql, from, to], ...],
                        "size": n}\\n
    helper -> parent   frames: HEADER (rows, length) and that many bytes of lines; a row
                       the statement marked with MARK is sent as MARK id MARK instead; a
                       frame of END_OF_SLICE rows ends each slice.
"""

from __future__ import annotations

import json
import sqlite3
import struct
import sys
from typing import BinaryIO

MARK = b"\x01"
HEADER = struct.Struct("<iI")
END_OF_SLICE = -1


def placeholders(rows: list[tuple[bytes, int]]) -> bytes:
    """The rows' lines, each marked one replaced by ``MARK id MARK``."""
    return b"".join(line if MARK not in line else MARK + str(id_).encode() + MARK for line, id_ in rows)


def serve(stdin: BinaryIO, out: BinaryIO) -> None:
    """The conversation of the module's docstring. ``BEGIN`` alone takes no snapshot: the
    read right after it does, while the parent holds the write lock, and only then is ``S``
    sent. The frames need no flush each: a frame's lines are far bigger than the output's
    buffer, so they go straight into the pipe; the one flush at the end sends the rest."""
    setup = json.loads(stdin.readline())
    conn = sqlite3.connect(setup["db"], timeout=setup["busy_timeout_ms"] / 1000, isolation_level=None)
    try:
        conn.execute("PRAGMA query_only = 1")
        out.write(b"R")
        out.flush()
        if stdin.readline() != b"G\n":
            return
        conn.execute("BEGIN")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        out.write(b"S")
        out.flush()
        job = json.loads(stdin.readline())
        statements: list[str] = job["sql"]
        size = int(job["size"])
        for which, start, end in job["slices"]:
            cursor = conn.execute(statements[which], {**job["params"], "slice_from": start, "slice_to": end})
            while rows := cursor.fetchmany(size):
                chunk = b"".join(line for line, _id in rows)
                if MARK in chunk:
                    chunk = placeholders(rows)
                out.write(HEADER.pack(len(rows), len(chunk)))
                out.write(chunk)
            out.write(HEADER.pack(END_OF_SLICE, 0))
        out.flush()
        conn.execute("COMMIT")
    finally:
        conn.close()


if __name__ == "__main__":
    try:
        serve(sys.stdin.buffer, sys.stdout.buffer)
    except (BrokenPipeError, KeyboardInterrupt):  # the exporting process is gone
        sys.exit(1)
