"""The reader's integer program over a component of unknown cells (HiGHS, scipy milp fallback)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    pass

# highspy and scipy are imported where a program is built or solved: a process that never
# protects a table (the upload check's worker) does not pay their second of imports.

_BIG = 1e9
"""Upper bound of an unknown in the integer programs (stands for "no bound")."""


class _Program:
    """The reader's integer program over one component of unknown cells: each quantity of each
    unknown is a whole number (hidden: at least its lower bound, otherwise at least 0); every
    equation holds with the known cells moved to the right; a numerator is at most its
    denominator.

    Solved as a linear program by HiGHS (highspy), kept loaded between objectives so each solve
    starts from the last basis (a fraction of a millisecond). A vertex that is whole numbers is
    the integer optimum too (the area relations are two nested families, a totally unimodular
    matrix, so this is the usual case); otherwise scipy's ``milp`` solves it as an integer
    program."""

    def __init__(
        self,
        cells: np.ndarray,
        equations: list[tuple[int, np.ndarray]],
        q: np.ndarray,
        known: np.ndarray,
        hidden: np.ndarray,
        public: np.ndarray,
        lower: np.ndarray,
    ) -> None:
        import highspy
        from scipy.sparse import coo_array

        self.cells = cells
        self.columns = q.shape[1]
        where = {int(c): k for k, c in enumerate(cells)}
        unknown = (hidden & ~public) | ~known
        rows, cols, vals, rhs = [], [], [], []
        r = 0
        for p, cs in equations:
            members = np.concatenate(([p], cs))
            signs = np.concatenate(([1.0], np.full(len(cs), -1.0)))
            for j in range(self.columns):
                constant = 0.0
                for m, sign in zip(members.tolist(), signs.tolist(), strict=True):
                    if unknown[m]:
                        rows.append(r)
                        cols.append(where[m] * self.columns + j)
                        vals.append(sign)
                    else:
                        constant += sign * q[m, j]
                rhs.append(-constant)
                r += 1
        n_vars = len(cells) * self.columns
        low, high = list(rhs), list(rhs)
        if self.columns == 2:
            for k in range(len(cells)):
                rows += [r, r]
                cols += [2 * k, 2 * k + 1]
                vals += [1.0, -1.0]
                low.append(-np.inf)
                high.append(0.0)
                r += 1
        self.matrix = coo_array((vals, (rows, cols)), shape=(r, n_vars)).tocsc()
        self.row_lower = np.array(low, dtype="float64")
        self.row_upper = np.array(high, dtype="float64")
        self.lower = lower.reshape(-1).astype("float64")
        self.n_vars = n_vars
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        lp = highspy.HighsLp()
        lp.num_col_ = n_vars
        lp.num_row_ = r
        lp.col_cost_ = np.zeros(n_vars)
        lp.col_lower_ = self.lower
        lp.col_upper_ = np.full(n_vars, _BIG)
        lp.row_lower_ = np.where(np.isinf(self.row_lower), -highspy.kHighsInf, self.row_lower)
        lp.row_upper_ = self.row_upper
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = self.matrix.indptr
        lp.a_matrix_.index_ = self.matrix.indices
        lp.a_matrix_.value_ = self.matrix.data
        self.highs.passModel(lp)
        self.everything = np.arange(n_vars, dtype=np.int32)

    def solve(self, k: int, j: int, *, maximise: bool) -> np.ndarray | None:
        """A feasible point (cells × quantities) with quantity j of cell k as high (low) as it can
        go, or None if the solver finds none."""
        weights = np.zeros((len(self.cells), self.columns))
        weights[k, j] = 1.0 if maximise else -1.0
        return self.solve_weighted(weights)

    def solve_weighted(self, weights: np.ndarray) -> np.ndarray | None:
        """A whole-number feasible point maximising the weighted sum of the quantities
        (cells × quantities), or None if the solver finds none."""
        import highspy
        from scipy.optimize import Bounds, LinearConstraint, milp

        cost = -weights.reshape(-1).astype("float64")
        self.highs.changeColsCost(self.n_vars, self.everything, cost)
        self.highs.run()
        if self.highs.getModelStatus() == highspy.HighsModelStatus.kOptimal:
            x = np.asarray(self.highs.getSolution().col_value)
            if np.abs(x - np.round(x)).max(initial=0.0) < 1e-6:
                return np.round(x).reshape(len(self.cells), self.columns)
        result = milp(
            cost,
            constraints=[LinearConstraint(self.matrix, self.row_lower, self.row_upper)],
            integrality=np.ones(self.n_vars),
            bounds=Bounds(self.lower, np.full(self.n_vars, _BIG)),
        )
        if result.x is None:
            return None
        return np.round(result.x).reshape(len(self.cells), self.columns)


def _components(size: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Connected components of the graph with edges a[k]-b[k] over nodes 0..size-1: each node's
    label is the smallest node of its component."""
    label = np.arange(size)
    while True:
        low = np.minimum(label[a], label[b])
        new = label.copy()
        np.minimum.at(new, a, low)
        np.minimum.at(new, b, low)
        new = new[new]
        if np.array_equal(new, label):
            return label
        label = new
