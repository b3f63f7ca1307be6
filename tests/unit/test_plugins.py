"""The Multi Model Server plugins: checked against the installed MMS, built when missing, and a
multi-model endpoint refused when they cannot be."""

from __future__ import annotations

import shutil

import pytest

from handler.process.plugins import (
    PLUGINS_JAR,
    REPLACED_CLASSES,
    PluginsError,
    check_replaced_classes,
    model_server_jar,
    plugins_for,
)
from tests.serving import ROOT

LISTING = ROOT / "plugins" / "mms-fixes" / REPLACED_CLASSES


def test_the_installed_mms_is_the_one_the_corrected_classes_were_written_for():
    check_replaced_classes(LISTING, model_server_jar())


def test_another_mms_release_is_refused_naming_the_class(tmp_path):
    listing = tmp_path / REPLACED_CLASSES
    name = "com/amazonaws/ml/mms/wlm/BatchAggregator.class"
    listing.write_text(f"# comment\n{name} {'0' * 64}\n")
    with pytest.raises(PluginsError, match="BatchAggregator.class differs"):
        check_replaced_classes(listing, model_server_jar())


def without_javac(monkeypatch, tmp_path):
    """A PATH on which there is no Java compiler (and nothing else)."""
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


def test_without_plugins_or_a_compiler_a_multi_model_endpoint_is_refused(monkeypatch, tmp_path):
    without_javac(monkeypatch, tmp_path)
    with pytest.raises(PluginsError, match="would download and run any model URL"):
        plugins_for(multi_model=True, plugins_dir=tmp_path / "plugins")


def test_without_plugins_or_a_compiler_a_single_model_serves_with_a_warning(
    monkeypatch, tmp_path, caplog
):
    without_javac(monkeypatch, tmp_path)
    assert plugins_for(multi_model=False, plugins_dir=tmp_path / "plugins") is None
    assert "no Java compiler" in caplog.text


@pytest.mark.skipif(
    shutil.which("javac") is None, reason="needs a Java compiler (make test has one)"
)
def test_missing_plugins_are_built_when_a_compiler_is_at_hand(tmp_path):
    built = plugins_for(multi_model=True, plugins_dir=tmp_path / "plugins")
    assert built == tmp_path / "plugins"
    assert (built / PLUGINS_JAR).is_file()
    assert (built / "mms-fixes" / "com/amazonaws/ml/mms/wlm/BatchAggregator.class").is_file()
    assert (built / REPLACED_CLASSES).read_text() == LISTING.read_text()
