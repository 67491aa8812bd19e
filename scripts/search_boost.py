"""MkDocs hook: boost one section of a page in the search, not the whole page.

Material's `search: boost` front matter raises every section of a page alike, so a page that must win one
query (the home page's NaN triage, for "NaN") would also win every query its other sections match. This
hook reads a page's `search: sections:` front matter, a section id -> boost, and sets the boost on that
section's entry alone, right after Material's search plugin has indexed the page:

    search:
      sections:
        my-loss-just-became-nan: 5

An id that names no section of the page stops the build.
"""

from __future__ import annotations

from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page


def boosts(page: Page) -> dict[str, float]:
    return (page.meta.get("search") or {}).get("sections") or {}


def ids(items: Any) -> set[str]:
    return {id for item in items for id in {item.id, *ids(item.children)}}


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Any) -> str:
    """Before any page is written: every boosted id is a section of its page."""
    missing = sorted(set(boosts(page)) - ids(page.toc))
    if missing:
        raise PluginError(f"{page.file.src_uri}: search: sections: no section with the id {missing[0]!r}")
    return html


def on_page_context(context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Any) -> dict[str, Any]:
    """Right after Material's search plugin has indexed the page: each boosted section's entry."""
    if boosts(page):
        index = config.plugins["material/search"].search_index  # type: ignore[attr-defined]
        entries = {entry["location"]: entry for entry in index.entries}
        for section, boost in boosts(page).items():
            entries[f"{page.url}#{section}"]["boost"] = boost
    return context
