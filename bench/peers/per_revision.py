#!/usr/bin/env python3
"""Issue 5, benchmark 2: per-revision overhead, migrate-dsl vs
rusqlite_migration and refinery, in one run.

Builds the two small release binaries, then runs the three tools A/B/C
interleaved for ROUNDS rounds (each invocation applies REVISIONS revisions
of `create table` + `create index` to a fresh in-memory database INNER
times), in memory and on a file, and prints medians and ratios. Usage:

    python3 bench/peers/per_revision.py [REVISIONS] [ROUNDS] [INNER] [memory|file|both]
"""
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REVISIONS = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 7
INNER = int(sys.argv[3]) if len(sys.argv) > 3 else 3
MODES = ["memory", "file"] if len(sys.argv) <= 4 or sys.argv[4] == "both" else [sys.argv[4]]


def build(project):
    # Our side's history is a `migration!` block written by its build.rs.
    # Without the repository's failure points (.cargo/config.toml): as a
    # dependent builds migrate-dsl.
    env = dict(os.environ, PER_REVISION_REVISIONS=str(REVISIONS), CARGO_ENCODED_RUSTFLAGS="")
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=HERE / project, check=True, env=env)
    name = project.replace("_", "-")
    return HERE / project / "target" / "release" / name


def run(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    rows = [line.split() for line in out.splitlines()]
    return [(tool, int(us), version) for tool, us, version in rows]


def main():
    ours = build("per_revision_ours")
    peers = build("per_revision_peers")
    for mode in MODES:
        compare(ours, peers, mode)


def compare(ours, peers, mode):
    commands = {
        "migrate_dsl": [str(ours), str(REVISIONS), str(INNER), mode],
        "rusqlite_migration": [str(peers), "rusqlite_migration", str(REVISIONS), str(INNER), mode],
        "refinery": [str(peers), "refinery", str(REVISIONS), str(INNER), mode],
    }
    times = {tool: [] for tool in commands}
    versions = {}
    for _ in range(ROUNDS):
        for tool, cmd in commands.items():
            for _, us, version in run(cmd):
                times[tool].append(us)
                versions[tool] = version
    medians = {tool: statistics.median(v) for tool, v in times.items()}
    fastest_peer = min(medians["rusqlite_migration"], medians["refinery"])
    print(f"{REVISIONS} revisions (create table + index), {'in memory' if mode == 'memory' else 'on a file'}, "
          f"{ROUNDS} rounds x {INNER} runs, interleaved")
    print(f"{'tool':<20} {'median ms':>10} {'min ms':>8} {'max ms':>8} {'vs fastest peer':>16}  sqlite")
    for tool, v in times.items():
        print(f"{tool:<20} {medians[tool] / 1000:>10.1f} {min(v) / 1000:>8.1f} {max(v) / 1000:>8.1f} "
              f"{medians[tool] / fastest_peer:>15.2f}x  {versions[tool]}")


if __name__ == "__main__":
    main()
