"""The models of the lessons, built on the engine and named for what they do."""

from kaibo.models.char_rnn import CharRNN
from kaibo.models.landscapes import (
    Landmark,
    Landscape,
    get_landscape,
    hills_landscape,
    line_fit_landscape,
)

__all__ = ["CharRNN", "Landmark", "Landscape", "get_landscape", "hills_landscape", "line_fit_landscape"]
