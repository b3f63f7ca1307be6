"""Serving AutoAI pipelines on SageMaker: the handler MMS loads, and the `serve` mode around it."""
