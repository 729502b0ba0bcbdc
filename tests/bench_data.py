"""Helpers of the benchmark scripts (run in ``odoo shell`` from the repository root)."""

import time

from odoo.tools import SQL


def timed(env, label, func, repeat=3):
    """Run ``func`` ``repeat`` times on a cold ORM cache and print the best time."""
    best = None
    result = None
    for _ in range(repeat):
        env.invalidate_all()
        start = time.perf_counter()
        result = func()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    print(f"{label:<58} {best:8.3f} s")
    return best, result


def clone(env, table, template_id, count, overrides):
    """Insert ``count`` copies of one row of ``table`` in one statement; ``overrides`` maps a
    column to an SQL expression of the series number ``n``. Returns the new ids."""
    columns = [
        row[0]
        for row in env.execute_query(
            SQL(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_name = %s AND column_name != 'id'",
                table,
            )
        )
    ]
    query = SQL(
        "INSERT INTO %s (%s) SELECT %s FROM %s t, generate_series(1, %s) n WHERE t.id = %s"
        " RETURNING id",
        SQL.identifier(table),
        SQL(", ").join(SQL.identifier(c) for c in columns),
        SQL(", ").join(overrides.get(c, SQL.identifier("t", c)) for c in columns),
        SQL.identifier(table),
        count,
        template_id,
    )
    return [row[0] for row in env.execute_query(query)]
