"""The lesson's experiments: run once and kept, with the settings the page states."""

import numpy as np

from kaibo.train import activation_study as study


def test_each_experiment_runs_once_and_is_kept() -> None:
    assert study.fits("moons") is study.fits("moons")
    assert study.flow("moons", "tanh", 3, 1.0) is study.flow("moons", "tanh", 3, 1.0)
    assert study.linear_network("moons", 2) is not study.linear_network("moons", 3)


def test_the_settings_are_the_ones_the_page_states() -> None:
    points, grid = study.data("xor")
    assert len(points) == study.N and grid.points.shape[1] == 2
    assert set(study.fits("xor")) == set(study.ACTIVATIONS)
    assert study.linear_network("xor", 3).config.hidden == (study.NARROW,) * 2
    flow = study.flow("xor", "relu", 4, 2.5)
    assert flow.pre.shape == (4, study.N, study.WIDTH) and flow.gain == 2.5
    sweep = study.sweep("xor", 3, (0.5, 1.0, 2.0))
    assert set(sweep) == {"sigmoid", "tanh", "relu", "gelu"}
    assert all(np.all(np.diff(factors) > 0) for factors in sweep.values())  # larger weights, larger factors
