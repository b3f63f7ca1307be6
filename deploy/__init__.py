"""Deploying this container to Amazon SageMaker: the `python -m deploy` tool and its functions.

Each module wraps one part of the AWS side in boto3 calls, and needs boto3 only (and the training
package's hyperparameter parser and estimator table, which are standard library), so the tool
runs wherever the user runs the AWS CLI: `artifacts` (S3 and model.tar.gz), `registry` (ECR),
`hosting` (models, endpoints, invocations, teardown), `jobs` (training and batch transform jobs),
`tuning` (hyperparameter tuning jobs, with `tuning_ranges` and `tuning_progress`).
"""
