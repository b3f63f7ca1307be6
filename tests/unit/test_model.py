import pickle
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import numpy as np
import pytest

from handler.errors import ModelLoadError
from handler.model.autoai_model import AutoAIModel
from handler.model.metadata import METADATA_FILE
from handler.process.model_check import load_and_score
from handler.wire.decoding import decode
from handler.wire.media_types import CSV
from pickle_facts.runtimes import RUNTIMES, installed_scikit_learn, running_runtime


def holdout_csv(trained) -> bytes:
    return trained.holdout.to_csv(header=False, index=False).encode()


@pytest.mark.parametrize("fixture", ["classifier", "bare_classifier", "lale_classifier"])
def test_scores_exactly_as_the_pipeline_itself(fixture, request):
    trained = request.getfixturevalue(fixture)
    model = AutoAIModel.load(trained.model_dir)
    predictions = model.predict(decode(holdout_csv(trained), CSV, model.schema).frame)
    assert predictions.probabilities == trained.expected_proba()
    assert predictions.labels == trained.expected_labels()
    assert predictions.classes == ["No", "Yes"]


def test_regressor_gives_predictions_only(regressor):
    model = AutoAIModel.load(regressor.model_dir)
    predictions = model.predict(decode(holdout_csv(regressor), CSV, model.schema).frame)
    assert not model.is_classifier
    assert predictions.probabilities is None
    assert predictions.labels == pytest.approx(regressor.expected_labels(), rel=0, abs=0)
    assert model.output_fields(None) == ("predicted_label",)
    with pytest.raises(ModelLoadError, match="is a regressor"):
        model.output_fields(("predicted_label", "probabilities"))


def test_metadata_gives_names_and_types(classifier):
    schema = AutoAIModel.load(classifier.model_dir).schema
    assert schema.width == 35
    assert schema.names[:3] == ("CUSTOMER_ID", "CSTFNM", "Customer Last Name")
    assert schema.types[:6] == ("int", "str", "str", "str", "str", "int")


@pytest.mark.parametrize("fixture", ["bare_classifier", "lale_classifier"])
def test_a_bare_pickle_gives_its_width_and_the_types_its_autoai_steps_record(
    fixture, request, classifier
):
    model = load_and_score(request.getfixturevalue(fixture).model_dir)
    assert model.schema.width == 35
    assert model.schema.names is None
    # the types read_csv gave the training file, as our metadata records them for the same data
    assert model.schema.types == AutoAIModel.load(classifier.model_dir).schema.types
    assert model.schema.types_from == "the pickle's autoai-libs steps"


def test_a_pipeline_that_cannot_score_missing_values_still_loads(tmp_path, caplog):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    pipeline = make_pipeline(StandardScaler(), LogisticRegression())
    pipeline.fit([[0.0, 1.0], [1.0, 0.0], [0.5, 0.2]], [0, 1, 0])
    (tmp_path / "model.pickle").write_bytes(pickle.dumps(pipeline))
    assert load_and_score(tmp_path).schema.width == 2
    assert "cannot score a row of missing values" in caplog.text


def test_stale_metadata_for_another_pickle_is_refused(classifier, bare_classifier, tmp_path):
    (tmp_path / "other.pickle").write_bytes(pickle.dumps(bare_classifier.pipeline))
    (tmp_path / METADATA_FILE).write_bytes((classifier.model_dir / METADATA_FILE).read_bytes())
    with pytest.raises(ModelLoadError) as raised:
        AutoAIModel.load(tmp_path)
    assert "describes model.pickle: remove the pickle it does not describe, or rewrite" in str(
        raised.value
    )
    assert f"`python entrypoint.py describe {tmp_path} --training-data FILE" in str(raised.value)


def test_a_pickle_from_another_runtime_is_refused_naming_it(classifier, tmp_path):
    original = (classifier.model_dir / "model.pickle").read_bytes()
    installed = installed_scikit_learn()
    other = next(r for r in RUNTIMES if r != running_runtime())
    # the same length keeps the pickle's length-prefixed string valid
    faked = other.scikit_learn + "." + "9" * (len(installed) - len(other.scikit_learn) - 1)
    assert installed.encode() in original
    (tmp_path / "model.pickle").write_bytes(original.replace(installed.encode(), faked.encode()))
    with pytest.raises(ModelLoadError) as raised:
        AutoAIModel.load(tmp_path)
    assert str(raised.value).startswith(
        f"this pipeline was saved with scikit-learn {faked} (AutoAI runtime {other.name}); "
        f"this image runs runtime {running_runtime().name}: "
        f"rebuild with --build-arg AUTOAI_RUNTIME={other.name}"
    )


@pytest.mark.parametrize(
    "name", ["model.pickle", "auto-ai-pipeline.pickle", "pipe.pkl", "m.joblib"]
)
def test_any_accepted_name_loads(name, bare_classifier, tmp_path):
    (tmp_path / name).write_bytes(pickle.dumps(bare_classifier.pipeline))
    assert AutoAIModel.load(tmp_path).source.name == name


def test_model_tar_gz_is_unpacked_first(bare_classifier, tmp_path):
    source = tmp_path / "source.pickle"
    source.write_bytes(pickle.dumps(bare_classifier.pipeline))
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    with tarfile.open(model_dir / "model.tar.gz", "w:gz") as archive:
        archive.add(source, arcname="auto-ai-pipeline.pickle")
    assert AutoAIModel.load(model_dir).source == model_dir / "auto-ai-pipeline.pickle"


@pytest.mark.parametrize("name", ["model.tar.gz", "wml_model.tar.gz", "pipeline.tgz"])
def test_any_tar_archive_is_unpacked_first(name, bare_classifier, tmp_path):
    source = tmp_path / "source.pickle"
    source.write_bytes(pickle.dumps(bare_classifier.pipeline))
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    with tarfile.open(model_dir / name, "w:gz") as archive:
        archive.add(source, arcname="auto-ai-pipeline.pickle")
    assert AutoAIModel.load(model_dir).source == model_dir / "auto-ai-pipeline.pickle"


def test_a_zip_download_is_unpacked_first(bare_classifier, tmp_path):
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    with zipfile.ZipFile(model_dir / "Pipeline 4 - download.zip", "w") as archive:
        archive.writestr("model.pickle", pickle.dumps(bare_classifier.pipeline))
    assert AutoAIModel.load(model_dir).source == model_dir / "model.pickle"


def test_an_archive_without_a_pipeline_is_named(tmp_path):
    with zipfile.ZipFile(tmp_path / "download.zip", "w") as archive:
        archive.writestr("notes.txt", "hi")
    with pytest.raises(ModelLoadError, match=r"unpacked, put none .*found download\.zip, notes"):
        AutoAIModel.load(tmp_path)


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {},
            r"no pipeline in .*: expected one \*\.pickle or \*\.pkl or \*\.joblib file, found nothing",
        ),
        ({"notes.txt": b"hi"}, "found notes.txt"),
        ({"a.pickle": b"x", "b.pkl": b"y"}, r"several pipelines in .* \(a\.pickle, b\.pkl\)"),
        (
            {"model.pickle": b"not a pickle"},
            r"model\.pickle is not a pickle: it starts with 'not a",
        ),
        ({"model.pickle": b"<html><body>Sign in"}, r"model\.pickle is not a pickle: .* a web page"),
        ({"model.pickle": pickle.dumps({"a": 1})}, "holds a dict, not a pipeline"),
        ({"model.tar.gz": b"not gzip"}, "cannot unpack"),
        ({"model.zip": b"not zip"}, "cannot unpack .*model.zip"),
    ],
)
def test_unusable_model_dirs_are_named_clearly(files, message, tmp_path):
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    with pytest.raises(ModelLoadError, match=message):
        AutoAIModel.load(tmp_path)


def test_missing_model_dir(tmp_path):
    with pytest.raises(ModelLoadError, match="does not exist"):
        AutoAIModel.load(tmp_path / "nowhere")


def test_a_pickle_not_matching_its_recorded_sha256_is_refused(classifier, tmp_path):
    for path in classifier.model_dir.iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "model.pickle").write_bytes(pickle.dumps(classifier.pipeline, protocol=2))
    with pytest.raises(ModelLoadError) as raised:
        AutoAIModel.load(tmp_path)
    assert str(raised.value) == (
        "autoai-metadata.json beside model.pickle is stale: it records the sha256 of another "
        "pickle (one saved before this one); rewrite the metadata with `python entrypoint.py "
        f"describe {tmp_path} --training-data FILE [--target COLUMN]` (in the runtime's venv), "
        "or delete autoai-metadata.json"
    )


def test_unreadable_metadata_is_named(bare_classifier, tmp_path):
    (tmp_path / "model.pickle").write_bytes(pickle.dumps(bare_classifier.pipeline))
    (tmp_path / METADATA_FILE).write_text("{")
    with pytest.raises(ModelLoadError, match="autoai-metadata.json is not valid metadata"):
        AutoAIModel.load(tmp_path)


def test_loading_keeps_existing_loggers_enabled(bare_classifier):
    """autoai-libs 1.14 to 1.17 disable every existing logger on import (runtime 23.1 shows it)."""
    program = (
        "import logging, sys\n"
        "from pathlib import Path\n"
        "ours = logging.getLogger('handler.scoring.transformer')\n"
        "from handler.model.autoai_model import AutoAIModel\n"
        "AutoAIModel.load(Path(sys.argv[1]))\n"
        "assert 'autoai_libs' in sys.modules\n"
        "assert not ours.disabled\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program, str(bare_classifier.model_dir)],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def fit_bare(frame, target, estimator, model_dir):
    """An AutoAI-shaped pipeline fitted on `frame.values` and pickled alone, as Watson exports."""
    import warnings

    from training.autoai_pipeline import autoai_pipeline, feature_types

    pipeline = autoai_pipeline(feature_types(frame), estimator)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pipeline.fit(frame.values, target)
    model_dir.mkdir(parents=True, exist_ok=True)
    (model_dir / "pipeline.pickle").write_bytes(pickle.dumps(pipeline))
    return pipeline


def test_a_digit_string_column_stays_text_whatever_its_neighbours(tmp_path):
    """read_csv read the column `007, 2, 3, x` as text: "007" is that category in every body,
    never the number 7 (which a body of digits alone would suggest)."""
    import io

    import pandas as pd
    from sklearn.tree import DecisionTreeClassifier

    training = pd.read_csv(io.StringIO("CODE,SIZE\n" + "007,5\n" * 5 + "2,5\n3,5\nx,5\n" * 10))
    assert training["CODE"].tolist()[:2] == ["007", "007"]
    target = (training["CODE"] == "007").map({True: "yes", False: "no"}).values
    pipeline = fit_bare(training, target, DecisionTreeClassifier(random_state=0), tmp_path)
    model = AutoAIModel.load(tmp_path)
    expected = pipeline.predict_proba(np.array([["007", 5]], dtype=object)).tolist()[0]
    assert expected != pipeline.predict_proba(np.array([[7, 5]], dtype=object)).tolist()[0]
    for body in (b"007,5\n", b"007,5\nx,6\n", b"007,5\n2,7\n3,8\n"):
        scored = model.predict(decode(body, CSV, model.schema).frame).probabilities[0]
        assert scored == expected, body


def test_a_classifier_without_probabilities_serves_labels(tmp_path):
    from sklearn.svm import LinearSVC

    from training.sample_data import TARGET, demand_response_customers

    data = demand_response_customers(120, seed=5)
    features = data.drop(columns=[TARGET])
    pipeline = fit_bare(features, data[TARGET].values, LinearSVC(random_state=0), tmp_path)
    model = load_and_score(tmp_path)
    assert model.is_classifier and not model.has_probabilities
    assert model.output_fields(None) == ("predicted_label",)
    body = features.iloc[:5].to_csv(header=False, index=False).encode()
    predictions = model.predict(decode(body, CSV, model.schema).frame)
    assert predictions.labels == pipeline.predict(features.iloc[:5].values).tolist()
    assert predictions.probabilities is None
    with pytest.raises(ModelLoadError, match="is a classifier without probabilities"):
        load_and_score(tmp_path, output_fields=("predicted_label", "probabilities"))


COUNT_OPENS = """
import sys
from pathlib import Path
pickle_path = Path(sys.argv[1]) / "model.pickle"
opened = []
sys.addaudithook(
    lambda event, args: opened.append(event)
    if event == "open" and str(args[0]) == str(pickle_path) else None
)
from handler.model.autoai_model import AutoAIModel
AutoAIModel.load(Path(sys.argv[1]))
print(len(opened))
"""


def test_a_load_reads_the_pickle_file_once(classifier):
    """Fingerprint, sha256 against the metadata and unpickling all read the same bytes: the file
    is opened once (counted by Python's own audit events, in a process of its own)."""
    counted = subprocess.run(
        [sys.executable, "-c", COUNT_OPENS, str(classifier.model_dir)],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    )
    assert counted.stdout.split()[-1] == "1"
