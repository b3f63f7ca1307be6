"""The model: finding and safely loading the pickle, what it records, its schema and its answers."""
