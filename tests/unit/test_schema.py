"""The schema a model gets at load, from each source: metadata, WML schema files, the pickle."""

from __future__ import annotations

import json
import pickle
import warnings

import numpy as np
import pytest
from sklearn.pipeline import make_pipeline

from handler.errors import ModelLoadError
from handler.model.autoai_model import AutoAIModel
from handler.model.pickle_schema import recorded_types
from handler.model.schema import Schema
from training.autoai_pipeline import autoai_pipeline


def wml_fields(names, types):
    return [{"name": n, "type": t} for n, t in zip(names, types)]


def copy_pickle(trained, tmp_path):
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    source = next(trained.model_dir.glob("*.pickle"))
    (model_dir / source.name).write_bytes(source.read_bytes())
    return model_dir


@pytest.fixture
def feature_names(classifier):
    return list(AutoAIModel.load(classifier.model_dir).schema.names)


def test_a_wml_schema_file_names_the_columns_of_a_bare_pickle(
    bare_classifier, feature_names, tmp_path
):
    model_dir = copy_pickle(bare_classifier, tmp_path)
    schema = {"id": "auto_ai_kb_input_schema", "fields": wml_fields(feature_names, ["other"] * 35)}
    (model_dir / "input-schema.json").write_text(json.dumps(schema))
    loaded = AutoAIModel.load(model_dir).schema
    assert loaded.names == tuple(feature_names)
    assert loaded.names_from == "input-schema.json"
    # the pickle's own column types win: they are what the pipeline saw
    assert loaded.types == AutoAIModel.load(bare_classifier.model_dir).schema.types


def test_model_details_hold_the_schema_under_entity_schemas_input(
    bare_classifier, feature_names, tmp_path
):
    model_dir = copy_pickle(bare_classifier, tmp_path)
    details = {
        "metadata": {"id": "0f4b", "name": "P4 - Gradient Boosting"},
        "entity": {
            "label_column": "ENROLLED",
            "schemas": {
                "input": [{"id": "1", "fields": wml_fields(feature_names, ["string"] * 35)}],
                "output": [],
            },
        },
    }
    details["entity"]["schemas"]["input"][0]["fields"].append({"name": "ENROLLED", "type": "str"})
    (model_dir / "model-details.json").write_text(json.dumps(details))
    assert AutoAIModel.load(model_dir).schema.names == tuple(feature_names)


def test_wml_types_fill_in_where_the_pickle_records_none(tmp_path):
    from sklearn.linear_model import LinearRegression
    from sklearn.preprocessing import StandardScaler

    pipeline = make_pipeline(StandardScaler(), LinearRegression())
    pipeline.fit(np.array([[1.0, 2.0], [3.0, 4.0]]), [1.0, 2.0])
    (tmp_path / "model.pickle").write_bytes(pickle.dumps(pipeline))
    (tmp_path / "schema.json").write_text(
        json.dumps({"fields": wml_fields(["a", "b"], ["integer", "double"])})
    )
    schema = AutoAIModel.load(tmp_path).schema
    assert schema.types == ("int", "float")
    assert schema.types_from == "schema.json"


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"a.json": {"fields": [{"name": "x", "type": "string"}]}},
         "a.json names 1 features, but the pipeline takes 35 columns"),
        ({"a.json": {"fields": [{"name": "x"}] * 35}, "b.json": {"fields": [{"name": "y"}] * 35}},
         r"several WML schema files .* \(a.json, b.json\)"),
        ({"a.json": {"fields": [{"name": "x"}, {"type": "string"}]}}, "field 2 of the input schema has no name"),
    ],
)  # fmt: skip
def test_a_wml_schema_file_that_cannot_fit_stops_the_load(
    bare_classifier, tmp_path, files, message
):
    model_dir = copy_pickle(bare_classifier, tmp_path)
    for name, document in files.items():
        (model_dir / name).write_text(json.dumps(document))
    with pytest.raises(ModelLoadError, match=message):
        AutoAIModel.load(model_dir)


def test_json_files_that_hold_no_schema_are_ignored(bare_classifier, tmp_path):
    model_dir = copy_pickle(bare_classifier, tmp_path)
    (model_dir / "hyperparameters.json").write_text('{"max_evals": "3"}')
    (model_dir / "notes.json").write_text("not json at all")
    assert AutoAIModel.load(model_dir).schema.names is None


def test_the_pickle_maps_types_through_a_column_selector_in_front():
    """AutoAI drops columns with a selector first; the types land on the input columns read."""
    from autoai_libs.transformers.exportable import NumpyColumnSelector

    inner = autoai_pipeline({"a": "str", "c": "float", "d": "str"}, _tree())
    pipeline = make_pipeline(NumpyColumnSelector(columns=[0, 2, 3]), *[s for _, s in inner.steps])
    rows = np.array([["x", 1, 1.5, "p"], ["y", 2, 2.5, "q"], ["x", 3, 3.5, "q"]], dtype=object)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pipeline.fit(rows, [0, 1, 0])
    assert recorded_types(pipeline, 4) == ("str", None, "float", "str")


@pytest.mark.parametrize("deriving", ["DateTransformer", "TextTransformer"])
def test_types_reach_through_the_date_or_text_transformer_of_autoai_fronts(deriving):
    """AutoAI's text and date pipelines: `ColumnSelector`, then a transformer that drops its
    source column and appends features; the types land on the input columns, the source column
    (dates and free text, as read_csv reads them) typed as text."""
    from autoai_libs.transformers.exportable import ColumnSelector

    if deriving == "DateTransformer":
        from autoai_libs.transformers.date_time.date_time_transformer import DateTransformer

        # before autoai-libs 2.0 it finds the date columns itself, when fitted: fit it
        front = DateTransformer(delete_source_columns=True, options=["all"])
        dates = [["x", f"2024-0{month}-1{month}", 1.5 * month] for month in range(1, 8)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            front.fit(np.array(dates, dtype=object))
    else:
        from autoai_libs.transformers.text_transformers import TextTransformer

        front = TextTransformer({}, drop_columns=True, text_columns=[1])
    # input: id, a (str), when/text (str), c (float); the selector drops the id; after the
    # transformer, positions 0 and 1 hold a and c, then the derived features
    derived = {"a": "str", "c": "float", "d0": "float", "d1": "float"}
    inner = autoai_pipeline(derived, _tree())
    pipeline = make_pipeline(
        ColumnSelector(columns_indices_list=[1, 2, 3]), front, *[s for _, s in inner.steps]
    )
    assert recorded_types(pipeline, 4) == (None, "str", "str", "float")


def test_integer_columns_treated_as_categories_read_as_integers():
    pipeline = autoai_pipeline({"zip": "int"}, _tree())
    # an integer column in the categorical branch: AutoAI keeps it as categories of int_num
    categorical = autoai_pipeline({"zip": "str"}, _tree())
    steps = categorical.steps[0][1].steps
    compress = dict(steps)["compressstrings"]
    compress.set_params(dtypes_list=["int_num"])
    rows = np.array([[90210], [10001], [90210]], dtype=object)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        categorical.fit(rows, [0, 1, 0])
        pipeline.fit(rows, [0, 1, 0])
    assert recorded_types(categorical, 1) == ("int",)
    assert recorded_types(pipeline, 1) == ("int",)


@pytest.mark.parametrize(
    ("schema", "says"),
    [
        (Schema(), "records no input width"),
        (Schema(width=3), "no column types"),
        (Schema(width=3, types=("int", None, "str"), types_from="the pickle"), "types of 2 from the pickle"),
        (Schema(width=3), "no feature names, so CSV must come in training column order"),
        (Schema(width=1, names=("a",), names_from="x.json"), "names from x.json"),
    ],
)  # fmt: skip
def test_the_start_up_line_says_what_is_known_and_what_follows(schema, says):
    assert says in schema.describe()


def _tree():
    from sklearn.tree import DecisionTreeClassifier

    return DecisionTreeClassifier(random_state=0)


def test_with_a_wml_schema_shuffled_fields_are_reordered_and_unknown_ones_refused(
    bare_classifier, feature_names, tmp_path
):
    from handler.errors import BadRequest
    from handler.wire.decoding import decode
    from handler.wire.media_types import JSON

    model_dir = copy_pickle(bare_classifier, tmp_path)
    (model_dir / "model-details.json").write_text(
        json.dumps(
            {
                "entity": {
                    "schemas": {"input": [{"fields": wml_fields(feature_names, ["double"] * 35)}]}
                }
            }
        )
    )
    model = AutoAIModel.load(model_dir)
    frame = bare_classifier.holdout.set_axis(feature_names, axis=1)
    shuffled = list(reversed(feature_names))
    values = json.loads(frame[shuffled].to_json(orient="values"))
    body = {"input_data": [{"fields": shuffled, "values": values}]}
    rows = decode(json.dumps(body).encode(), JSON, model.schema)
    assert model.predict(rows.frame).probabilities == bare_classifier.expected_proba()
    body["input_data"][0]["fields"][0] = "ZIP_CODE"
    with pytest.raises(BadRequest, match="unknown field 'ZIP_CODE'"):
        decode(json.dumps(body).encode(), JSON, model.schema)
