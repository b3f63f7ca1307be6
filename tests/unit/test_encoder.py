import json

import pytest

from handler.model.predictions import Predictions
from handler.wire.encoding import encode
from handler.wire.media_types import CSV, JSON, JSONLINES

CLASSIFIED = Predictions(
    labels=["Yes", "No"],
    probabilities=[[0.1234567890123456, 0.8765432109876544], [0.9, 0.1]],
    classes=["No", "Yes"],
)
COMMA_LABELS = Predictions(labels=["a,b"], probabilities=[[1.0, 0.0]], classes=["a,b", 'c"d'])
REGRESSED = Predictions(labels=[1.5, 2.0000000000000004])
BOTH = ("predicted_label", "probabilities")


@pytest.mark.parametrize(
    ("predictions", "accept", "fields", "expected"),
    [
        (CLASSIFIED, CSV, BOTH, "Yes,0.1234567890123456,0.8765432109876544\nNo,0.9,0.1\n"),
        (CLASSIFIED, CSV, ("predicted_label",), "Yes\nNo\n"),
        (CLASSIFIED, CSV, ("probabilities",), "0.1234567890123456,0.8765432109876544\n0.9,0.1\n"),
        (CLASSIFIED, CSV, ("predicted_label", "labels"), "Yes,No,Yes\nNo,No,Yes\n"),
        (COMMA_LABELS, CSV, ("predicted_label", "labels"), '"a,b","a,b","c""d"\n'),
        (REGRESSED, CSV, ("predicted_label",), "1.5\n2.0000000000000004\n"),
        (
            CLASSIFIED,
            JSONLINES,
            BOTH,
            '{"predicted_label": "Yes", "probabilities": [0.1234567890123456, 0.8765432109876544]}\n'
            '{"predicted_label": "No", "probabilities": [0.9, 0.1]}\n',
        ),
        (
            CLASSIFIED,
            JSONLINES,
            ("labels",),
            '{"labels": ["No", "Yes"]}\n{"labels": ["No", "Yes"]}\n',
        ),
        (REGRESSED, JSONLINES, ("predicted_label",), '{"predicted_label": 1.5}\n'
         '{"predicted_label": 2.0000000000000004}\n'),
    ],
)  # fmt: skip
def test_encode_text(predictions, accept, fields, expected):
    assert encode(predictions, accept, fields).decode() == expected


def test_json_is_the_wml_predictions_shape():
    body = json.loads(encode(CLASSIFIED, JSON, BOTH))
    assert body == {
        "predictions": [
            {
                "fields": ["prediction", "probability"],
                "values": [
                    ["Yes", [0.1234567890123456, 0.8765432109876544]],
                    ["No", [0.9, 0.1]],
                ],
            }
        ]
    }


def test_json_labels_field_lists_the_classes_per_row():
    body = json.loads(encode(CLASSIFIED, JSON, ("predicted_label", "labels")))
    assert body["predictions"][0]["fields"] == ["prediction", "labels"]
    assert body["predictions"][0]["values"][1] == ["No", ["No", "Yes"]]


def test_json_has_no_nan_tokens():
    predictions = Predictions(labels=[float("nan"), 1.0])
    assert json.loads(encode(predictions, JSON, ("predicted_label",)))["predictions"][0][
        "values"
    ] == [
        [None],
        [1.0],
    ]
    assert encode(predictions, JSONLINES, ("predicted_label",)).decode().splitlines()[0] == (
        '{"predicted_label": null}'
    )


@pytest.mark.parametrize("accept", [CSV, JSON, JSONLINES])
def test_full_float_precision_round_trips(accept):
    probability = 1 / 3
    predictions = Predictions(
        labels=[0], probabilities=[[probability, 1 - probability]], classes=[0, 1]
    )
    body = encode(predictions, accept, ("probabilities",)).decode()
    assert repr(probability) in body


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (CSV, "\nYes\n\n\nNo\n\n"),
        (JSONLINES, '\n{"predicted_label": "Yes"}\n\n\n{"predicted_label": "No"}\n\n'),
    ],
)
def test_blank_input_lines_are_answered_with_empty_lines_in_place(accept, expected):
    predictions = Predictions(labels=["Yes", "No"], blank_lines=(0, 2, 3, 5))
    body = encode(predictions, accept, ("predicted_label",)).decode()
    assert body == expected
    assert body.count("\n") == 6  # one line per input line


def test_json_has_no_lines_so_blank_lines_leave_no_trace():
    predictions = Predictions(labels=["Yes", "No"], blank_lines=(1,))
    body = json.loads(encode(predictions, JSON, ("predicted_label",)))
    assert body["predictions"][0]["values"] == [["Yes"], ["No"]]


def test_predictions_scored_together_split_back_per_request():
    together = Predictions(
        labels=["a", "b", "c"],
        probabilities=[[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]],
        classes=["a", "c"],
    )
    parts = list(together.split([1, 0, 2]))
    assert [p.labels for p in parts] == [["a"], [], ["b", "c"]]
    assert [p.probabilities for p in parts] == [[[1.0, 0.0]], [], [[0.5, 0.5], [0.0, 1.0]]]
    assert all(p.classes == ["a", "c"] for p in parts)
    assert [p.labels for p in REGRESSED.split([2])] == [REGRESSED.labels]
