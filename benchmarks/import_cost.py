"""What `import fixdex; fixdex.install()` costs a program that never fails: the figure in docs/library-authors.md.

Runs each variant in a fresh interpreter `--runs` times and prints the median
wall-clock and CPU milliseconds over `python -c pass`. Run it in a venv holding
only the wheel to measure what a user installs:

    python -m benchmarks.import_cost --runs 30
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

PROBE = "import time; s = time.process_time(); {code}; print((time.process_time() - s) * 1000)"
VARIANTS = {"bare": "pass", "import fixdex; fixdex.install()": "import fixdex; fixdex.install()"}


def measure(code: str, runs: int) -> tuple[float, float]:
    """Median wall-clock ms of the whole interpreter run, and median CPU ms of `code` itself."""
    walls, cpus = [], []
    for _ in range(runs):
        start = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", PROBE.format(code=code)], capture_output=True, text=True, check=True)
        walls.append((time.perf_counter() - start) * 1000)
        cpus.append(float(out.stdout))
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    bare_wall, _ = measure(VARIANTS["bare"], args.runs)
    wall, cpu = measure(VARIANTS["import fixdex; fixdex.install()"], args.runs)
    print(f"Python {sys.version.split()[0]}, {args.runs} runs each (medians)")
    print(f"import fixdex; fixdex.install(): {cpu:.1f} ms CPU, {wall - bare_wall:.1f} ms wall-clock over `python -c pass`")


if __name__ == "__main__":
    main()
