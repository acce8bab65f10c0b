"""What a recurrent model's trace says about the gradient travelling back in time (lesson 9).

With the loss on the last step only, the gradient at h_{t−1} comes from h_t alone, through one step's
Jacobian (the chain rule):

    ∂L/∂h_{t−1} = J_tᵀ ∂L/∂h_t,    J_t = ∂h_t/∂h_{t−1} = diag(1 − h_t²) W_hh   for h_t = tanh(… + W_hh h_{t−1})

So one step back multiplies the gradient's length by at most ‖W_hh‖₂ · max_i (1 − h_{t,i}²): the largest
singular value σ_max of W_hh times the steepest tanh slope at that step (never more than 1). Over many steps
the product of the J_t decides: it shrinks geometrically (vanishing) or grows (exploding). These functions
measure it on a real model; they assert nothing about it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kaibo.errors import InputError
from kaibo.models.char_rnn import CharRNN


def recurrent_blocks(model: CharRNN) -> dict[str, np.ndarray]:
    """The matrices that multiply h_{t−1}, by name, as views into the model's weights (writing them writes
    the model): W_hh for an RNN; W_hr, W_hz, W_hn (reset, update, candidate) for a GRU, each (H, H)."""
    if model.cell == "rnn":
        return {"W_hh": model.rnn.weight_hh_l0.data}
    H = model.hidden_size
    return {name: model.gru.weight_hh.data[k * H:(k + 1) * H] for k, name in enumerate(("W_hr", "W_hz", "W_hn"))}


def spectral_radius(w: np.ndarray) -> float:
    """ρ(W) = the largest |eigenvalue|: how much W^k grows or shrinks a vector per step, for large k."""
    return float(np.abs(np.linalg.eigvals(w)).max())


def largest_singular_value(w: np.ndarray) -> float:
    """σ_max(W) = ‖W‖₂, the most W can stretch any vector in one multiplication (always ≥ ρ(W))."""
    return float(np.linalg.norm(w, 2))


def set_spectral_radius(model: CharRNN, radius: float) -> None:
    """Scale each recurrent matrix (`recurrent_blocks`) so its spectral radius is `radius`: the same random
    directions, only longer or shorter."""
    for w in recurrent_blocks(model).values():
        w *= radius / spectral_radius(w)


@dataclass(frozen=True)
class GradientThroughTime:
    """∂L/∂h_t at every step of one sequence, from one backward pass, and what shapes it.

    Attributes
    ----------
    cell : "rnn" or "gru".
    norms : np.ndarray, shape (T + 1,)
        ‖∂L/∂h_t‖ for t = 0 … T.
    states : np.ndarray, shape (T + 1, H)
        h_0 … h_T.
    factor : float
        The factor per step back, fitted: e^(−slope) of the least-squares line through log ‖∂L/∂h_t‖ against
        t for t = 1 … T, the states the sequence wrote (h_0 is the fixed zero start; the letter enters at h_1).
        Below 1 the gradient vanishes going back, above 1 it explodes.
    fit : np.ndarray, shape (T,)
        That line at t = 1 … T, back on the norms' scale: the geometric sequence closest to the norms.
    radius, sigma_max : float
        ρ and σ_max of the matrix that multiplies h_{t−1} (W_hh; a GRU's candidate block W_hn).
    """

    cell: str
    norms: np.ndarray
    states: np.ndarray
    factor: float
    fit: np.ndarray
    radius: float
    sigma_max: float

    @property
    def ratios(self) -> np.ndarray:
        """(T,) ‖∂L/∂h_{t−1}‖ / ‖∂L/∂h_t‖ for t = 1 … T: what each single step back did to the length."""
        return self.norms[:-1] / self.norms[1:]

    @property
    def reach(self) -> float:
        """‖∂L/∂h_1‖ / ‖∂L/∂h_T‖: how much of the gradient arrives at the state that read the first symbol."""
        return float(self.norms[1] / self.norms[-1])


def fit_geometric(norms: np.ndarray) -> tuple[float, np.ndarray]:
    """The least-squares line through log(norms) against the step: e^(−slope), the geometric factor per step
    back, and the line's values on the norms' scale. The slope of such a line is a weighted average of the
    steps' own log-ratios, so the factor lies between the smallest and the largest single-step ratio."""
    steps = np.arange(len(norms))
    slope, intercept = np.polyfit(steps, np.log(norms), 1)
    return float(np.exp(-slope)), np.exp(intercept + slope * steps)


def gradient_through_time(model: CharRNN, trace: dict[str, np.ndarray]) -> GradientThroughTime:
    """Read ∂L/∂h_t off `model.trace(ids, targets)` for the batch's first sequence (targets given, so the
    trace holds `grad:h{t}`; at least 2 steps, for a line to be fitted)."""
    T = trace["embed"].shape[1]
    if T < 2:
        raise InputError("sequences.error.too_short", got=T)
    states = np.stack([trace[f"h{t}"][0] for t in range(T + 1)]).astype(np.float64)          # (T + 1, H)
    norms = np.array([np.linalg.norm(trace[f"grad:h{t}"][0]) for t in range(T + 1)], dtype=np.float64)
    w = recurrent_blocks(model)["W_hh" if model.cell == "rnn" else "W_hn"]
    factor, fit = fit_geometric(norms[1:])
    return GradientThroughTime(cell=model.cell, norms=norms, states=states, factor=factor, fit=fit,
                               radius=spectral_radius(w), sigma_max=largest_singular_value(w))


def tanh_slopes(states: np.ndarray) -> np.ndarray:
    """tanh'(a) = 1 − tanh(a)² = 1 − h² at every unit of h_1 … h_T: (T, H) from states (T + 1, H). Where a unit
    is saturated (|h| near 1) its slope is near 0, and the gradient through it almost stops."""
    return 1.0 - states[1:] ** 2


def step_bounds(model: CharRNN, states: np.ndarray) -> np.ndarray:
    """(T,) σ_max(W_hh) · max_i (1 − h_{t,i}²) for t = 1 … T: no single step back of an RNN can multiply the
    gradient's length by more (‖diag(s) W‖₂ ≤ max|s| · ‖W‖₂)."""
    return largest_singular_value(recurrent_blocks(model)["W_hh"]) * tanh_slopes(states).max(axis=1)


def rnn_step_parts(model: CharRNN, trace: dict[str, np.ndarray], t: int) -> dict[str, np.ndarray]:
    """The pieces of h_t = tanh(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh) at step t (1 … T) of the first
    sequence, each (H,): `input` W_ih x_t + b_ih, `recurrent` W_hh h_{t−1} + b_hh, their `sum`, and `state`
    tanh(sum), which is h_t."""
    r = model.rnn
    x, h = trace["embed"][0, t - 1], trace[f"h{t - 1}"][0]
    given = r.weight_ih_l0.data @ x + r.bias_ih_l0.data
    carried = r.weight_hh_l0.data @ h + r.bias_hh_l0.data
    return {"input": given, "recurrent": carried, "sum": given + carried, "state": np.tanh(given + carried)}


def update_gates(model: CharRNN, trace: dict[str, np.ndarray]) -> np.ndarray:
    """A GRU's update gate z_t = σ(W_iz x_t + b_iz + W_hz h_{t−1} + b_hz) at t = 1 … T of the first sequence:
    (T, H). h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}, so ∂h_t/∂h_{t−1} holds diag(z_t) as it is: where z ≈ 1 the
    step copies h_{t−1} and passes its gradient back almost unchanged."""
    g, H = model.gru, model.hidden_size
    T = trace["embed"].shape[1]
    x = trace["embed"][0]                                                       # (T, C)
    h = np.stack([trace[f"h{t}"][0] for t in range(T)])                         # h_0 … h_{T−1}: (T, H)
    a = (x @ g.weight_ih.data[H:2 * H].T + g.bias_ih.data[H:2 * H]
         + h @ g.weight_hh.data[H:2 * H].T + g.bias_hh.data[H:2 * H])           # (T, H)
    return 1.0 / (1.0 + np.exp(-a))


def path_lengths(length: int) -> dict[str, np.ndarray]:
    """How many steps a signal from input s passes through to reach the output at t (s ≤ t; NaN for s > t,
    which neither model lets it see): "rnn": t − s + 1 (the cell at s, then one cell per step up to t);
    "attention": 1 (one weighted sum over every earlier position, causal self-attention). (T, T), [t, s]."""
    t, s = np.indices((length, length))
    seen = s <= t
    return {"rnn": np.where(seen, t - s + 1.0, np.nan), "attention": np.where(seen, 1.0, np.nan)}
