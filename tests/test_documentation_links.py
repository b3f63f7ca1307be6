"""Every relative link in the README and docs/ leads to a file that exists and, when it names a
heading, to a heading that file has: moving a section never leaves a reader at a dead link."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.serving import ROOT

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")
FENCE = re.compile(r"```.*?```", re.S)


def anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    prose = FENCE.sub("", page.read_text())
    return {anchor(h) for h in re.findall(r"(?m)^#{1,6} (.+)$", prose)}


def relative_links(page: Path) -> list[str]:
    prose = FENCE.sub("", page.read_text())
    return [link for link in LINK.findall(prose) if not re.match(r"[a-z]+:", link)]


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_each_relative_link_reaches_a_file_and_heading(page):
    broken = []
    for link in relative_links(page):
        path, _, heading = link.partition("#")
        target = (page.parent / path).resolve() if path else page
        if not target.exists():
            broken.append(f"{link}: no file {target.relative_to(ROOT)}")
        elif heading and target.suffix == ".md" and heading not in anchors(target):
            broken.append(f"{link}: no heading #{heading} in {target.relative_to(ROOT)}")
    assert not broken, f"{page.relative_to(ROOT)}: " + "; ".join(broken)


def test_the_anchor_rule_matches_githubs():
    assert anchor("Your own pipeline, end to end") == "your-own-pipeline-end-to-end"
    assert anchor("AutoAI runtimes: build the image") == "autoai-runtimes-build-the-image"
    assert anchor("`train` as one trial") == "train-as-one-trial"
