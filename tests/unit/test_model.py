import pickle
import tarfile

import pytest

from handler.decoder import decode
from handler.errors import ModelLoadError
from handler.media_types import CSV
from handler.metadata import METADATA_FILE
from handler.model import AutoAIModel


def holdout_csv(trained) -> bytes:
    return trained.holdout.to_csv(header=False, index=False).encode()


@pytest.mark.parametrize("fixture", ["classifier", "bare_classifier", "lale_classifier"])
def test_scores_exactly_as_the_pipeline_itself(fixture, request):
    trained = request.getfixturevalue(fixture)
    model = AutoAIModel.load(trained.model_dir)
    predictions = model.predict(decode(holdout_csv(trained), CSV, model.schema))
    assert predictions.probabilities == trained.expected_proba()
    assert predictions.labels == trained.expected_labels()
    assert predictions.classes == ["No", "Yes"]


def test_regressor_gives_predictions_only(regressor):
    model = AutoAIModel.load(regressor.model_dir)
    predictions = model.predict(decode(holdout_csv(regressor), CSV, model.schema))
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


def test_bare_pickle_still_knows_its_width(bare_classifier):
    model = AutoAIModel.load(bare_classifier.model_dir)
    assert model.source.name == "auto-ai-pipeline.pickle"
    assert model.schema.width == 35
    assert model.schema.types is None
    assert model.predict(model.sample_frame()).labels[0] in ("No", "Yes")


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


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {},
            r"no pipeline in .*: expected one \*\.pickle or \*\.pkl or \*\.joblib file, found nothing",
        ),
        ({"notes.txt": b"hi"}, "found notes.txt"),
        ({"a.pickle": b"x", "b.pkl": b"y"}, r"several pipelines in .* \(a\.pickle, b\.pkl\)"),
        ({"model.pickle": b"not a pickle"}, r"cannot load .*model\.pickle: KeyError"),
        ({"model.pickle": pickle.dumps({"a": 1})}, "holds a dict, not a pipeline"),
        ({"model.tar.gz": b"not gzip"}, "cannot unpack"),
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
    with pytest.raises(ModelLoadError, match="does not match the sha256"):
        AutoAIModel.load(tmp_path)


def test_unreadable_metadata_is_named(bare_classifier, tmp_path):
    (tmp_path / "model.pickle").write_bytes(pickle.dumps(bare_classifier.pipeline))
    (tmp_path / METADATA_FILE).write_text("{")
    with pytest.raises(ModelLoadError, match="autoai-metadata.json is not valid metadata"):
        AutoAIModel.load(tmp_path)
