"""Lesson 9's measurements on a recurrent model: the scaled recurrent matrices, ∂L/∂h_t read off the trace
against a PyTorch twin, the fitted factor, the one-step bound, a step's pieces, the GRU's update gate and
the path lengths of the bridge to attention."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from kaibo.data.sequences import first_letter_sequences
from kaibo.errors import InputError
from kaibo.models import recurrent_gradients as rg
from kaibo.train.recurrence_study import HIDDEN, recurrent_model

CELLS = pytest.mark.parametrize("cell", ["rnn", "gru"])


def traced(cell: str, radius: float | None = None, length: int = 12, seed: int = 0):
    model = recurrent_model(cell, seed, radius, np.float64)
    ids, targets = first_letter_sequences(1, length, np.random.default_rng(seed))
    return model, ids, model.trace(ids, targets)


@pytest.mark.parametrize(("cell", "names"), [("rnn", ["W_hh"]), ("gru", ["W_hr", "W_hz", "W_hn"])])
@pytest.mark.parametrize("radius", [0.3, 1.0, 2.5])
def test_every_recurrent_matrix_gets_the_radius_and_writes_the_model(cell: str, names: list, radius: float) -> None:
    model = recurrent_model(cell, 0, radius, np.float64)
    blocks = rg.recurrent_blocks(model)
    assert list(blocks) == names
    for w in blocks.values():
        assert w.shape == (HIDDEN, HIDDEN)
        assert rg.spectral_radius(w) == pytest.approx(radius)
        assert rg.largest_singular_value(w) >= rg.spectral_radius(w) - 1e-12
    first = next(iter(blocks.values()))
    first[0, 0] = 7.0
    assert next(iter(rg.recurrent_blocks(model).values()))[0, 0] == 7.0


def test_scaling_keeps_the_directions() -> None:
    plain, scaled = recurrent_model("rnn", 3, None, np.float64), recurrent_model("rnn", 3, 2.0, np.float64)
    a, b = rg.recurrent_blocks(plain)["W_hh"], rg.recurrent_blocks(scaled)["W_hh"]
    np.testing.assert_allclose(b, a * (2.0 / rg.spectral_radius(a)))


def torch_norms(model, ids) -> np.ndarray:
    """‖∂L/∂h_t‖ from PyTorch with the same weights: the RNN step written out, nn.GRUCell for the GRU."""
    state = {k: torch.tensor(v) for k, v in model.state_dict().items()}
    x = torch.nn.functional.embedding(torch.tensor(ids), state["embed.weight"])[0]     # (T, C)
    gru = torch.nn.GRUCell(HIDDEN, HIDDEN).double()
    if model.cell == "gru":
        gru.load_state_dict({k.removeprefix("gru."): v for k, v in state.items() if k.startswith("gru.")})
    h = torch.zeros(HIDDEN, dtype=torch.float64, requires_grad=True)
    states = [h]
    for x_t in x:
        if model.cell == "rnn":
            h = torch.tanh(state["rnn.weight_ih_l0"] @ x_t + state["rnn.bias_ih_l0"]
                           + state["rnn.weight_hh_l0"] @ h + state["rnn.bias_hh_l0"])
        else:
            h = gru(x_t[None], h[None])[0]
        h.retain_grad()
        states.append(h)
    logits = state["head.weight"] @ h + state["head.bias"]
    torch.nn.functional.cross_entropy(logits[None], torch.tensor([ids[0, 0]])).backward()
    return np.array([s.grad.norm().item() for s in states])


@CELLS
@pytest.mark.parametrize("radius", [0.5, 2.5])
def test_norms_equal_torch_and_the_factor_fits_them(cell: str, radius: float) -> None:
    model, ids, trace = traced(cell, radius)
    got = rg.gradient_through_time(model, trace)
    np.testing.assert_allclose(got.norms, torch_norms(model, ids), rtol=1e-9)
    assert got.states.shape == (13, HIDDEN) and not got.states[0].any()
    steps = np.arange(1, 13)                     # h_1 … h_T: h_0 is the fixed start, left out of the fit
    slope, intercept = np.polyfit(steps, np.log(got.norms[1:]), 1)
    assert got.factor == pytest.approx(np.exp(-slope))
    np.testing.assert_allclose(got.fit, np.exp(intercept + slope * steps))
    assert got.ratios[1:].min() <= got.factor <= got.ratios[1:].max()
    assert got.reach == pytest.approx(got.norms[1] / got.norms[-1])


@pytest.mark.parametrize(("norms", "factor"), [
    ([1.0, 2.0, 4.0, 8.0], 0.5),                  # doubling forward: halves per step back
    ([27.0, 9.0, 3.0, 1.0], 3.0),
    ([5.0, 5.0, 5.0], 1.0),
])
def test_fit_of_exact_geometric_norms(norms: list, factor: float) -> None:
    got, fit = rg.fit_geometric(np.array(norms))
    assert got == pytest.approx(factor)
    np.testing.assert_allclose(fit, norms)


@pytest.mark.parametrize("radius", [0.3, 1.0, 3.0])
def test_no_step_back_exceeds_its_bound(radius: float) -> None:
    model, _, trace = traced("rnn", radius, length=30)
    got = rg.gradient_through_time(model, trace)
    bounds = rg.step_bounds(model, got.states)
    assert np.all(got.ratios <= bounds + 1e-12)
    assert np.all(bounds <= got.sigma_max + 1e-12)
    slopes = rg.tanh_slopes(got.states)
    assert slopes.shape == (30, HIDDEN) and np.all((slopes > 0) & (slopes <= 1))


@pytest.mark.parametrize(("radius", "vanishes"), [(0.3, True), (3.0, False)])
def test_small_radius_vanishes_large_explodes(radius: float, vanishes: bool) -> None:
    model, _, trace = traced("rnn", radius, length=30)
    got = rg.gradient_through_time(model, trace)
    assert (got.factor < 1 and got.reach < 1e-6) if vanishes else (got.factor > 1 and got.reach > 1e2)


@pytest.mark.parametrize("t", [1, 5, 12])
def test_step_parts_add_up_to_the_traced_state(t: int) -> None:
    model, _, trace = traced("rnn", 0.8)
    parts = rg.rnn_step_parts(model, trace, t)
    np.testing.assert_allclose(parts["sum"], parts["input"] + parts["recurrent"])
    np.testing.assert_allclose(parts["state"], trace[f"h{t}"][0], rtol=1e-12)


def test_update_gate_matches_torch_and_rebuilds_the_state() -> None:
    model, _, trace = traced("gru", 1.0)
    z = rg.update_gates(model, trace)
    H, g = HIDDEN, model.gru
    assert z.shape == (12, H) and np.all((z > 0) & (z < 1))
    for t in (1, 7, 12):
        x, h = torch.tensor(trace["embed"][0, t - 1]), torch.tensor(trace[f"h{t - 1}"][0])
        gi = torch.tensor(g.weight_ih.data) @ x + torch.tensor(g.bias_ih.data)
        gh = torch.tensor(g.weight_hh.data) @ h + torch.tensor(g.bias_hh.data)
        r = torch.sigmoid(gi[:H] + gh[:H])
        expected = torch.sigmoid(gi[H:2 * H] + gh[H:2 * H])
        n = torch.tanh(gi[2 * H:] + r * gh[2 * H:])
        np.testing.assert_allclose(z[t - 1], expected.numpy(), rtol=1e-12)
        np.testing.assert_allclose(((1 - expected) * n + expected * h).numpy(), trace[f"h{t}"][0], rtol=1e-12)


def test_a_single_step_has_no_line_to_fit() -> None:
    model, _, trace = traced("rnn", 1.0, length=1)
    with pytest.raises(InputError) as error:
        rg.gradient_through_time(model, trace)
    assert "2" in error.value.message("en") and "2" in error.value.message("ja")


def test_path_lengths_grow_with_distance_for_the_rnn_only() -> None:
    got = rg.path_lengths(4)
    nan = np.nan
    np.testing.assert_array_equal(got["rnn"], [[1, nan, nan, nan], [2, 1, nan, nan], [3, 2, 1, nan], [4, 3, 2, 1]])
    np.testing.assert_array_equal(got["attention"], [[1, nan, nan, nan], [1, 1, nan, nan], [1, 1, 1, nan],
                                                     [1, 1, 1, 1]])
