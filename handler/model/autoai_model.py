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

from handler.errors import ModelLoadError
from handler.model.files import find_pipeline_file, unpack_archive
from handler.model.fingerprint import check_runtime
from handler.model.library_imports import loggers_kept_enabled
from handler.model.metadata import MetadataError, ModelMetadata, read_metadata, sha256_of
from handler.model.pickle_schema import is_lale
from handler.model.predictions import Predictions
from handler.model.safe_pickle import RefusedGlobal, load_pipeline
from handler.model.schema_sources import schema_for

CLASSIFIER_FIELDS = ("predicted_label", "probabilities")
LABEL_FIELDS = ("predicted_label",)


class AutoAIModel:
    """A loaded pipeline with its schema, classes and the output fields it can give."""

    def __init__(self, pipeline: Any, source: Path, metadata: ModelMetadata | None = None):
        self.pipeline = pipeline
        self.source = source
        self.metadata = metadata
        self._preprocess, self._estimator = _split(pipeline)
        self.is_classifier = _is_classifier(self._estimator)
        self.has_probabilities = self.is_classifier and hasattr(self._estimator, "predict_proba")
        classes = getattr(self._estimator, "classes_", None) if self.is_classifier else None
        self.classes = list(np.asarray(classes).tolist()) if classes is not None else None
        self.schema = schema_for(pipeline, source.parent, metadata)

    @classmethod
    def load(
        cls, model_dir: Path, allow_any_pickle: bool = False, with_metadata: bool = True
    ) -> AutoAIModel:
        """Unpack, find and load the pipeline in `model_dir`; ModelLoadError says what failed.

        The pickle is loaded through the allowlist of `handler.model.safe_pickle` unless
        `allow_any_pickle`; `with_metadata=False` ignores a metadata file beside it.
        """
        unpack_archive(model_dir)
        path = find_pipeline_file(model_dir)
        check_runtime(path)
        metadata = _metadata_for(path) if with_metadata else None
        try:
            with warnings.catch_warnings(), loggers_kept_enabled():
                warnings.simplefilter("ignore")
                pipeline = load_pipeline(path, allow_any_global=allow_any_pickle)
        except RefusedGlobal as error:
            raise ModelLoadError(f"cannot load {path}: {error}") from None
        except Exception as error:  # unpickling runs arbitrary constructors: any error can come
            raise ModelLoadError(f"cannot load {path}: {type(error).__name__}: {error}") from None
        if not hasattr(pipeline, "predict"):
            raise ModelLoadError(
                f"{path} holds a {type(pipeline).__name__}, not a pipeline with predict"
            )
        return cls(pipeline, path, metadata)

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
        values = frame.to_numpy(dtype=object)  # the array AutoAI pipelines are fitted on
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if not self.has_probabilities:
                return Predictions(labels=np.asarray(self.pipeline.predict(values)).tolist())
            features = self._preprocess.transform(values) if self._preprocess else values
            probabilities = np.asarray(self._estimator.predict_proba(features))
            labels = np.asarray(self._estimator.predict(features))
        return Predictions(
            labels=labels.tolist(), probabilities=probabilities.tolist(), classes=self.classes
        )


def _metadata_for(path: Path) -> ModelMetadata | None:
    """The metadata beside the pickle, checked to describe this very pickle."""
    try:
        metadata = read_metadata(path.parent)
    except MetadataError as error:
        raise ModelLoadError(str(error)) from None
    if metadata is None:
        return None
    if metadata.pickle_file != path.name:
        raise ModelLoadError(
            f"the metadata file beside {path.name} describes {metadata.pickle_file}: "
            "remove the stale metadata file or the pickle it does not describe"
        )
    if metadata.pickle_sha256 != sha256_of(path):
        raise ModelLoadError(f"{path.name} does not match the sha256 recorded in its metadata")
    return metadata


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
    """scikit-learn's own test, through lale's wrapper to the estimator it wraps."""
    from sklearn.base import is_classifier

    return is_classifier(getattr(estimator, "impl", estimator))
