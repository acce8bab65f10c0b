"""Optimizers and schedules on the engine, named as in `torch.optim`."""

from kaibo.engine.optim.adam import Adam, AdamW
from kaibo.engine.optim.clip import clip_grad_norm_
from kaibo.engine.optim.optimizer import Optimizer
from kaibo.engine.optim.schedule import LambdaLR, cosine_with_warmup
from kaibo.engine.optim.sgd import SGD

__all__ = ["SGD", "Adam", "AdamW", "LambdaLR", "Optimizer", "clip_grad_norm_", "cosine_with_warmup"]
