"""Building AutoAI-shaped pipelines: the sample data set and the autoai-libs pipeline structure."""
