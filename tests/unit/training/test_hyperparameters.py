import pytest

from training.hyperparameters import Hyperparameters
from training.layout import TrainingError


def test_strings_become_typed_values():
    parsed = Hyperparameters.parse(
        {"target": "ENROLLED", "max_evals": "7", "max_seconds": "30", "validation_fraction": "0.25"}
    )
    assert (parsed.target, parsed.max_evals, parsed.max_seconds) == ("ENROLLED", 7, 30)
    assert parsed.validation_fraction == 0.25 and parsed.mode is None and parsed.cv_folds == 3
    assert parsed.min_score is None
    assert Hyperparameters.parse({"min_score": "0.7"}).min_score == 0.7


def test_sagemakers_own_keys_are_ignored_and_choices_take_any_case():
    parsed = Hyperparameters.parse(
        {
            "_tuning_objective_metric": "validation:accuracy",
            "sagemaker_region": "x",
            "header": "True",
        }
    )
    assert parsed.header == "true"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"max_evals": "ten"}, "max_evals must be a whole number, got 'ten'"),
        ({"min_score": "high"}, "min_score must be a number, got 'high'"),
        ({"mode": "guess"}, "mode must be one of import, refit, search"),
        ({"problem_type": "ranking"}, "problem_type must be one of classification, regression"),
        ({"validation_fraction": "1.5"}, "validation_fraction must lie between 0 and 1"),
        ({"cv_folds": "1"}, "cv_folds at least 2"),
        ({"epochs": "3"}, "unknown hyperparameter 'epochs'"),
    ],
)
def test_bad_values_name_the_hyperparameter(raw, message):
    with pytest.raises(TrainingError, match=message):
        Hyperparameters.parse(raw)
