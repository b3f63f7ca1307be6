"""An AutoAI pipeline ready to score: loaded, its input schema and capabilities known up front.

scikit-learn `Pipeline`s and lale trained pipelines both split into the preprocessing steps and the
final estimator, so a classifier's labels and probabilities come from one pass of preprocessing,
exactly as `pipeline.predict` and `pipeline.predict_proba` would compute them.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from handler.compiled.labels import labels_by_argmax, labels_from
from handler.compiled.proof import Scoring
from handler.compiled.scorer import CompiledScorer
from handler.compiled.selection import chosen_scorer
from handler.errors import ModelLoadError
from handler.model.forecaster import is_forecaster
from handler.model.metadata import ModelMetadata
from handler.model.pickle_schema import is_lale, takes_named_columns
from handler.model.pipeline_file import PipelineFile, read_pipeline
from handler.model.predictions import Predictions
from handler.model.schema import NUMERIC_TYPES, Schema
from handler.model.schema_sources import schema_for
from handler.wire.values import to_frame

CLASSIFIER_FIELDS = ("predicted_label", "probabilities")
LABEL_FIELDS = ("predicted_label",)


class AutoAIModel:
    """A loaded pipeline with its schema, classes and the output fields it can give."""

    # Its rows score alike alone or together: the transformer scores concurrent requests at once.
    one_request_per_call = False

    def __init__(self, pipeline: Any, source: Path, metadata: ModelMetadata | None = None):
        self.pipeline = pipeline
        self.source = source
        self.metadata = metadata
        self._preprocess, self._estimator = _split(pipeline)
        self.is_classifier = _is_classifier(self._estimator)
        self.has_probabilities = self.is_classifier and hasattr(self._estimator, "predict_proba")
        classes = _classes(self._estimator) if self.is_classifier else None
        self.classes = list(np.asarray(classes).tolist()) if classes is not None else None
        self.schema = schema_for(pipeline, source.parent, metadata)
        self.takes_named_columns = takes_named_columns(pipeline)
        self.compiled: CompiledScorer | None = None
        self._argmax_labels = self.has_probabilities and labels_by_argmax(self._estimator)

    @classmethod
    def load(
        cls,
        model_dir: Path,
        allow_any_pickle: bool = False,
        with_metadata: bool = True,
        names_required: bool = True,
        scorer: str = "auto",
    ) -> AutoAIModel:
        """The tabular pipeline in `model_dir` (`handler.model.pipeline_file.read_pipeline`);
        ModelLoadError says what failed, and refuses a forecaster (`handler.model.loading`).

        `with_metadata=False` (for `describe`, which writes the metadata) ignores a metadata file
        beside it and lets a pipeline load that cannot score without it.
        `names_required=False` (for `train`, whose data name the columns) lets a pipeline that
        picks columns by name load without a file naming them. `scorer` is `AUTOAI_SCORER`
        (`handler.compiled.selection`): whether a compiled scorer may serve.
        """
        read = read_pipeline(model_dir, allow_any_pickle, with_metadata)
        if is_forecaster(read.pipeline):
            raise ModelLoadError(
                f"{read.source.name} is a time-series forecaster ({type(read.pipeline).__name__}), "
                "not a tabular pipeline: forecasters are served (docs/forecasting.md), not "
                "described or retrained"
            )
        return cls.from_file(read, with_metadata, names_required, scorer)

    @classmethod
    def from_file(
        cls,
        read: PipelineFile,
        with_metadata: bool = True,
        names_required: bool = True,
        scorer: str = "auto",
    ) -> AutoAIModel:
        """The model of a pipeline read from its file, refused if it cannot score as it is."""
        model = cls(read.pipeline, read.source, read.metadata)
        needs_names = names_required and with_metadata and model.takes_named_columns
        if needs_names and not model.schema.names:
            raise ModelLoadError(
                f"{read.source.name} selects its input columns by name or type (fairness "
                "operators, or a pipeline fitted on a DataFrame), and nothing beside it names "
                "them: add the names with `python entrypoint.py describe MODEL_DIR "
                "--training-data TRAINING.csv` or a WML schema file"
            )
        model.compiled = model._chosen_scorer(scorer)
        return model

    def _chosen_scorer(self, setting: str) -> CompiledScorer | None:
        scoring = Scoring(
            preprocessed=self._preprocess.transform if self._preprocess else (lambda v: v),
            by_pipeline=self._by_pipeline,
            from_features=lambda values, features: self._from_features(values, features, True),
        )
        labels = [self.schema.column_label(i) for i in range(self.schema.width or 0)]
        return chosen_scorer(
            self.source.name,
            None if self.takes_named_columns else self._preprocess,
            self.schema.width,
            scoring,
            self._sample_values(),
            labels,
            setting,
        )

    def _sample_values(self) -> list[Any] | None:
        """The metadata's sample row as the pipeline gets it, or None."""
        if self.metadata is None or self.metadata.sample_row is None:
            return None
        try:
            frame = to_frame([list(self.metadata.sample_row)], self.schema)
        except Exception:  # noqa: BLE001 - the model check reports a sample that does not read
            return None
        return list(frame.to_numpy(dtype=object)[0])

    def output_fields(self, requested: tuple[str, ...] | None) -> tuple[str, ...]:
        """The fields to answer with: `requested` if this model can give them, else its default."""
        if requested is None:
            return CLASSIFIER_FIELDS if self.has_probabilities else LABEL_FIELDS
        if not self.has_probabilities and set(requested) - set(LABEL_FIELDS):
            kind = "a classifier without probabilities" if self.is_classifier else "a regressor"
            raise ModelLoadError(
                f"{', '.join(requested)} requested, but {self.source.name} is {kind}: "
                "it gives predicted_label only"
            )
        return requested

    def predict(self, frame: pd.DataFrame) -> Predictions:
        """Labels (and probabilities) for the rows of `frame`, in the schema's column order.

        The pipeline gets what it was fitted on: the object array of a `read_csv` frame, or, when
        it selects columns by name or type, that frame itself, typed as `read_csv` types it.
        The compiled scorer, where one serves, computes the features; a request with a value it
        does not compile is scored by the pipeline.
        """
        if self.takes_named_columns:
            values = typed_like_read_csv(frame, self.schema)
        else:
            values = frame.to_numpy(dtype=object)
        features = self.compiled.features(values) if self.compiled is not None else None
        if features is None:
            return self._by_pipeline(values)
        return self._from_features(values, features, compiled=True)

    def _by_pipeline(self, values: Any) -> Predictions:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if not self.has_probabilities:
                return Predictions(labels=np.asarray(self.pipeline.predict(values)).tolist())
            features = self._preprocess.transform(values) if self._preprocess else values
            return self._from_features(values, features)

    def _from_features(self, values: Any, features: Any, compiled: bool = False) -> Predictions:
        """The estimator's answer on the preprocessed `features` of `values`. The compiled
        scorer takes labels from the probabilities where `handler.compiled.labels` allows."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if not self.has_probabilities:
                return Predictions(labels=np.asarray(self._estimator.predict(features)).tolist())
            probabilities = np.asarray(self._estimator.predict_proba(features))
            if compiled and self._argmax_labels:
                labels = labels_from(self._estimator, probabilities, features)
            else:
                labels = np.asarray(self._estimator.predict(features))
        return Predictions(
            labels=labels.tolist(), probabilities=probabilities.tolist(), classes=self.classes
        )


def _split(pipeline: Any) -> tuple[Any | None, Any]:
    """The preprocessing part of a pipeline (None when there is none) and its final estimator."""
    if is_lale(pipeline):
        steps = pipeline.steps_list()
        return (pipeline.remove_last() if len(steps) > 1 else None), pipeline.get_last()
    steps = getattr(pipeline, "steps", None)
    if steps and not isinstance(steps[-1][1], str):  # scikit-learn Pipeline
        return (pipeline[:-1] if len(steps) > 1 else None), steps[-1][1]
    return None, pipeline


def _is_classifier(estimator: Any) -> bool:
    """scikit-learn's own test, or lale's for a lale operator (from its schema's tags: what it
    wraps need not be a scikit-learn classifier, snapml's batched ensembles are not)."""
    from sklearn.base import is_classifier

    if callable(getattr(estimator, "is_classifier", None)):
        return bool(estimator.is_classifier())
    return is_classifier(estimator)


def _classes(estimator: Any) -> Any:
    """The labels of the estimator's probability columns, in order. lale's xgboost operator fits
    xgboost on encoded labels and decodes its predictions: its `classes_` are xgboost's codes, and
    only its label encoder (which lale keeps no public name for) knows the labels."""
    encoder = getattr(getattr(estimator, "shallow_impl", None), "_label_encoder", None)
    if encoder is not None:
        return encoder.classes_
    return getattr(estimator, "classes_", None)


def typed_like_read_csv(frame: pd.DataFrame, schema: Schema) -> pd.DataFrame:
    """Each column with the dtype `read_csv` gives such values: numbers as int64 (float64 with a
    missing value), text and booleans with missing values as objects."""
    typed = {}
    for index, name in enumerate(frame.columns):
        column = frame[name]
        kind = schema.type_of(index)
        if kind in NUMERIC_TYPES or (kind is None and _all_numbers(column)):
            missing = column.isna().any()
            typed[name] = column.astype("float64" if missing or kind == "float" else "int64")
        elif kind == "bool" and not column.isna().any():
            typed[name] = column.astype(bool)
        else:
            typed[name] = column
    return pd.DataFrame(typed, index=frame.index)


def _all_numbers(column: pd.Series) -> bool:
    present = column.dropna()
    return len(present) > 0 and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in present
    )
