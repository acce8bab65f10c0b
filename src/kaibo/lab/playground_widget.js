// The playground's canvas (lesson 7). Python (playground_widget.py) owns the run; this script draws what it
// sends and asks for the next frame as soon as one is drawn, while playing. Nothing is fetched.

const CLASS = [[37, 99, 235], [234, 88, 12]];  // class 0 blue, class 1 orange, as in lessons 5 and 6
const NAN_BYTE = 255;
const MAP = { size: 440, left: 40, bottom: 30, top: 8, right: 8 };
const CURVE = { width: 380, height: 190, left: 52, bottom: 34, top: 22, right: 10 };
const MIN_GAP_MS = 15;  // at most ~60 frames a second: a screen shows no more

function element(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

// Round numbers between lo and hi, about `count` of them, for axis labels.
function ticks(lo, hi, count) {
  const raw = (hi - lo) / count, power = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
  const out = [];
  for (let k = Math.ceil(lo / step); k * step <= hi * (1 + 1e-9); k++) out.push(k * step);
  return out;
}

// 0.25, 40, 1000, 2e+25: short enough to sit beside an axis.
const label = (v) => (v === 0 ? "0" : Math.abs(v) >= 1e5 || Math.abs(v) < 0.01 ? v.toExponential(0)
  : String(+v.toPrecision(3)));

function canvas(width, height, className) {
  const c = element("canvas", className);
  const ratio = window.devicePixelRatio || 1;
  c.width = width * ratio;
  c.height = height * ratio;
  c.style.width = `${width}px`;
  c.style.height = `${height}px`;
  c.getContext("2d").scale(ratio, ratio);
  return c;
}

function render({ model, el }) {
  const t = model.get("texts");
  const root = element("div", "kb-pg");
  root.dataset.frames = "0";
  const map = canvas(MAP.size, MAP.size, "kb-pg-map");
  const curve = canvas(CURVE.width, CURVE.height, "kb-pg-curve");
  const cells = document.createElement("canvas");  // the grid at one pixel per cell, scaled up when drawn
  const [rows, cols] = model.get("grid_shape");
  cells.width = cols;
  cells.height = rows;

  // ---- controls
  const play = element("button", "kb-pg-play", t.play);
  const step = element("button", "kb-pg-step", t.step);
  const over = element("button", "kb-pg-over", t.start_over);
  const remove = element("button", "kb-pg-remove", t.remove);
  const png = element("button", "kb-pg-png", t.png);
  const buttons = element("div", "kb-pg-buttons");
  buttons.append(play, step, over);
  const classes = element("div", "kb-pg-classes");
  classes.append(element("span", "", t.click_class));
  const choice = [0, 1].map((k) => {
    const wrap = element("label", `kb-pg-class kb-pg-class${k}`);
    const input = element("input");
    input.type = "radio";
    input.name = `kb-pg-class-${Math.random()}`;
    input.value = String(k);
    input.checked = k === 1;
    wrap.append(input, element("span", "", t[`class${k}`]));
    classes.append(wrap);
    return input;
  });
  const hint = element("p", "kb-pg-hint", t.click_hint);

  // ---- numbers
  const table = element("table", "kaibo-readout kb-pg-values");
  table.style.width = "auto";  // marimo's tables fill the line; this one sits beside its labels
  const values = {};
  for (const name of ["step", "train_loss", "test_loss", "train_accuracy", "test_accuracy", "fps"]) {
    const tr = element("tr");
    const cell = element("td");
    cell.dataset.kaiboValue = name;
    values[name] = element("b", "", "–");
    cell.append(values[name]);
    tr.append(element("td", "", t[`value_${name}`]), cell);
    table.append(tr);
  }
  const alert = element("div", "kb-pg-alert");
  const alertText = element("p");
  const restore = element("button", "kb-pg-restore", t.restore);
  alert.append(alertText, restore);
  alert.hidden = true;
  const notice = element("p", "kb-pg-notice");
  const waiting = element("p", "kb-pg-waiting", t.waiting);
  waiting.hidden = true;

  const side = element("div", "kb-pg-side");
  side.append(buttons, table, curve, element("p", "kb-pg-legend", t.curve_legend));
  const plane = element("div", "kb-pg-plane");
  plane.append(map, element("p", "kb-pg-legend", t.map_legend), classes, hint, element("div", "kb-pg-row", ""));
  plane.lastChild.append(remove, png);
  const top = element("div", "kb-pg-top");
  top.append(plane, side);
  root.append(top, alert, waiting, notice);
  el.append(root);

  // ---- state
  let points = model.get("points");
  let extent = model.get("extent");
  let grid = null;
  let history = [];  // [step, train loss, test loss]
  let playing = false, busy = false, state = "ready", lastAsk = 0;
  const stamps = [];  // when each of the last frames was drawn, for the rate

  const ask = (kind, extra = {}) => {
    busy = true;
    lastAsk = performance.now();
    model.send({ kind, ...extra });
  };
  const askNext = () => {
    const wait = Math.max(0, MIN_GAP_MS - (performance.now() - lastAsk));
    setTimeout(() => { if (playing && !busy) ask("next"); }, wait);
  };
  const setPlaying = (on) => {
    playing = on;
    play.textContent = on ? t.pause : t.play;
    root.dataset.playing = String(on);
  };

  // ---- drawing the plane
  const px = (x1) => MAP.left + ((x1 - extent[0]) / (extent[1] - extent[0])) * (MAP.size - MAP.left - MAP.right);
  const py = (x2) => MAP.size - MAP.bottom - ((x2 - extent[2]) / (extent[3] - extent[2])) * (MAP.size - MAP.bottom - MAP.top);
  const colour = (p) => {
    if (p === null) return [156, 163, 175];
    const strength = 0.55 * Math.abs(2 * p - 1), c = CLASS[p > 0.5 ? 1 : 0];
    return c.map((v) => Math.round(255 + (v - 255) * strength));
  };
  const prob = (r, c) => {  // r counts from the lowest x2
    const b = grid.charCodeAt(r * cols + c);
    return b === NAN_BYTE ? null : b / 254;
  };

  function drawMap() {
    const ctx = map.getContext("2d");
    const w = MAP.size - MAP.left - MAP.right, h = MAP.size - MAP.bottom - MAP.top;
    ctx.clearRect(0, 0, MAP.size, MAP.size);
    if (grid) {
      const img = cells.getContext("2d").createImageData(cols, rows);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          const [R, G, B] = colour(prob(r, c));
          const i = 4 * ((rows - 1 - r) * cols + c);  // the image's first row is the highest x2
          img.data[i] = R; img.data[i + 1] = G; img.data[i + 2] = B; img.data[i + 3] = 255;
        }
      }
      cells.getContext("2d").putImageData(img, 0, 0);
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(cells, MAP.left, MAP.top, w, h);
      drawBorder(ctx, w / cols, h / rows);
    }
    ctx.strokeStyle = "#9ca3af";
    ctx.strokeRect(MAP.left, MAP.top, w, h);
    ctx.fillStyle = "#374151";
    ctx.font = "11px sans-serif";
    ctx.textAlign = "center";
    for (const v of ticks(extent[0], extent[1], 5)) ctx.fillText(label(v), px(v), MAP.size - MAP.bottom + 13);
    ctx.fillText("x₁", MAP.left + w / 2, MAP.size - 4);
    ctx.textAlign = "right";
    for (const v of ticks(extent[2], extent[3], 5)) ctx.fillText(label(v), MAP.left - 4, py(v) + 4);
    ctx.save();
    ctx.translate(11, MAP.top + h / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = "center";
    ctx.fillText("x₂", 0, 0);
    ctx.restore();
    for (const [x1, x2, y, kind] of points) {
      const c = `rgb(${CLASS[y].join(",")})`;
      ctx.beginPath();
      ctx.arc(px(x1), py(x2), kind === 1 ? 4 : 4.5, 0, 2 * Math.PI);
      ctx.fillStyle = kind === 1 ? "white" : c;
      ctx.fill();
      ctx.lineWidth = kind === 0 ? 1 : 2;
      ctx.strokeStyle = kind === 0 ? "white" : kind === 1 ? c : "black";
      ctx.stroke();
    }
    ctx.lineWidth = 1;
  }

  // The border p = 0.5, by marching squares over the cell centres: in each square of four neighbouring
  // centres, the border crosses every side whose two ends lie on different sides of 0.5, at the point where
  // the straight line between their two probabilities reaches 0.5.
  function drawBorder(ctx, cw, ch) {
    ctx.beginPath();
    const X = (c) => MAP.left + (c + 0.5) * cw, Y = (r) => MAP.top + (rows - r - 0.5) * ch;
    for (let r = 0; r + 1 < rows; r++) {
      for (let c = 0; c + 1 < cols; c++) {
        const corners = [[r, c], [r, c + 1], [r + 1, c + 1], [r + 1, c]];
        const p = corners.map(([a, b]) => prob(a, b));
        if (p.includes(null)) continue;
        const cuts = [];
        for (let k = 0; k < 4; k++) {
          const [a, b] = [p[k], p[(k + 1) % 4]];
          if ((a > 0.5) !== (b > 0.5)) {
            const f = (0.5 - a) / (b - a), [r0, c0] = corners[k], [r1, c1] = corners[(k + 1) % 4];
            cuts.push([X(c0 + f * (c1 - c0)), Y(r0 + f * (r1 - r0))]);
          }
        }
        for (let k = 0; k + 1 < cuts.length; k += 2) {
          ctx.moveTo(...cuts[k]);
          ctx.lineTo(...cuts[k + 1]);
        }
      }
    }
    ctx.strokeStyle = "rgba(17, 24, 39, 0.85)";
    ctx.lineWidth = 2;
    ctx.stroke();
  }

  // ---- drawing the loss curves
  function drawCurves() {
    const ctx = curve.getContext("2d");
    const w = CURVE.width - CURVE.left - CURVE.right, h = CURVE.height - CURVE.top - CURVE.bottom;
    ctx.clearRect(0, 0, CURVE.width, CURVE.height);
    const last = history.length ? history[history.length - 1][0] : 0;
    const stride = Math.max(1, Math.ceil(history.length / 800));  // at most ~800 points per curve
    const drawn = history.filter((_, i) => i % stride === 0);
    const top = Math.max(0.1, ...drawn.flatMap((row) => [row[1], row[2]]).filter((v) => v !== null));
    // At least one step wide, so that step 0 alone (a fresh or rewound run) still has an axis.
    const span = Math.max(last, 1);
    const X = (s) => CURVE.left + (s / span) * w, Y = (v) => CURVE.top + h - (Math.min(v, top) / top) * h;
    ctx.strokeStyle = "#9ca3af";
    ctx.strokeRect(CURVE.left, CURVE.top, w, h);
    ctx.fillStyle = "#374151";
    ctx.font = "11px sans-serif";
    ctx.textAlign = "right";
    for (const v of ticks(0, top, 4)) ctx.fillText(label(v), CURVE.left - 4, Y(v) + 4);
    ctx.textAlign = "center";
    // Steps are whole numbers: no 0.5 on this axis.
    for (const v of ticks(0, span, 4).filter(Number.isInteger)) ctx.fillText(label(v), X(v), CURVE.top + h + 13);
    ctx.fillText(t.curve_x, CURVE.left + w / 2, CURVE.height - 4);
    ctx.textAlign = "left";
    ctx.fillText(t.curve_y, CURVE.left, 12);
    for (const [column, colourName, dash] of [[1, "#111827", []], [2, "#dc2626", [5, 3]]]) {
      ctx.beginPath();
      ctx.setLineDash(dash);
      let pen = false;
      for (const row of drawn) {
        const v = row[column];
        if (v === null) { pen = false; continue; }
        if (pen) ctx.lineTo(X(row[0]), Y(v)); else ctx.moveTo(X(row[0]), Y(v));
        pen = true;
      }
      ctx.strokeStyle = colourName;
      ctx.lineWidth = 1.5;
      ctx.stroke();
      // A single step (a fresh or rewound run) is no line yet: show it as a dot.
      const only = drawn.length === 1 ? drawn[0] : null;
      if (only && only[column] !== null) {
        ctx.beginPath();
        ctx.arc(X(only[0]), Y(only[column]), 3, 0, 2 * Math.PI);
        ctx.fillStyle = colourName;
        ctx.fill();
      }
    }
    ctx.setLineDash([]);
  }

  // ---- frames from Python
  model.on("msg:custom", (msg) => {
    if (msg.kind !== "frame") return;
    busy = false;
    grid = atob(msg.grid);
    history = history.slice(0, msg.from).concat(msg.rows);
    for (const [name, text] of Object.entries(msg.values)) values[name].textContent = text;
    state = msg.state;
    alert.hidden = state !== "diverged";
    alertText.textContent = msg.message;
    waiting.hidden = state !== "waiting";
    notice.textContent = msg.notice;
    remove.hidden = msg.placed === 0;
    drawMap();
    drawCurves();
    const now = performance.now();
    stamps.push(now);
    while (stamps.length && now - stamps[0] > 1000) stamps.shift();
    root.dataset.frames = String(Number(root.dataset.frames) + 1);
    if (playing && stamps.length > 1) {
      const rate = ((stamps.length - 1) * 1000) / (now - stamps[0]);
      values.fps.textContent = rate.toFixed(1);
      root.dataset.fps = rate.toFixed(2);
    }
    if (playing && state !== "ready") { setPlaying(false); ask("pause"); }
    else if (playing) askNext();
  });
  model.on("change:points", () => { points = model.get("points"); drawMap(); });

  play.addEventListener("click", () => {
    if (playing) { setPlaying(false); ask("pause"); return; }
    if (state !== "ready") return;
    stamps.length = 0;
    setPlaying(true);
    if (!busy) ask("next");
  });
  step.addEventListener("click", () => {
    if (playing) setPlaying(false);
    ask("step");
  });
  over.addEventListener("click", () => { setPlaying(false); ask("start_over"); });
  restore.addEventListener("click", () => ask("restore"));
  remove.addEventListener("click", () => ask("remove"));
  png.addEventListener("click", () => {
    const link = element("a");
    link.download = "kaibo-playground-boundary.png";
    link.href = map.toDataURL("image/png");
    link.click();
  });
  map.addEventListener("click", (event) => {
    const box = map.getBoundingClientRect();
    const x = event.clientX - box.left, y = event.clientY - box.top;
    const w = MAP.size - MAP.left - MAP.right, h = MAP.size - MAP.bottom - MAP.top;
    if (x < MAP.left || x > MAP.left + w || y < MAP.top || y > MAP.top + h) return;
    const chosen = choice[1].checked ? 1 : 0;
    ask("add", {
      x1: extent[0] + ((x - MAP.left) / w) * (extent[1] - extent[0]),
      x2: extent[2] + ((MAP.top + h - y) / h) * (extent[3] - extent[2]),
      label: event.shiftKey ? 1 - chosen : chosen,
    });
  });

  setPlaying(false);
  drawMap();
  drawCurves();
  ask("hello");  // the first frame (answered once the page's cells have run: Python does one thing at a time)
}

export default { render };
