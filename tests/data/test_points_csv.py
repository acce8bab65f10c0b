"""A learner's CSV of points: what is read, and every refusal naming the line and the reason."""

import numpy as np
import pytest

from kaibo.data.points_csv import MAX_BYTES, MAX_POINTS, decode, points_csv, read_points_csv
from kaibo.data.toy2d import make_points
from kaibo.errors import InputError

# (file text, expected x, expected labels, expected test mask or None)
GOOD = [
    ("x1,x2,label\n0.5,1.2,1\n-0.3,0.8,0\n", [[0.5, 1.2], [-0.3, 0.8]], [1, 0], None),
    ("0.5,1.2,1\n-0.3,0.8,0", [[0.5, 1.2], [-0.3, 0.8]], [1, 0], None),                  # no header
    ("X1 , X2 , Label\n\n 1 , 2 , 1.0 \n\n3,4,0.0\n", [[1, 2], [3, 4]], [1, 0], None),     # spaces, blank lines
    ("x1,x2,label,split\n1,2,1,train\n3,4,0,TEST\n5,6,0,train\n", [[1, 2], [3, 4], [5, 6]], [1, 0, 0],
     [False, True, False]),
    ("1e-3,-2E2,1\n0,0,0\n", [[0.001, -200], [0, 0]], [1, 0], None),
]

# (file text, catalogue key, the line it names or None)
BAD = [
    ("", "points_csv.error.empty", None),
    ("x1,x2,label\n\n", "points_csv.error.empty", None),
    ("1,2,1\n3,4\n", "points_csv.error.columns_3", 2),
    ("1,2,1\n3;4;0\n", "points_csv.error.columns_3", 2),
    ("1,2,1,train\n", "points_csv.error.columns_3", 1),                      # no header naming split
    ("x1,x2,label,split\n1,2,1\n", "points_csv.error.columns_4", 2),
    ("x1,x2,label\n1,2,1\n3,abc,0\n", "points_csv.error.not_number", 3),
    ("1,2,1\n,4,0\n", "points_csv.error.not_number", 2),
    ("1,2,1\nnan,4,0\n", "points_csv.error.not_finite", 2),
    ("1,inf,1\n3,4,0\n", "points_csv.error.not_finite", 1),
    ("1,2,1\n3,4000,0\n", "points_csv.error.too_large", 2),
    ("1,2,1\n3,4,2\n", "points_csv.error.label", 2),
    ("1,2,0.5\n3,4,0\n", "points_csv.error.label", 1),
    ("1,2,yes\n3,4,0\n", "points_csv.error.label", 1),
    ("x1,x2,label,split\n1,2,1,train\n3,4,0,valid\n", "points_csv.error.split", 3),
    ("1,2,1\n3,4,1\n", "points_csv.error.one_class", None),
    ("x1,x2,label,split\n1,2,1,test\n3,4,0,test\n", "points_csv.error.no_train", None),
    ("1,2,1\n" * (MAX_POINTS + 5), "points_csv.error.too_many", MAX_POINTS + 1),
]


@pytest.mark.parametrize(("text", "x", "y", "test"), GOOD)
def test_good_files_are_read(text: str, x: list, y: list, test: list | None) -> None:
    read = read_points_csv(text.encode("utf-8"), "mine.csv")
    np.testing.assert_allclose(read.points.x, np.array(x, dtype=np.float32))
    assert read.points.y.tolist() == y and read.points.name == "mine.csv"
    assert (read.test is None) if test is None else (read.test.tolist() == test)


@pytest.mark.parametrize(("text", "key", "line"), BAD)
def test_bad_files_are_refused_naming_the_line(text: str, key: str, line: int | None) -> None:
    with pytest.raises(InputError) as refused:
        read_points_csv(text.encode("utf-8"))
    assert refused.value.key == key
    assert refused.value.params.get("line") == line
    if line is not None:       # the learner reads the line number in both languages
        assert all(str(line) in refused.value.message(lang) for lang in ("ja", "en"))


def test_an_exported_split_reads_back_the_same() -> None:
    train, test = make_points("spirals", 50, 0.2, 1).split(0.3, 1)
    read = read_points_csv(points_csv(train, test))
    again_train, again_test = read.parts(test_fraction=0.5, seed=9)   # the file's own split wins
    np.testing.assert_allclose(again_train.x, train.x, atol=1e-5)
    np.testing.assert_allclose(again_test.x, test.x, atol=1e-5)
    assert again_train.y.tolist() == train.y.tolist() and again_test.y.tolist() == test.y.tolist()


def test_without_a_split_column_the_points_are_split_at_random() -> None:
    read = read_points_csv("".join(f"{k},{k},{k % 2}\n" for k in range(20)))
    train, test = read.parts(test_fraction=0.25, seed=0)
    assert (len(train), len(test)) == (15, 5)


@pytest.mark.parametrize(("data", "key"), [
    ("x1,x2,ラベル\n1,2,1\n".encode("cp932"), "points_csv.error.shift_jis"),
    (b"1,2,1\n\x81\x20,4,0\n", "points_csv.error.encoding"),
    (b"0" * (MAX_BYTES + 1), "points_csv.error.too_big"),
])
def test_bytes_that_are_not_utf8_text_are_refused_with_what_to_do(data: bytes, key: str) -> None:
    with pytest.raises(InputError) as refused:
        decode(data)
    assert refused.value.key == key


def test_the_mark_excel_puts_first_is_not_part_of_the_header() -> None:
    read = read_points_csv("\ufeffx1,x2,label\n1,2,1\n3,4,0\n".encode())
    assert len(read.points) == 2
