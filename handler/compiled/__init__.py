"""The compiled scorer: an AutoAI pipeline's preprocessing rebuilt, at load, as array operations.

`shapes` walks a fitted pipeline and either plans its features or declines it whole;
`categorical` turns each categorical column's chain into one lookup, `numeric` the numeric chain
into float64 operations; `scorer` computes the estimator's input from them; `proof` compares
compiled and pipeline bit for bit before the compiled scorer may serve; `selection` applies
`AUTOAI_SCORER` and logs which scorer serves. See docs/compiled-scoring.md.
"""
