"""`python -m deploy`: build-and-push helpers, model artifacts, endpoints, jobs and teardown.

Each subcommand prints its result (a URI, a name, a status, the endpoint's answer) on stdout, so
it can be captured in a shell variable, and progress on stderr. Every failure is one line on
stderr and exit status 1: missing credentials, region or role, a refused AWS call, a failed job.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import botocore.exceptions

from deploy import artifacts, hosting, jobs, registry
from deploy.aws import Aws, DeployError, connect

CONTENT_TYPES = {".csv": "text/csv", ".json": "application/json", ".jsonl": "application/jsonlines"}


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    progress = logging.StreamHandler(sys.stderr)
    progress.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("deploy")
    logger.addHandler(progress)
    logger.setLevel(logging.INFO)
    try:
        aws = connect(arguments.region, arguments.profile)
        result = arguments.run(aws, arguments)
    except DeployError as error:
        return _fail(str(error))
    except botocore.exceptions.ClientError as error:
        details = error.response["Error"]
        return _fail(f"AWS refused {error.operation_name}: {details['Code']}: {details['Message']}")
    except botocore.exceptions.BotoCoreError as error:
        return _fail(str(error))
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


def _teardown(aws: Aws, arguments) -> list[str]:
    if not (arguments.endpoint or arguments.model or arguments.s3 or arguments.repository):
        raise DeployError("name what to delete: --endpoint, --model, --s3 and/or --repository")
    deleted = hosting.teardown(aws, endpoint=arguments.endpoint, model=arguments.model)
    for prefix in arguments.s3 or ():
        deleted.append(f"{artifacts.delete_objects(aws, prefix)} objects under {prefix}")
    if arguments.repository and registry.delete_repository(aws, arguments.repository):
        deleted.append(f"repository {arguments.repository} with its images")
    return deleted or ["nothing to delete"]


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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m deploy", description="Deploy AutoAI pipelines to Amazon SageMaker."
    )
    parser.add_argument("--region", help="AWS region (default: AWS_REGION or your AWS config)")
    parser.add_argument("--profile", help="AWS profile (default: AWS_PROFILE or the default one)")
    commands = parser.add_subparsers(title="subcommands", required=True, metavar="SUBCOMMAND")

    def command(name: str, run, help: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.set_defaults(run=run)
        return sub

    def env_option(sub: argparse.ArgumentParser, what: str) -> None:
        sub.add_argument(
            "--env",
            metavar="NAME=VALUE",
            type=_assignment,
            action=_Assignments,
            default={},
            help=f"an environment variable for the {what} (repeat for more)",
        )

    def role_option(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--role",
            help="execution role ARN or name (default: SAGEMAKER_ROLE, else the role you run as)",
        )

    def instance_options(sub: argparse.ArgumentParser, count: bool = True) -> None:
        sub.add_argument("--instance-type", default="ml.m5.large")
        if count:  # training runs on one instance: `train` is not distributed
            sub.add_argument("--instance-count", type=int, default=1)

    def wait_option(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--no-wait", dest="wait", action="store_false", help="return once it is created"
        )

    command("default-bucket", _default_bucket, "print SageMaker's default bucket (made if missing)")
    sub = command("repository", _repository, "print an ECR repository's URI (made if missing)")
    sub.add_argument("name")
    command("login-password", _login_password, "print the ECR password for docker login")

    sub = command("package", _package, "pack a pipeline pickle into model.tar.gz and upload it")
    sub.add_argument("pipeline", help="the pipeline pickle (its autoai-metadata.json goes too)")
    sub.add_argument("destination", help="S3 key, or a prefix ending in / for model.tar.gz")

    sub = command("create-model", _create_model, "create a SageMaker model of this image")
    sub.add_argument("name")
    sub.add_argument("--image", required=True, help="the image URI build_and_push.sh printed")
    sub.add_argument(
        "--model-data", required=True, help="model.tar.gz URI (multi-model: the S3 prefix)"
    )
    sub.add_argument("--multi-model", action="store_true", help="serve every model under a prefix")
    role_option(sub)
    env_option(sub, "container")

    sub = command("create-endpoint", _create_endpoint, "create an endpoint config and endpoint")
    sub.add_argument("name")
    sub.add_argument("--model", required=True)
    instance_options(sub)
    wait_option(sub)

    sub = command("invoke", _invoke, "send a CSV or JSON file to an endpoint, print the answer")
    sub.add_argument("endpoint")
    sub.add_argument("file")
    sub.add_argument("--content-type", help="default: from the file's extension")
    sub.add_argument("--accept")
    sub.add_argument("--target-model", help="on a multi-model endpoint: e.g. churn.tar.gz")

    sub = command("train", _train, "run a training job (import, refit or search)")
    sub.add_argument("name")
    sub.add_argument("--image", required=True)
    sub.add_argument(
        "--training",
        nargs="+",
        required=True,
        help="pipeline pickle and/or data: local files or directories, or one S3 URI",
    )
    sub.add_argument("--validation", nargs="+", help="validation data, local or one S3 URI")
    sub.add_argument("--output", required=True, help="S3 prefix for inputs and the model")
    sub.add_argument(
        "--hyperparameter",
        metavar="NAME=VALUE",
        type=_assignment,
        action=_Assignments,
        default={},
        help="e.g. target=CHURN, max_evals=20, mode=refit (repeat for more)",
    )
    sub.add_argument("--volume-gb", type=int, default=10)
    sub.add_argument("--max-runtime-seconds", type=int, default=3600)
    role_option(sub)
    env_option(sub, "training container")
    instance_options(sub, count=False)
    wait_option(sub)

    sub = command("transform", _transform, "run a batch transform job, one output line per line")
    sub.add_argument("name")
    sub.add_argument("--model", required=True)
    sub.add_argument("--input", required=True, help="S3 URI, or a local file or directory")
    sub.add_argument("--output", required=True, help="S3 prefix for the input and results")
    sub.add_argument("--content-type", default="text/csv")
    sub.add_argument("--accept")
    sub.add_argument("--join", action="store_true", help="each output line after its input line")
    sub.add_argument(
        "--max-payload-mb", type=int, help="default: the container's /execution-parameters"
    )
    sub.add_argument("--max-concurrent", type=int, help="default: the container's worker count")
    instance_options(sub)
    wait_option(sub)

    sub = command("teardown", _teardown, "delete an endpoint with its config and models, and more")
    sub.add_argument("--endpoint")
    sub.add_argument("--model", help="a model of its own, e.g. one used for batch transform")
    sub.add_argument("--s3", action="append", metavar="PREFIX", help="delete every object under it")
    sub.add_argument("--repository", help="an ECR repository, with its images")
    return parser
