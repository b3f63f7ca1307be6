import pickle

import joblib
import pytest

from handler.model.fingerprint import main, read_fingerprint
from handler.model.runtimes import installed_scikit_learn, running_runtime


@pytest.mark.parametrize("protocol", [0, 2, 3, 4, 5])
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


def test_the_command_names_the_runtime(classifier, tmp_path, capsys):
    path = tmp_path / "model.pickle"
    path.write_bytes(pickle.dumps(classifier.pipeline))
    assert main(["fingerprint", str(path)]) == 0
    runtime = running_runtime()
    assert (
        capsys.readouterr()
        .out.strip()
        .endswith(
            f"AutoAI runtime {runtime.name} (Python {runtime.python}): "
            f"build with --build-arg AUTOAI_RUNTIME={runtime.name}"
        )
    )
