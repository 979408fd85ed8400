#!/usr/bin/env python3
"""Issue 19: one 100-revision history applied to SQLite (in memory, on a
file) and to PostgreSQL, in one run. Starts a throwaway PostgreSQL cluster
(as the `postgres` user when run as root; fsync on, the server's defaults
otherwise) unless MIGRATE_DSL_TEST_POSTGRES names a server, builds the
release binary, runs REPS rounds and prints medians. Usage:

    python3 bench/dialects/run.py [REVISIONS] [REPS]
"""
import glob
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REVISIONS = int(sys.argv[1]) if len(sys.argv) > 1 else 100
REPS = int(sys.argv[2]) if len(sys.argv) > 2 else 9


def bindir():
    dirs = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda d: int(d.split("/")[-2]))
    return dirs[-1] if dirs else ""


def as_postgres(cmd):
    return (["runuser", "-u", "postgres", "--"] + cmd) if os.geteuid() == 0 else cmd


def main():
    # Without the repository's failure points (.cargo/config.toml).
    env = dict(os.environ, DIALECTS_REVISIONS=str(REVISIONS), CARGO_ENCODED_RUSTFLAGS="")
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=HERE, check=True, env=env)
    binary = HERE / "target" / "release" / "dialects-bench"
    server = os.environ.get("MIGRATE_DSL_TEST_POSTGRES")
    tmp = None
    if not server:
        tmp = tempfile.mkdtemp(prefix="dialects-bench-pg-")
        if os.geteuid() == 0:
            subprocess.run(["chown", "postgres:postgres", tmp], check=True)
        bin_ = bindir()
        data = f"{tmp}/data"
        subprocess.run(as_postgres([f"{bin_}/initdb", "-D", data, "-A", "trust", "-U", "postgres",
                                    "--no-locale", "-E", "UTF8"]), check=True, capture_output=True)
        subprocess.run(as_postgres([f"{bin_}/pg_ctl", "-D", data, "-o", f"-k {tmp} -c listen_addresses=''",
                                    "-l", f"{tmp}/log", "-w", "start"]), check=True, capture_output=True)
        server = f"host={tmp} user=postgres dbname=postgres"
    try:
        run = subprocess.run([str(binary), server, str(REPS)], capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"dialects-bench failed:\n{run.stderr}")
        out = run.stdout
    finally:
        if tmp:
            subprocess.run(as_postgres([f"{bindir()}/pg_ctl", "-D", f"{tmp}/data", "-m", "fast", "stop"]),
                           capture_output=True)
            subprocess.run(["rm", "-rf", tmp])
    times = {}
    for line in out.splitlines():
        engine, us = line.split()
        times.setdefault(engine, []).append(int(us))
    print(f"{REVISIONS} revisions (table + foreign key + index; a batch block every tenth), {REPS} runs each")
    print(f"{'engine':<15} {'median ms':>10} {'min ms':>8} {'max ms':>8} {'per revision':>13}")
    for engine, v in times.items():
        m = statistics.median(v)
        print(f"{engine:<15} {m / 1000:>10.1f} {min(v) / 1000:>8.1f} {max(v) / 1000:>8.1f} "
              f"{m / 1000 / REVISIONS:>10.2f} ms")


if __name__ == "__main__":
    main()
