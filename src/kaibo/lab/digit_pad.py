"""A pad to draw an 8 × 8 digit on, cell by cell, for lesson 8 (an anywidget; `mo.ui.anywidget(DigitPad())`).

Each cell holds an ink level from 0 to 16, as the digits of scikit-learn do. A click raises the cell's ink to
the next of `LEVELS` (after the darkest, back to empty); dragging with the button held gives every cell the
pointer passes the level the first cell got. The drawing is sent to Python when the button is released, so
a stroke is one recomputation, not one per cell. The pad draws itself with plain HTML (a grid of cells, each
a button a test can click by its `data-cell` number, 0…63 in reading order); nothing is fetched.

`encode` and `decode` write a drawing into the page's address and read it back: one character per cell,
0…9 then a…g for 10…16.
"""

from __future__ import annotations

import anywidget
import traitlets

SIDE, INK = 8, 16
LEVELS = (0, 8, 16)          # what a click cycles through
_DIGITS = "0123456789abcdefg"  # one character per ink level 0…16

_ESM = """
function render({ model, el }) {
  const side = model.get("side"), levels = model.get("levels"), top = levels[levels.length - 1];
  const grid = document.createElement("div");
  grid.className = "kaibo-pad";
  grid.style.gridTemplateColumns = `repeat(${side}, 1fr)`;
  let ink = model.get("ink").slice(), stroke = null;
  const cells = ink.map((_, i) => {
    const cell = document.createElement("button");
    cell.type = "button";
    cell.dataset.cell = i;
    grid.appendChild(cell);
    return cell;
  });
  const paint = () => cells.forEach((cell, i) => {
    const shade = Math.round(255 * (1 - ink[i] / top));
    cell.style.background = `rgb(${shade}, ${shade}, ${shade})`;
    cell.style.color = ink[i] > top / 2 ? "white" : "#555";
    cell.textContent = ink[i] ? ink[i] : "";
    cell.dataset.ink = ink[i];
  });
  const send = () => { model.set("ink", ink.slice()); model.save_changes(); };
  grid.addEventListener("pointerdown", (event) => {
    const i = Number(event.target.dataset.cell);
    if (Number.isNaN(i)) return;
    event.preventDefault();
    stroke = levels.find((level) => level > ink[i]) ?? levels[0];
    ink[i] = stroke;
    paint();
  });
  grid.addEventListener("pointerover", (event) => {
    const i = Number(event.target.dataset.cell);
    if (stroke === null || Number.isNaN(i) || !(event.buttons & 1)) return;
    ink[i] = stroke;
    paint();
  });
  const finish = () => { if (stroke !== null) { stroke = null; send(); } };
  grid.addEventListener("pointerup", finish);
  grid.addEventListener("pointerleave", finish);
  model.on("change:ink", () => { ink = model.get("ink").slice(); paint(); });
  const clear = document.createElement("button");
  clear.type = "button";
  clear.className = "kaibo-pad-clear";
  clear.textContent = model.get("clear");
  clear.addEventListener("click", () => { ink = ink.map(() => 0); paint(); send(); });
  paint();
  el.append(grid, clear);
}
export default { render };
"""

_CSS = """
.kaibo-pad { display: grid; gap: 2px; width: 264px; background: #d1d5db; padding: 2px; touch-action: none;
             user-select: none; }
.kaibo-pad button { aspect-ratio: 1; border: none; padding: 0; font-size: 11px; cursor: crosshair; }
.kaibo-pad-clear { margin-top: 8px; padding: 4px 12px; border: 1px solid #9ca3af; border-radius: 4px;
                   background: white; cursor: pointer; }
"""


class DigitPad(anywidget.AnyWidget):
    """An 8 × 8 drawing pad; `ink` is the drawing, 64 levels 0…16 in reading order."""

    _esm = _ESM
    _css = _CSS
    ink = traitlets.List(traitlets.Int(), default_value=[0] * SIDE * SIDE).tag(sync=True)
    side = traitlets.Int(SIDE).tag(sync=True)
    levels = traitlets.List(traitlets.Int(), default_value=list(LEVELS)).tag(sync=True)
    clear = traitlets.Unicode("clear").tag(sync=True)  # the clear button's label, in the page's language


def encode(levels: list[int]) -> str:
    """A drawing (64 levels 0…16) as 64 characters for the address; "" for an empty pad."""
    return "".join(_DIGITS[level] for level in levels) if any(levels) else ""


def decode(text: str) -> list[int] | None:
    """The drawing `encode` wrote; None for text that is not one (wrong length, a character out of range)."""
    text = text.strip().lower()
    if len(text) != SIDE * SIDE or any(char not in _DIGITS for char in text):
        return None
    return [_DIGITS.index(char) for char in text]
