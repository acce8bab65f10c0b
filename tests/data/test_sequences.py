"""The first-letter task: a letter first, digits after, the answer at the last step only; reproducible from
the generator; bad sizes refused with a message."""

from __future__ import annotations

import numpy as np
import pytest

from kaibo.data.sequences import DIGITS, LETTERS, VOCAB, first_letter_sequences, spell
from kaibo.errors import InputError
from kaibo.models.token_ids import IGNORE


@pytest.mark.parametrize(("count", "length"), [(1, 1), (3, 2), (200, 40)])
def test_a_letter_then_digits_and_the_answer_at_the_end(count: int, length: int) -> None:
    ids, targets = first_letter_sequences(count, length, np.random.default_rng(0))
    assert ids.shape == targets.shape == (count, length)
    assert all(VOCAB[i] in LETTERS for i in ids[:, 0])
    assert all(VOCAB[i] in DIGITS for i in ids[:, 1:].ravel())
    np.testing.assert_array_equal(targets[:, -1], ids[:, 0])
    assert np.all(targets[:, :-1] == IGNORE)


def test_every_letter_and_digit_is_drawn_and_a_seed_repeats() -> None:
    ids, _ = first_letter_sequences(2000, 5, np.random.default_rng(1))
    assert set(ids[:, 0].tolist()) == set(range(len(LETTERS)))
    assert set(ids[:, 1:].ravel().tolist()) == set(range(len(LETTERS), len(VOCAB)))
    again, _ = first_letter_sequences(2000, 5, np.random.default_rng(1))
    np.testing.assert_array_equal(ids, again)


def test_spell_reads_ids_as_symbols() -> None:
    assert spell(np.array([1, 4, 13])) == ["B", "0", "9"]


@pytest.mark.parametrize(("count", "length", "says"), [
    (0, 5, "count"), (3, 0, "length"), (3, 1001, "length"), (2.0, 5, "count"), (True, 5, "count"),
])
def test_bad_sizes_are_refused(count, length, says: str) -> None:
    with pytest.raises(InputError) as error:
        first_letter_sequences(count, length, np.random.default_rng(0))
    assert says in error.value.message("en") and says in error.value.message("ja")
