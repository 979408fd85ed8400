"""The Python tools' side of issue 5's rebuild peer comparison; run by
`rebuild.py` with the Python of the venv it creates.

    python rebuild_python.py alembic|sqlite-utils <file> <secure_delete 0|1>

Imports the tool (whole-process time includes that, as a user waits for
it), opens the file, sets `PRAGMA secure_delete`, and makes `items.qty`
nullable with the tool's own table rebuild. Prints `<rebuild microseconds>
<sqlite version> <tool version>`; the connection is opened outside the
rebuild timing, as on every side.
"""
import sqlite3
import sys
import time


def alembic(path, secure_delete):
    import alembic as tool
    import sqlalchemy as sa
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        conn.exec_driver_sql(f"PRAGMA secure_delete = {secure_delete}")
        conn.commit()  # SQLAlchemy 2 began a transaction for the pragma
        start = time.perf_counter()
        # What `alembic upgrade` does around a migration script with
        # `render_as_batch`: one transaction, batch_alter_table inside.
        with conn.begin():
            op = Operations(MigrationContext.configure(conn))
            with op.batch_alter_table("items", recreate="always") as batch:
                batch.alter_column("qty", existing_type=sa.Integer(), nullable=True)
        elapsed = time.perf_counter() - start
    return elapsed, f"alembic-{tool.__version__}/sqlalchemy-{sa.__version__}"


def sqlite_utils(path, secure_delete):
    import sqlite_utils as tool
    from importlib.metadata import version

    db = tool.Database(path)
    db.execute(f"PRAGMA secure_delete = {secure_delete}")
    start = time.perf_counter()
    db["items"].transform(not_null={"qty": False})
    elapsed = time.perf_counter() - start
    db.close()
    return elapsed, f"sqlite-utils-{version('sqlite-utils')}"


def main():
    side, path, secure_delete = sys.argv[1:]
    run = {"alembic": alembic, "sqlite-utils": sqlite_utils}[side]
    elapsed, versions = run(path, int(secure_delete))
    print(f"{round(elapsed * 1e6)} {sqlite3.sqlite_version} {versions}")


if __name__ == "__main__":
    main()
