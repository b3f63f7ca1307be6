"""The processes: `serve` and its model check, Multi Model Server's launch, settings and logs."""
