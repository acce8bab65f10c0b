"""Each module against its PyTorch twin with the same weights (copied by state_dict name): output, input
gradient and every parameter gradient. The composed check runs a small transformer block into a
cross-entropy loss in both libraries. Then state_dict round trips, train/eval and zero_grad."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from kaibo.engine import Tensor, manual_seed, nn
from kaibo.engine.nn.positions import rotary_angles
from tests.engine.checks import KAIBO, TOLERANCE, TORCH, gradcheck, torch_rotate_pairs


class TorchCausalSelfAttention(torch.nn.Module):
    """nanoGPT's causal self-attention in plain torch ops: the twin kaibo's module is held to."""

    def __init__(self, n_embd: int, n_head: int, dropout: float = 0.0, bias: bool = True, rope: bool = False) -> None:
        super().__init__()
        self.c_attn = torch.nn.Linear(n_embd, 3 * n_embd, bias=bias)
        self.c_proj = torch.nn.Linear(n_embd, n_embd, bias=bias)
        self.n_head, self.rope = n_head, rope

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, C = x.shape
        H, D = self.n_head, C // self.n_head
        q, k, v = self.c_attn(x).split(C, dim=2)  # 3 × (B, T, C)
        q, k, v = (t.view(B, T, H, D).transpose(1, 2) for t in (q, k, v))  # (B, H, T, D)
        if self.rope:
            q, k = (torch_rotate_pairs(t, *rotary_angles(T, D)) for t in (q, k))
        att = q @ k.transpose(-2, -1) / math.sqrt(D)  # (B, H, T, T)
        future = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
        att = torch.softmax(att.masked_fill(future, float("-inf")), dim=-1)
        y = (att @ v).transpose(1, 2).reshape(B, T, C)  # heads side by side again: (B, T, C)
        return self.c_proj(y)


TNN = SimpleNamespace(**{k: getattr(torch.nn, k) for k in dir(torch.nn) if k[0].isupper()})
TNN.CausalSelfAttention = TorchCausalSelfAttention
NN = {"kaibo": nn, "torch": TNN}
TORCH_DTYPE = {np.float64: torch.float64, np.float32: torch.float32}


def block(nn):
    """x → LayerNorm → attention → residual → LayerNorm → Linear head, written once for both libraries."""

    class Block(nn.Module):
        def __init__(self, C: int = 8, H: int = 2, V: int = 7) -> None:
            super().__init__()
            self.ln_1 = nn.LayerNorm(C)
            self.attn = nn.CausalSelfAttention(C, H)
            self.ln_2 = nn.LayerNorm(C)
            self.head = nn.Linear(C, V)

        def forward(self, x):
            x = x + self.attn(self.ln_1(x))  # (B, T, C)
            return self.head(self.ln_2(x))  # (B, T, V)

    return Block()


TARGETS = np.array([[1, 6, 0, 3, 3], [2, -100, 5, 5, 0]])  # -100: a padded position, ignored


def next_token_loss(lib, logits):
    B, T, V = logits.shape
    return lib.F.cross_entropy(logits.reshape(B * T, V), lib.tensor(TARGETS.reshape(B * T)))


RNG = np.random.default_rng(7)
normal, uniform = RNG.standard_normal, RNG.random
IDS = np.array([[1, 4, 1], [0, 9, 4]])

# name, build(nn) → module, input array, head(lib, output) → what is compared and backpropagated
MODULES = [
    ("Linear", lambda nn: nn.Linear(4, 3), normal((2, 5, 4)), None),
    ("Linear no bias", lambda nn: nn.Linear(4, 3, bias=False), normal((3, 4)), None),
    ("Embedding", lambda nn: nn.Embedding(10, 4), IDS, None),
    ("LayerNorm", lambda nn: nn.LayerNorm(4), normal((2, 3, 4)), None),
    ("LayerNorm eps", lambda nn: nn.LayerNorm(4, eps=0.5), normal((3, 4)) * 0.3, None),
    ("MLP", lambda nn: nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3)), uniform((5, 4)), None),
    ("squash", lambda nn: nn.Sequential(nn.Linear(4, 4), nn.Tanh(), nn.Sigmoid()), normal((5, 4)), None),
    ("GELU", lambda nn: nn.Sequential(nn.Linear(4, 6), nn.GELU(approximate="tanh")), uniform((5, 4)), None),
    ("Dropout p=0", lambda nn: nn.Sequential(nn.Linear(4, 6), nn.Dropout(0.0)), uniform((5, 4)), None),
    ("CausalSelfAttention", lambda nn: nn.CausalSelfAttention(8, 2), normal((2, 5, 8)), None),
    ("attention no bias", lambda nn: nn.CausalSelfAttention(8, 4, bias=False), normal((3, 6, 8)), None),
    ("attention dropout, eval", lambda nn: nn.CausalSelfAttention(8, 2, dropout=0.5).eval(), normal((2, 4, 8)), None),
    ("attention T=1", lambda nn: nn.CausalSelfAttention(6, 3), normal((2, 1, 6)), None),
    ("attention RoPE", lambda nn: nn.CausalSelfAttention(8, 2, rope=True), normal((2, 5, 8)), None),
    ("composed block → cross_entropy", block, normal((2, 5, 8)), next_token_loss),
    ("Conv2d", lambda nn: nn.Conv2d(3, 4, 3), normal((2, 3, 6, 5)), None),
    (
        "Conv2d (3,2) stride 2 padding 1 no bias",
        lambda nn: nn.Conv2d(2, 3, (3, 2), 2, 1, bias=False),
        normal((2, 2, 7, 6)),
        None,
    ),
    ("MaxPool2d 3 stride 1 padding 1", lambda nn: nn.MaxPool2d(3, stride=1, padding=1), normal((2, 3, 5, 5)), None),
    (
        "small CNN",
        lambda nn: nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(4, 2, 2)),
        normal((2, 1, 8, 8)),
        None,
    ),
]


def twins(build, dtype):
    """The module in both libraries, kaibo's weights copied into torch's by name."""
    km, tm = build(NN["kaibo"]), build(NN["torch"]).to(TORCH_DTYPE[dtype])
    kparams, tparams = dict(km.named_parameters()), dict(tm.named_parameters())
    assert sorted(kparams) == sorted(tparams), "parameter names differ from PyTorch's"
    state = km.state_dict()
    with torch.no_grad():
        for name, p in kparams.items():
            np.testing.assert_array_equal(state[name], p.data, err_msg=f"state_dict()[{name!r}]")
            p.data = p.data.astype(dtype)
            tparams[name].copy_(torch.tensor(p.data))
    return km, tm


def run(lib, module, head, x, dtype, g):
    """Forward, then backward with upstream gradient g (drawn when None): output, input tensor and g."""
    floating = x.dtype.kind == "f"
    data = x.astype(dtype) if floating else x
    inp = Tensor(data, requires_grad=floating) if lib is KAIBO else torch.tensor(data, requires_grad=floating)
    out = module(inp)
    out = head(lib, out) if head else out
    g = g if g is not None else np.random.default_rng(0).standard_normal(tuple(out.shape))
    out.backward(lib.tensor(np.asarray(g, dtype=dtype)))
    return out, inp, g


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("name, build, x, head", MODULES, ids=[m[0] for m in MODULES])
def test_module_against_torch(name, build, x, head, dtype) -> None:
    km, tm = twins(build, dtype)
    kout, kin, g = run(KAIBO, km, head, x, dtype, None)
    tout, tin, _ = run(TORCH, tm, head, x, dtype, g)
    tol = TOLERANCE[dtype]
    assert kout.dtype == dtype
    np.testing.assert_allclose(kout.data, tout.detach().numpy(), **tol, err_msg="output")
    if kin.requires_grad:
        np.testing.assert_allclose(kin.grad.data, tin.grad.numpy(), **tol, err_msg="input gradient")
    tparams = dict(tm.named_parameters())
    for pname, p in km.named_parameters():
        assert p.grad is not None, f"{pname} got no gradient"
        np.testing.assert_allclose(p.grad.data, tparams[pname].grad.numpy(), **tol, err_msg=pname)


@pytest.mark.parametrize(
    "build, fan_in",
    [(lambda: nn.Linear(45, 8), 45), (lambda: nn.Conv2d(3, 8, (3, 5)), 45), (lambda: nn.Conv2d(2, 40, 1), 2)],
    ids=["Linear", "Conv2d", "Conv2d 1x1"],
)
def test_initial_weights_uniform_within_one_over_root_fan_in(build, fan_in) -> None:
    """PyTorch's kaiming-uniform with a = √5 is U(±1/√fan_in), fan_in = inputs × kernel area; bias the same."""
    manual_seed(0)
    model = build()
    bound = 1 / math.sqrt(fan_in)
    for name, p in model.named_parameters():
        assert np.abs(p.data).max() <= bound, f"{name} beyond ±1/√{fan_in}"
        assert np.abs(p.data).max() > 0.8 * bound, f"{name} narrower than ±1/√{fan_in}"
        assert abs(p.data.std() - bound / math.sqrt(3)) < 0.25 * bound, f"{name} not spread uniformly"
    manual_seed(0)
    for p, again in zip(model.parameters(), build().parameters(), strict=True):
        np.testing.assert_array_equal(p.data, again.data, err_msg="manual_seed does not repeat the weights")


def test_composed_block_against_finite_differences() -> None:
    km, _ = twins(block, np.float64)
    gradcheck(lambda lib, x: next_token_loss(lib, km(x)), [RNG.standard_normal((2, 5, 8))])


def test_state_dict_round_trip() -> None:
    build = lambda: nn.Sequential(nn.Linear(4, 3), nn.LayerNorm(3), nn.CausalSelfAttention(3, 1))
    manual_seed(1)
    src = build()
    manual_seed(2)
    dst = build()
    state = src.state_dict()
    assert all(isinstance(v, np.ndarray) for v in state.values())
    assert set(state) >= {"0.weight", "0.bias", "1.weight", "1.bias", "2.c_attn.weight", "2.c_proj.bias"}
    dst.load_state_dict({name: array.astype(np.float64) for name, array in state.items()})
    for name, array in dst.state_dict().items():
        assert array.dtype == np.float32, f"{name}: loading changed the parameter's dtype"
        np.testing.assert_array_equal(array, state[name], err_msg=name)
    state["0.weight"][:] = 0.0  # state_dict() handed out copies: src keeps its weights
    assert src.state_dict()["0.weight"].all()
    dst.load_state_dict(state)
    state["0.weight"][:] = 1.0  # load_state_dict() took copies: dst keeps the zeros
    assert not dst.state_dict()["0.weight"].any()


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s.update({"c_attn.weight": np.zeros((8, 24), np.float32)}),  # transposed
        lambda s: s.update({"c_attn.weight": np.zeros((24, 9), np.float32)}),
        lambda s: s.pop("c_attn.weight"),
    ],
    ids=["transposed weight", "wrong width", "missing"],
)
def test_load_state_dict_names_the_tensor_that_does_not_fit(change) -> None:
    model = nn.CausalSelfAttention(8, 2)
    state, before = model.state_dict(), model.state_dict()
    state["c_proj.weight"] = state["c_proj.weight"] + 1.0  # fits, but must not be loaded either
    change(state)
    with pytest.raises(Exception, match=r"c_attn\.weight"):
        model.load_state_dict(state)
    for name, array in model.state_dict().items():
        np.testing.assert_array_equal(array, before[name], err_msg=f"a refused load changed {name}")


def test_train_and_eval_switch_dropout() -> None:
    linear = nn.Linear(20, 20)
    model = nn.Sequential(linear, nn.Dropout(0.5))
    x = Tensor(RNG.random((8, 20)))
    model.eval()
    np.testing.assert_array_equal(model(x).data, linear(x).data)
    model.train()
    dropped = (model(x).data == 0).mean()
    assert 0.35 < dropped < 0.65, f"dropped {dropped:.2f} of the activations in train mode"


def test_zero_grad_and_parameters() -> None:
    model = block(nn)
    assert len(list(model.parameters())) == len(list(block(TNN).parameters()))
    assert all(isinstance(p, nn.Parameter) and p.requires_grad for p in model.parameters())
    next_token_loss(KAIBO, model(Tensor(RNG.random((2, 5, 8))))).backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None or not p.grad.data.any() for p in model.parameters())
