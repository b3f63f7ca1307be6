"""Why the compiled scorer does not take a pipeline: one error carrying a reason for the log."""


class Declined(Exception):
    """The pipeline has a step or parameter the compiled scorer was not taught: the pipeline
    scores, whole."""
