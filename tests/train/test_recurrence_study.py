"""The first-letter study in a few steps: training lowers the loss and repeats with its seed, the accuracy is
scored on the fixed test sequences, clipping shortens the gradient to its limit only, bad settings refused."""

from __future__ import annotations

import numpy as np
import pytest

from kaibo.data.sequences import first_letter_sequences
from kaibo.errors import InputError
from kaibo.train import recurrence_study as rs


@pytest.mark.parametrize("cell", ["rnn", "gru"])
def test_a_short_run_learns_a_short_sequence_and_repeats(cell: str) -> None:
    run = rs.train_first_letter(cell, 2, 60, seed=1)
    assert (run.cell, run.length, run.steps, run.seed) == (cell, 2, 60, 1)
    assert run.losses.shape == (60,) and run.losses[-10:].mean() < 0.5 * run.losses[:10].mean()
    assert run.accuracy == rs.first_letter_accuracy(run.model, 2) and run.accuracy > 0.5
    again = rs.train_first_letter(cell, 2, 60, seed=1)
    np.testing.assert_array_equal(run.losses, again.losses)


def test_accuracy_counts_the_last_step_against_the_first_letter() -> None:
    model = rs.recurrent_model("rnn", 0)
    model.head.weight.data[:] = 0.0
    model.head.bias.data[:] = 0.0
    model.head.bias.data[2] = 1.0                    # always says "C": right on the sequences that start with C
    ids, _ = first_letter_sequences(rs.TEST_COUNT, 5, np.random.default_rng(rs.TEST_SEED))
    assert rs.first_letter_accuracy(model, 5) == pytest.approx(np.mean(ids[:, 0] == 2))


def test_a_study_trains_every_cell_at_every_length() -> None:
    study = rs.recurrence_study((2, 3), 5, seed=0)
    assert set(study.runs) == {("rnn", 2), ("gru", 2), ("rnn", 3), ("gru", 3)}
    assert all(run.steps == 5 for run in study.runs.values()) and study.seconds > 0
    for cell in ("rnn", "gru"):
        assert study.learnt(cell, 0.0) == [2, 3] and study.learnt(cell, 1.01) == []


@pytest.mark.parametrize(("radius", "clipped"), [(3.0, True), (0.1, False)])
def test_clipping_shortens_only_a_gradient_longer_than_its_limit(radius: float, clipped: bool) -> None:
    model = rs.recurrent_model("rnn", 0, radius, np.float64)
    ids, targets = first_letter_sequences(1, 40, np.random.default_rng(0))
    limit = 5.0
    before, after = rs.clipped_norm(model, ids, targets, limit)
    assert (before > limit) == clipped
    assert after == pytest.approx(limit if clipped else before, rel=1e-6)
    assert all(p.grad is None for p in model.parameters())


@pytest.mark.parametrize(("cell", "steps", "key"), [
    ("lstm", 5, "char_rnn.error.cell"), ("rnn", 0, "sequences.error.size"), ("gru", 2.5, "sequences.error.size"),
])
def test_bad_settings_are_refused(cell, steps, key: str) -> None:
    with pytest.raises(InputError) as error:
        rs.train_first_letter(cell, 5, steps)
    assert error.value.key == key
