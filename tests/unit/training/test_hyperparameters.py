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
        ({"mode": "fit"}, "mode fit needs hyperparameter estimator"),
        ({"estimator": "knn"}, "estimator must be one of logistic_regression, ridge"),
        ({"estimator": "ridge", "mode": "search"}, "estimator is for mode fit, not search"),
        ({"estimator": "xgboost", "max_depth": "0"}, "max_depth must lie between 1 and 32, got 0"),
        ({"estimator": "xgboost", "max_depth": "4.5"}, "max_depth must be a whole number"),
        ({"estimator": "xgboost", "learning_rate": "fast"}, "learning_rate must be a number"),
        ({"estimator": "xgboost", "C": "1"}, "'C': .*; estimator xgboost takes n_estimators"),
        ({"max_depth": "4"}, "max_depth belongs to an estimator .*xgboost.*: set estimator"),
        (
            {"estimator": "ridge", "problem_type": "classification"},
            "estimator ridge is not for classification",
        ),
    ],
)
def test_bad_values_name_the_hyperparameter(raw, message):
    with pytest.raises(TrainingError, match=message):
        Hyperparameters.parse(raw)


def test_an_estimator_means_mode_fit_with_its_own_typed_hyperparameters():
    parsed = Hyperparameters.parse(
        {
            "estimator": "XGBoost",
            "max_depth": "6",
            "learning_rate": "0.05",
            "_tuning_objective_metric": "train:cv_accuracy",
            "sagemaker_job_name": "churn-rf-001",
        }
    )
    assert (parsed.mode, parsed.estimator) == ("fit", "xgboost")
    assert parsed.estimator_arguments == {"learning_rate": 0.05, "max_depth": 6}
    assert type(parsed.estimator_arguments["max_depth"]) is int
    assert Hyperparameters.parse({"target": "x"}).estimator_arguments == {}
