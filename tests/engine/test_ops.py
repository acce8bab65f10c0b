"""Every Tensor op, one row each: its gradient against central differences, its values and gradients
against PyTorch (float64 tightly, float32 loosely, float32 staying float32), and no reference cycle."""

from __future__ import annotations

import gc
import weakref
from typing import NamedTuple

import numpy as np
import pytest
import torch

import kaibo.engine.functional as F
from kaibo.engine import Tensor, manual_seed
from kaibo.engine.nn.positions import rotary_angles
from tests.engine.checks import (
    KAIBO,
    TORCH,
    Arg,
    away0,
    distinct,
    gradcheck,
    kaibo_grads,
    outputs,
    positive,
    sample_inputs,
    strided,
    torch_check,
    transposed,
)


class Row(NamedTuple):
    name: str
    fn: object  # fn(lib, *tensors) -> tensor or tuple of tensors
    args: tuple


def row(name, fn, *args) -> Row:
    return Row(name, fn, args)


REPEATED = np.array([0, 2, 0, 0, 1])  # embeddings and gathers: the rows picked twice get both gradients
PAIRS = (np.array([0, 2, 2, 1]), np.array([3, 0, 3, 3]))
MASK = np.array([[True, False, False, True], [False, False, True, False], [True, True, False, False]])
CAUSAL = np.triu(np.ones((4, 4), dtype=bool), k=1)  # True above the diagonal: the future, hidden
TARGETS = np.array([1, 0, 3, 3, 2])
IGNORED = np.array([1, -100, 3, -100, 2])
IDS = np.array([[1, 4, 1], [0, 4, 4]])
CONST = np.linspace(-1.0, 1.0, 12, dtype=np.float32).reshape(3, 4)  # float32: joins either dtype unchanged

ROWS = [
    # arithmetic, with broadcasting and Python numbers on either side
    row("add", lambda lib, a, b: a + b, (3, 4), (3, 4)),
    row("add broadcast (3,1,4)+(2,4)", lambda lib, a, b: a + b, (3, 1, 4), (2, 4)),
    row("add scalar tensor", lambda lib, a, b: a + b, (), (3, 4)),
    row("add number", lambda lib, a: a + 2.5, (3, 4)),
    row("radd number", lambda lib, a: 2.5 + a, (3, 4)),
    row("sub broadcast", lambda lib, a, b: a - b, (3, 1, 4), (2, 4)),
    row("rsub number", lambda lib, a: 1.0 - a, (3, 4)),
    row("sub number", lambda lib, a: a - 1.0, (3, 4)),
    row("mul", lambda lib, a, b: a * b, (3, 4), (3, 4)),
    row("mul broadcast (3,1,4)*(2,4)", lambda lib, a, b: a * b, (3, 1, 4), (2, 4)),
    row("mul scalar x tensor", lambda lib, a, b: a * b, (), (3, 4)),
    row("mul (4,1) x (1,3)", lambda lib, a, b: a * b, (4, 1), (1, 3)),
    row("mul number", lambda lib, a: a * 3.0, (3, 4)),
    row("mul and div by ints", lambda lib, a: 2 * a / 3 + 1, (3, 4)),
    row("rmul number", lambda lib, a: 3.0 * a, (3, 4)),
    row("mul self", lambda lib, a: a * a, (3, 4)),
    row("mul NumPy int scalar", lambda lib, a: a * np.int64(3), (3, 4)),
    row("rmul NumPy float scalar", lambda lib, a: np.float64(0.5) * a, (3, 4)),
    row("mul constant tensor", lambda lib, a: a * lib.tensor(CONST), (3, 4)),
    row("div", lambda lib, a, b: a / b, (3, 4), positive(3, 4)),
    row("div broadcast", lambda lib, a, b: a / b, (2, 3, 4), positive(4)),
    row("div number", lambda lib, a: a / 3.0, (3, 4)),
    row("rdiv number", lambda lib, a: 2.0 / a, positive(3, 4)),
    row("neg", lambda lib, a: -a, (3, 4)),
    row("pow 2", lambda lib, a: a**2, (3, 4)),
    row("pow 3", lambda lib, a: a**3, (3, 4)),
    row("pow 0.5", lambda lib, a: a**0.5, positive(3, 4)),
    row("pow -1.5", lambda lib, a: a**-1.5, positive(3, 4)),
    row("add transposed views", lambda lib, a, b: a + b, transposed(3, 4), strided(3, 4)),
    # matmul
    row("matmul 2-D", lambda lib, a, b: a @ b, (3, 4), (4, 5)),
    row("matmul (2,3,4,5)@(5,6)", lambda lib, a, b: a @ b, (2, 3, 4, 5), (5, 6)),
    row("matmul (2,1,4,5)@(3,5,2)", lambda lib, a, b: a @ b, (2, 1, 4, 5), (3, 5, 2)),
    row("matmul 3-D input x 2-D weight", lambda lib, a, b: a @ b, (2, 3, 4), (4, 5)),
    row("matmul 2-D x 3-D", lambda lib, a, b: a @ b, (5, 4), (2, 4, 3)),
    row("matmul batched same", lambda lib, a, b: a @ b, (2, 3, 4), (2, 4, 2)),
    row("matmul matrix x vector", lambda lib, a, b: a @ b, (3, 4), (4,)),
    row("matmul vector x matrix", lambda lib, a, b: a @ b, (4,), (4, 5)),
    row("matmul vector . vector", lambda lib, a, b: a @ b, (4,), (4,)),
    row("matmul vector x batch", lambda lib, a, b: a @ b, (4,), (2, 4, 3)),
    row("matmul transposed inputs", lambda lib, a, b: a @ b, transposed(3, 4), strided(4, 5)),
    row("matmul after transpose", lambda lib, a, b: a.transpose(-2, -1) @ b, (2, 4, 3), (2, 4, 5)),
    # reductions
    row("sum all", lambda lib, a: a.sum(), (3, 4)),
    row("sum dim 0", lambda lib, a: a.sum(dim=0), (3, 4)),
    row("sum dim -1 keepdim", lambda lib, a: a.sum(dim=-1, keepdim=True), (2, 3, 4)),
    row("sum dims (0,2)", lambda lib, a: a.sum(dim=(0, 2)), (2, 3, 4)),
    row("sum transposed", lambda lib, a: a.sum(dim=1), transposed(3, 4)),
    row("mean all", lambda lib, a: a.mean(), (3, 4)),
    row("mean dim 1", lambda lib, a: a.mean(dim=1), (2, 3, 4)),
    row("mean dims (0,-1) keepdim", lambda lib, a: a.mean(dim=(0, -1), keepdim=True), (2, 3, 4)),
    row("max all", lambda lib, a: a.max(), distinct(3, 4)),
    row("max dim 1", lambda lib, a: a.max(dim=1).values, distinct(2, 3, 4)),
    row("max dim -1 keepdim", lambda lib, a: a.max(dim=-1, keepdim=True).values, distinct(3, 4)),
    row("max dim 0 strided", lambda lib, a: a.max(dim=0)[0], Arg((3, 4), kind="distinct", layout="strided")),
    # shapes
    row("reshape", lambda lib, a: a.reshape(4, 3), (3, 4)),
    row("reshape -1", lambda lib, a: a.reshape(2, -1), (2, 3, 4)),
    row("reshape tuple", lambda lib, a: a.reshape((6, 2)), (3, 4)),
    row("view", lambda lib, a: a.view(2, 6), (3, 4)),
    row("transpose", lambda lib, a: a.transpose(0, 1), (3, 4)),
    row("transpose -1,-2", lambda lib, a: a.transpose(-1, -2), (2, 3, 4)),
    row("permute", lambda lib, a: a.permute(2, 0, 1), (2, 3, 4)),
    row("permute then reshape", lambda lib, a: a.permute(1, 0, 2).reshape(3, 8), (2, 3, 4)),
    row("transpose then mul", lambda lib, a, b: a.transpose(0, 1) * b, (4, 3), (3, 4)),
    row("split even, both halves", lambda lib, a: a.split(2, dim=1), (3, 4)),
    row("split uneven, last piece", lambda lib, a: a.split(3, dim=-1)[1], (3, 5)),
    row("split then combine", lambda lib, a: (lambda p: p[0] * p[1] + p[0])(a.split(2, dim=0)), (4, 3)),
    row("unbind dim 1, every piece", lambda lib, a: a.unbind(1), (2, 3, 4)),
    row("unbind dim -1, two of four pieces", lambda lib, a: (lambda p: p[0] * p[2])(a.unbind(-1)), (3, 4)),
    row("unbind dim 0, one piece", lambda lib, a: a.unbind(0)[1], (3, 4)),
    row("unbind, a piece used twice", lambda lib, a: (lambda p: p[1] * p[1] + p[0])(a.unbind(0)), (2, 3)),
    row("unbind then stack", lambda lib, a: lib.stack(a.unbind(1)[::-1], dim=1), strided(2, 3)),
    row("cat dim 0", lambda lib, a, b: lib.cat([a, b], dim=0), (2, 4), (3, 4)),
    row("cat dim -1, three", lambda lib, a, b, c: lib.cat([a, b, c], dim=-1), (2, 1), (2, 3), (2, 2)),
    row("cat same tensor twice", lambda lib, a: lib.cat([a, a], dim=0), (2, 3)),
    row("cat with a constant", lambda lib, a: lib.cat([lib.tensor(CONST), a], dim=1), (3, 2)),
    row("stack dim 0", lambda lib, a, b: lib.stack([a, b], dim=0), (3, 4), (3, 4)),
    row("stack dim -1", lambda lib, a, b: lib.stack([a, b], dim=-1), (3, 4), transposed(3, 4)),
    # indexing
    row("index int", lambda lib, a: a[1], (3, 4)),
    row("index negative int", lambda lib, a: a[:, -1], (3, 4)),
    row("index slices", lambda lib, a: a[1:, ::2], (3, 4)),
    row("index None and Ellipsis", lambda lib, a: a[None, ..., 1:3], (2, 3, 4)),
    row("index repeated ints", lambda lib, a: a[REPEATED], (3, 4)),
    row("index negative ints", lambda lib, a: a[-REPEATED - 1], (3, 4)),
    row("index 2-D int array", lambda lib, a: a[:, IDS % 4], (3, 4)),
    row("index repeated int tensor", lambda lib, a: a[lib.tensor(REPEATED)], (3, 4)),
    row("index ints + slice", lambda lib, a: a[REPEATED, 1:3], (3, 4)),
    row("index slice + ints", lambda lib, a: a[:, REPEATED[:4]], (3, 4)),
    row("index int pairs, repeated", lambda lib, a: a[PAIRS], (3, 4)),
    row("index int tensor pairs", lambda lib, a: a[lib.tensor(PAIRS[0]), lib.tensor(PAIRS[1])], (3, 4)),
    row("index transposed input", lambda lib, a: a[REPEATED, 1:], transposed(3, 4)),
    # pointwise
    row("exp", lambda lib, a: a.exp(), (3, 4)),
    row("log", lambda lib, a: a.log(), positive(3, 4)),
    row("sqrt", lambda lib, a: a.sqrt(), positive(3, 4)),
    row("sqrt strided", lambda lib, a: a.sqrt(), positive(3, 4, layout="strided")),
    row("tanh", lambda lib, a: a.tanh(), Arg((3, 4), -3.0, 3.0)),
    row("relu", lambda lib, a: a.relu(), away0(3, 4)),
    row("sigmoid", lambda lib, a: a.sigmoid(), Arg((3, 4), -4.0, 4.0)),
    row("sigmoid saturated", lambda lib, a: a.sigmoid(), Arg((3, 4), -60.0, 60.0)),
    row("exp after permute", lambda lib, a: a.permute(2, 1, 0).exp(), (2, 3, 4)),
    row("masked_fill", lambda lib, a: a.masked_fill(lib.tensor(MASK), 0.5), (3, 4)),
    row("masked_fill broadcast mask", lambda lib, a: a.masked_fill(lib.tensor(MASK[:1]), -2.0), (2, 3, 4)),
    row("where", lambda lib, a, b: lib.where(lib.tensor(MASK), a, b), (3, 4), (3, 4)),
    row("where broadcast", lambda lib, a, b: lib.where(lib.tensor(MASK), a, b), (2, 3, 4), (4,)),
    # functional
    row("F.relu", lambda lib, a: lib.F.relu(a), away0(3, 4)),
    row("F.sigmoid", lambda lib, a: lib.F.sigmoid(a), (3, 4)),
    row("F.tanh", lambda lib, a: lib.F.tanh(a), (3, 4)),
    row("F.gelu tanh", lambda lib, a: lib.F.gelu(a, approximate="tanh"), Arg((3, 4), -3.0, 3.0)),
    row("F.softmax dim -1", lambda lib, a: lib.F.softmax(a, dim=-1), (2, 3, 4)),
    row("F.softmax dim 0", lambda lib, a: lib.F.softmax(a, dim=0), (3, 4)),
    row("F.softmax large logits", lambda lib, a: lib.F.softmax(a, dim=-1), Arg((3, 4), 500.0, 504.0)),
    row("F.softmax transposed", lambda lib, a: lib.F.softmax(a, dim=-1), transposed(3, 4)),
    row("F.softmax after permute", lambda lib, a: lib.F.softmax(a.permute(1, 0, 2), dim=-1), (2, 3, 4)),
    row(
        "F.softmax causal -inf",
        lambda lib, a: lib.F.softmax(a.masked_fill(lib.tensor(CAUSAL), float("-inf")), dim=-1),
        (2, 4, 4),
    ),
    row("F.log_softmax dim -1", lambda lib, a: lib.F.log_softmax(a, dim=-1), (2, 3, 4)),
    row("F.log_softmax dim 1", lambda lib, a: lib.F.log_softmax(a, dim=1), (2, 3, 4)),
    row("F.log_softmax large logits", lambda lib, a: lib.F.log_softmax(a, dim=-1), Arg((3, 4), 500.0, 504.0)),
    row("F.cross_entropy", lambda lib, a: lib.F.cross_entropy(a, lib.tensor(TARGETS)), (5, 4)),
    row(
        "F.cross_entropy ignore_index -100",
        lambda lib, a: lib.F.cross_entropy(a, lib.tensor(IGNORED)),
        (5, 4),
    ),
    row(
        "F.cross_entropy ignore_index 3",
        lambda lib, a: lib.F.cross_entropy(a, lib.tensor(TARGETS), ignore_index=3),
        (5, 4),
    ),
    row(
        "F.cross_entropy big",
        lambda lib, a: lib.F.cross_entropy(a, lib.tensor(TARGETS)),
        Arg((5, 4), 300, 305),
    ),
    row("F.mse_loss", lambda lib, a, b: lib.F.mse_loss(a, b), (3, 4), (3, 4)),
    row("F.layer_norm affine", lambda lib, a, w, b: lib.F.layer_norm(a, (4,), w, b), (2, 3, 4), (4,), (4,)),
    row("F.layer_norm plain", lambda lib, a: lib.F.layer_norm(a, (4,)), (2, 3, 4)),
    row("F.layer_norm far from 0", lambda lib, a: lib.F.layer_norm(a, (8,)), Arg((3, 8), 30.0, 31.0)),
    row("F.layer_norm eps", lambda lib, a: lib.F.layer_norm(a, (4,), eps=0.1), Arg((3, 4), -0.1, 0.1)),
    row("F.layer_norm two dims", lambda lib, a, w: lib.F.layer_norm(a, (3, 4), w, w * 2), (2, 3, 4), (3, 4)),
    row("F.layer_norm transposed", lambda lib, a, w: lib.F.layer_norm(a, (3,), w), transposed(4, 3), (3,)),
    row("F.dropout p=0", lambda lib, a: lib.F.dropout(a, p=0.0, training=True), (3, 4)),
    row("F.dropout eval", lambda lib, a: lib.F.dropout(a, p=0.5, training=False), (3, 4)),
    row("F.embedding repeated ids", lambda lib, w: lib.F.embedding(lib.tensor(IDS), w), (5, 3)),
    row("F.linear", lambda lib, x, w, b: lib.F.linear(x, w, b), (2, 3, 4), (5, 4), (5,)),
    row("F.linear no bias", lambda lib, x, w: lib.F.linear(x, w), (3, 4), (5, 4)),
    row("F.linear 1-D input", lambda lib, x, w, b: lib.F.linear(x, w, b), (4,), (5, 4), (5,)),
    row("F.linear 4-D input", lambda lib, x, w, b: lib.F.linear(x, w, b), (2, 2, 3, 4), (5, 4), (5,)),
    # sliding windows: images (B, C, H, W), kernels (C_out, C_in, kH, kW)
    row("F.conv2d", lambda lib, x, w, b: lib.F.conv2d(x, w, b), (2, 3, 5, 5), (4, 3, 3, 3), (4,)),
    row("F.conv2d no bias", lambda lib, x, w: lib.F.conv2d(x, w), (1, 1, 4, 5), (2, 1, 2, 2)),
    row(
        "F.conv2d stride 2 padding 1",
        lambda lib, x, w, b: lib.F.conv2d(x, w, b, 2, 1),
        (2, 2, 6, 5),
        (3, 2, 3, 3),
        (3,),
    ),
    row(
        "F.conv2d kernel (2,3) stride (2,1) padding (0,1)",
        lambda lib, x, w, b: lib.F.conv2d(x, w, b, stride=(2, 1), padding=(0, 1)),
        (2, 3, 5, 4),
        (2, 3, 2, 3),
        (2,),
    ),
    row("F.conv2d kernel = input", lambda lib, x, w: lib.F.conv2d(x, w), (3, 2, 3, 4), (5, 2, 3, 4)),
    row("F.conv2d strided input", lambda lib, x, w: lib.F.conv2d(x, w, padding=1), strided(2, 2, 4, 3), (3, 2, 3, 2)),
    row("F.max_pool2d 2", lambda lib, x: lib.F.max_pool2d(x, 2), distinct(2, 3, 4, 6)),
    row("F.max_pool2d 2, odd size", lambda lib, x: lib.F.max_pool2d(x, 2), distinct(1, 2, 5, 5)),
    row("F.max_pool2d 3 stride 1 padding 1", lambda lib, x: lib.F.max_pool2d(x, 3, 1, 1), distinct(2, 2, 4, 5)),
    row(
        "F.max_pool2d kernel (2,3) stride (1,2)",
        lambda lib, x: lib.F.max_pool2d(x, (2, 3), stride=(1, 2)),
        distinct(2, 2, 4, 7),
    ),
    # RoPE: queries or keys (B, H, T, D) turned pair by pair by their position's angles
    row("rotate_pairs (RoPE)", lambda lib, x: lib.rotate_pairs(x, *rotary_angles(5, 6)), (2, 3, 5, 6)),
    row("rotate_pairs base 10", lambda lib, x: lib.rotate_pairs(x, *rotary_angles(4, 2, 10.0)), strided(1, 4, 2)),
]


@pytest.mark.parametrize("r", ROWS, ids=lambda r: r.name)
def test_finite_differences(r: Row) -> None:
    gradcheck(r.fn, sample_inputs(r.name, r.args))


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("r", ROWS, ids=lambda r: r.name)
def test_against_torch(r: Row, dtype) -> None:
    torch_check(r.fn, sample_inputs(r.name, r.args), dtype)


@pytest.mark.parametrize("backward", [True, False], ids=["after backward", "without backward"])
@pytest.mark.parametrize("r", ROWS, ids=lambda r: r.name)
def test_graph_freed_without_collector(r: Row, backward: bool) -> None:
    """A backward closure that held its own output would make a cycle only the collector can free."""
    arrays = sample_inputs(r.name, r.args)
    gc.disable()
    try:
        if backward:
            outs = kaibo_grads(r.fn, arrays)[0]
        else:
            outs = outputs(r.fn(KAIBO, *[Tensor(a, requires_grad=True) for a in arrays]))
        refs = [weakref.ref(o) for o in outs]
        del outs
        assert all(ref() is None for ref in refs), "the output outlived its last reference"
    finally:
        gc.enable()


ZEROS = np.zeros((2, 3, 4), np.float32)
IMAGE = np.zeros((1, 2, 3, 4), np.float32)  # (B, C, H, W)
# Bad input both libraries refuse: name, fn(lib)
REFUSED = [
    ("cross_entropy target -1", lambda lib: lib.F.cross_entropy(lib.tensor(ZEROS[0]), lib.tensor([0, 1, -1]))),
    ("cross_entropy target = C", lambda lib: lib.F.cross_entropy(lib.tensor(ZEROS[0]), lib.tensor([0, 1, 4]))),
    ("embedding id -1", lambda lib: lib.F.embedding(lib.tensor([1, -1]), lib.tensor(ZEROS[0]))),
    ("embedding id = num", lambda lib: lib.F.embedding(lib.tensor([1, 3]), lib.tensor(ZEROS[0]))),
    ("layer_norm shape", lambda lib: lib.F.layer_norm(lib.tensor(ZEROS), (3,))),
    ("matmul shapes", lambda lib: lib.tensor(ZEROS) @ lib.tensor(ZEROS)),
    ("cat shapes", lambda lib: lib.cat([lib.tensor(ZEROS), lib.tensor(ZEROS[0])], dim=0)),
    ("reshape size", lambda lib: lib.tensor(ZEROS).reshape(5, -1)),
    ("dropout p > 1", lambda lib: lib.F.dropout(lib.tensor(ZEROS), p=1.5)),
    ("conv2d 2-D input", lambda lib: lib.F.conv2d(lib.tensor(IMAGE[0, 0]), lib.tensor(IMAGE[:, :1, :1, :1]))),
    ("conv2d channels", lambda lib: lib.F.conv2d(lib.tensor(IMAGE), lib.tensor(np.zeros((1, 3, 1, 1), np.float32)))),
    ("conv2d 3-D weight", lambda lib: lib.F.conv2d(lib.tensor(IMAGE), lib.tensor(IMAGE[0, :, :1, :1]))),
    (
        "conv2d kernel > padded input",
        lambda lib: lib.F.conv2d(lib.tensor(IMAGE), lib.tensor(np.zeros((1, 2, 6, 6), np.float32)), padding=1),
    ),
    ("max_pool2d 2-D input", lambda lib: lib.F.max_pool2d(lib.tensor(IMAGE[0, 0]), 2)),
    ("max_pool2d kernel > input", lambda lib: lib.F.max_pool2d(lib.tensor(IMAGE), 4)),
    ("max_pool2d padding > half kernel", lambda lib: lib.F.max_pool2d(lib.tensor(IMAGE), 2, padding=2)),
]


@pytest.mark.parametrize("lib", [TORCH, KAIBO], ids=["torch", "kaibo"])
@pytest.mark.parametrize("name, fn", REFUSED, ids=[r[0] for r in REFUSED])
def test_bad_input_is_refused(name, fn, lib) -> None:
    with pytest.raises((IndexError, ValueError, RuntimeError)):
        fn(lib)


def test_max_indices_match_torch() -> None:
    x = sample_inputs("max indices", [distinct(3, 5, 4)])[0]
    for dim in (0, 1, -1):
        got, want = Tensor(x).max(dim=dim), torch.tensor(x).max(dim=dim)
        np.testing.assert_array_equal(got.indices.numpy(), want.indices.numpy())
        np.testing.assert_array_equal(got.values.numpy(), want.values.numpy())


def test_max_pool2d_ties_go_to_the_first_as_in_torch() -> None:
    """Where a window holds its largest number twice, the gradient goes to the first in reading order."""
    x = np.random.default_rng(3).integers(0, 3, size=(2, 2, 5, 6)).astype(np.float64)  # ties everywhere
    for args in ((2,), (3, 1, 1), ((2, 3), (1, 2))):
        got = Tensor(x, requires_grad=True)
        want = torch.tensor(x, requires_grad=True)
        F.max_pool2d(got, *args).sum().backward()
        torch.nn.functional.max_pool2d(want, *args).sum().backward()
        np.testing.assert_array_equal(got.grad.data, want.grad.numpy(), err_msg=f"max_pool2d{args}")


@pytest.mark.parametrize("p", [0.2, 0.5, 0.9])
def test_dropout_scales_kept_and_routes_gradient_through_them(p: float) -> None:
    x = Tensor(sample_inputs(f"dropout {p}", [away0(40, 50)])[0], requires_grad=True)
    manual_seed(0)
    y = F.dropout(x, p=p, training=True)
    kept = y.data != 0  # x is never 0, so a zero marks a dropped element
    np.testing.assert_allclose(y.data[kept], x.data[kept] / (1 - p), rtol=1e-12)
    assert abs(kept.mean() - (1 - p)) < 0.05, f"kept {kept.mean():.3f} of the elements, expected {1 - p}"
    g = np.random.default_rng(1).standard_normal(x.shape)
    y.backward(Tensor(g))
    np.testing.assert_allclose(x.grad.data, np.where(kept, g / (1 - p), 0.0), rtol=1e-12)
    manual_seed(0)
    again = F.dropout(x, p=p).data
    np.testing.assert_array_equal(again, y.data, err_msg="manual_seed does not repeat the mask")


def test_float32_is_the_default() -> None:
    x = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    for out in ((x * 2.0 + 1.0) @ x, F.softmax(x, dim=-1), x.exp().sum(), x.max(dim=0).values):
        assert out.dtype == np.float32
    (x @ x).sum().backward()
    assert x.grad.dtype == np.float32



def test_unbind_gradients_across_separate_and_retained_backward_passes() -> None:
    """The pieces share one gradient array: each pass must start from zeros and fill only its own slots."""
    x = Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    pieces = x.unbind(1)
    loss = (pieces[0] * 2.0).sum()
    loss.backward(retain_graph=True)
    loss.backward(retain_graph=True)                  # the retained graph again: 2 more in column 0
    pieces[2].sum().backward()                        # another piece, in a pass of its own
    np.testing.assert_array_equal(x.grad.data, [[4.0, 0.0, 1.0], [4.0, 0.0, 1.0]])
