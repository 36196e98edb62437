"""User-facing errors.

Every problem a user can fix (bad data, bad config, a model that does not parse) is raised as an
:class:`InputError`: it names *where* the problem is (file, row, column or key) and *what would
fix it*.  The Snakemake scripts catch it and print only this message, never a bare traceback.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable


class InputError(ValueError):
    """A problem with the user's input, with its location and a suggested fix.

    Parameters
    ----------
    problem : str
        What is wrong, in one sentence.
    file : str, optional
        The file the problem is in (as the user wrote its path).
    where : str, optional
        Row, column, line or key inside the file, e.g. ``"row 17, column NSC2"``.
    fix : str, optional
        What would fix it.
    """

    def __init__(self, problem: str, *, file: str | None = None, where: str | None = None,
                 fix: str | None = None) -> None:
        self.problem = problem
        self.file = file
        self.where = where
        self.fix = fix
        super().__init__(self.message)

    @property
    def message(self) -> str:
        head = ", ".join(x for x in (self.file, self.where) if x)
        text = f"{head}: {self.problem}" if head else self.problem
        if self.fix:
            text += f"\n  fix: {self.fix}"
        return text

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


class EstimationError(RuntimeError):
    """The optimiser could not reach an admissible optimum (non-convergence)."""


def close_matches(name: str, candidates: Iterable[str], n: int = 3) -> str:
    """Return a short "did you mean" phrase for ``name`` among ``candidates`` (may be empty)."""
    cands = [str(c) for c in candidates]
    found = difflib.get_close_matches(name, cands, n=n, cutoff=0.6)
    if not found:
        def norm(s: str) -> str:
            return "".join(ch for ch in s.lower() if ch.isalnum())
        normed = {norm(c): c for c in cands}
        if norm(name) in normed:
            found = [normed[norm(name)]]
        else:
            found = [normed[k] for k in difflib.get_close_matches(norm(name), list(normed), n=n, cutoff=0.75)]
    return f" (did you mean {', '.join(repr(f) for f in found)}?)" if found else ""
