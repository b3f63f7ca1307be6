"""What a pipeline pickle file records, read from its bytes with the standard library only.

Nothing here unpickles or imports the serving stack, so `serve`, `train`, the `fingerprint`
command and `python -m deploy package` (on a machine without the runtime's libraries) share it.
"""
