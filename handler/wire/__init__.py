"""The request path on the wire: media types, bodies to typed rows, predictions to bodies."""
