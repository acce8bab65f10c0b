"""Checkpoints: a round trip, and every way a file can be bad refused by name with nothing lost."""

import json
from pathlib import Path

import numpy as np
import pytest

from kaibo.engine import manual_seed, nn
from kaibo.errors import CheckpointError
from kaibo.train import checkpoint


def small_model(width: int = 4) -> nn.Module:
    manual_seed(0)
    return nn.Sequential(nn.Linear(3, width), nn.ReLU(), nn.Linear(width, 2))


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    return checkpoint.save_model(small_model(), tmp_path / "model.safetensors", {"seed": "0"})


def test_round_trip_restores_every_weight(saved: Path) -> None:
    model = small_model()
    before = model.state_dict()
    for p in model.parameters():
        p.data = p.data * 0 + 7
    checkpoint.load_model(model, saved)
    after = model.state_dict()
    assert before.keys() == after.keys()
    for name in before:
        np.testing.assert_array_equal(before[name], after[name])


def truncate(path: Path) -> str:
    """Cut the last 4 bytes: only the tensor stored last loses data. Its name comes from the JSON header."""
    raw = path.read_bytes()
    header = json.loads(raw[8:8 + int.from_bytes(raw[:8], "little")])
    header.pop("__metadata__", None)
    path.write_bytes(raw[:-4])
    return max(header, key=lambda name: header[name]["data_offsets"][1])


def garbage(path: Path) -> str:
    path.write_bytes(b"this is not a checkpoint" * 3)
    return ""


def nan_inside(path: Path) -> str:
    arrays = checkpoint.load_state_dict(path)
    arrays["0.weight"][0, 0] = np.nan
    from safetensors.numpy import save_file
    save_file(arrays, path)
    return "0.weight"


@pytest.mark.parametrize(("damage", "key"), [
    (truncate, "checkpoint.error.truncated"),
    (garbage, "checkpoint.error.corrupt"),
    (nan_inside, "checkpoint.error.not_finite"),
])
def test_damaged_file_is_refused_and_model_untouched(saved: Path, damage, key: str) -> None:
    name = damage(saved)
    model = small_model()
    for p in model.parameters():
        p.data = p.data * 0 + 3
    with pytest.raises(CheckpointError) as caught:
        checkpoint.load_model(model, saved)
    assert caught.value.key == key
    for lang in ("ja", "en"):
        assert name in caught.value.message(lang)
    assert all(np.all(p.data == 3) for p in model.parameters())


@pytest.mark.parametrize(("other", "key", "name"), [
    (nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 2)), "checkpoint.error.shape", "0.weight"),
    (nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2), nn.Linear(2, 2)),
     "checkpoint.error.missing_tensor", "3.weight"),
    (nn.Sequential(nn.Linear(3, 4)), "checkpoint.error.unexpected_tensor", "2.bias"),
])
def test_checkpoint_of_another_model_is_refused_by_name(saved: Path, other: nn.Module, key: str, name: str) -> None:
    before = other.state_dict()
    with pytest.raises(CheckpointError) as caught:
        checkpoint.load_model(other, saved)
    assert caught.value.key == key
    assert f"「{name}」" in caught.value.message("ja") and f'"{name}"' in caught.value.message("en")
    for param_name, array in other.state_dict().items():
        np.testing.assert_array_equal(array, before[param_name])


def test_refused_save_keeps_the_old_file(saved: Path) -> None:
    old = saved.read_bytes()
    model = small_model()
    model[0].weight.data[1, 1] = np.inf
    with pytest.raises(CheckpointError, match="0.weight"):
        checkpoint.save_model(model, saved)
    assert saved.read_bytes() == old
    assert [p.name for p in saved.parent.iterdir()] == [saved.name]


def test_interrupted_write_keeps_the_old_file(saved: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = saved.read_bytes()

    def write_half_then_fail(arrays, filename, metadata=None):
        Path(filename).write_bytes(b"half")
        raise OSError("disk full")
    monkeypatch.setattr(checkpoint, "save_file", write_half_then_fail)
    with pytest.raises(OSError):
        checkpoint.save_model(small_model(), saved)
    assert saved.read_bytes() == old
    assert [p.name for p in saved.parent.iterdir()] == [saved.name]


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CheckpointError) as caught:
        checkpoint.load_state_dict(tmp_path / "nowhere.safetensors")
    assert caught.value.key == "checkpoint.error.missing"


def test_metadata_is_written(saved: Path) -> None:
    from safetensors import safe_open
    with safe_open(str(saved), "np") as f:
        assert f.metadata() == {"seed": "0"}


def test_no_pickle_anywhere_in_the_package() -> None:
    source = Path(checkpoint.__file__).parents[1]
    offenders = [p for p in source.rglob("*.py") if "import pickle" in p.read_text(encoding="utf-8")
                 or "torch.load(" in p.read_text(encoding="utf-8")]
    assert offenders == []
