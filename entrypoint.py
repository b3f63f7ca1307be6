"""Container entry point: SageMaker runs `docker run IMAGE train` or `docker run IMAGE serve`.

`describe MODEL_DIR --training-data FILE` writes the metadata of a bare Watson pickle (in the
runtime's venv); `fingerprint FILE...` names the AutoAI runtime each pickle needs (any Python 3.9+).
"""

import sys

USAGE = (
    "usage: entrypoint.py serve|train|describe MODEL_DIR --training-data FILE|fingerprint FILE..."
)


def main(argv: list[str]) -> int:
    mode = argv[1] if len(argv) > 1 else None
    if mode == "serve":
        from handler.process.serve import serve

        return serve()
    if mode == "train":
        from training.train import train

        return train()
    if mode == "describe":
        from training.describe import main as describe

        return describe(argv[2:])
    if mode == "fingerprint":
        from pickle_facts.command import main as fingerprint

        return fingerprint(argv[2:])
    print(USAGE, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
