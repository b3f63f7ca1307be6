"""`getattr` in a pickle: admitted only as the call that rebuilds a bound method a pipeline holds
(`pickle_allowlist.BOUND_METHODS`), refused for any other object or name, and refused wherever it
is not called: as an argument of another call, or in an object's state."""

from __future__ import annotations

import functools
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.preprocessing import FunctionTransformer

from handler.model.safe_pickle import RefusedGlobal, load_pipeline


class BoundMethod:
    """Pickles as `getattr(instance, name)`, the way Python pickles a bound method."""

    def __init__(self, instance: Any, name: str):
        self.instance, self.name = instance, name

    def __reduce__(self) -> tuple:
        return getattr, (self.instance, self.name)


REFUSED = {
    "a method of an array": BoundMethod(np.zeros(2), "tofile"),
    "a method of an estimator the allowlist does not name": BoundMethod(LinearRegression(), "fit"),
    "an attribute of a class": BoundMethod(LinearRegression, "__init__"),
    "getattr in an object's state": FunctionTransformer(func=getattr),
    "getattr handed to a call": functools.partial(getattr, LinearRegression()),
}


def written(tmp_path: Path, value: Any) -> Path:
    path = tmp_path / "model.pickle"
    path.write_bytes(pickle.dumps(value, protocol=4))
    return path


@pytest.mark.parametrize("value", REFUSED.values(), ids=REFUSED.keys())
def test_getattr_is_refused_outside_the_bound_methods_pipelines_hold(value, tmp_path):
    with pytest.raises(RefusedGlobal, match="getattr"):
        load_pipeline(written(tmp_path, value))


def test_the_same_pickles_load_without_the_allowlist(tmp_path):
    """They really do call or hold getattr: only the allowlist refuses them."""
    for value in REFUSED.values():
        assert load_pipeline(written(tmp_path, value), allow_any_global=True) is not None
