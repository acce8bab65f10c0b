"""Embedding rows: a look-up is a one-hot product; neighbours by cosine on a matrix worked by hand."""

from __future__ import annotations

import numpy as np

from kaibo.models.embedding_neighbours import cosine_similarities, group_share, nearest, one_hot_times_matrix

# rows 0 and 1 point the same way (1 longer), 2 is at 45° from them, 3 at 90°, 4 opposite to 0
MATRIX = np.array([[1.0, 0.0], [3.0, 0.0], [1.0, 1.0], [0.0, 2.0], [-1.0, 0.0]], dtype=np.float32)


def test_a_row_look_up_is_a_one_hot_product() -> None:
    rng = np.random.default_rng(0)
    table = rng.standard_normal((7, 5)).astype(np.float32)
    for token_id in range(7):
        np.testing.assert_array_equal(one_hot_times_matrix(table, token_id), table[token_id])


def test_cosines_and_nearest_on_a_worked_matrix() -> None:
    np.testing.assert_allclose(cosine_similarities(MATRIX, 0), [1, 1, np.sqrt(0.5), 0, -1], atol=1e-12)
    assert [j for j, _ in nearest(MATRIX, 0, 4)] == [1, 2, 3, 4]      # length does not matter, direction does
    (closest, cosine), = nearest(MATRIX, 3, 1)
    assert closest == 2 and abs(cosine - np.sqrt(0.5)) < 1e-12


def test_group_share() -> None:
    # the group {0, 1, 4}: 0's nearest two are 1 and 2 (one in the group), 1's are 0 and 2 (one), 4's are 3, 2
    # (cos 0 and −0.707: none) → (½ + ½ + 0) / 3
    assert group_share(MATRIX, [0, 1, 4], k=2) == (0.5 + 0.5 + 0.0) / 3
