"""The digit pad's drawing goes into the address and back; text that is not a drawing is ignored."""

import pytest

from kaibo.lab.digit_pad import DigitPad, decode, encode


@pytest.mark.parametrize("levels", [[16] * 64, list(range(17)) * 3 + [0] * 13, [0] * 63 + [8]])
def test_round_trip(levels: list[int]) -> None:
    text = encode(levels)
    assert len(text) == 64 and decode(text) == levels


def test_an_empty_pad_leaves_the_address_empty() -> None:
    assert encode([0] * 64) == ""


@pytest.mark.parametrize("text", ["", "0" * 63, "0" * 65, "h" + "0" * 63, "-" * 64])
def test_decode_refuses(text: str) -> None:
    assert decode(text) is None


def test_widget_starts_blank_with_three_levels() -> None:
    pad = DigitPad()
    assert pad.ink == [0] * 64 and pad.levels == [0, 8, 16] and pad.side == 8
