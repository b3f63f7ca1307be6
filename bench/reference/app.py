"""The seed's design, kept as a benchmark reference only: flask behind gunicorn sync workers.

As the seed's `predictor.py`: the pickle loaded once per worker, `/ping`, and `/invocations`
reading a CSV body with `pandas.read_csv`, scoring `.values` and writing the answer with pandas.
It answers what our server answers (label, then each class's probability) so the two can be
compared on the same payloads. Run by `bench/run.py` as
`gunicorn --workers N --bind 127.0.0.1:PORT bench.reference.app:app` with `MODEL_PATH` set.
"""

from __future__ import annotations

import functools
import io
import os
import pickle
import warnings

import flask
import pandas as pd

app = flask.Flask(__name__)


@functools.cache
def pipeline():
    with open(os.environ["MODEL_PATH"], "rb") as stream:
        return pickle.load(stream)


@app.route("/ping", methods=["GET"])
def ping():
    status = 200 if pipeline() is not None else 404
    return flask.Response(response="\n", status=status, mimetype="application/json")


@app.route("/invocations", methods=["POST"])
def invocations():
    if flask.request.content_type != "text/csv":
        return flask.Response(response="This predictor only supports CSV data", status=415)
    data = pd.read_csv(io.StringIO(flask.request.data.decode("utf-8")), header=None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        probabilities = pipeline().predict_proba(data.values)
    classes = pipeline().classes_
    answer = pd.DataFrame(probabilities)
    answer.insert(0, "label", classes[probabilities.argmax(axis=1)])
    out = io.StringIO()
    answer.to_csv(out, header=False, index=False)
    return flask.Response(response=out.getvalue(), status=200, mimetype="text/csv")
