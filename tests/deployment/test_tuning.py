"""`python -m deploy tune` against moto: the CreateHyperParameterTuningJob request asserted whole
(single- and multi-definition), and every bad input refused before any request.

moto 5.2.5 creates, describes, lists and deletes tuning jobs, but runs no trials: its job is
`Completed` at once with a fixed, made-up best training job, and it has no
ListTrainingJobsForHyperParameterTuningJob (nor StopHyperParameterTuningJob). Following a job's
trials is tested in test_tuning_progress.py, against responses checked by botocore's model.
"""

from __future__ import annotations

import pytest

from tests.deployment.conftest import BUCKET, IMAGE, ROLE, s3_keys, uploads

METRICS = [
    {"Name": "train:cv_accuracy", "Regex": "train:cv_accuracy=(-?[0-9.]+);"},
    {"Name": "train:cv_r2", "Regex": "train:cv_r2=(-?[0-9.]+);"},
    {"Name": "validation:accuracy", "Regex": "validation:accuracy=(-?[0-9.]+);"},
    {"Name": "validation:f1", "Regex": "validation:f1=(-?[0-9.]+);"},
    {"Name": "validation:roc_auc", "Regex": "validation:roc_auc=(-?[0-9.]+);"},
    {"Name": "validation:log_loss", "Regex": "validation:log_loss=(-?[0-9.]+);"},
    {"Name": "validation:rmse", "Regex": "validation:rmse=(-?[0-9.]+);"},
    {"Name": "validation:mae", "Regex": "validation:mae=(-?[0-9.]+);"},
    {"Name": "validation:r2", "Regex": "validation:r2=(-?[0-9.]+);"},
]


def channel(uri: str, name: str = "training") -> dict:
    source = {"S3DataType": "S3Prefix", "S3Uri": uri, "S3DataDistributionType": "FullyReplicated"}
    return {"ChannelName": name, "DataSource": {"S3DataSource": source}}


def integers(name: str, low: str, high: str, scaling: str = "Linear") -> dict:
    return {"Name": name, "MinValue": low, "MaxValue": high, "ScalingType": scaling}


continuous = integers


def test_one_estimator_makes_a_single_definition_job(deploy, aws, bucket, tmp_path):
    data = tmp_path / "train.csv"
    data.write_text("AGE,ENROLLED\n30,Yes\n")
    status, out, _ = deploy(
        f"tune churn-rf --image {IMAGE} --role {ROLE} --estimator random_forest "
        f"--training {data} --output s3://{bucket}/tuning --hyperparameter target=ENROLLED "
        "--hyperparameter n_estimators=100 --range max_depth=2:12 --max-jobs 12 "
        "--max-parallel-jobs 3 --early-stopping --warm-start-from churn-rf-earlier "
        "--instance-type ml.c5.xlarge --max-runtime-seconds 900 --env AUTOAI_LOG_LEVEL=debug "
        "--no-wait"
    )
    assert (status, out) == (0, "Completed\n")  # moto's tuning jobs complete at once
    assert s3_keys("tuning/") == ["tuning/churn-rf/input/training/train.csv"]
    assert aws.call("CreateHyperParameterTuningJob").params == {
        "HyperParameterTuningJobName": "churn-rf",
        "HyperParameterTuningJobConfig": {
            "Strategy": "Bayesian",
            "HyperParameterTuningJobObjective": {
                "Type": "Maximize",
                "MetricName": "train:cv_accuracy",
            },
            "ResourceLimits": {"MaxNumberOfTrainingJobs": 12, "MaxParallelTrainingJobs": 3},
            "ParameterRanges": {
                "IntegerParameterRanges": [
                    # n_estimators is static: not searched
                    integers("max_depth", "2", "12"),  # the override
                    integers("min_samples_leaf", "1", "20"),
                ],
                "ContinuousParameterRanges": [continuous("max_features", "0.1", "1")],
            },
            "TrainingJobEarlyStoppingType": "Auto",
        },
        "TrainingJobDefinition": {
            "StaticHyperParameters": {
                "target": "ENROLLED",
                "n_estimators": "100",
                "estimator": "random_forest",
            },
            "AlgorithmSpecification": {
                "TrainingImage": IMAGE,
                "TrainingInputMode": "File",
                "MetricDefinitions": METRICS,
            },
            "RoleArn": ROLE,
            "InputDataConfig": [channel(f"s3://{bucket}/tuning/churn-rf/input/training/")],
            "OutputDataConfig": {"S3OutputPath": f"s3://{bucket}/tuning/"},
            "ResourceConfig": {
                "InstanceType": "ml.c5.xlarge",
                "InstanceCount": 1,
                "VolumeSizeInGB": 10,
            },
            "StoppingCondition": {"MaxRuntimeInSeconds": 900},
            "Environment": {"AUTOAI_LOG_LEVEL": "debug"},
        },
        "WarmStartConfig": {
            "ParentHyperParameterTuningJobs": [{"HyperParameterTuningJobName": "churn-rf-earlier"}],
            "WarmStartType": "IdenticalDataAndAlgorithm",
        },
    }


def test_several_estimators_make_one_definition_each(deploy, aws):
    status, out, _ = deploy(
        f"tune churn-many --image {IMAGE} --role {ROLE} --estimator xgboost lightgbm "
        f"--training s3://{BUCKET}/data/ --validation s3://{BUCKET}/holdout/ "
        f"--output s3://{BUCKET}/tuning/ --hyperparameter target=label "
        "--range xgboost.learning_rate=0.05:0.2:log --range num_leaves=16:64 "
        "--objective validation:log_loss --no-wait"
    )
    assert (status, out) == (0, "Completed\n")
    assert uploads(aws) == []
    params = aws.call("CreateHyperParameterTuningJob").params
    assert params["HyperParameterTuningJobConfig"] == {
        "Strategy": "Bayesian",
        "ResourceLimits": {"MaxNumberOfTrainingJobs": 20, "MaxParallelTrainingJobs": 2},
        "TrainingJobEarlyStoppingType": "Off",
    }  # objective and ranges go in each definition
    xgboost, lightgbm = params["TrainingJobDefinitions"]
    minimise = {"Type": "Minimize", "MetricName": "validation:log_loss"}
    assert (xgboost["DefinitionName"], xgboost["TuningObjective"]) == ("xgboost", minimise)
    assert (lightgbm["DefinitionName"], lightgbm["TuningObjective"]) == ("lightgbm", minimise)
    assert xgboost["StaticHyperParameters"] == {"target": "label", "estimator": "xgboost"}
    assert lightgbm["StaticHyperParameters"] == {"target": "label", "estimator": "lightgbm"}
    assert xgboost["HyperParameterRanges"] == {
        "IntegerParameterRanges": [
            integers("n_estimators", "20", "300"),
            integers("max_depth", "2", "10"),
        ],
        "ContinuousParameterRanges": [
            continuous("learning_rate", "0.05", "0.2", "Logarithmic"),
            continuous("subsample", "0.5", "1"),
            continuous("colsample_bytree", "0.5", "1"),
            continuous("min_child_weight", "1", "10"),
            continuous("reg_lambda", "0.01", "10", "Logarithmic"),
        ],
    }
    assert lightgbm["HyperParameterRanges"]["IntegerParameterRanges"] == [
        integers("n_estimators", "20", "300"),
        integers("num_leaves", "16", "64"),  # the override: lightgbm's only
        integers("min_child_samples", "5", "50"),
    ]
    lightgbm_rate = lightgbm["HyperParameterRanges"]["ContinuousParameterRanges"][0]
    assert lightgbm_rate == continuous("learning_rate", "0.01", "0.3", "Logarithmic")
    for definition in (xgboost, lightgbm):
        assert definition["InputDataConfig"] == [
            channel(f"s3://{BUCKET}/data/"),
            channel(f"s3://{BUCKET}/holdout/", "validation"),
        ]
        assert definition["AlgorithmSpecification"]["MetricDefinitions"] == METRICS
        assert "Environment" not in definition
    assert "WarmStartConfig" not in params


def test_regression_defaults_to_the_cross_validated_r2(deploy, aws):
    status, _, _ = deploy(
        f"tune price --image {IMAGE} --role {ROLE} --estimator ridge --training s3://{BUCKET}/d/ "
        f"--output s3://{BUCKET}/t/ --hyperparameter problem_type=regression --no-wait"
    )
    assert status == 0
    config = aws.call("CreateHyperParameterTuningJob").params["HyperParameterTuningJobConfig"]
    assert config["HyperParameterTuningJobObjective"] == {
        "Type": "Maximize",
        "MetricName": "train:cv_r2",
    }
    assert config["ParameterRanges"] == {
        "ContinuousParameterRanges": [continuous("alpha", "0.001", "1000", "Logarithmic")]
    }


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ("--estimator knn", "estimator must be one of logistic_regression, ridge"),
        ("--estimator xgboost xgboost", "tune 1 to 10 different estimators"),
        ("--estimator xgboost --range C=1:10", "--range C: no hyperparameter of xgboost"),
        ("--estimator xgboost --range ridge.alpha=1:2", "ridge is not being tuned"),
        ("--estimator xgboost --range max_depth=2:99", "max_depth must lie between 1 and 32"),
        ("--estimator xgboost --range max_depth=2.5:9", "max_depth takes whole numbers"),
        ("--estimator xgboost --range max_depth=9:2", "LOW must be below HIGH"),
        ("--estimator xgboost --range max_depth=2", "expected NAME=LOW:HIGH"),
        ("--estimator ridge --range alpha=0:9:log", "a logarithmic range needs LOW above 0"),
        ("--estimator xgboost --hyperparameter max_depth=0", "max_depth must lie between 1"),
        ("--estimator ridge --hyperparameter epochs=3", "unknown hyperparameter 'epochs'"),
        ("--estimator ridge --hyperparameter mode=search", "mode is set by `tune` itself"),
        (
            "--estimator ridge --hyperparameter problem_type=classification",
            "estimator ridge is not for classification",
        ),
        ("--estimator ridge --objective validation:auc", "--objective must be one of"),
        ("--estimator ridge --max-jobs 2 --max-parallel-jobs 3", "--max-parallel-jobs must be"),
        ("--estimator ridge --warm-start-from x --warm-start-type Other", "--warm-start-type"),
    ],
)
def test_bad_inputs_are_refused_before_any_request(deploy, aws, tmp_path, options, message):
    data = tmp_path / "train.csv"
    data.write_text("AGE,ENROLLED\n30,Yes\n")
    status, _, err = deploy(
        f"tune bad --image {IMAGE} --role {ROLE} --training {data} --output s3://{BUCKET}/t/ "
        f"{options}"
    )
    assert status == 1 and message in err and err.count("\n") == 1, err
    assert aws.calls() == []


def test_a_name_too_long_for_trial_names_is_refused(deploy, aws):
    status, _, err = deploy(
        f"tune {'t' * 33} --image {IMAGE} --role {ROLE} --estimator ridge "
        f"--training s3://{BUCKET}/d/ --output s3://{BUCKET}/t/"
    )
    assert status == 1 and "too long: at most 32" in err
    assert aws.calls() == []
