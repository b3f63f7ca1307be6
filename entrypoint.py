"""Container entry point: SageMaker runs `docker run IMAGE train` or `docker run IMAGE serve`."""

import sys

USAGE = "usage: entrypoint.py serve|train"


def main(argv: list[str]) -> int:
    mode = argv[1] if len(argv) > 1 else None
    if mode == "serve":
        from handler.process.serve import serve

        return serve()
    if mode == "train":
        from training.train import train

        return train()
    print(USAGE, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
