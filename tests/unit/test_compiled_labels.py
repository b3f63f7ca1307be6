"""Labels from probabilities: equal to the estimator's own `predict`, ties included."""

import numpy as np
import pytest
from sklearn.ensemble import (
    ExtraTreesClassifier,
    GradientBoostingClassifier,
    RandomForestClassifier,
)
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier

from handler.compiled.labels import labels_by_argmax, labels_from


def data(classes: int):
    generator = np.random.default_rng(3)
    features = generator.integers(0, 3, size=(400, 3)).astype(np.float32)
    target = np.array(["No", "Yes", "Maybe"][:classes])[
        (features.sum(axis=1).astype(int)) % classes
    ]
    flipped = generator.random(400) < 0.3  # noise, so that leaves disagree
    target[flipped] = target[::-1][flipped]
    return features, target


@pytest.mark.parametrize("classes", [2, 3])
@pytest.mark.parametrize(
    "estimator",
    [
        RandomForestClassifier(n_estimators=2, random_state=0),  # two trees: many 0.5 ties
        ExtraTreesClassifier(n_estimators=4, random_state=0),
        GradientBoostingClassifier(n_estimators=5, random_state=0),
        LogisticRegression(max_iter=500),
    ],
    ids=lambda e: type(e).__name__,
)
def test_labels_from_probabilities_are_the_estimators_own(estimator, classes):
    features, target = data(classes)
    estimator.fit(features, target)
    probabilities = estimator.predict_proba(features)
    assert labels_by_argmax(estimator)
    assert labels_from(estimator, probabilities, features).tolist() == (
        estimator.predict(features).tolist()
    )


def test_ties_are_asked_of_the_estimator():
    features = np.array([[0.0], [0.0], [1.0], [1.0]], dtype=np.float32)
    target = np.array(["Yes", "No", "Yes", "Yes"])  # at 0: half and half
    forest = RandomForestClassifier(n_estimators=1, bootstrap=False).fit(features, target)
    probabilities = forest.predict_proba(features)
    assert probabilities[0].tolist() == [0.5, 0.5]  # the case under test occurs
    assert labels_from(forest, probabilities, features).tolist() == ["No", "No", "Yes", "Yes"]


@pytest.mark.parametrize(
    "estimator",
    [KNeighborsClassifier(n_neighbors=3), GradientBoostingClassifier(n_estimators=2)],
    ids=["another estimator", "unfitted"],
)
def test_other_estimators_give_their_labels_by_predict(estimator):
    if isinstance(estimator, KNeighborsClassifier):
        estimator.fit(*data(2))
    assert not labels_by_argmax(estimator)
