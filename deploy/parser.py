"""The command line of `python -m deploy`: its subcommands and their options.

Each subcommand's name lands in `arguments.command`; `deploy.cli` runs it.
"""

from __future__ import annotations

import argparse


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m deploy", description="Deploy AutoAI pipelines to Amazon SageMaker."
    )
    parser.add_argument("--region", help="AWS region (default: AWS_REGION or your AWS config)")
    parser.add_argument("--profile", help="AWS profile (default: AWS_PROFILE or the default one)")
    commands = parser.add_subparsers(
        title="subcommands", dest="command", required=True, metavar="SUBCOMMAND"
    )
    _add_storage_commands(commands)
    _add_hosting_commands(commands)
    _add_job_commands(commands)
    _add_tune_command(commands)
    return parser


def _add_storage_commands(commands) -> None:
    _command(commands, "default-bucket", "print SageMaker's default bucket (made if missing)")
    sub = _command(commands, "repository", "print an ECR repository's URI (made if missing)")
    sub.add_argument("name", help="the repository name, e.g. autoai-sagemaker")
    _command(commands, "login-password", "print the ECR password for docker login")
    sub = _command(commands, "package", "pack a pipeline pickle into model.tar.gz and upload it")
    sub.add_argument("pipeline", help="the pipeline pickle (its autoai-metadata.json goes too)")
    sub.add_argument("destination", help="S3 key, or a prefix ending in / for model.tar.gz")


def _add_hosting_commands(commands) -> None:
    sub = _command(commands, "create-model", "create a SageMaker model of this image")
    sub.add_argument("name", help="the model's name (letters, digits and hyphens)")
    sub.add_argument("--image", required=True, help="the image URI build_and_push.sh printed")
    sub.add_argument(
        "--model-data", required=True, help="model.tar.gz URI (multi-model: the S3 prefix)"
    )
    sub.add_argument(
        "--multi-model",
        action="store_true",
        help="serve every model.tar.gz under the --model-data prefix (default: one model)",
    )
    _role_option(sub)
    _assignments_option(sub, "--env", "an environment variable for the container (repeatable)")

    sub = _command(commands, "create-endpoint", "create an endpoint config and endpoint")
    sub.add_argument("name", help="the endpoint's name (its config gets the same name)")
    sub.add_argument("--model", required=True, help="the model create-model made")
    _instance_options(sub)
    _wait_option(sub)
    _scaling_options(sub)

    sub = _command(commands, "invoke", "send a CSV or JSON file to an endpoint, print the answer")
    sub.add_argument("endpoint", help="the endpoint's name")
    sub.add_argument("file", help="the request body: a .csv or .json file")
    sub.add_argument("--content-type", help="of the body (default: from the file's extension)")
    sub.add_argument(
        "--accept",
        help=(
            "of the answer (default: none sent; the container answers in its "
            "SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT, else the request's type)"
        ),
    )
    sub.add_argument(
        "--target-model", help="on a multi-model endpoint: e.g. churn.tar.gz (default: none)"
    )

    sub = _command(commands, "teardown", "delete an endpoint with its config and models, and more")
    sub.add_argument("--endpoint", help="the endpoint, its config and its models (default: none)")
    sub.add_argument(
        "--model", help="a model of its own, e.g. one used for batch transform (default: none)"
    )
    sub.add_argument(
        "--s3",
        action="append",
        metavar="PREFIX",
        help="delete every object under this S3 prefix (repeatable; default: none)",
    )
    sub.add_argument("--repository", help="an ECR repository, with its images (default: none)")


def _add_job_commands(commands) -> None:
    sub = _command(commands, "train", "run a training job (import, refit or search)")
    sub.add_argument("name", help="the training job's name (letters, digits and hyphens)")
    sub.add_argument("--image", required=True, help="the image URI build_and_push.sh printed")
    sub.add_argument(
        "--training",
        nargs="+",
        required=True,
        help="pipeline pickle and/or data: local files or directories, or one S3 URI",
    )
    sub.add_argument(
        "--validation",
        nargs="+",
        help=(
            "validation data, local or one S3 URI "
            "(default: the job holds out validation_fraction of the training data)"
        ),
    )
    sub.add_argument("--output", required=True, help="S3 prefix for inputs and the model")
    _assignments_option(
        sub, "--hyperparameter", "e.g. target=CHURN, max_evals=20, mode=refit (repeatable)"
    )
    _training_job_options(sub, "the job")  # one instance: `train` is not distributed

    sub = _command(commands, "transform", "run a batch transform job, one output line per line")
    sub.add_argument("name", help="the transform job's name (letters, digits and hyphens)")
    sub.add_argument("--model", required=True, help="the model create-model made")
    sub.add_argument("--input", required=True, help="S3 URI, or a local file or directory")
    sub.add_argument("--output", required=True, help="S3 prefix for the input and results")
    sub.add_argument(
        "--content-type", default="text/csv", help="of the input (default: %(default)s)"
    )
    sub.add_argument(
        "--accept",
        help="of the output (default: none sent; the container answers in the input's type)",
    )
    sub.add_argument(
        "--join",
        action="store_true",
        help="each output line after its input line (default: output only)",
    )
    sub.add_argument(
        "--max-payload-mb", type=int, help="default: the container's /execution-parameters"
    )
    sub.add_argument("--max-concurrent", type=int, help="default: the container's worker count")
    _instance_options(sub)
    _wait_option(sub)


def _add_tune_command(commands) -> None:
    sub = _command(commands, "tune", "run a hyperparameter tuning job: each trial a `train` fit")
    sub.add_argument("name", help="the tuning job's name (letters, digits, hyphens; at most 32)")
    sub.add_argument("--image", required=True, help="the image URI build_and_push.sh printed")
    sub.add_argument(
        "--estimator",
        nargs="+",
        required=True,
        help="estimator(s) to tune, e.g. xgboost random_forest (several: one definition each)",
    )
    sub.add_argument("--training", nargs="+", required=True, help="data: local files or one S3 URI")
    sub.add_argument(
        "--validation",
        nargs="+",
        help="validation data (default: each trial holds out validation_fraction)",
    )
    sub.add_argument("--output", required=True, help="S3 prefix for inputs and the models")
    _assignments_option(
        sub, "--hyperparameter", "a static one for every trial, e.g. target=CHURN (repeatable)"
    )
    sub.add_argument(
        "--range",
        action="append",
        default=[],
        metavar="[ESTIMATOR.]NAME=LOW:HIGH[:log]",
        help="override a built-in range, e.g. max_depth=2:12 (repeatable; default: none)",
    )
    sub.add_argument(
        "--objective",
        help="metric to optimise (default: train:cv_accuracy, train:cv_r2 for regression)",
    )
    sub.add_argument(
        "--max-jobs", type=int, default=20, help="trials in all (default: %(default)s)"
    )
    sub.add_argument(
        "--max-parallel-jobs", type=int, default=2, help="trials at once (default: %(default)s)"
    )
    sub.add_argument(
        "--early-stopping",
        action="store_true",
        help="let AMT stop trials unlikely to improve (default: off)",
    )
    sub.add_argument(
        "--warm-start-from",
        nargs="+",
        default=[],
        metavar="TUNING_JOB",
        help="earlier tuning job(s) to start from (default: none)",
    )
    sub.add_argument(
        "--warm-start-type",
        default="IdenticalDataAndAlgorithm",
        help="or TransferLearning (default: %(default)s)",
    )
    _training_job_options(sub, "each trial")


def _command(commands, name: str, summary: str) -> argparse.ArgumentParser:
    return commands.add_parser(name, help=summary, description=summary)


def _training_job_options(sub: argparse.ArgumentParser, what: str) -> None:
    """What a training job (or each trial of a tuning job) runs with: disk, time, role,
    environment, one instance, and whether to wait."""
    sub.add_argument(
        "--volume-gb", type=int, default=10, help=f"{what}'s disk (default: %(default)s)"
    )
    sub.add_argument(
        "--max-runtime-seconds",
        type=int,
        default=3600,
        help=f"SageMaker stops {what} after this (default: %(default)s)",
    )
    _role_option(sub)
    _assignments_option(sub, "--env", "an environment variable for the container (repeatable)")
    _instance_options(sub, count=False)
    _wait_option(sub)


def _role_option(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--role",
        help="execution role ARN or name (default: SAGEMAKER_ROLE, else the role you run as)",
    )


def _instance_options(sub: argparse.ArgumentParser, count: bool = True) -> None:
    sub.add_argument(
        "--instance-type", default="ml.m5.large", help="SageMaker instance (default: %(default)s)"
    )
    if count:
        sub.add_argument(
            "--instance-count", type=int, default=1, help="instances (default: %(default)s)"
        )


def _scaling_options(sub: argparse.ArgumentParser) -> None:
    scaling = sub.add_argument_group(
        "autoscaling", "Application Auto Scaling of the endpoint's variant: all three, or none"
    )
    scaling.add_argument(
        "--min-instances",
        type=int,
        metavar="N",
        help="instances it starts with and never goes below (default: none, no autoscaling)",
    )
    scaling.add_argument(
        "--max-instances",
        type=int,
        metavar="M",
        help="instances it never goes above (default: none, no autoscaling)",
    )
    scaling.add_argument(
        "--target-invocations",
        type=float,
        metavar="K",
        help=(
            "requests per instance per minute to aim at (SageMakerVariantInvocationsPerInstance;"
            " default: none, no autoscaling)"
        ),
    )


def _wait_option(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--no-wait",
        dest="wait",
        action="store_false",
        help="return once it is created (default: wait until it is ready)",
    )


def _assignments_option(sub: argparse.ArgumentParser, option: str, summary: str) -> None:
    sub.add_argument(
        option,
        metavar="NAME=VALUE",
        type=_assignment,
        action=_Assignments,
        default={},
        help=f"{summary}; default: none",
    )


def _assignment(text: str) -> tuple[str, str]:
    name, equals, value = text.partition("=")
    if not equals or not name.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name.strip(), value


class _Assignments(argparse.Action):
    """Repeated `--env NAME=VALUE` options gathered into one dict."""

    def __call__(self, parser, namespace, value, option_string=None):
        gathered = dict(getattr(namespace, self.dest) or {})
        gathered[value[0]] = value[1]
        setattr(namespace, self.dest, gathered)
