"""The layering of DESIGN.md: the engine imports NumPy (and kaibo's translated errors) only; kaibo installs and
imports without PyTorch."""

import ast
import subprocess
import sys
from pathlib import Path

import kaibo

SOURCE = Path(kaibo.__file__).parent
STANDARD = set(sys.stdlib_module_names)
# kaibo's one family of errors, whose messages come from the ja/en catalogue: standard library only, so the
# expression reader can refuse bad input in the learner's language without the engine needing anything else.
LIBRARY_ERRORS = {"kaibo.errors", "kaibo.i18n"}


def imported_top_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module)
    return names


def test_engine_imports_numpy_and_itself_only() -> None:
    foreign = {}
    for path in [*sorted((SOURCE / "engine").rglob("*.py")), SOURCE / "errors.py", SOURCE / "i18n.py"]:
        outside = {name for name in imported_top_names(path)
                   if name.split(".")[0] not in STANDARD | {"numpy", "__future__"}
                   and not name.startswith("kaibo.engine") and name not in LIBRARY_ERRORS}
        if outside:
            foreign[path.name] = outside
    assert foreign == {}


def test_engine_and_checkpoints_work_without_torch_or_the_lab() -> None:
    # A None entry in sys.modules makes `import torch` fail, as on a machine without PyTorch.
    script = (
        "import sys\n"
        "for blocked in ('torch', 'marimo', 'altair', 'sklearn'): sys.modules[blocked] = None\n"
        "from kaibo.engine import Tensor, Value, nn\n"
        "import kaibo.train.checkpoint\n"
        "x = Tensor([1.0, 2.0], requires_grad=True); (x * x).sum().backward()\n"
        "v = Value(3.0); (v * v).backward()\n"
        "print(x.grad.tolist(), v.grad)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["[2.0,", "4.0]", "6.0"]
