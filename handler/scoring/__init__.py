"""The toolkit's inference functions and transformer, joining the wire to the model in a worker."""
