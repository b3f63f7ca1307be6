import pickle
import shutil
import subprocess
import sys

import joblib
import pytest

from pickle_facts.fingerprint import read_fingerprint
from pickle_facts.runtimes import installed_scikit_learn, running_runtime
from tests.serving import ROOT


@pytest.mark.parametrize("protocol", [0, 1, 2, 3, 4, 5])
def test_pickles_of_every_protocol_tell_their_scikit_learn_version(protocol, classifier, tmp_path):
    path = tmp_path / "model.pickle"
    path.write_bytes(pickle.dumps(classifier.pipeline, protocol=protocol))
    fingerprint = read_fingerprint(path)
    assert fingerprint.scikit_learn == installed_scikit_learn()
    assert {"sklearn", "autoai_libs", "numpy"} <= set(fingerprint.packages)


@pytest.mark.parametrize("compress", [0, 3, ("gzip", 3), ("bz2", 3), ("xz", 3), ("lzma", 3)])
def test_joblib_files_compressed_or_not(compress, classifier, tmp_path):
    path = tmp_path / "model.joblib"
    joblib.dump(classifier.pipeline, path, compress=compress)
    assert read_fingerprint(path).scikit_learn == installed_scikit_learn()


def test_reading_runs_nothing(tmp_path):
    path = tmp_path / "evil.pickle"
    marker = tmp_path / "ran"
    path.write_bytes(pickle.dumps(_Touch(str(marker))))
    read_fingerprint(path)
    assert not marker.exists()


class _Touch:
    def __init__(self, path: str):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def fingerprint_command(*files, python: str = sys.executable) -> subprocess.CompletedProcess:
    return subprocess.run(
        [python, "entrypoint.py", "fingerprint", *map(str, files)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def test_the_command_names_the_runtime(classifier, tmp_path):
    path = tmp_path / "model.pickle"
    path.write_bytes(pickle.dumps(classifier.pipeline))
    result = fingerprint_command(path)
    assert result.returncode == 0, result.stderr
    runtime = running_runtime()
    assert result.stdout.strip().endswith(
        f"AutoAI runtime {runtime.name} (Python {runtime.python}): "
        f"build with --build-arg AUTOAI_RUNTIME={runtime.name}"
    )


def test_the_command_runs_in_a_python_without_the_runtimes_libraries(classifier, tmp_path):
    """As the README shows it: `python entrypoint.py fingerprint FILE`, in any Python 3.9+."""
    path = tmp_path / "model.pickle"
    joblib.dump(classifier.pipeline, path)
    bare = subprocess.run(
        [sys.executable, "-I", "-S", "-c", "import sys; print(sys.executable)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()  # -S: no site-packages, so no joblib, numpy or sklearn
    result = subprocess.run(
        [bare, "-S", "entrypoint.py", "fingerprint", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert f"scikit-learn {installed_scikit_learn()}" in result.stdout


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"name,age,CHURN\nann,3,T\n", "it starts with 'name,age,CHURN'"),
        (b"<!DOCTYPE html>\n<html><body>Sign in</body></html>\n", "a web page"),
        (b"", "the file is empty"),
    ],
)
def test_a_file_that_is_no_pickle_is_named_with_what_it_starts_with(content, said, tmp_path):
    path = tmp_path / "model.pickle"
    path.write_bytes(content)
    result = fingerprint_command(path)
    assert result.returncode == 1
    assert result.stdout.count("\n") == 1
    assert f"{path} is not a pickle: " in result.stdout and said in result.stdout


def test_a_zip_saved_as_the_pickle_is_named_an_archive(tmp_path):
    archive = shutil.make_archive(str(tmp_path / "download"), "zip", ROOT / "pickle_facts")
    path = tmp_path / "model.pickle"
    shutil.move(archive, path)
    assert "it is a zip archive" in fingerprint_command(path).stdout
