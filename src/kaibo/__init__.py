"""kaibo (解剖): an anatomy lab for neural networks and LLMs.

The layers, from the bottom up: `kaibo.engine` (a NumPy autograd), `kaibo.train` (checkpoints, loops),
`kaibo.lab` (the interactive lessons) and `kaibo.cli` (the `kaibo` command).
"""

__version__ = "0.1.0"
