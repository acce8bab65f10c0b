"""A token's vector and its neighbours: what the embedding matrix of a trained model holds.

The embedding matrix has one row per token id. Looking a token up is taking its row — the same as
multiplying a one-hot vector (1 at the id, 0 elsewhere) by the matrix, without the multiplications.
Training moves the rows; tokens used in similar places end up with similar rows. "Similar" is measured by
cosine similarity, the cosine of the angle between two rows: 1 same direction, 0 unrelated, −1 opposite.
"""

from __future__ import annotations

import numpy as np


def one_hot_times_matrix(matrix: np.ndarray, token_id: int) -> np.ndarray:
    """e_id · E, computed as a real product (for comparison with the row look-up)."""
    one_hot = np.zeros(len(matrix), dtype=matrix.dtype)
    one_hot[token_id] = 1
    return one_hot @ matrix


def cosine_similarities(matrix: np.ndarray, token_id: int) -> np.ndarray:
    """cos(row id, row j) for every j, (V,)."""
    rows = matrix.astype(np.float64)
    rows = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    return rows @ rows[token_id]


def nearest(matrix: np.ndarray, token_id: int, k: int = 8) -> list[tuple[int, float]]:
    """The k other tokens whose rows point most nearly the same way as `token_id`'s, with their cosines."""
    similarity = cosine_similarities(matrix, token_id)
    order = [j for j in np.argsort(-similarity, kind="stable") if j != token_id][:k]
    return [(int(j), float(similarity[j])) for j in order]


def group_share(matrix: np.ndarray, group: list[int], k: int = 5) -> float:
    """For each token of `group`, the share of its k nearest neighbours that are in the group too, averaged:
    1 when a group (the digits, the days of the week) keeps to itself, about len(group)/V by chance."""
    members = set(group)
    shares = [sum(j in members for j, _ in nearest(matrix, i, k)) / k for i in group]
    return float(np.mean(shares))
