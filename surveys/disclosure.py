"""The adversary: what a participant can work out from published survey figures. Pure.

Every number Alliance publishes about a trust survey is, as far as an adversary is
concerned, a sum: a mean over ratings whose count is known (the shape of the network, who
rated whom, is not secret), a count of ties at a spectrum step, a band of a mean. Treating
each as the exact linear combination it summarises is the strictest reading (rounding and
banding only ever hide more), so the question "can this participant isolate a rating it did
not give?" is a question about linear algebra:

- the unknowns are ratings, keyed so that the same rating in two rounds has the same key
  (an organisation that answers alike each round is the adversary's best case);
- each published figure is a row: the sum of its `component` over the keys in its basis;
- a viewer knows some keys outright: its own ratings, and what others agreed to share
  with it; those columns drop out;
- a sum of unknowns is determined when its indicator vector lies in the row space.

`audit` finds, for each viewer, every determined sum it should not be able to form:

- **rating**: a single rating the viewer did not give (a unique solution);
- **one organisation**: several ratings that all come from one other organisation;
- **fewer than k**: (for a viewer who knows nothing) a sum over fewer than k organisations.

Only sums over "atoms" are examined for the last two: keys that every published figure
either contains together or leaves out together. That is where totals and their parts
leave remainders; a stranger combination (one atom minus another) is not searched for.

Figures of different components never share unknowns (a trust rating and a spectrum step
are different numbers), so each component is solved on its own; components whose figures
have the same bases are solved once. The solver is numpy's SVD over the atoms: a column is
in the row space when its leverage (the squared norm of its row-space projection) is 1.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from threadpoolctl import ThreadpoolController

Key = tuple[int, ...]

#: A leverage this close to 1 means the column lies in the row space. The matrices are
#: 0/1 and small, so a real determination sits at 1 to within about 1e-13.
TOLERANCE = 1e-7


@dataclass(frozen=True)
class Figure:
    """A published number as the sum of `component` over the ratings keyed in `basis`."""

    id: str
    component: str
    basis: frozenset[Key]


@dataclass(frozen=True)
class Viewer:
    """Someone who sees the figures, with what they already know, per component."""

    name: str
    known: Mapping[str, frozenset[Key]] = field(default_factory=dict)


@dataclass(frozen=True)
class Leak:
    viewer: str
    component: str
    kind: str  # "rating", "one organisation" or "fewer than k"
    keys: frozenset[Key]  # the unknown ratings whose sum the viewer can work out
    figures: tuple[str, ...]  # the figures that combine to give it

    def __str__(self) -> str:
        shown = ", ".join(str(k) for k in sorted(self.keys)[:6])
        more = f" and {len(self.keys) - 6} more" if len(self.keys) > 6 else ""
        return (
            f"{self.viewer} can work out {self.kind} ({self.component}: {shown}{more}) "
            f"from {', '.join(self.figures)}"
        )


@dataclass
class _Solved:
    """One component's figures solved with some atoms taken out (known to the viewer)."""

    rows: list[frozenset[Key]]  # the bases with something left in them, in matrix order
    determined: list[int]  # atoms (indices into the family's atoms) in the row space
    columns: dict[int, int]  # atom index -> column of the reduced matrix
    u: np.ndarray
    s: np.ndarray
    vt: np.ndarray

    def bases_for(self, atom: int) -> list[frozenset[Key]]:
        """The bases that the minimal-norm combination giving this atom uses."""
        coefficients = self.u @ (self.vt[:, self.columns[atom]] / self.s)
        return [self.rows[int(i)] for i in np.flatnonzero(np.abs(coefficients) > TOLERANCE)]


def _atoms(bases: list[frozenset[Key]]) -> tuple[list[frozenset[Key]], np.ndarray]:
    """Group keys by the set of bases containing them; the 0/1 matrix bases x atoms."""
    signature: dict[Key, list[int]] = defaultdict(list)
    for row, basis in enumerate(bases):
        for key in basis:
            signature[key].append(row)
    grouped: dict[tuple[int, ...], set[Key]] = defaultdict(set)
    for key, containing in signature.items():
        grouped[tuple(containing)].add(key)
    atoms = []
    matrix = np.zeros((len(bases), len(grouped)))
    for column, (rows, keys) in enumerate(sorted(grouped.items(), key=lambda i: i[0])):
        atoms.append(frozenset(keys))
        matrix[list(rows), column] = 1.0
    return atoms, matrix


@functools.cache
def _blas() -> ThreadpoolController:
    """The BLAS thread pools, found once (finding them takes longer than a decomposition)."""
    return ThreadpoolController()


def _solve(matrix: np.ndarray, rows: list[frozenset[Key]], keep: list[int]) -> _Solved:
    """Solve the figures over the atoms in `keep` (the others are known to the viewer)."""
    reduced = matrix[:, keep]
    used = np.flatnonzero(reduced.any(axis=1))
    reduced = reduced[used]
    if reduced.size == 0:
        empty = np.zeros((0, 0))
        return _Solved([], [], {}, empty, np.zeros(0), empty)
    # One thread: these matrices are small, and BLAS threads fighting over two cores made
    # each decomposition 20 to 100 times slower (ADR 0007).
    with _blas().limit(limits=1):
        u, s, vt = np.linalg.svd(reduced, full_matrices=False)
    rank = int(np.sum(s > max(reduced.shape) * np.finfo(float).eps * s[0] * 16))
    u, s, vt = u[:, :rank], s[:rank], vt[:rank]
    leverage = np.sum(vt**2, axis=0)
    determined = [keep[int(c)] for c in np.flatnonzero(leverage > 1 - TOLERANCE)]
    columns = {atom: i for i, atom in enumerate(keep)}
    return _Solved([rows[int(i)] for i in used], determined, columns, u, s, vt)


def audit(
    figures: Iterable[Figure],
    viewers: Iterable[Viewer],
    *,
    k: int,
    unit: Callable[[str, Key], Key],
) -> list[Leak]:
    """Every sum a viewer can work out that the rules forbid (see the module docstring).

    `unit(component, key)` says whose answer a key is (for a tie, its rater). The anonymous
    viewer (who knows no rating) is always included: it is the one held to "fewer than k";
    every viewer is held to "rating" and "one organisation".
    """
    by_component: dict[str, list[Figure]] = defaultdict(list)
    for figure in figures:
        if figure.basis:
            by_component[figure.component].append(figure)
    everyone = [Viewer("anyone"), *viewers]
    leaks: list[Leak] = []
    families: dict[frozenset[frozenset[Key]], tuple[list[frozenset[Key]], np.ndarray]] = {}
    solved: dict[tuple[frozenset[frozenset[Key]], tuple[int, ...]], _Solved] = {}
    for component, figures_of_component in sorted(by_component.items()):
        ids: dict[frozenset[Key], list[str]] = defaultdict(list)
        for figure in figures_of_component:
            ids[figure.basis].append(figure.id)
        family = frozenset(ids)
        rows = sorted(family, key=lambda basis: sorted(basis))
        if family not in families:
            families[family] = _atoms(rows)
        atoms, matrix = families[family]
        atom_of = {key: i for i, atom in enumerate(atoms) for key in atom}
        kinds: dict[tuple[int, bool], str] = {}  # an untouched atom's kind, per viewer type
        for viewer in everyone:
            known = viewer.known.get(component, frozenset())
            touched = {atom_of[key] for key in known if key in atom_of}
            # Only atoms the viewer knows whole drop out of the matrix; from the others it
            # just subtracts what it knows.
            whole = {i for i in touched if atoms[i] <= known}
            keep = [i for i in range(len(atoms)) if i not in whole]
            cache_key = (family, tuple(sorted(whole)))
            if cache_key not in solved:
                solved[cache_key] = _solve(matrix, rows, keep)
            result = solved[cache_key]
            anyone = viewer.name == "anyone"
            for atom in result.determined:
                if atom in touched:
                    unknown = atoms[atom] - known
                    kind = _kind(component, unknown, anyone, k, unit)
                else:
                    unknown = atoms[atom]
                    if (atom, anyone) not in kinds:
                        kinds[(atom, anyone)] = _kind(component, unknown, anyone, k, unit)
                    kind = kinds[(atom, anyone)]
                if kind:
                    used = sorted(i for basis in result.bases_for(atom) for i in ids[basis])
                    leaks.append(Leak(viewer.name, component, kind, unknown, tuple(used)))
    return leaks


def _kind(
    component: str,
    unknown: frozenset[Key],
    anyone: bool,
    k: int,
    unit: Callable[[str, Key], Key],
) -> str:
    if len(unknown) == 1:
        return "rating"
    enough = k if anyone else 2  # stop counting whose answers they are once it is safe
    units: set[Key] = set()
    for key in unknown:
        units.add(unit(component, key))
        if len(units) >= enough:
            return ""
    if len(units) == 1:
        return "one organisation"
    return "fewer than k"
