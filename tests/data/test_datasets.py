"""The BMI → progression data: the right columns of the installed file, rescaled as documented."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_diabetes

from kaibo.data import load_bmi_progression
from kaibo.i18n import LANGUAGES, catalogue


def test_columns_are_the_installed_bmi_and_target_in_their_raw_units() -> None:
    data = load_bmi_progression()
    raw = load_diabetes(scaled=False)
    np.testing.assert_allclose(data.x_column.to_raw(data.x), raw.data[:, 2], rtol=0, atol=1e-12)
    np.testing.assert_allclose(data.y_column.to_raw(data.y), raw.target, rtol=0, atol=1e-12)
    assert raw.feature_names[2] == "bmi"
    assert (data.x_column.unit, data.y_column.unit) == ("kg/m²", "")


@pytest.mark.parametrize(("statistic", "expected"), [
    # Worked by hand from the rescaling: BMI 18.0 … 42.2 kg/m² → (BMI − 25) / 5; progression 25 … 346 → /100.
    (lambda d: d.x.min(), -1.4),
    (lambda d: d.x.max(), 3.44),
    (lambda d: d.y.min(), 0.25),
    (lambda d: d.y.max(), 3.46),
    (lambda d: len(d.x) if len(d.x) == len(d.y) else None, 442),
])
def test_rescaled_values(statistic, expected) -> None:
    assert statistic(load_bmi_progression()) == pytest.approx(expected, abs=1e-12)


def test_rescaling_keeps_the_relation_and_puts_the_line_near_one() -> None:
    data = load_bmi_progression()
    raw = load_diabetes(scaled=False)
    # A linear rescaling of both columns cannot change their correlation.
    assert np.corrcoef(data.x, data.y)[0, 1] == pytest.approx(np.corrcoef(raw.data[:, 2], raw.target)[0, 1])
    slope, intercept = np.polyfit(data.x, data.y, 1)
    assert 0.3 < slope < 1.0 and 1.0 < intercept < 2.0


def test_arrays_are_read_only_and_loaded_once() -> None:
    data = load_bmi_progression()
    assert load_bmi_progression() is data
    with pytest.raises(ValueError):
        data.x[0] = 0.0


def test_column_labels_exist_in_both_languages() -> None:
    data = load_bmi_progression()
    for column in (data.x_column, data.y_column):
        assert set(catalogue()[column.label_key]) == set(LANGUAGES)


def test_digits_split_is_the_installed_set_cut_once() -> None:
    from sklearn.datasets import load_digits

    from kaibo.data.datasets import load_digits_split

    digits, raw = load_digits_split(), load_digits()
    assert (digits.x_train.shape, digits.x_test.shape) == ((1347, 64), (450, 64))
    assert digits.x_train.dtype == np.float32 and digits.y_train.dtype == np.int64
    # Every image is in exactly one part, with its own label, pixels scaled from 0…16 to 0…1.
    images = np.concatenate([digits.x_train, digits.x_test]) * 16
    labels = np.concatenate([digits.y_train, digits.y_test])
    order = np.lexsort(np.column_stack([images, labels]).T)
    expected = np.lexsort(np.column_stack([raw.data, raw.target]).T)
    np.testing.assert_array_equal(images[order], raw.data[expected])
    np.testing.assert_array_equal(labels[order], raw.target[expected])
    assert set(np.unique(digits.y_test)) == set(range(10))  # every digit is tested
    assert load_digits_split() is digits and load_digits_split(seed=1).y_test.tolist() != digits.y_test.tolist()
    with pytest.raises(ValueError):
        digits.x_test[0, 0] = 0.0
