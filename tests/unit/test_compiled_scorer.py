"""The compiled scorer on real fitted pipelines: which serves, its answers, its proof and log."""

import json
import logging
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

from handler.compiled.proof import Scoring, first_difference, proof_rows
from handler.compiled.scorer import CompiledScorer
from handler.compiled.shapes import plan_of
from handler.errors import ModelLoadError
from handler.model.autoai_model import AutoAIModel
from handler.wire.decoding import decode
from handler.wire.media_types import CSV
from tests.pipelines import train, train_shape
from tests.serving import ROOT

NOT_IN_THIS_RUNTIME = 3  # the exit status of `tests.pipeline_kinds` where a kind cannot be built

SELECTION_LOGGER = "handler.compiled.selection"


def pipeline_answers(trained, values):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return trained.pipeline.predict(values).tolist(), trained.pipeline.predict_proba(values)


def bits(numbers) -> np.ndarray:
    """The float64 bit patterns of `numbers` (float32 widens exactly)."""
    return np.ascontiguousarray(np.asarray(numbers, dtype=np.float64)).view(np.uint64)


def test_each_covered_shape_is_served_compiled_with_the_pipelines_answers(compiled_shape):
    model = AutoAIModel.load(compiled_shape.model_dir, scorer="compiled")
    values = compiled_shape.holdout.to_numpy(dtype=object)
    assert model.compiled is not None
    assert model.compiled.features(values) is not None  # unseen IDs and all, nothing left over
    predictions = model.predict(compiled_shape.holdout)
    labels, probabilities = pipeline_answers(compiled_shape, values)
    assert predictions.labels == labels
    assert np.array_equal(bits(predictions.probabilities), bits(probabilities))


def test_a_regressor_is_served_compiled(regressor):
    model = AutoAIModel.load(regressor.model_dir, scorer="compiled")
    assert (
        model.predict(regressor.holdout).labels
        == regressor.pipeline.predict(regressor.holdout.values).tolist()
    )


def test_the_log_says_which_scorer_serves(classifier, caplog):
    with caplog.at_level(logging.INFO, logger=SELECTION_LOGGER):
        assert AutoAIModel.load(classifier.model_dir).compiled is not None
        assert AutoAIModel.load(classifier.model_dir, scorer="pipeline").compiled is None
    lines = [r.getMessage() for r in caplog.records if r.name == SELECTION_LOGGER]
    assert len(lines) == 2
    assert lines[0].startswith("model model.pickle: scored by the compiled scorer (")
    assert "identical to the pipeline on" in lines[0]
    assert lines[1] == "model model.pickle: scored by the pipeline (AUTOAI_SCORER=pipeline)"


def test_a_step_it_was_not_taught_leaves_the_whole_pipeline_to_serve(tmp_path, caplog):
    trained = train(tmp_path, faulty_city="Nowhere")  # a user's own step in front
    with caplog.at_level(logging.INFO, logger=SELECTION_LOGGER):
        model = AutoAIModel.load(trained.model_dir, allow_any_pickle=True)
    assert model.compiled is None
    assert (
        "scored by the pipeline (the compiled scorer does not take it: FailsOnCity is not "
        "compiled)" in caplog.text
    )
    assert model.predict(trained.holdout).probabilities == trained.expected_proba()
    with pytest.raises(
        ModelLoadError,
        match="AUTOAI_SCORER=compiled, but model.pickle: the "
        "compiled scorer does not take it: FailsOnCity is not compiled",
    ):
        AutoAIModel.load(trained.model_dir, allow_any_pickle=True, scorer="compiled")


def test_a_lale_pipeline_is_served_compiled(lale_classifier):
    model = AutoAIModel.load(lale_classifier.model_dir, scorer="compiled")
    assert model.compiled.features(lale_classifier.holdout.to_numpy(dtype=object)) is not None
    predictions = model.predict(lale_classifier.holdout)
    assert predictions.probabilities == lale_classifier.expected_proba()
    assert predictions.labels == lale_classifier.expected_labels()


def test_the_proof_names_the_first_column_where_compiled_and_pipeline_differ(tmp_path):
    """A scorer compiled from one fitted pipeline, proved against another fitted on other rows:
    their vocabularies and imputed values differ, and the proof must say where."""
    (tmp_path / "ours").mkdir()
    (tmp_path / "theirs").mkdir()
    ours = train_shape(tmp_path / "ours", "default", rows=120)
    theirs = AutoAIModel.load(train_shape(tmp_path / "theirs", "default").model_dir)
    scorer = CompiledScorer(plan_of(ours.pipeline[:-1], 35))
    scoring = Scoring(
        preprocessed=theirs.pipeline[:-1].transform,
        by_pipeline=lambda values: theirs.predict(pd.DataFrame(values)),
        from_features=lambda values, features: theirs.predict(pd.DataFrame(values)),
    )
    labels = [theirs.schema.column_label(i) for i in range(35)]
    difference = first_difference(scorer, scoring, proof_rows(scorer, None), labels)
    assert difference is not None
    assert difference.startswith("column '")
    assert " gives feature " in difference and "the pipeline" in difference


def test_a_value_it_does_not_compile_is_scored_by_the_pipeline(classifier):
    model = AutoAIModel.load(classifier.model_dir, scorer="compiled")
    frame = classifier.holdout.iloc[:3].copy().astype(object)
    frame.iloc[1, list(frame.columns).index("AGE")] = "41"  # text in a numeric column
    assert model.compiled.features(frame.to_numpy(dtype=object)) is None
    values = frame.to_numpy(dtype=object)
    try:
        expected = pipeline_answers(classifier, values)
    except ValueError as error:  # the pipeline refuses it: so must the model
        with pytest.raises(type(error)):
            model.predict(frame)
    else:
        assert model.predict(frame).labels == expected[0]


def test_a_lale_no_op_in_front_of_xgboost_is_served_compiled(tmp_path):
    """Built by `tests.pipeline_kinds` in a child process, as the kinds' tests build it (its
    libraries change how a process rounds subnormal floats)."""
    built = subprocess.run(
        [sys.executable, "-m", "tests.pipeline_kinds", "lale-no-op-xgboost", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if built.returncode == NOT_IN_THIS_RUNTIME or "Invalid classes" in built.stderr:
        pytest.skip(f"this runtime cannot fit the kind: {built.stderr.strip()[-200:]}")
    assert built.returncode == 0, built.stderr[-3000:]
    expected = json.loads((tmp_path / "expected.json").read_text())
    model = AutoAIModel.load(tmp_path / "model", names_required=False, scorer="compiled")
    frame = decode(expected["csv"].encode(), CSV, model.schema).frame
    assert model.compiled.features(frame.to_numpy(dtype=object)) is not None
    predictions = model.predict(frame)
    assert predictions.labels == expected["labels"]
    assert predictions.probabilities == expected["probabilities"]
