"""Optimizers, schedules and gradient clipping against torch.optim: same parameters, same gradients,
parameters equal after every step."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from kaibo.engine import Tensor, optim
from tests.engine.checks import TOLERANCE

SHAPES = [(3, 4), (4,), (2, 2)]

# name, optimizer class name (the same in both libraries), keyword arguments
OPTIMIZERS = [
    ("SGD", "SGD", dict(lr=0.1)),
    ("SGD momentum", "SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD weight decay", "SGD", dict(lr=0.1, weight_decay=0.1)),
    ("SGD momentum + weight decay", "SGD", dict(lr=0.05, momentum=0.8, weight_decay=0.01)),
    ("Adam", "Adam", dict(lr=0.01)),
    ("Adam defaults", "Adam", dict()),
    ("Adam betas eps", "Adam", dict(lr=0.02, betas=(0.8, 0.95), eps=1e-4)),
    ("Adam weight decay", "Adam", dict(lr=0.01, weight_decay=0.1)),
    ("AdamW", "AdamW", dict(lr=0.01)),
    ("AdamW defaults", "AdamW", dict()),
    ("AdamW strong decay", "AdamW", dict(lr=0.05, betas=(0.5, 0.9), weight_decay=0.3)),
]


def twin_params(dtype=np.float64):
    rng = np.random.default_rng(0)
    values = [rng.standard_normal(s).astype(dtype) for s in SHAPES]
    return [Tensor(v.copy(), requires_grad=True) for v in values], [torch.tensor(v, requires_grad=True) for v in values]


def feed(kparams, tparams, step: int, skip_last_until: int = 0) -> None:
    """The same gradients into both; the last parameter gets none before step `skip_last_until`."""
    rng = np.random.default_rng(100 + step)
    for i, (k, t) in enumerate(zip(kparams, tparams, strict=True)):
        if i == len(kparams) - 1 and step < skip_last_until:
            k.grad, t.grad = None, None
            continue
        g = rng.standard_normal(k.shape).astype(k.dtype)
        k.grad, t.grad = Tensor(g), torch.tensor(g)


def assert_same(kparams, tparams, what: str) -> None:
    for i, (k, t) in enumerate(zip(kparams, tparams, strict=True)):
        tol = TOLERANCE[k.dtype.type]
        assert k.dtype == t.detach().numpy().dtype, f"{what}, param {i}: dtype {k.dtype}"
        np.testing.assert_allclose(k.data, t.detach().numpy(), **tol, err_msg=f"{what}, param {i}")


@pytest.mark.parametrize(
    "skip_last_until, dtype",
    [(0, np.float64), (3, np.float64), (0, np.float32)],
    ids=["all grads", "one param frozen for 3 steps", "float32"],
)
@pytest.mark.parametrize("name, cls, kwargs", OPTIMIZERS, ids=[o[0] for o in OPTIMIZERS])
def test_optimizer_matches_torch(name, cls, kwargs, skip_last_until, dtype) -> None:
    kparams, tparams = twin_params(dtype)
    kopt, topt = getattr(optim, cls)(kparams, **kwargs), getattr(torch.optim, cls)(tparams, **kwargs)
    for step in range(6):
        feed(kparams, tparams, step, skip_last_until)
        kopt.step()
        topt.step()
        assert_same(kparams, tparams, f"after step {step + 1}")


@pytest.mark.parametrize("cls", ["SGD", "Adam", "AdamW"])
def test_param_groups_with_their_own_settings(cls) -> None:
    """nanoGPT's two groups: weight decay for matrices, none for biases and norms, here also another lr."""
    kparams, tparams = twin_params()
    kopt, topt = (
        getattr(lib, cls)(
            [{"params": p[:1], "weight_decay": 0.1}, {"params": p[1:], "weight_decay": 0.0, "lr": 0.003}],
            lr=0.02,
            **({"momentum": 0.9} if cls == "SGD" else {}),
        )
        for lib, p in ((optim, kparams), (torch.optim, tparams))
    )
    for step in range(4):
        feed(kparams, tparams, step)
        kopt.step()
        topt.step()
        assert_same(kparams, tparams, f"after step {step + 1}")


def test_param_group_lr_is_read_at_each_step() -> None:
    kparams, tparams = twin_params()
    kopt, topt = optim.SGD(kparams, lr=0.1, momentum=0.9), torch.optim.SGD(tparams, lr=0.1, momentum=0.9)
    for step, lr in enumerate([0.1, 0.01, 0.5]):
        kopt.param_groups[0]["lr"] = topt.param_groups[0]["lr"] = lr
        feed(kparams, tparams, step)
        kopt.step()
        topt.step()
        assert_same(kparams, tparams, f"lr {lr}")


def test_optimizer_zero_grad() -> None:
    kparams, _ = twin_params()
    opt = optim.Adam(kparams)
    for p in kparams:
        p.grad = Tensor(np.ones(p.shape))
    opt.zero_grad()
    assert all(p.grad is None or not p.grad.data.any() for p in kparams)


SCHEDULES = [(10, 50, 0.0), (10, 50, 0.1), (0, 20, 0.2), (5, 6, 0.0)]


@pytest.mark.parametrize("warmup, total, min_ratio", SCHEDULES)
def test_lambda_lr_with_cosine_warmup_matches_torch(warmup, total, min_ratio) -> None:
    factor = optim.cosine_with_warmup(warmup, total, min_ratio=min_ratio)
    kparams, tparams = twin_params()
    kopt, topt = optim.AdamW(kparams, lr=0.1), torch.optim.AdamW(tparams, lr=0.1)
    ksched = optim.LambdaLR(kopt, factor)
    tsched = torch.optim.lr_scheduler.LambdaLR(topt, factor)
    for step in range(total + 2):
        np.testing.assert_allclose(ksched.get_last_lr(), tsched.get_last_lr(), rtol=1e-12, err_msg=f"step {step}")
        assert kopt.param_groups[0]["lr"] == pytest.approx(topt.param_groups[0]["lr"], rel=1e-12)
        feed(kparams, tparams, step)
        kopt.step()
        topt.step()
        ksched.step()
        tsched.step()
        assert_same(kparams, tparams, f"step {step}")


@pytest.mark.parametrize(
    "step, expected",
    [
        (0, 0.0),  # warmup starts from zero
        (5, 0.5),  # halfway up
        (10, 1.0),  # the top, where warmup ends
        (60, 0.1 + 0.9 * 0.5),  # halfway down the cosine: cos(pi/2) = 0
        (35, 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi / 4))),
        (110, 0.1),  # the floor at total_steps
    ],
)
def test_cosine_with_warmup_shape(step, expected) -> None:
    assert optim.cosine_with_warmup(10, 110, min_ratio=0.1)(step) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("max_norm", [0.5, 3.0, 100.0], ids=["clips hard", "clips a little", "no clipping"])
def test_clip_grad_norm_matches_torch(max_norm) -> None:
    kparams, tparams = twin_params()
    feed(kparams, tparams, 0)
    knorm = optim.clip_grad_norm_(kparams, max_norm)
    tnorm = torch.nn.utils.clip_grad_norm_(tparams, max_norm)
    assert float(knorm.item() if hasattr(knorm, "item") else knorm) == pytest.approx(tnorm.item(), rel=1e-12)
    for k, t in zip(kparams, tparams, strict=True):
        np.testing.assert_allclose(k.grad.data, t.grad.numpy(), rtol=1e-12)
