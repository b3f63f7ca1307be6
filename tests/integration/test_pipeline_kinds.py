"""Watson-style bare pickles, lale pipelines and regressors, each through the real server."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from handler.wire.media_types import CSV, JSON, JSONLINES
from tests.integration.test_train import channel, run_train
from tests.pipelines import train_fairness_mitigated
from tests.serving import ROOT, running_server, serve_until_exit
from training.sample_data import TARGET


@pytest.mark.parametrize("fixture", ["bare_classifier", "lale_classifier"])
def test_classifiers_without_metadata_serve_exactly(fixture, request, tmp_path):
    trained = request.getfixturevalue(fixture)
    with running_server(trained.model_dir.parent, tmp_path / "serve.log") as server:
        response = server.invoke(trained.holdout.to_csv(header=False, index=False), CSV, JSON)
        assert response.status_code == 200, response.text
        values = response.json()["predictions"][0]["values"]
        assert [v[1] for v in values] == trained.expected_proba()
        assert [v[0] for v in values] == trained.expected_labels()
        # without a schema, JSON values are positional and kept as given
        rows = json.loads(trained.holdout.to_json(orient="values"))
        response = server.invoke(json.dumps({"instances": rows}), JSON)
        assert [
            v[1] for v in response.json()["predictions"][0]["values"]
        ] == trained.expected_proba()
        # a header row is known by its text in every numeric column the pickle records
        head = trained.holdout.head(2)
        response = server.invoke(head.to_csv(index=False), CSV, JSON)
        assert [
            v[1] for v in response.json()["predictions"][0]["values"]
        ] == trained.expected_proba(head)
        # bad input is still a 400 naming the problem, never a 500
        records = json.loads(head.to_json(orient="records"))
        for body, content_type, message in [
            (
                head.iloc[:, :34].to_csv(header=False, index=False),
                CSV,
                "expected 35 columns, got 34",
            ),
            (json.dumps({"instances": records}), JSON, "records no feature names"),
        ]:
            response = server.invoke(body, content_type)
            assert response.status_code == 400, response.text
            assert message in response.text


def test_regressor_answers_its_predictions(regressor, tmp_path):
    with running_server(regressor.model_dir.parent, tmp_path / "serve.log") as server:
        body = regressor.holdout.to_csv(header=False, index=False)
        response = server.invoke(body, CSV)
        assert response.status_code == 200, response.text
        assert [float(line) for line in response.text.splitlines()] == regressor.expected_labels()
        response = server.invoke(body, CSV, JSON)
        assert response.json()["predictions"][0]["fields"] == ["prediction"]


def test_default_accept_and_output_fields_from_the_environment(classifier, tmp_path):
    with running_server(
        classifier.model_dir.parent,
        tmp_path / "serve.log",
        SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT=JSONLINES,
        SAGEMAKER_INFERENCE_OUTPUT="predicted_label,probabilities,labels",
    ) as server:
        body = classifier.holdout.head(3).to_csv(header=False, index=False)
        response = server.invoke(body, CSV)
        assert response.headers["Content-Type"].startswith(JSONLINES)
        lines = [json.loads(line) for line in response.text.splitlines()]
        assert [line["labels"] for line in lines] == [["No", "Yes"]] * 3
        assert [line["probabilities"] for line in lines] == classifier.expected_proba(
            classifier.holdout.head(3)
        )
        response = server.invoke(body, CSV, CSV)
        first = response.text.splitlines()[0].split(",")
        assert len(first) == 5 and first[3:] == ["No", "Yes"]


@pytest.fixture(scope="module")
def fairness_mitigated(tmp_path_factory):
    return train_fairness_mitigated(tmp_path_factory.mktemp("fairness"))


def test_a_fairness_mitigated_pipeline_needs_names_then_serves_exactly(
    fairness_mitigated, tmp_path
):
    """lale's aif360 operator picks columns by name: bare, serve says how to name them; once
    `describe` has, CSV rows and JSON records score as the pipeline scores its DataFrame."""
    base = tmp_path / "ml"
    shutil.copytree(fairness_mitigated.model_dir, base / "model")
    code, log = serve_until_exit(base, tmp_path)
    assert code != 0
    assert "selects its input columns by name or type" in log
    assert "entrypoint.py describe" in log
    describe = subprocess.run(
        [sys.executable, str(ROOT / "entrypoint.py"), "describe", str(base / "model"),
         "--training-data", str(fairness_mitigated.model_dir.parent / "training.csv"),
         "--target", TARGET],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert describe.returncode == 0, describe.stderr
    holdout = fairness_mitigated.holdout
    with running_server(base, tmp_path / "serve.log") as server:
        response = server.invoke(holdout.to_csv(header=False, index=False), CSV, JSON)
        assert response.status_code == 200, response.text
        values = response.json()["predictions"][0]["values"]
        assert [v[1] for v in values] == fairness_mitigated.expected_proba()
        assert [v[0] for v in values] == fairness_mitigated.expected_labels()
        records = json.loads(holdout.to_json(orient="records"))
        response = server.invoke(json.dumps({"instances": records}), JSON)
        assert [
            v[1] for v in response.json()["predictions"][0]["values"]
        ] == fairness_mitigated.expected_proba()


def test_a_fairness_mitigated_pipeline_refits_on_named_columns(fairness_mitigated, tmp_path):
    """`train` refits it on the training CSV's DataFrame (it picks columns by name); fitted on
    the rows it was fitted on, it answers as it did."""
    base = tmp_path / "job"
    shutil.copytree(fairness_mitigated.model_dir, channel(base), dirs_exist_ok=True)
    shutil.copy(fairness_mitigated.model_dir.parent / "training.csv", channel(base))
    holdout = fairness_mitigated.holdout
    validation = holdout.assign(**{TARGET: fairness_mitigated.expected_labels()})
    validation.to_csv(channel(base, "validation") / "validation.csv", index=False)
    trained = run_train(base, target=TARGET, mode="refit")
    assert trained.returncode == 0, trained.stderr[-3000:]
    with running_server(base, tmp_path / "serve.log") as server:
        response = server.invoke(holdout.to_csv(header=False, index=False), CSV, JSON)
    values = response.json()["predictions"][0]["values"]
    assert [v[1] for v in values] == fairness_mitigated.expected_proba()
