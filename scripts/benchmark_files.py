"""How long this machine takes to create the small files a publication is made of.

A build writes four files per resource (its HTML page and three RDF documents): 168,084 files for
the P190 network, 1.5 million at 100,000 partnerships. This writes as many small files of a page's
size into a folder on the publication's file system and into one in memory (/dev/shm, the baseline),
in turns, and prints the kernel time per file and the ratio between the two:

    python scripts/benchmark_files.py /tmp/files-benchmark [--files 40000] [--size 3000] [--rounds 2]

The folder is created and left in place: deleting many files makes creating others slower for a
while, which the next round would be charged with. Remove it once you are done.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from twinning.files import write_new  # noqa: E402 - the build's own way of writing a page's file

IN_MEMORY = Path("/dev/shm")


def create_files(folder: Path, count: int, content: bytes) -> dict[str, float]:
    """Seconds of wall, user and system time to create `count` files in a new folder."""
    folder.mkdir(parents=True)
    before, started = os.times(), time.perf_counter()
    for number in range(count):
        write_new(f"{folder}/page-{number:07d}.html", content)
    after = os.times()
    return {"wall": time.perf_counter() - started, "user": after.user - before.user,
            "system": after.system - before.system}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, help="a new folder on the file system to measure")
    parser.add_argument("--files", type=int, default=40_000, help="files per round and place (default: 40,000)")
    parser.add_argument("--size", type=int, default=3000, help="bytes per file (default: 3,000, a page's size)")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if args.folder.exists():
        raise SystemExit(f"{args.folder} exists: give a new folder")
    places = {"file system": args.folder}
    if IN_MEMORY.is_dir():
        places["in memory"] = IN_MEMORY / f"twinning-files-benchmark-{os.getpid()}"
    content = b"x" * args.size
    best: dict[str, dict[str, float]] = {}
    try:
        for round_number in range(1, args.rounds + 1):
            for name, folder in places.items():
                figures = create_files(folder / f"round-{round_number}", args.files, content)
                print(f"round {round_number} {name:<11} " + "  ".join(
                    f"{kind} {seconds:.2f} s ({seconds * 1e6 / args.files:.0f} µs/file)" for kind, seconds in figures.items()),
                    flush=True)
                best[name] = {kind: min(seconds, best.get(name, {}).get(kind, seconds)) for kind, seconds in figures.items()}
    finally:
        if "in memory" in places:  # memory is given back; the file system's folder stays (see above)
            shutil.rmtree(places["in memory"], ignore_errors=True)
    if "in memory" in best:
        print("file system / in memory (best of each): " + "  ".join(
            f"{kind} {best['file system'][kind] / max(best['in memory'][kind], 1e-9):.1f}x" for kind in ("wall", "system")))


if __name__ == "__main__":
    main()
