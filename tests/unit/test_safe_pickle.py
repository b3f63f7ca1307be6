"""The allowlist unpickler: real pipelines load, pickles that run other code are refused first."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import joblib
import pytest
import sklearn

from handler.model.autoai_model import AutoAIModel
from handler.model.safe_pickle import RefusedGlobal, load_pipeline
from pickle_facts.fingerprint import read_fingerprint
from tests.pickled_kinds import KINDS, round_trip
from tests.serving import ROOT


class Runs:
    """Unpickling this calls `function(*arguments)`."""

    def __init__(self, function, *arguments):
        self.function = function
        self.arguments = arguments

    def __reduce__(self):
        return self.function, self.arguments


def written(tmp_path: Path, thing) -> Path:
    path = tmp_path / "model.pickle"
    path.write_bytes(pickle.dumps(thing, protocol=4))
    return path


def test_a_pickle_calling_os_system_is_refused_before_it_runs(tmp_path):
    witness = tmp_path / "ran"
    path = written(tmp_path, Runs(os.system, f"touch {witness}"))
    with pytest.raises(RefusedGlobal, match=r"the pickle calls posix\.system"):
        load_pipeline(path)
    assert not witness.exists()


@pytest.mark.parametrize(
    ("function", "arguments", "named"),
    [
        (subprocess.Popen, (["true"],), "subprocess.Popen"),
        (eval, ("1 + 1",), "builtins.eval"),
        (exec, ("x = 1",), "builtins.exec"),
        (getattr, (1, "real"), "builtins.getattr"),
        (__import__, ("os",), "builtins.__import__"),
        (__import__("pandas").read_pickle, ("/tmp/x",), "read_pickle"),
        (joblib.load, ("/tmp/x",), "joblib"),
        (__import__("numpy").load, ("/tmp/x",), "load"),
        (__import__("pandas").eval, ("1 + 1",), "eval"),
    ],
)
def test_globals_outside_the_allowlist_are_refused_and_named(tmp_path, function, arguments, named):
    path = written(tmp_path, Runs(function, *arguments))
    with pytest.raises(RefusedGlobal, match=named.replace(".", r"\.")):
        load_pipeline(path)


def test_a_dotted_name_cannot_reach_another_module_through_an_admitted_one(tmp_path):
    # protocol 4: STACK_GLOBAL("joblib.numpy_pickle", "os.system"), called with ("true",)
    def text(value: str) -> bytes:
        return b"\x8c" + bytes([len(value)]) + value.encode()

    data = (
        b"\x80\x04"
        + text("joblib.numpy_pickle")
        + text("os.system")
        + b"\x93"  # STACK_GLOBAL
        + text("true")
        + b"\x85R."  # TUPLE1, REDUCE, STOP
    )
    path = tmp_path / "model.pickle"
    path.write_bytes(data)
    with pytest.raises(RefusedGlobal, match=r"joblib\.numpy_pickle\.os\.system \(which is posix"):
        load_pipeline(path)
    # the same bytes do run it without the allowlist: the test is real
    assert load_pipeline(path, allow_any_global=True) == 0


def test_a_harmless_global_outside_the_allowlist_loads_when_the_user_opts_out(tmp_path):
    path = written(tmp_path, Path("/opt/ml"))
    with pytest.raises(RefusedGlobal, match="AUTOAI_ALLOW_ANY_PICKLE=true"):
        load_pipeline(path)
    assert load_pipeline(path, allow_any_global=True) == Path("/opt/ml")


@pytest.mark.parametrize("fixture", ["classifier", "lale_classifier", "regressor"])
@pytest.mark.parametrize("compress", [0, 3])
def test_real_pipelines_load_as_pickles_and_as_joblib_files(fixture, compress, request, tmp_path):
    trained = request.getfixturevalue(fixture)
    source = next(trained.model_dir.glob("*.pickle"))
    plain = load_pipeline(source)
    assert type(plain) is type(trained.pipeline)
    as_joblib = tmp_path / "model.joblib"
    joblib.dump(trained.pipeline, as_joblib, compress=compress)
    loaded = load_pipeline(as_joblib)
    frame = trained.holdout
    assert loaded.predict(frame.values).tolist() == trained.expected_labels(frame)


def test_a_pipeline_loads_in_a_fresh_interpreter(classifier):
    """Nothing imported beforehand: modules a pickle names are judged as they load."""
    program = (
        "import sys; from pathlib import Path; from handler.model.autoai_model import AutoAIModel; "
        "print(type(AutoAIModel.load(Path(sys.argv[1])).pipeline).__name__)"
    )
    result = subprocess.run(
        [sys.executable, "-c", program, str(classifier.model_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Pipeline"


def test_a_refused_pickle_is_a_model_load_error_naming_the_file(tmp_path):
    written(tmp_path, Runs(os.system, "true"))
    with pytest.raises(Exception, match=r"cannot load .*model\.pickle: the pickle calls posix"):
        AutoAIModel.load(tmp_path)


@pytest.mark.parametrize("kind", KINDS, ids=[kind.name for kind in KINDS])
@pytest.mark.parametrize("form", ["protocol-2", "highest-protocol", "joblib"])
def test_every_kind_of_object_pipelines_pickle_loads_through_the_allowlist(kind, form, tmp_path):
    if kind.missing():
        pytest.skip(f"not in this runtime: {kind.missing()}")
    path = tmp_path / "model.pickle"
    if kind.isolated:
        made, loaded = _round_trip_in_a_child(kind, form, path)
    else:
        made, loaded = round_trip(kind, form, path)
    assert loaded == made


def _round_trip_in_a_child(kind, form: str, path: Path) -> tuple[list[str], list[str]]:
    program = (
        "import json, sys; from pathlib import Path; "
        "from tests.pickled_kinds import KINDS, round_trip; "
        "kind = next(k for k in KINDS if k.name == sys.argv[1]); "
        "print(json.dumps(round_trip(kind, sys.argv[2], Path(sys.argv[3]))))"
    )
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", program, kind.name, form, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    made, loaded = json.loads(result.stdout.strip().splitlines()[-1])
    return made, loaded


@pytest.mark.parametrize("protocol", [0, 1])
def test_old_protocol_pickles_of_pipelines_load(regressor, protocol, tmp_path):
    """Protocols 0 and 1 rebuild objects with copyreg, xgboost's booster included."""
    path = tmp_path / "model.pickle"
    path.write_bytes(pickle.dumps(regressor.pipeline, protocol))
    loaded = load_pipeline(path)
    frame = regressor.holdout
    assert loaded.predict(frame.values).tolist() == regressor.expected_labels(frame)


def test_the_committed_default_model_loads():
    """model/ was saved by runtime 25.1: it loads where scikit-learn is that version."""
    path = ROOT / "model" / "model.pickle"
    saved_by = read_fingerprint(path).scikit_learn
    if saved_by != sklearn.__version__:
        pytest.skip(
            f"model/ was saved by scikit-learn {saved_by}, this runtime has {sklearn.__version__}"
        )
    assert type(load_pipeline(path)).__name__ == "Pipeline"


def test_a_partial_whose_state_names_the_booster_is_refused(tmp_path):
    """partial(int), whose state (BUILD) then makes it call xgboost's Booster(model_file)."""
    pytest.importorskip("xgboost")

    def text(value: str) -> bytes:
        return b"\x8c" + bytes([len(value)]) + value.encode()

    arguments = pickle.dumps((None, None, str(tmp_path / "model.json")), protocol=2)[2:-1]
    data = (
        b"\x80\x04"
        + text("functools") + text("partial") + b"\x93"
        + text("builtins") + text("int") + b"\x93\x85R"  # partial(int)
        + b"(" + text("xgboost.core") + text("Booster") + b"\x93"  # MARK, Booster
        + arguments + b"}N"  # its arguments, EMPTY_DICT, NONE
        + b"t"  # TUPLE: (Booster, arguments, {}, None), partial's state
        + b"b)R."  # BUILD, EMPTY_TUPLE, REDUCE, STOP
    )  # fmt: skip
    path = tmp_path / "model.pickle"
    path.write_bytes(data)
    with pytest.raises(RefusedGlobal, match=r"xgboost\.core\.Booster \(or hands it"):
        load_pipeline(path)
