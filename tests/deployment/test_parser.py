"""`python -m deploy ... --help`: every option says what it is, and what it is when left out."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from deploy.parser import build_parser
from tests.serving import ROOT


def parsers() -> dict[str, argparse.ArgumentParser]:
    top = build_parser()
    commands = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction))
    return {"": top, **commands.choices}


def arguments(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [
        action
        for action in parser._actions
        if not isinstance(action, (argparse._HelpAction, argparse._SubParsersAction))
    ]


@pytest.mark.parametrize("command", sorted(parsers()))
def test_every_argument_is_explained_and_every_optional_one_names_its_default(command):
    for action in arguments(parsers()[command]):
        name = "/".join(action.option_strings) or action.dest
        assert action.help, f"{command} {name} has no help"
        if action.option_strings and not action.required:
            assert "default" in action.help, f"{command} {name} does not say its default"


def test_help_shows_the_defaults_themselves():
    shown = subprocess.run(
        [sys.executable, "-m", "deploy", "transform", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "(default: text/csv)" in shown
    assert "(default: ml.m5.large)" in shown
    assert "(default: 1)" in shown
