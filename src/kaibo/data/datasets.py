"""Small real data sets that ship inside installed packages: nothing is downloaded.

- `load_bmi_progression()`: one input, one number to predict (lessons 1 and 4's line fit).
- `load_digits_split()`: 8 × 8 images of handwritten digits with their labels, cut once into a training and
  a test part (lesson 4's batch-size study).

`load_bmi_progression()` is the data of lesson 1 (gradient descent): for each of 442 diabetes patients,
the body mass index (BMI) at the start of a study and a measure of how far the disease had progressed one
year later. It comes from the file that scikit-learn installs with itself
(`sklearn.datasets.load_diabetes`, Efron, Hastie, Johnstone and Tibshirani, "Least Angle Regression",
Annals of Statistics 32(2), 2004). Why this set: it is real clinical data, it is one clear 1-D relation
(heavier patients progress further, correlation 0.59) with honest scatter around the line, and it is
already on every machine that has the lab.

Both columns are rescaled so that the slope w and the intercept b of the line y ≈ w·x + b come out near 1:

- x = (BMI − 25) / 5. BMI 25 kg/m² is the WHO boundary between "normal weight" and "overweight", and
  5 kg/m² is the width of one WHO class (and close to one standard deviation here, 4.4 kg/m²).
  Then b is the predicted progression of a patient at BMI 25, and w the change per 5 kg/m².
- y = progression / 100 (the raw score runs from 25 to 346 and has no physical unit).

The least-squares line is then w ≈ 0.512, b ≈ 1.381 (raw: progression ≈ 10.23·BMI − 117.8).
We do not use z-scores: with x and y both standardised the loss surface of the line is exactly circular
(its Hessian is 2·I), a special case that would hide that contours are ellipses in general, and the two
numbers would lose their units.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np


@dataclass(frozen=True)
class Column:
    """What one column of a data set measures, and how it was rescaled.

    Attributes
    ----------
    name : str
        Short name as the source spells it (``"bmi"``).
    unit : str
        Unit of the raw values (``"kg/m²"``); ``""`` for a score without a unit.
    offset, scale : float
        The rescaling: ``value = (raw - offset) / scale``.
    label_key : str
        Catalogue key of the column's label in Japanese and English (`kaibo.i18n.t`).
    """

    name: str
    unit: str
    offset: float
    scale: float
    label_key: str

    def to_raw(self, value: np.ndarray | float) -> np.ndarray | float:
        """Rescaled value(s) back in the raw unit: ``raw = value * scale + offset``."""
        return value * self.scale + self.offset


@dataclass(frozen=True)
class Dataset:
    """A 1-D relation: inputs `x` and targets `y` (read-only float64 arrays of shape (N,)).

    Attributes
    ----------
    x, y : np.ndarray
        The rescaled columns, shape (N,) each.
    x_column, y_column : Column
        What each column is, its raw unit and the rescaling applied.
    source : str
        Where the numbers come from (the installed file and the paper).
    """

    x: np.ndarray
    y: np.ndarray
    x_column: Column
    y_column: Column
    source: str


@cache
def load_bmi_progression() -> Dataset:
    """BMI → disease progression one year later, 442 patients, rescaled as the module docstring says.

    Returns
    -------
    Dataset
        ``x`` = (BMI − 25) / 5 and ``y`` = progression / 100, shape (442,) each, read-only; the same
        object on every call (the file is read once).

    Examples
    --------
    >>> data = load_bmi_progression()
    >>> data.x.shape, round(float(data.x_column.to_raw(data.x).min()), 1)
    ((442,), 18.0)
    """
    # Imported here, not at the top: scikit-learn takes about a second to import and only this loader needs
    # it (the engine and the models import NumPy only). `scaled=False` gives the raw BMI in kg/m² and
    # reads the bundled CSV files; no network is involved.
    from sklearn.datasets import load_diabetes

    raw = load_diabetes(scaled=False)
    bmi = raw.data[:, list(raw.feature_names).index("bmi")]
    x_column = Column("bmi", "kg/m²", offset=25.0, scale=5.0, label_key="descent.data.bmi")
    y_column = Column("progression", "", offset=0.0, scale=100.0, label_key="descent.data.progression")
    x = (bmi - x_column.offset) / x_column.scale
    y = (raw.target - y_column.offset) / y_column.scale
    for column in (x, y):
        column.flags.writeable = False  # the cached object is shared by every caller
    source = ("scikit-learn, sklearn.datasets.load_diabetes(scaled=False): columns 'bmi' and the target; "
              "Efron, Hastie, Johnstone & Tibshirani, Least Angle Regression, Ann. Statist. 32(2), 2004")
    return Dataset(x=x, y=y, x_column=x_column, y_column=y_column, source=source)


@dataclass(frozen=True)
class DigitsSplit:
    """Images of handwritten digits and their labels, split into a training part and a test part.

    Attributes
    ----------
    x_train, x_test : np.ndarray
        float32, shape (N, 64): each row one 8 × 8 image read row by row, pixels scaled from 0…16 to 0…1.
    y_train, y_test : np.ndarray
        int64, shape (N,): the digit each image shows, 0 to 9.
    seed : int
        The seed of the shuffle that made the split.
    source : str
        Where the numbers come from.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    seed: int
    source: str


@cache
def load_digits_split(test_size: int = 450, seed: int = 0) -> DigitsSplit:
    """The 1,797 digit images that scikit-learn installs (`sklearn.datasets.load_digits`: the test part of
    the UCI "Optical Recognition of Handwritten Digits" set, 8 × 8 pixels, 43 writers), shuffled once with
    `seed` and cut into `test_size` test images and the rest for training (1,347 by default, the 3 : 1 split
    scikit-learn's `train_test_split` makes by default).

    The test images are never trained on: accuracy on them says how the model does on digits it has not seen.
    The split is fixed by `seed`, so every learner (and every seed of a training run) is scored on the same
    450 images. Arrays are read-only; the same object is returned for the same arguments.

    Examples
    --------
    >>> digits = load_digits_split()
    >>> digits.x_train.shape, digits.x_test.shape, float(digits.x_train.max())
    ((1347, 64), (450, 64), 1.0)
    """
    from sklearn.datasets import load_digits  # imported here: see load_bmi_progression

    raw = load_digits()
    order = np.random.default_rng(seed).permutation(len(raw.target))
    test, train = order[:test_size], order[test_size:]
    x = (raw.data / 16.0).astype(np.float32)   # pixels 0…16 → 0…1: weights of one scale fit every pixel
    y = raw.target.astype(np.int64)
    parts = [x[train], y[train], x[test], y[test]]
    for part in parts:
        part.flags.writeable = False
    source = ("scikit-learn, sklearn.datasets.load_digits(): UCI Optical Recognition of Handwritten Digits "
              "(Alpaydin & Kaynak, 1998), test part, 8 x 8 images")
    return DigitsSplit(*parts, seed=seed, source=source)
