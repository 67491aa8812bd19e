"""Lighthouse scores of a built site, served with gzip as a static host serves it: a manual tool, not run by CI.

    npm install --prefix /tmp/lh lighthouse@12.2.3            # once; Chromium from the system
    .venv/bin/mkdocs build -q -d /tmp/site
    .venv/bin/python scripts/lighthouse.py /tmp/site --lighthouse /tmp/lh/node_modules/.bin/lighthouse --runs 3

Lighthouse's default configuration (mobile, simulated throttling), categories performance and
accessibility. Prints a Markdown table, one row per page: the medians over --runs runs of the two scores,
Largest Contentful Paint, Total Blocking Time, Cumulative Layout Shift, the bytes transferred and
Lighthouse's CPU benchmark index (lower: a busier machine); then the scored audits that failed in some
run. Run it alone on the machine: simulated throttling scales the CPU time that it observes.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import io
import json
import os
import statistics
import subprocess
import tempfile
import threading
from functools import partial
from pathlib import Path
from typing import BinaryIO

PAGES = ["", "causes/chain-product/", "symptoms/what-it-looks-like/", "symptoms/measuring-gradients/",
         "symptoms/lab/", "fixes/lab/", "labs/watch-a-gradient-explode/", "labs/fix-a-gradient-explosion/",
         "labs/diagnose-this-run/"]
COMPRESSED = ("text/", "application/javascript", "application/json", "image/svg+xml")
METRICS = ("performance", "accessibility", "lcp", "tbt", "cls", "kb", "cpu")


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files; text, scripts, JSON and SVG gzipped when the client accepts it. Keep-alive, as a host has."""

    protocol_version = "HTTP/1.1"

    def send_head(self) -> io.BytesIO | BinaryIO | None:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        kind = self.guess_type(str(path))
        if not (path.is_file() and kind.startswith(COMPRESSED) and "gzip" in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass


def run_lighthouse(lighthouse: str, url: str, chrome: str) -> tuple[dict[str, float], list[str]]:
    """One Lighthouse run: METRICS (LCP in s, TBT in ms, transfer in KB), and the scored audits that failed."""
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run([lighthouse, url, "--output=json", "--output-path=stdout", "--quiet",
                               "--only-categories=performance,accessibility",
                               f"--chrome-flags=--headless=new --no-sandbox --user-data-dir={profile}"],
                              capture_output=True, text=True, env={**os.environ, "CHROME_PATH": chrome})
    if done.returncode:
        raise SystemExit(f"lighthouse failed on {url}:\n{done.stderr[-2000:]}")
    report = json.loads(done.stdout)
    audits, categories = report["audits"], report["categories"]
    failed = [f"{name}: {audits[ref['id']]['id']}" for name in categories for ref in categories[name]["auditRefs"]
              if ref["weight"] > 0 and (audits[ref["id"]]["score"] or 0) < 0.9
              and audits[ref["id"]]["scoreDisplayMode"] in ("binary", "numeric")]
    return {"performance": 100 * categories["performance"]["score"],
            "accessibility": 100 * categories["accessibility"]["score"],
            "lcp": audits["largest-contentful-paint"]["numericValue"] / 1000,
            "tbt": audits["total-blocking-time"]["numericValue"],
            "cls": audits["cumulative-layout-shift"]["numericValue"],
            "kb": audits["total-byte-weight"]["numericValue"] / 1000,  # KB as the README counts them
            "cpu": report["environment"]["benchmarkIndex"]}, failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path, help="a built site directory (mkdocs build -d DIR)")
    parser.add_argument("--lighthouse", required=True, help="the lighthouse executable (node_modules/.bin/lighthouse)")
    parser.add_argument("--chrome", default="/usr/bin/chromium")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", nargs="+", default=PAGES, help="paths under the site's root; '' is the home page")
    args = parser.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(GzipHandler, directory=str(args.site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    failures: dict[str, set[str]] = {}
    print("| page | performance | accessibility | LCP (s) | TBT (ms) | CLS | transfer (KB) | CPU index |\n"
          "|---|--:|--:|--:|--:|--:|--:|--:|")
    try:
        for page in args.pages:
            url = f"http://127.0.0.1:{server.server_address[1]}/{page}"
            runs = [run_lighthouse(args.lighthouse, url, args.chrome) for _ in range(args.runs)]
            med = {key: statistics.median(metrics[key] for metrics, _ in runs) for key in METRICS}
            failures[page or "/"] = {audit for _, failed in runs for audit in failed}
            print(f"| /{page} | {med['performance']:.0f} | {med['accessibility']:.0f} | {med['lcp']:.1f} | "
                  f"{med['tbt']:.0f} | {med['cls']:.2f} | {med['kb']:.0f} | {med['cpu']:.0f} |", flush=True)
    finally:
        server.shutdown()
    for page, failed in failures.items():
        if failed:
            print(f"\n{page}: " + ", ".join(sorted(failed)))


if __name__ == "__main__":
    main()
