"""`python -m deploy`: build-and-push helpers, model artifacts, endpoints, jobs and teardown.

Each subcommand prints its result (a URI, a name, a status, the endpoint's answer) on stdout, so
it can be captured in a shell variable, and progress on stderr. Every failure is one line on
stderr and exit status 1: missing credentials, region or role, a refused AWS call, a failed job,
a file that cannot be read.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import botocore.exceptions

from deploy import artifacts, hosting, jobs, registry, scaling, tuning, tuning_progress
from deploy.aws import WAIT_LIMIT_SECONDS, Aws, DeployError, connect
from deploy.parser import build_parser
from deploy.tuning_ranges import parse_range

CONTENT_TYPES = {".csv": "text/csv", ".json": "application/json", ".jsonl": "application/jsonlines"}


def main(argv: list[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    progress = logging.StreamHandler(sys.stderr)
    progress.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("deploy")
    logger.addHandler(progress)
    logger.setLevel(logging.INFO)
    try:
        aws = connect(arguments.region, arguments.profile)
        result = RUNNERS[arguments.command](aws, arguments)
    except DeployError as error:
        return _fail(str(error))
    except botocore.exceptions.ClientError as error:
        details = error.response["Error"]
        return _fail(f"AWS refused {error.operation_name}: {details['Code']}: {details['Message']}")
    except (botocore.exceptions.BotoCoreError, OSError) as error:
        return _fail(str(error))
    except KeyboardInterrupt:
        _fail("interrupted: what was created goes on in SageMaker (see `teardown`)")
        return 130
    finally:
        logger.removeHandler(progress)
    if isinstance(result, bytes):
        sys.stdout.buffer.write(result)
    elif isinstance(result, list):
        print("\n".join(result))
    elif result is not None:
        print(result)
    return 0


def _fail(message: str) -> int:
    print(f"deploy: {message}", file=sys.stderr)
    return 1


def _default_bucket(aws: Aws, arguments) -> str:
    return artifacts.default_bucket(aws)


def _repository(aws: Aws, arguments) -> str:
    return registry.repository_uri(aws, arguments.name)


def _login_password(aws: Aws, arguments) -> str:
    return registry.login_password(aws)


def _package(aws: Aws, arguments) -> str:
    return artifacts.upload_model(aws, Path(arguments.pipeline), arguments.destination)


def _create_model(aws: Aws, arguments) -> str:
    return hosting.create_model(
        aws,
        arguments.name,
        arguments.image,
        arguments.model_data,
        role=arguments.role,
        environment=arguments.env,
        multi_model=arguments.multi_model,
    )


def _create_endpoint(aws: Aws, arguments) -> str:
    return hosting.create_endpoint(
        aws,
        arguments.name,
        arguments.model,
        instance_type=arguments.instance_type,
        instance_count=arguments.instance_count,
        wait=arguments.wait,
        scaling=scaling.from_options(
            arguments.min_instances, arguments.max_instances, arguments.target_invocations
        ),
    )


def _invoke(aws: Aws, arguments) -> bytes:
    path = Path(arguments.file)
    content_type = arguments.content_type or CONTENT_TYPES.get(path.suffix.lower())
    if content_type is None:
        raise DeployError(
            f"cannot tell the content type of {path.name}: pass --content-type "
            f"({', '.join(CONTENT_TYPES.values())})"
        )
    if not path.is_file():
        raise DeployError(f"no file at {path}")
    return hosting.invoke(
        aws,
        arguments.endpoint,
        path.read_bytes(),
        content_type,
        accept=arguments.accept,
        target_model=arguments.target_model,
    )


def _train(aws: Aws, arguments) -> str:
    return jobs.train(
        aws,
        arguments.name,
        arguments.image,
        arguments.training,
        arguments.output,
        hyperparameters=arguments.hyperparameter,
        validation=arguments.validation or (),
        role=arguments.role,
        environment=arguments.env,
        resources=jobs.Resources(arguments.instance_type),
        volume_gb=arguments.volume_gb,
        max_runtime_seconds=arguments.max_runtime_seconds,
        wait=arguments.wait,
    )


def _transform(aws: Aws, arguments) -> str:
    return jobs.transform(
        aws,
        arguments.name,
        arguments.model,
        arguments.input,
        arguments.output,
        content_type=arguments.content_type,
        accept=arguments.accept,
        join_input=arguments.join,
        max_payload_mb=arguments.max_payload_mb,
        max_concurrent=arguments.max_concurrent,
        resources=jobs.Resources(arguments.instance_type, arguments.instance_count),
        wait=arguments.wait,
    )


def _tune(aws: Aws, arguments) -> str:
    search = tuning.Search(
        estimators=[e.strip().lower() for e in arguments.estimator],
        ranges=[parse_range(text) for text in arguments.range],
        objective=arguments.objective,
        max_jobs=arguments.max_jobs,
        max_parallel_jobs=arguments.max_parallel_jobs,
        early_stopping=arguments.early_stopping,
        warm_start_from=arguments.warm_start_from,
        warm_start_type=arguments.warm_start_type,
    )
    trials = tuning.Trials(
        image=arguments.image,
        hyperparameters=arguments.hyperparameter,
        environment=arguments.env,
        resources=jobs.Resources(arguments.instance_type),
        volume_gb=arguments.volume_gb,
        max_runtime_seconds=arguments.max_runtime_seconds,
    )
    tuning.create(
        aws,
        arguments.name,
        search,
        trials,
        arguments.training,
        arguments.output,
        validation=arguments.validation or (),
        role=arguments.role,
    )
    sagemaker = aws.client("sagemaker")
    if not arguments.wait:
        description = sagemaker.describe_hyper_parameter_tuning_job(
            HyperParameterTuningJobName=arguments.name
        )
        return description["HyperParameterTuningJobStatus"]
    # Trials run max_parallel_jobs at a time, each for up to max_runtime_seconds.
    rounds = -(-search.max_jobs // search.max_parallel_jobs)
    limit = rounds * trials.max_runtime_seconds + WAIT_LIMIT_SECONDS
    description = tuning_progress.follow(aws, arguments.name, limit)
    return tuning_progress.best_model(aws, description)


def _teardown(aws: Aws, arguments) -> list[str]:
    if not (arguments.endpoint or arguments.model or arguments.s3 or arguments.repository):
        raise DeployError("name what to delete: --endpoint, --model, --s3 and/or --repository")
    deleted = hosting.teardown(aws, endpoint=arguments.endpoint, model=arguments.model)
    for prefix in arguments.s3 or ():
        deleted.append(f"{artifacts.delete_objects(aws, prefix)} objects under {prefix}")
    if arguments.repository and registry.delete_repository(aws, arguments.repository):
        deleted.append(f"repository {arguments.repository} with its images")
    return deleted or ["nothing to delete"]


RUNNERS = {
    "default-bucket": _default_bucket,
    "repository": _repository,
    "login-password": _login_password,
    "package": _package,
    "create-model": _create_model,
    "create-endpoint": _create_endpoint,
    "invoke": _invoke,
    "teardown": _teardown,
    "train": _train,
    "transform": _transform,
    "tune": _tune,
}
