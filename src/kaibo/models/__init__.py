"""The models of the lessons, built on the engine and named for what they do."""

from kaibo.models.char_rnn import CharRNN
from kaibo.models.digit_cnn import DigitCNN
from kaibo.models.landscapes import (
    Landmark,
    Landscape,
    get_landscape,
    hills_landscape,
    line_fit_landscape,
)
from kaibo.models.mlp_classifier import MLPClassifier

__all__ = ["CharRNN", "DigitCNN", "Landmark", "Landscape", "MLPClassifier", "get_landscape", "hills_landscape",
           "line_fit_landscape"]
