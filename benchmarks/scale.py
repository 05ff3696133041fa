"""Scale benchmark: the fixdex build next to a plain MkDocs Material build of the same pages.

    .venv/bin/python -m benchmarks.scale --sizes 100 1000 10000 --output docs/scale.md

For each size N it writes N synthetic entries (benchmarks/synthetic.py) into a
temporary knowledge base, then in one run:

- builds it with the fixdex plugin (`mkdocs build`, Pagefind search);
- exports the same pages as Markdown (`fixdex export`) and builds them with
  plain MkDocs Material: no fixdex plugin, entries out of the sidebar with
  `not_in_nav` (the best plain set-up), Material's search on;
- measures build time, peak memory, site size and entry page size;
- serves both sites on 127.0.0.1 and, in a real Chromium, types a query into
  the header search box, counting what the browser downloads and how long the
  first result takes.

The numbers go into a Markdown table (docs/scale.md), with the machine and the
command, so one command regenerates the page.
"""

from __future__ import annotations

import argparse
import gzip
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.synthetic import MKDOCS_YML, write_knowledge_base

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
SAMPLE_ENTRIES = 100  # entry pages measured at every size: the same ids at every N
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}

# The plain site: the same theme and Markdown extensions as the synthetic KB, no fixdex plugin.
PLAIN_YML = (
    MKDOCS_YML.format(search="material").replace("  - fixdex:\n      search: material\n", "")
    + """\
extra_css: [assets/fixdex/fixdex.css]
not_in_nav: |
  /errors/
  /browse/*/
"""
)


@dataclass
class Build:
    seconds: float
    peak_mb: float
    site_mb: float
    entry_raw_kb: float  # median over the sampled entry pages
    entry_gzip_kb: float
    entry_raw_max_kb: float


@dataclass
class SearchRun:
    """One query typed into the header search box of a served site."""

    # gzip bytes fetched from opening the box to the result for the whole query, plus the search
    # files the page loaded before (Material fetches its whole index with every page)
    search_kb: float
    first_kb: float  # the same, up to the first result on screen (while the query is still being typed)
    page_kb: float  # gzip bytes of the page load before searching
    first_result_ms: float  # from the last keystroke to the first result on screen
    first_url: str
    right: bool
    requests: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class Row:
    size: int
    fixdex: Build
    plain: Build
    fixdex_search: SearchRun
    plain_search: SearchRun
    generation_seconds: float  # fixdex's own work inside its build: load, check, render (from its log)


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def run_build(project: Path, log: Path) -> tuple[float, float]:
    """`mkdocs build` in a child process; wall seconds and the child's peak RSS in MB.

    os.wait4 returns the rusage of that one child (its ru_maxrss covers its own
    children, such as Pagefind), where getrusage(RUSAGE_CHILDREN) would mix builds.
    """
    start = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "build"], cwd=project, env=ENV, stdout=out, stderr=subprocess.STDOUT
        )
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"mkdocs build failed in {project} (log: {log}):\n{log.read_text()[-3000:]}")
    return seconds, usage.ru_maxrss / 1024


def measure_site(site: Path, entry_ids: list[str]) -> tuple[float, float, float, float]:
    total = sum(path.stat().st_size for path in site.rglob("*") if path.is_file())
    raw, packed = [], []
    for entry_id in entry_ids:
        data = (site / "errors" / entry_id / "index.html").read_bytes()
        raw.append(len(data))
        packed.append(gzip_size(data))
    return total / 1e6, statistics.median(raw) / 1024, statistics.median(packed) / 1024, max(raw) / 1024


def build_fixdex(project: Path, entry_ids: list[str]) -> tuple[Build, float]:
    seconds, peak = run_build(project, project / "build.log")
    size, raw, packed, raw_max = measure_site(project / "site", entry_ids)
    return Build(seconds, peak, size, raw, packed, raw_max), fixdex_seconds(project)


def fixdex_seconds(project: Path) -> float:
    """fixdex's own share of its build: load, check and render every entry (the on_config hook)."""
    code = (
        "import time, sys; from pathlib import Path; from fixdex.site import load_site_from_config;"
        "t = time.perf_counter(); load_site_from_config(Path('mkdocs.yml')); print(time.perf_counter() - t)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=project, env=ENV, capture_output=True, text=True, check=True
    )
    return float(result.stdout.strip().splitlines()[-1])


def build_plain(fixdex_project: Path, project: Path, entry_ids: list[str]) -> Build:
    """The same pages through plain MkDocs Material: `fixdex export`, then a build without the plugin."""
    docs = project / "docs"
    subprocess.run(
        [sys.executable, "-m", "fixdex", "export", str(docs), "--config", str(fixdex_project / "mkdocs.yml")],
        env=ENV,
        check=True,
        capture_output=True,
        text=True,
    )
    for path in list(docs.rglob("*")):  # pages and their stylesheet only: the API and matcher files are fixdex outputs
        if path.is_file() and path.suffix != ".md" and path.name != "fixdex.css":
            path.unlink()
    (project / "mkdocs.yml").write_text(PLAIN_YML, encoding="utf-8")
    seconds, peak = run_build(project, project / "build.log")
    size, raw, packed, raw_max = measure_site(project / "site", entry_ids)
    return Build(seconds, peak, size, raw, packed, raw_max)


# --- in the browser -----------------------------------------------------------------------

WATCH_RESULTS = """(selector) => {
  // keystroke times, and the times the result list changed while it held a result
  window.__fx = {keys: [], shown: []};
  window.addEventListener('keydown', () => window.__fx.keys.push(performance.now()), true);
  new MutationObserver(() => {
    const item = document.querySelector(selector);
    if (item && item.offsetParent !== null) window.__fx.shown.push(performance.now());
  }).observe(document.body, {childList: true, subtree: true, characterData: true});
}"""
# the first result for the whole query: the list changes after the last keystroke
ANSWERED = (
    "window.__fx.keys.length > 0 && window.__fx.shown.some(t => t >= window.__fx.keys[window.__fx.keys.length - 1])"
)


def search_in_browser(
    page: Any, url: str, query: str, expected: str, *, fixdex: bool, paste: bool = False, key_delay_ms: int = 60
) -> SearchRun:
    """Open url, then type (or paste) query into the header search box and wait for the first result.

    Bytes are gzip sizes of response bodies (as a server with compression sends them):
    everything fetched from opening the box to the first result, plus the search engine's
    files fetched with the page itself (Material loads its whole index at page load).
    """
    responses: list[tuple[float, Any]] = []
    page.on("response", lambda response: responses.append((time.perf_counter(), response)))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    opened = time.perf_counter()
    page_load = list(responses)
    selector = (
        ".fx-search-results .md-search-result__item"
        if fixdex
        else "[data-md-component=search-result] .md-search-result__item"
    )
    page.evaluate(WATCH_RESULTS, selector)
    clock = time.perf_counter() - page.evaluate("performance.now()") / 1000  # page time -> perf_counter
    page.keyboard.press("/")
    if paste:
        page.evaluate("text => navigator.clipboard.writeText(text)", query)
        page.keyboard.press("Control+V")
    else:
        page.keyboard.type(query, delay=key_delay_ms)
    page.wait_for_function(ANSWERED, timeout=120_000)
    found = time.perf_counter()
    timing = page.evaluate("window.__fx")
    last_key = timing["keys"][-1]
    first_shown = min(t for t in timing["shown"] if t >= last_key)
    first = page.locator(selector).first.locator("a").first.get_attribute("href") or ""
    answered = clock + first_shown / 1000
    shown = clock + min(timing["shown"]) / 1000
    searched = [(when, response) for when, response in responses if opened <= when <= min(found, answered)]
    search_files = [response for _, response in page_load if _is_search_file(response.url)]
    fetched = [(response.url, _gzip_body(response)) for _, response in searched]
    fetched += [(response.url, _gzip_body(response)) for response in search_files]
    before_shown = sum(_gzip_body(response) for when, response in searched if when <= shown)
    before_shown += sum(_gzip_body(response) for response in search_files)
    page_kb = sum(_gzip_body(response) for _, response in page_load) / 1024
    return SearchRun(
        search_kb=sum(size for _, size in fetched) / 1024,
        first_kb=before_shown / 1024,
        page_kb=page_kb,
        first_result_ms=first_shown - last_key,
        first_url=first,
        right=f"/errors/{expected}/" in first,
        requests=fetched,
    )


def _is_search_file(url: str) -> bool:
    return any(
        part in url
        for part in ("/search/search_index.json", "/workers/search.", "/lunr/", "/pagefind/", "fixdex-search.js")
    )


def _gzip_body(response: Any) -> int:
    try:
        return gzip_size(response.body())
    except Exception:  # a redirect or an aborted request has no body
        return 0


def browser_runs(sites: dict[str, Path], query: str, expected: str) -> dict[str, SearchRun]:
    """Both sites in one Chromium; each run in a fresh context (empty cache)."""
    from playwright.sync_api import sync_playwright

    from tests.conftest import serve_folder

    runs: dict[str, SearchRun] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        for name, site in sites.items():
            server, url = serve_folder(site)
            try:
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                context.route(
                    "**/*",
                    lambda route: (
                        route.continue_() if route.request.url.startswith("http://127.0.0.1") else route.abort()
                    ),
                )
                page = context.new_page()
                start_page = url + "errors/" + sorted(p.name for p in (site / "errors").iterdir())[0] + "/"
                runs[name] = search_in_browser(page, start_page, query, expected, fixdex=name == "fixdex")
                context.close()
            finally:
                server.shutdown()
                server.server_close()
        browser.close()
    return runs


# --- one size, the table, the machine ------------------------------------------------------


def target_query(entry_id: str, entries: Path) -> str:
    import yaml

    data = yaml.safe_load((entries / f"{entry_id}.yaml").read_text(encoding="utf-8"))
    return str(data["title"]).replace(":", "")


def measure(size: int, work: Path) -> Row:
    print(f"[{size}] writing entries", flush=True)
    fixdex_project = work / f"fixdex-{size}"
    write_knowledge_base(fixdex_project, size, search="pagefind")
    ids = sorted(path.stem for path in (fixdex_project / "entries").glob("*.yaml"))
    from benchmarks.synthetic import write_synthetic_entries

    sample = write_synthetic_entries(work / "ids", min(size, SAMPLE_ENTRIES))  # ids 0..99 are the same at every N
    shutil.rmtree(work / "ids")
    print(f"[{size}] fixdex build", flush=True)
    fixdex, generation = build_fixdex(fixdex_project, sample)
    print(f"[{size}] plain build", flush=True)
    plain = build_plain(fixdex_project, work / f"plain-{size}", sample)
    target = ids[len(ids) // 2]
    query = target_query(target, fixdex_project / "entries")
    print(f"[{size}] browser: {query!r}", flush=True)
    runs = browser_runs({"fixdex": fixdex_project / "site", "plain": work / f"plain-{size}" / "site"}, query, target)
    return Row(size, fixdex, plain, runs["fixdex"], runs["plain"], generation)


def machine() -> dict[str, str]:
    import importlib.metadata as meta

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    memory_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    return {
        "CPU": f"{cpu}, {os.cpu_count()} cores (nproc)",
        "Memory": f"{memory_kb / 1024 / 1024:.1f} GB",
        "Python": platform.python_version(),
        "MkDocs": meta.version("mkdocs"),
        "Material": meta.version("mkdocs-material"),
        "Pagefind": meta.version("pagefind"),
        "Chromium": subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip(),
    }


def render_table(rows: list[Row], info: dict[str, str], load: tuple[str, str]) -> tuple[str, str]:
    def each(label: str, value: Any) -> str:
        return f"| {label} | " + " | ".join(value(row) for row in rows) + " |"

    sizes = " | ".join(f"{row.size:,}" for row in rows)
    lines = [
        f"| | {sizes} |",
        "|---|" + "---|" * len(rows),
        each("fixdex build (s)", lambda r: f"{r.fixdex.seconds:.1f}"),
        each("plain MkDocs build (s)", lambda r: f"{r.plain.seconds:.1f}"),
        each("fixdex's own work: load, check, render (s)", lambda r: f"{r.generation_seconds:.1f}"),
        each(
            "generation overhead: (fixdex build - plain build) / plain build",
            lambda r: f"{100 * (r.fixdex.seconds - r.plain.seconds) / r.plain.seconds:+.0f} %",
        ),
        each("own work / plain build", lambda r: f"{100 * r.generation_seconds / r.plain.seconds:.0f} %"),
        each("fixdex build / plain build", lambda r: f"{r.fixdex.seconds / r.plain.seconds:.2f}"),
        each("fixdex peak memory (MB)", lambda r: f"{r.fixdex.peak_mb:.0f}"),
        each("plain peak memory (MB)", lambda r: f"{r.plain.peak_mb:.0f}"),
        each("fixdex site (MB)", lambda r: f"{r.fixdex.site_mb:.1f}"),
        each("plain site (MB)", lambda r: f"{r.plain.site_mb:.1f}"),
        each(
            "fixdex entry page, raw / gzip (KB, median; max raw)",
            lambda r: f"{r.fixdex.entry_raw_kb:.1f} / {r.fixdex.entry_gzip_kb:.1f}; {r.fixdex.entry_raw_max_kb:.1f}",
        ),
        each(
            "plain entry page, raw / gzip (KB, median; max raw)",
            lambda r: f"{r.plain.entry_raw_kb:.1f} / {r.plain.entry_gzip_kb:.1f}; {r.plain.entry_raw_max_kb:.1f}",
        ),
        each("fixdex page weight (KB gzip)", lambda r: f"{r.fixdex_search.page_kb:.0f}"),
        each("plain page weight (KB gzip, includes Material's index)", lambda r: f"{r.plain_search.page_kb:.0f}"),
        each(
            "fixdex search bytes to the result for the whole query (KB gzip)",
            lambda r: f"{r.fixdex_search.search_kb:.0f}",
        ),
        each(
            "plain search bytes to the result for the whole query (KB gzip)",
            lambda r: f"{r.plain_search.search_kb:.0f}",
        ),
        each(
            "search bytes to the first result on screen, while typing: fixdex / plain (KB gzip)",
            lambda r: f"{r.fixdex_search.first_kb:.0f} / {r.plain_search.first_kb:.0f}",
        ),
        each("fixdex first result after last keystroke (ms)", lambda r: f"{r.fixdex_search.first_result_ms:.0f}"),
        each("plain first result after last keystroke (ms)", lambda r: f"{r.plain_search.first_result_ms:.0f}"),
        each(
            "right first result: fixdex / plain",
            lambda r: f"{'yes' if r.fixdex_search.right else 'no'} / {'yes' if r.plain_search.right else 'no'}",
        ),
    ]
    machine_lines = [f"- {key}: {value}" for key, value in info.items()]
    machine_lines.append(f"- Load average (1 min) before / after the run: {load[0]} / {load[1]}")
    return "\n".join(lines), "\n".join(machine_lines)


def scaling_lines(rows: list[Row]) -> list[str]:
    by_size = {row.size: row for row in rows}
    out = []
    if 1000 in by_size and 10000 in by_size:
        ratio = by_size[10000].fixdex.seconds / by_size[1000].fixdex.seconds
        plain_ratio = by_size[10000].plain.seconds / by_size[1000].plain.seconds
        out.append(
            f"- 10,000 entries cost {ratio:.1f}x the 1,000-entry build (target: at most 11x; plain MkDocs: {plain_ratio:.1f}x)."
        )
    smallest, largest = rows[0], rows[-1]
    out.append(
        f"- Entry page at {largest.size:,}: {largest.fixdex.entry_raw_kb:.1f} KB raw, at {smallest.size:,}: "
        f"{smallest.fixdex.entry_raw_kb:.1f} KB (median of the same {SAMPLE_ENTRIES} entries; target: no larger)."
    )
    last = largest
    out.append(
        f"- At {last.size:,}: generation overhead "
        f"{100 * (last.fixdex.seconds - last.plain.seconds) / last.plain.seconds:+.0f} % of the plain build "
        f"(target: at most 10 %). fixdex's own work inside its build (load, check, render, API files) is "
        f"{last.generation_seconds:.1f} s, {100 * last.generation_seconds / last.plain.seconds:.0f} % of the plain "
        f"build; it is paid back because Material's search no longer indexes every page. Search fetched "
        f"{last.fixdex_search.first_kb:.0f} KB before its first result on screen (target: at most 300 KB; plain "
        f"Material: {last.plain_search.first_kb:.0f} KB) and {last.fixdex_search.search_kb:.0f} KB before the result "
        f"for the whole query, and showed it "
        f"{last.fixdex_search.first_result_ms:.0f} ms after the last keystroke (target: 300 ms)."
    )
    return out


def why_paragraph(rows: list[Row]) -> str:
    """The measured case for Pagefind, in one sentence per size."""
    parts = [
        f"at {row.size:,} entries Material's search fetched {row.plain_search.search_kb:,.0f} KB and Pagefind "
        f"{row.fixdex_search.search_kb:,.0f} KB before the result for the whole query"
        for row in rows
    ]
    growth = rows[-1].plain_search.search_kb / max(rows[0].plain_search.search_kb, 1)
    pagefind_growth = rows[-1].fixdex_search.search_kb / max(rows[0].fixdex_search.search_kb, 1)
    return (
        "Measured in this run: " + "; ".join(parts) + f". From {rows[0].size:,} to {rows[-1].size:,} entries "
        f"Material's download grew {growth:.0f}x and Pagefind's {pagefind_growth:.1f}x."
    )


def load_average() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--output", type=Path, help="Markdown file to write (e.g. docs/scale.md); prints when omitted")
    parser.add_argument("--keep", type=Path, help="build here and keep the sites instead of a temporary folder")
    args = parser.parse_args(argv)
    shown = [f"--sizes {' '.join(map(str, args.sizes))}"] + ([f"--output {args.output}"] if args.output else [])
    command = ".venv/bin/python -m benchmarks.scale " + " ".join(shown)  # --keep is a local folder: left out
    load_before = load_average()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="fixdex-scale-") as temporary:
        work = args.keep or Path(temporary)
        work.mkdir(parents=True, exist_ok=True)
        for size in sorted(args.sizes):
            rows.append(measure(size, work))
            print(
                f"[{size}] done: fixdex {rows[-1].fixdex.seconds:.1f} s, plain {rows[-1].plain.seconds:.1f} s",
                flush=True,
            )
    table, machine_text = render_table(rows, machine(), (load_before, load_average()))
    page = PAGE.format(
        table=table,
        machine=machine_text,
        command=command,
        summary="\n".join(scaling_lines(rows)),
        why=why_paragraph(rows),
        sample=SAMPLE_ENTRIES,
    )
    if args.output:
        old = args.output.read_text(encoding="utf-8") if args.output.is_file() else ""
        if KEPT_FROM in old:  # hand-run figures (benchmarks/page_weight.py) survive a regeneration
            page = page.rstrip("\n") + "\n\n" + old[old.index(KEPT_FROM) :]
        args.output.write_text(page, encoding="utf-8")
        print(f"wrote {args.output}")
    else:
        print(page)
    return 0


KEPT_FROM = "<!-- kept by benchmarks/scale.py:"
PAGE = """\
# Scale: 10,000 entries

Generated by `benchmarks/scale.py`; regenerate with:

```sh
{command}
```

Synthetic entries (every field filled, varied packages, exceptions and messages;
`benchmarks/synthetic.py`) built two ways in the same run: the **fixdex** site
(`mkdocs build` with the fixdex plugin, Pagefind search) and a **plain** MkDocs
Material build of the same pages exported with `fixdex export` (no fixdex plugin,
entries kept out of the sidebar with `not_in_nav`, Material's search plugin on).

{table}

{summary}

How it is measured:

- Build time is wall-clock time of `mkdocs build` in a child process; peak memory
  is that child's `ru_maxrss` (it includes Pagefind, which the build runs).
- Generation overhead is what the fixdex build costs beyond the plain build of
  the same pages. fixdex's own work is `load_site` (load, check, render every
  entry, build the API and matcher files), timed on its own.
- Entry page size is the median over the same {sample} entries at every size.
- Search: both sites are served on 127.0.0.1 and opened in Chromium at an entry
  page. After the page is idle, `/` opens the header search box and the title of
  an entry in the middle of the site is typed at 60 ms per key. Search bytes are
  the gzip sizes of every response from opening the box to the result list for
  the whole query (and, in a second row, to the first result on screen while the
  query is still being typed), plus the search engine's files the page already
  fetched (Material fetches its whole index with every page). Responses are
  gzipped by the benchmark, as a server with compression would send them;
  Pagefind's files are gzip already. Page weight is the gzip size of the page
  load before searching. Time to the result is measured in the page, from the
  last keystroke to the change of the result list that answers the whole query.

## Why Pagefind

{why}

Material's search downloads one index of every page before it can answer, and
that index grows with every entry; Pagefind splits its index into chunks by word
and a query fetches only the chunks of its own words, so what a reader downloads
depends on the words of the query, not on the number of pages. An index split by fixdex
itself would have to re-implement what Pagefind already does (chunking,
ranking, excerpts with highlighting) and would still need a client; Pagefind
ships as a Python package with its binary (`pagefind[bin]`) and indexes the
built site in seconds. `search: auto` is Pagefind at every size: the section
below measures why, on this repository's own entries.

## The machine

{machine}

Other builds and tests may share the machine: compare the two columns of one
size (same run, same load) rather than figures across runs.
"""

if __name__ == "__main__":
    raise SystemExit(main())
