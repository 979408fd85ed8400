#!/usr/bin/env python3
"""Issue 5's rebuild peer comparison, in one run.

The same table rebuild — `items.qty` made nullable on issue 5's rebuild case
(`bench/rebuild_case.rs`: `items` with two indexes, `orders` referencing it)
— done by four sides on copies of one database file:

  migrate-dsl    our runtime forcing the rebuild (`recreate = always`), a
                 small release binary (bench/peers/rebuild_ours)
  migrate-dsl-planned  the same change as migrate-dsl plans it: in place
                 (`ALTER COLUMN … DROP NOT NULL`) on SQLite 3.53+
  migrate-dsl-edit  the same, the runtime told its SQLite is 3.52: an edit
                 of the table's definition (writable_schema)
  raw-12-step    the same 12 steps sent by hand, same binary, same SQLite
  alembic        Alembic batch_alter_table(recreate="always"), latest release
  sqlite-utils   sqlite-utils table.transform(), latest release

The Python tools run in a venv this script creates (bench/peers/.venv) and
use the system SQLite through Python's sqlite3; the Rust sides use
rusqlite's bundled SQLite. Each side's SQLite version is reported.
Fairness: every side sets the same `PRAGMA secure_delete` (Debian builds its
SQLite with secure_delete on, the bundled build has it off; it rewrites freed
pages with zeros), opens the file outside its rebuild timing, and starts
from a fresh copy of the same file with the same page cache. The sides run
interleaved, the order rotated every round.

Reported per side: whole-process wall time (start-up, imports and open
included: what a user waits for), rebuild-only time (measured by the side
around the rebuild call), and peak RSS (the child's ru_maxrss). A run
counts only after its result is verified: every row of both tables
unchanged, `qty` nullable and the other columns as before, both indexes on
the same columns, the foreign key kept, no temporary table left,
`integrity_check` ok and `foreign_key_check` clean.

    python3 bench/peers/rebuild.py [--rows 100000,1000000] [--rounds 5]
                                   [--secure-delete 0|1] [--upgrade]
"""
import argparse
import hashlib
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv"
PYTHON_TOOLS = ["alembic", "sqlalchemy", "sqlite-utils"]
SIDES = ["migrate-dsl", "migrate-dsl-planned", "migrate-dsl-edit", "raw-12-step", "alembic",
         "sqlite-utils"]


def build_ours():
    project = HERE / "rebuild_ours"
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=project, check=True)
    return project / "target" / "release" / "rebuild-ours"


def venv_python(upgrade):
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        upgrade = True
    if upgrade:
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--upgrade", *PYTHON_TOOLS],
                       check=True)
    return python


def commands(ours, python, path, secure_delete):
    helper = str(HERE / "rebuild_python.py")
    sd = str(secure_delete)
    return {
        "migrate-dsl": [str(ours), "migrate-dsl", path, sd],
        "migrate-dsl-planned": [str(ours), "planned", path, sd],
        "migrate-dsl-edit": [str(ours), "edit", path, sd],
        "raw-12-step": [str(ours), "raw", path, sd],
        "alembic": [str(python), helper, "alembic", path, sd],
        "sqlite-utils": [str(python), helper, "sqlite-utils", path, sd],
    }


def run(cmd):
    """Runs one side; returns (wall seconds, peak RSS KiB, its stdout words)."""
    start = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    out, err = child.stdout.read().decode(), child.stderr.read().decode()
    child.stdout.close()
    child.stderr.close()
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{cmd} failed ({child.returncode}):\n{err}")
    return wall, usage.ru_maxrss, out.split()


def digest(conn, table):
    h = hashlib.sha256()
    for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY id'):
        h.update(repr(row).encode())
    return h.hexdigest()


def snapshot(path):
    """What must survive the rebuild (and what must change) about a file."""
    conn = sqlite3.connect(path)
    try:
        q = lambda sql: conn.execute(sql).fetchall()
        return {
            "tables": sorted(r[0] for r in q("SELECT name FROM sqlite_schema WHERE type = 'table'")),
            "indexes": sorted(
                (name, tuple(c[2] for c in q(f'PRAGMA index_info("{name}")')))
                for (name,) in q("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'items'")
            ),
            "columns": [(c[1], c[2].upper(), c[3], c[5]) for c in q('PRAGMA table_info("items")')],
            "foreign_keys": [(r[2], r[3], r[4]) for r in q('PRAGMA foreign_key_list("orders")')],
            "items": digest(conn, "items"),
            "orders": digest(conn, "orders"),
            "integrity": q("PRAGMA integrity_check"),
            "fk_violations": q("PRAGMA foreign_key_check"),
        }
    finally:
        conn.close()


def expected_after(before):
    after = dict(before)
    after["columns"] = [(n, t, 0 if n == "qty" else nn, pk) for n, t, nn, pk in before["columns"]]
    return after


def verify(side, path, expected):
    got = snapshot(path)
    wrong = {k: (got[k], v) for k, v in expected.items() if got[k] != v}
    if wrong:
        raise SystemExit(f"{side}: the result is wrong: " +
                         "; ".join(f"{k}: got {g!r}, expected {e!r}" for k, (g, e) in wrong.items()))


def measure(rows, rounds, secure_delete, ours, python, work):
    template = work / f"template_{rows}.db"
    if not template.exists():
        subprocess.run([str(ours), "prepare", str(template), str(rows)], check=True)
    before = snapshot(template)
    assert before["columns"][2][:3] == ("qty", "INTEGER", 1), before["columns"]
    expected = expected_after(before)
    target = work / "run.db"
    cmds = commands(ours, python, str(target), secure_delete)
    results = {side: [] for side in SIDES}
    versions = {}
    for round_ in range(rounds):
        for side in SIDES[round_ % len(SIDES):] + SIDES[:round_ % len(SIDES)]:
            for leftover in work.glob("run.db*"):
                leftover.unlink()
            shutil.copyfile(template, target)
            # The copy's dirty pages are written back now, not by the first
            # fsync of the side under measurement.
            os.sync()
            wall, rss, words = run(cmds[side])
            verify(side, target, expected)
            results[side].append((wall, int(words[0]) / 1e6, rss, target.stat().st_size))
            versions[side] = " ".join(words[1:])
    return results, versions


def report(rows, rounds, secure_delete, results, versions):
    med = {s: [statistics.median(r[i] for r in results[s]) for i in range(4)] for s in SIDES}
    base = med["migrate-dsl"]
    print(f"\n{rows:,} rows, secure_delete = {secure_delete}, {rounds} rounds, interleaved "
          f"(medians; ratio = side / migrate-dsl)\n")
    print("| side | SQLite, versions | whole process | ratio | change only | ratio | peak RSS | file after |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for s in SIDES:
        wall, rebuild, rss, size = med[s]
        print(f"| {s} | {versions[s]} | {wall * 1e3:.1f} ms | {wall / base[0]:.2f}× "
              f"| {rebuild * 1e3:.1f} ms | {rebuild / base[1]:.3f}× | {rss / 1024:.1f} MiB "
              f"| {size / 2**20:.1f} MiB |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", default="100000,1000000")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--secure-delete", type=int, choices=[0, 1], default=0)
    parser.add_argument("--upgrade", action="store_true", help="upgrade the venv's tools first")
    args = parser.parse_args()
    ours = build_ours()
    python = venv_python(args.upgrade)
    with tempfile.TemporaryDirectory(prefix="migrate-dsl-peers-") as tmp:
        for rows in (int(r) for r in args.rows.split(",")):
            results, versions = measure(rows, args.rounds, args.secure_delete, ours, python, Path(tmp))
            report(rows, args.rounds, args.secure_delete, results, versions)


if __name__ == "__main__":
    main()
