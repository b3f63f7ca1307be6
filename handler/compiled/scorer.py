"""The compiled scorer: the estimator's input computed from a plan, or None to leave the request
to the pipeline."""

from __future__ import annotations

import numpy as np

from handler.compiled.shapes import Plan


class CompiledScorer:
    """Computes the features the pipeline's preprocessing would give, from its plan."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self._order = np.asarray(plan.order, dtype=np.intp)

    def features(self, values: np.ndarray) -> np.ndarray | None:
        """The float32 features of the object matrix `values`, C-ordered as the pipeline gives
        them; None when some cell is outside what the plan compiles (the pipeline scores it)."""
        if values.ndim != 2 or values.shape[1] != self.plan.width or not len(values):
            return None
        parts = []
        for block in self.plan.blocks:
            part = block.encoded(values)
            if part is None:
                return None
            parts.append(part)
        joined = parts[0] if len(parts) == 1 else np.concatenate(parts, axis=1)
        return np.ascontiguousarray(joined[:, self._order])

    def describe(self) -> str:
        categorical = sum(len(b.categorical) for b in self.plan.blocks)
        numeric = sum(len(b.columns) for b in self.plan.blocks if b.numeric is not None)
        return f"{categorical} categorical and {numeric} numeric features"
