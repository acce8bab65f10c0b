"""GPT: the whole model against its PyTorch twin (logits, loss, every weight's gradient, traced intermediates
and their gradients) for each positional scheme, the names `trace` promises, the causal mask, and refusals."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch

from kaibo.engine import manual_seed
from kaibo.errors import InputError
from kaibo.models.gpt import GPT
from kaibo.models.gpt_config import POSITIONS, GPTConfig
from kaibo.torch.gpt import TorchGPT

V, T = 13, 6


def small_gpt(dtype=np.float64, **changes) -> GPT:
    manual_seed(0)
    settings = dict(vocab_size=V, block_size=8, n_layer=2, n_head=2, n_embd=8) | changes
    model = GPT(GPTConfig(**settings))
    rng = np.random.default_rng(1)
    for name, p in model.named_parameters():   # away from the initial ones and zeros, so every weight matters
        p.data = (p.data + rng.normal(0, 0.3 if ".ln_" in name or name.endswith("bias") else 0.05, p.data.shape)
                  ).astype(dtype)
    return model


def batch(seed: int = 0, shape=(3, T)) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    ids = rng.integers(0, V, shape)
    targets = rng.integers(0, V, shape)
    targets[0, 1] = -100                        # an ignored target
    return ids, targets


CONFIGS = [dict(pos=pos) for pos in POSITIONS] + [dict(tied=False), dict(bias=False, pos="rope")]


@pytest.mark.parametrize("changes", CONFIGS, ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()))
def test_gradients_equal_pytorch(changes) -> None:
    model = small_gpt(**changes)
    twin = TorchGPT.from_kaibo(model, torch.float64)
    ids, targets = batch()
    loss = model.loss(model(ids), targets)
    loss.backward()
    logits_t = twin(torch.tensor(ids))
    loss_t = twin.loss(logits_t, torch.tensor(targets))
    loss_t.backward()
    np.testing.assert_allclose(loss.data, loss_t.item(), rtol=1e-12)
    grads_t = {name: p.grad.numpy() for name, p in twin.named_parameters()}
    grads = dict(model.named_parameters())
    assert set(grads) == set(grads_t)
    for name, p in grads.items():
        np.testing.assert_allclose(p.grad.data, grads_t[name], rtol=1e-8, atol=1e-12, err_msg=name)


def torch_trace(twin: TorchGPT, ids: np.ndarray, targets: np.ndarray) -> dict[str, torch.Tensor]:
    """A few intermediates of the twin, with their gradients kept, recorded through forward hooks."""
    seen: dict[str, torch.Tensor] = {}

    def hook(name):
        def record(module, inputs, output):
            output.retain_grad()
            seen[name] = output
        return record

    block = twin.transformer["h"][1]
    block.ln_2.register_forward_hook(hook("block1.ln2"))
    block.attn.c_proj.register_forward_hook(hook("block1.attn.out"))
    block.mlp.c_proj.register_forward_hook(hook("block1.mlp.out"))
    twin.transformer["ln_f"].register_forward_hook(hook("ln_f"))
    logits = twin(torch.tensor(ids))
    logits.retain_grad()
    seen["logits"] = logits
    twin.loss(logits, torch.tensor(targets)).backward()
    return seen


def test_trace_values_and_gradients_equal_pytorch() -> None:
    model = small_gpt(pos="rope")
    ids, targets = batch(2)
    traced = model.trace(ids, targets)
    seen = torch_trace(TorchGPT.from_kaibo(model, torch.float64), ids, targets)
    for name, tensor in seen.items():
        np.testing.assert_allclose(traced[name], tensor.detach().numpy(), rtol=1e-9, atol=1e-12, err_msg=name)
        np.testing.assert_allclose(traced["grad:" + name], tensor.grad.numpy(), rtol=1e-8, atol=1e-14,
                                   err_msg="grad:" + name)


def test_trace_attention_is_the_textbook_computation() -> None:
    """Each head's numbers recomputed with plain NumPy from q and k: Q·Kᵀ, ÷√D, −inf above the diagonal,
    softmax rows, weights·V; and the residual stream adds up."""
    model = small_gpt(pos="learned")
    ids, _ = batch(3)
    tr = model.trace(ids)
    q, k, v = (tr[f"block0.attn.{n}"] for n in "qkv")
    D = q.shape[-1]
    for h in range(2):
        scores = q[:, h] @ k[:, h].transpose(0, 2, 1)
        np.testing.assert_allclose(tr[f"block0.attn.head{h}.scores"], scores, rtol=1e-12)
        np.testing.assert_allclose(tr[f"block0.attn.head{h}.scaled"], scores / np.sqrt(D), rtol=1e-12)
        masked = np.where(np.triu(np.ones((T, T), bool), 1), -np.inf, scores / np.sqrt(D))
        np.testing.assert_array_equal(tr[f"block0.attn.head{h}.masked"], masked)
        weights = np.exp(masked - masked.max(-1, keepdims=True))
        weights /= weights.sum(-1, keepdims=True)
        np.testing.assert_allclose(tr[f"block0.attn.head{h}.weights"], weights, rtol=1e-12)
        np.testing.assert_allclose(tr[f"block0.attn.head{h}.out"], weights @ v[:, h], rtol=1e-12)
    np.testing.assert_allclose(tr["embed"], tr["embed.tok"] + tr["embed.pos"], rtol=1e-15)
    np.testing.assert_allclose(tr["block0.resid_mid"], tr["embed"] + tr["block0.attn.out"], rtol=1e-15)
    np.testing.assert_allclose(tr["block0.resid_out"], tr["block0.resid_mid"] + tr["block0.mlp.out"], rtol=1e-15)
    np.testing.assert_allclose(tr["probs"].sum(-1), 1.0, rtol=1e-12)


def expected_names(n_layer: int, n_head: int, pos: str) -> list[str]:
    """The names shared/DESIGN.md's contract and the class docstring promise, in forward order."""
    names = ["embed.tok"] + (["embed.pos"] if pos in ("learned", "sinusoidal") else []) + ["embed"]
    for i in range(n_layer):
        b = f"block{i}"
        names += [f"{b}.ln1", f"{b}.attn.q", f"{b}.attn.k", f"{b}.attn.v"]
        names += [f"{b}.attn.head{h}.{part}" for part in ("scores", "scaled", "masked", "weights", "out")
                  for h in range(n_head)]
        names += [f"{b}.attn.out", f"{b}.resid_mid", f"{b}.ln2", f"{b}.mlp.hidden", f"{b}.mlp.out", f"{b}.resid_out"]
    return names + ["ln_f", "logits"]


@pytest.mark.parametrize("pos", POSITIONS)
def test_trace_names_and_shapes(pos: str) -> None:
    model = small_gpt(pos=pos, n_layer=2, n_head=2)
    ids, targets = batch()
    names = expected_names(2, 2, pos)
    assert list(model.trace(ids)) == names + ["probs"]
    traced = model.trace(ids, targets)
    assert list(traced) == names + ["probs", "loss"] + ["grad:" + n for n in names]
    B, C, H, D = 3, 8, 2, 4
    shapes = {"embed.tok": (B, T, C), "embed.pos": (1, T, C), "block1.attn.q": (B, H, T, D),
              "block0.attn.head1.weights": (B, T, T), "block0.attn.head0.out": (B, T, D),
              "block1.mlp.hidden": (B, T, 4 * C), "logits": (B, T, V), "loss": ()}
    for name, shape in shapes.items():
        if name in traced:
            assert traced[name].shape == shape, name
            if name != "loss":
                assert traced["grad:" + name].shape == shape, name
    for name in names:                          # the docstring lists every one (per-head parts as `.scaled` …)
        generic = re.sub(r"head\d+", "head{h}", re.sub(r"block\d+", "block{i}", name))
        assert f"`{generic}`" in GPT.__doc__ or f"`.{generic.rpartition('.')[2]}`" in GPT.__doc__, name


@pytest.mark.parametrize("pos", POSITIONS)
def test_a_later_token_never_changes_an_earlier_position(pos: str) -> None:
    model = small_gpt(pos=pos)
    ids, _ = batch(4)
    changed = ids.copy()
    changed[:, 4] = (changed[:, 4] + 1) % V
    before, after = model(ids).data, model(changed).data
    np.testing.assert_array_equal(before[:, :4], after[:, :4])
    assert np.abs(before[:, 4:] - after[:, 4:]).max() > 1e-6


def test_trace_leaves_training_state_alone() -> None:
    model = small_gpt(dropout=0.5)
    ids, targets = batch()
    model.loss(model(ids), targets).backward()
    grads = {name: p.grad.data.copy() for name, p in model.named_parameters()}
    first = model.trace(ids, targets)
    second = model.trace(ids, targets)
    np.testing.assert_array_equal(first["logits"], second["logits"])    # eval mode: no dropout while tracing
    assert model.training
    for name, p in model.named_parameters():
        np.testing.assert_array_equal(p.grad.data, grads[name], err_msg=name)


def test_trace_gradient_at_the_logits_is_softmax_minus_one_hot() -> None:
    model = small_gpt()
    ids, targets = batch()
    tr = model.trace(ids, targets)
    counted = targets != -100
    expected = tr["probs"].copy()
    rows, cols = np.nonzero(counted)
    expected[rows, cols, targets[counted]] -= 1.0
    expected[~counted] = 0.0
    np.testing.assert_allclose(tr["grad:logits"], expected / counted.sum(), rtol=1e-10, atol=1e-15)


def test_too_long_a_sequence_is_refused_in_the_users_language() -> None:
    model = small_gpt()
    with pytest.raises(InputError) as caught:
        model.trace(np.zeros((1, 9), np.int64))
    assert "8" in caught.value.message("en") and "block_size" in caught.value.message("ja")


@pytest.mark.parametrize("changes, key", [
    (dict(n_embd=10, n_head=4), "gpt.error.heads"),
    (dict(n_layer=0), "gpt.error.size"),
    (dict(block_size=2.5), "gpt.error.size"),
    (dict(dropout=1.0), "gpt.error.dropout"),
    (dict(pos="alibi"), "gpt.error.pos"),
    (dict(pos="rope", n_embd=6, n_head=2), "gpt.error.pos_width"),
    (dict(pos="sinusoidal", n_embd=9, n_head=3), "gpt.error.pos_width"),
    (dict(tied="yes"), "gpt.error.flag"),
])
def test_config_refusals(changes, key) -> None:
    with pytest.raises(InputError) as caught:
        GPTConfig(**(dict(vocab_size=V) | changes))
    assert caught.value.key == key


def test_config_json_round_trip_and_refusals() -> None:
    config = GPTConfig(vocab_size=V, n_layer=3, pos="rope", tied=False)
    assert GPTConfig.from_json(config.to_json()) == config
    for text, key in [('{"vocab_size": 5, "n_layers": 2}', "gpt.error.config_unknown"),
                      ('{"n_layer": 2}', "gpt.error.config_missing"), ("[1]", "gpt.error.config_not_table"),
                      ("{", "gpt.error.config_json")]:
        with pytest.raises(InputError) as caught:
            GPTConfig.from_json(text)
        assert caught.value.key == key


def test_initialisation_follows_gpt2() -> None:
    manual_seed(0)
    model = GPT(GPTConfig(vocab_size=500, n_layer=4, n_embd=64, n_head=4))
    params = dict(model.named_parameters())
    assert "lm_head.weight" not in params                        # tied: the head is wte itself
    assert abs(params["transformer.wte.weight"].data.std() - 0.02) < 0.001
    assert abs(params["transformer.h.0.attn.c_proj.weight"].data.std() - 0.02 / np.sqrt(8)) < 0.0005
    assert np.all(params["transformer.h.0.ln_1.weight"].data == 1)
    assert np.all(params["transformer.h.3.mlp.c_fc.bias"].data == 0)
