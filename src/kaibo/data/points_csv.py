"""A learner's own two-class points as CSV text, read with a clear message for every way a file can be wrong.

The file has one point per line, `x1,x2,label`, the label 0 or 1; a first line that does not start with a
number is a header (`x1,x2,label`) and is skipped. A fourth column is allowed when the header names it
`split`: each point's `train` or `test`, which is how `points_csv` writes a playground's data, so a file
exported from the lab reads back as exactly the same split.

Every refusal is an `InputError` that names the line (counted from 1, as an editor shows it) and says what
is wrong there and what to do; the caller keeps whatever data it had, since nothing is returned.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass

import numpy as np

from kaibo.data.toy2d import Points2D
from kaibo.errors import InputError

MAX_POINTS = 2000       # more would slow every step of the live training below ten redraws a second
MAX_BYTES = 1_000_000   # 2,000 lines of three numbers fit in well under 100 kB
LIMIT = 1000.0          # |x1|, |x2| at most this: the network sees the numbers as they are, unscaled
SPLITS = ("train", "test")


@dataclass(frozen=True)
class PointsFile:
    """The points of a file, and which of them it marks as test points (None when it has no split column)."""

    points: Points2D
    test: np.ndarray | None

    def parts(self, test_fraction: float, seed: int = 0) -> tuple[Points2D, Points2D]:
        """(train, test): the file's own split when it has one, else a random one (`Points2D.split`)."""
        if self.test is None:
            return self.points.split(test_fraction, seed)
        p, keep = self.points, ~self.test
        return (Points2D(p.x[keep], p.y[keep], p.name), Points2D(p.x[self.test], p.y[self.test], p.name))


def decode(data: bytes) -> str:
    """The bytes of a file as text: UTF-8 (with or without the mark Excel puts first). A file in Shift_JIS
    (what Excel writes for a Japanese sheet saved as plain "CSV") is recognised and refused with how to fix it."""
    if len(data) > MAX_BYTES:
        raise InputError("points_csv.error.too_big", size=len(data), limit=MAX_BYTES)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        try:
            data.decode("cp932")
        except UnicodeDecodeError:
            raise InputError("points_csv.error.encoding", position=error.start) from None
        raise InputError("points_csv.error.shift_jis") from None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _coordinate(text: str, line: int, column: str) -> float:
    if not _is_number(text):
        raise InputError("points_csv.error.not_number", line=line, column=column, text=text)
    value = float(text)
    if not math.isfinite(value):
        raise InputError("points_csv.error.not_finite", line=line, column=column, text=text)
    if abs(value) > LIMIT:
        raise InputError("points_csv.error.too_large", line=line, column=column, text=text, limit=int(LIMIT))
    return value


def _label(text: str, line: int) -> int:
    if not _is_number(text) or float(text) not in (0.0, 1.0):
        raise InputError("points_csv.error.label", line=line, text=text)
    return int(float(text))


def read_points_csv(data: bytes | str, name: str = "csv") -> PointsFile:
    """The points of a CSV file (bytes as uploaded, or text), checked line by line; see the module's docstring."""
    text = decode(data) if isinstance(data, bytes) else data
    rows = [(number, [field.strip() for field in fields])
            for number, fields in enumerate(csv.reader(io.StringIO(text)), start=1)
            if any(field.strip() for field in fields)]                   # blank lines are skipped
    columns = 3
    if rows and not _is_number(rows[0][1][0]):                          # a header: its names, not numbers
        header = [field.lower() for field in rows.pop(0)[1]]
        if len(header) == 4 and header[3] == "split":
            columns = 4
    if not rows:
        raise InputError("points_csv.error.empty")
    if len(rows) > MAX_POINTS:
        raise InputError("points_csv.error.too_many", count=len(rows), limit=MAX_POINTS,
                         line=rows[MAX_POINTS][0])
    x, y, test = [], [], []
    for line, fields in rows:
        if len(fields) != columns:
            raise InputError(f"points_csv.error.columns_{columns}", line=line, count=len(fields))
        x.append((_coordinate(fields[0], line, "x1"), _coordinate(fields[1], line, "x2")))
        y.append(_label(fields[2], line))
        if columns == 4:
            if fields[3].lower() not in SPLITS:
                raise InputError("points_csv.error.split", line=line, text=fields[3])
            test.append(fields[3].lower() == "test")
    labels = np.array(y, dtype=np.int64)
    if len(set(y)) < 2:
        raise InputError("points_csv.error.one_class", label=y[0], count=len(y))
    split = np.array(test, dtype=bool) if columns == 4 else None
    if split is not None and split.all():
        raise InputError("points_csv.error.no_train")
    return PointsFile(Points2D(np.array(x, dtype=np.float32), labels, name), split)


def points_csv(train: Points2D, test: Points2D) -> str:
    """Training and test points as the CSV `read_points_csv` reads back: x1,x2,label,split."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["x1", "x2", "label", "split"])
    for part, points in (("train", train), ("test", test)):
        for (x1, x2), label in zip(points.x.tolist(), points.y.tolist(), strict=True):
            writer.writerow([f"{x1:.6g}", f"{x2:.6g}", label, part])
    return buffer.getvalue()
