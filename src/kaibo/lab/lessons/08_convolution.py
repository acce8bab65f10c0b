"""Lesson 8: convolution. A 3 × 3 kernel slid over a real handwritten digit (or one the learner draws), the
multiply-adds of each position, hand-made and learned kernels with their feature maps, the weights a
convolution saves against a fully connected layer, and a CNN against an MLP on the same split; words and
wiring only.

Every number comes from the library: the sliding and the output size from `kaibo.models.kernel_sliding`
(whose feature map is the engine's `F.conv2d`), the hand-made kernels from `kaibo.models.image_kernels`, the
weight counts from `kaibo.models.parameter_count` (on the real modules), the two trained models from
`kaibo.train.digit_rivals` (trained once per seed while the lab runs, about 2.5 s) and their insides from
`trace`. The figures are drawn by `kaibo.lab.figures.convolution`; the drawing pad is `kaibo.lab.digit_pad`.
Rows, columns and steps are counted from 1 on the page.
"""

import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="kaibo · 8")

with app.setup:
    from functools import cache

    import marimo as mo
    import numpy as np

    from kaibo.data.datasets import load_digits_split
    from kaibo.errors import InputError
    from kaibo.lab.controls import Choice, Slider, Text
    from kaibo.lab.digit_pad import DigitPad, decode, encode
    from kaibo.lab.exhibits import about, percent, shown, tex
    from kaibo.lab.figures import convolution as draw
    from kaibo.lab.page import Lesson, address
    from kaibo.models import image_kernels, kernel_sliding, parameter_count
    from kaibo.train import digit_rivals

    SLUG = "convolution"
    DIGITS = load_digits_split()
    SLIDE = "slide"  # the anchor the preset links open at: the sliding controls, with the figure under them
    DEFAULT_INDEX = 9  # a "1" with one clear upright stroke: the vertical edge detector has something to find
    DEFAULT_STEP = 27  # at stride 1, padding 0: the window on the stroke's left edge (row 5, column 3)
    KERNEL_NAMES = (*image_kernels.KERNELS, "own")
    STAGES = ("conv1", "relu1", "pool1", "conv2", "relu2", "pool2")
    SHIFTS = ((0, 0), (0, 1), (0, -1), (1, 0), (-1, 0))  # (rows down, columns right)


@app.function
def rivals(seed: int) -> dict:
    """The CNN and the MLP trained with `seed`, once per server process (about 2.5 s the first time): every
    learner's page shares them (a cache in this file would be one per page session)."""
    return digit_rivals.trained(seed)


@app.function
@cache
def shifted(seed: int) -> dict:
    """Each model's test accuracy on the test images moved by each of SHIFTS."""
    trained = rivals(seed)
    return {move: {name: digit_rivals.shifted_accuracy(r.model, *move) for name, r in trained.items()}
            for move in SHIFTS}


@app.function
def times_tex(x: float, w: float) -> str:
    """"pixel × weight = product" for one cell, the product with its own sign (not in brackets)."""
    product = x * w
    sign = "-" if product < 0 else ""
    return rf"{tex(x)} \times {tex(w)} = {sign}{tex(abs(product))}"


@app.cell
def _():
    lesson = Lesson(SLUG)
    lesson.header()
    return (lesson,)


@app.cell
def _(lesson):
    lesson.md("intro", train=f"{len(DIGITS.y_train):,}", test=len(DIGITS.y_test))
    return


@app.cell
def _(lesson):
    reset = lesson.reset_button()
    return (reset,)


@app.cell
def _(lesson, reset):
    picture = lesson.controls(
        reset,
        source=Choice(("test", "drawing"), default="test"),
        index=Slider(0, len(DIGITS.y_test) - 1, 1, default=DEFAULT_INDEX),
        draw=Text(default="", max_length=64),  # the drawing, kept in the address by the pad's cell below
    )
    return (picture,)


@app.cell
def _(lesson, picture, reset):
    mo.vstack([
        lesson.md("image_intro"),
        mo.hstack([picture["source"], picture["index"], reset], justify="start", gap=3),
    ], gap=1.5)
    return


@app.cell
def _(lesson, picture):
    # The pad starts from the drawing in the address, else from the test image chosen: a learner may edit a
    # real digit, or clear the pad and draw their own.
    _start = decode(str(address().get("draw") or "")) or \
        digit_rivals.ink(DIGITS.x_test[picture.value["index"]]).ravel().tolist()
    pad = mo.ui.anywidget(DigitPad(ink=_start, clear=lesson.t("pad_clear")))
    return (pad,)


@app.cell
def _(lesson, pad, picture):
    drawing = picture.value["source"] == "drawing"
    if drawing:
        levels = np.array(pad.value["ink"], dtype=np.int64).reshape(8, 8)
        _code = encode(levels.ravel().tolist())
        _params = mo.query_params()
        if _code and _params.get("draw") != _code:
            _params["draw"] = _code
        elif not _code and "draw" in _params:
            del _params["draw"]
        label = None
    else:
        levels = digit_rivals.ink(DIGITS.x_test[picture.value["index"]])
        label = int(DIGITS.y_test[picture.value["index"]])
    _chart, _data = draw.image_chart(lesson, levels)
    _about = (lesson.t("image_drawn") if drawing else
              lesson.t("image_test", index=picture.value["index"], label=label))
    mo.vstack([
        mo.hstack([lesson.figure("image", _chart, _data["image"], datasets=_data),
                   *([mo.vstack([lesson.md("pad_intro"), pad])] if drawing else [])],
                  justify="start", gap=3, align="start", widths=[3, 2] if drawing else None),  # else the CSV row wraps
        lesson.md("image_numbers", about=_about),
    ])
    return drawing, label, levels


@app.cell
def _(lesson, reset):
    sliding = lesson.controls(
        reset,
        kernel=Choice(KERNEL_NAMES, default="vertical_edge"),
        own=Text(default="-1 0 1, -2 0 2, -1 0 1", max_length=200),
        stride=Slider(1, 3, 1, default=1),
        padding=Slider(0, 2, 1, default=0),
    )
    return (sliding,)


@app.cell
def _(lesson, sliding):
    # The learner's own kernel: a text that is not nine numbers is refused with what was wrong, and the
    # page goes on with the vertical edge kernel meanwhile.
    refusal = None
    if sliding.value["kernel"] == "own":
        try:
            kernel = image_kernels.parse_kernel(sliding.value["own"])
        except InputError as error:
            refusal = error.message(lesson.lang)
            kernel = image_kernels.KERNELS["vertical_edge"]
    else:
        kernel = image_kernels.KERNELS[sliding.value["kernel"]]
    return kernel, refusal


@app.cell
def _(lesson, reset, sliding):
    _size = kernel_sliding.output_size(8, 3, sliding.value["stride"], sliding.value["padding"])
    place = lesson.controls(reset, step=Slider(1, _size * _size, 1, default=min(DEFAULT_STEP, _size * _size)))
    return (place,)


@app.cell
def _(lesson, place, refusal, sliding):
    mo.vstack([
        lesson.md("slide_intro"),
        lesson.anchor(SLIDE),
        sliding["kernel"],
        *([sliding["own"], lesson.md("own_hint")] if sliding.value["kernel"] == "own" else []),
        *([mo.callout(mo.md(f"**{lesson.t('own_refused')}** {refusal}"), kind="danger")] if refusal else []),
        mo.hstack([sliding["stride"], sliding["padding"], place["step"]], justify="start", gap=3),
    ], gap=1.5)
    return


@app.cell
def _(kernel, lesson, levels, place, sliding):
    slid = kernel_sliding.slide(levels, kernel, sliding.value["stride"], sliding.value["padding"])
    here = slid.at(min(place.value["step"], slid.steps))
    _chart, _data = draw.slide_chart(lesson, slid, here)
    _rows = [{"step": k + 1, "row": r + 1, "col": c + 1, "value": v}
             for k, ((r, c), v) in enumerate(np.ndenumerate(slid.out))]
    _H, _P, _K, _S = 8, slid.padding, 3, slid.stride
    _size = kernel_sliding.output_size(_H, _K, _S, _P)
    _exact = (_H + 2 * _P - _K) % _S == 0
    _formula = (rf"\frac{{H + 2P - K}}{{S}} + 1 = \frac{{{_H} + 2 \cdot {_P} - {_K}}}{{{_S}}} + 1 = {_size}" if _exact else
                rf"\left\lfloor \frac{{H + 2P - K}}{{S}} \right\rfloor + 1 = \left\lfloor \frac{{{_H} + 2 \cdot {_P} - {_K}}}"
                rf"{{{_S}}} \right\rfloor + 1 = \lfloor {tex((_H + 2 * _P - _K) / _S)} \rfloor + 1 = {_size}")
    _sum = " + ".join(tex(p + 0.0) for p in here.products.ravel().tolist())  # + 0.0: no "−0"
    _grid = r" \\ ".join(" & ".join(times_tex(x, w) for x, w in zip(xs, ws, strict=True))
                         for xs, ws in zip(here.window.tolist(), slid.kernel.tolist(), strict=True))
    mo.vstack([
        lesson.figure("slide", _chart, _rows, datasets=_data),
        mo.Html(f'<p class="kaibo-legend">{lesson.t("slide_legend")}</p>'),
        lesson.md("slide_position", step=here.step, steps=slid.steps, row=here.row + 1, col=here.col + 1,
                  top=here.top - _P + 1, left=here.left - _P + 1, bottom=here.top - _P + _K, right=here.left - _P + _K),
        mo.md(f"$$\n\\begin{{array}}{{ccc}}\n{_grid}\n\\end{{array}}\n$$"),
        mo.md(f"$$\n{_sum} = {tex(here.total)}\n$$"),
        lesson.readout(position=lesson.t("cell", row=here.row + 1, col=here.col + 1), by_hand=here.total,
                       engine=float(slid.out[here.row, here.col]), size=f"{_size} × {_size}"),
        lesson.md("slide_size", formula=_formula, size=_size, stride=_S, padding=_P,
                  leftover="" if _exact else lesson.t("slide_leftover", left=(_H + 2 * _P - _K) % _S)),
        lesson.try_links(SLIDE, first={"step": 1}, padded={"padding": 1, "step": 1},
                         stride2={"stride": 2, "padding": 1}, blur={"kernel": "blur", "padding": 1}),
    ])
    return here, slid


@app.cell
def _(here, kernel, lesson, levels, slid):
    # Convolution as mathematics defines it turns the kernel by 180° first; F.conv2d does not.
    _turned = kernel_sliding.flip(kernel)
    _math = kernel_sliding.convolve(levels, kernel, slid.padding)
    _corr = kernel_sliding.slide(levels, kernel, 1, slid.padding).out
    relation = ("same" if np.allclose(_math, _corr) else "opposite" if np.allclose(_math, -_corr) else "different")
    _kernels, _kdata, _krows = draw.maps_chart(
        {lesson.t("map.kernel"): kernel, lesson.t("map.turned"): _turned}, columns=2, cell=34, font=11,
        shared=True, name="kernels")
    _maps, _mdata, _mrows = draw.maps_chart(
        {lesson.t("map.correlation"): _corr, lesson.t("map.convolution"): _math}, columns=2, cell=26,
        shared=True, name="maps")
    _r, _c = (here.row, here.col) if slid.stride == 1 else (0, 0)
    mo.vstack([
        lesson.md("flip_intro"),
        lesson.figure("flip", draw.side_by_side(_kernels, _maps), [*_krows, *_mrows], datasets={**_kdata, **_mdata}),
        lesson.readout(flip_corr=float(_corr[_r, _c]), flip_math=float(_math[_r, _c]),
                       flip_relation=lesson.t(f"relation.{relation}")),
        lesson.md("flip_read", row=_r + 1, col=_c + 1, relation=lesson.t(f"relation_text.{relation}")),
    ])
    return


@app.cell
def _(kernel, lesson, levels, refusal, sliding):
    # Every hand-made kernel on the same image, padding 1 and stride 1, so each map lines up with the image.
    _bank = dict(image_kernels.KERNELS)
    if sliding.value["kernel"] == "own" and refusal is None:
        _bank["own"] = kernel
    _maps = {lesson.t(f"option.kernel.{name}"): kernel_sliding.slide(levels, k, 1, 1).out for name, k in _bank.items()}
    # Full rows only: a wrapped facet draws a bare axis under an empty slot. 5 maps in one row (smaller cells
    # to fit the page), 6 (with the learner's own) in two rows of 3.
    _wide = len(_maps) % 3 != 0
    _chart, _data, _rows = draw.maps_chart(_maps, columns=len(_maps) if _wide else 3, cell=23 if _wide else 26,
                                           font=8 if _wide else 9)
    mo.vstack([lesson.md("bank_intro"), lesson.figure("bank", _chart, _rows, datasets=_data), lesson.md("bank_read")])
    return


@app.cell
def _(lesson, reset):
    network = lesson.controls(reset, stage=Choice(STAGES, default="conv1"), seed=Slider(0, 9, 1, default=0))
    return (network,)


@app.cell
def _(lesson, network):
    _seed = network.value["seed"]
    with mo.status.spinner(title=lesson.t("training", seed=_seed)):
        trained = rivals(_seed)
    cnn, mlp = trained["cnn"], trained["mlp"]
    return cnn, mlp


@app.cell
def _(cnn, lesson, network):
    _weights = cnn.model.conv1.weight.data[:, 0]                       # (8, 3, 3)
    _biases = cnn.model.conv1.bias.data
    _kernels = {lesson.t("map.unit", k=k + 1, bias=shown(float(b))): w for k, (w, b) in enumerate(zip(_weights, _biases, strict=True))}
    _chart, _data, _rows = draw.maps_chart(_kernels, columns=8, cell=32, digits=2)  # "-0.044" fits a cell
    mo.vstack([
        lesson.md("cnn_intro", seed=network.value["seed"], train=f"{len(DIGITS.y_train):,}", seconds=about(cnn.seconds)),
        lesson.figure("kernels", _chart, _rows, datasets=_data),
        lesson.md("kernels_read"),
    ])
    return


@app.cell
def _(cnn, drawing, label, lesson, levels, mlp, network):
    _x = digit_rivals.pixels(levels)[None]                              # (1, 64), ink ÷ 16
    traced = cnn.model.trace(_x)
    _mlp_probs = mlp.model.trace(_x)["probs"][0]
    _stage = network.value["stage"]
    _values = traced[_stage][0]                                         # (C, h, w)
    _maps = {lesson.t("map.channel", k=k + 1): m for k, m in enumerate(_values)}
    # Sizes that keep a row of maps inside the page: 4 maps of 8 × 8, or 8 of 4 × 4 or 2 × 2, per row.
    _side = _values.shape[1]
    _chart, _data, _rows = draw.maps_chart(_maps, columns=4 if _side == 8 else 8, cell={8: 28, 4: 26, 2: 30}[_side],
                                           font=8, shared=True, digits=2)
    _pchart, _pdata, _prows = draw.probabilities_chart(lesson, {"cnn": traced["probs"][0], "mlp": _mlp_probs})
    _cnn_guess, _mlp_guess = int(traced["probs"][0].argmax()), int(_mlp_probs.argmax())
    mo.vstack([
        lesson.md("stages_intro"),
        network["stage"],
        lesson.md(f"stage.{_stage}", channels=_values.shape[0], side=_values.shape[1]),
        lesson.figure("stage", _chart, _rows, datasets=_data),
        lesson.figure("probs", _pchart, _prows, datasets=_pdata),
        lesson.readout(truth=lesson.t("drawn") if drawing else label, cnn_guess=_cnn_guess,
                       cnn_sure=percent(float(traced["probs"][0][_cnn_guess])), mlp_guess=_mlp_guess,
                       mlp_sure=percent(float(_mlp_probs[_mlp_guess]))),
    ])
    return (traced,)


@app.cell
def _(cnn, lesson, levels, traced):
    # conv1 is the sliding of the top of the page: the CNN's kernel on the image it sees (ink ÷ 16), with
    # padding 1, plus the kernel's bias. Checked at its strongest cell.
    _k, _r, _c = np.unravel_index(np.abs(traced["conv1"][0]).argmax(), traced["conv1"][0].shape)
    _weights = cnn.model.conv1.weight.data[_k, 0].astype(np.float64)
    _bias = float(cnn.model.conv1.bias.data[_k])
    _here = kernel_sliding.slide(levels / digit_rivals.INK, _weights, 1, 1).at(int(_r) * 8 + int(_c) + 1)
    _terms = " + ".join(tex(p + 0.0) for p in _here.products.ravel().tolist())
    mo.vstack([
        lesson.md("unit_check", unit=int(_k) + 1, row=int(_r) + 1, col=int(_c) + 1),
        mo.md(f"$$\n{_terms} + {tex(_bias)} = {tex(_here.total + _bias)}\n$$"),
        lesson.readout(unit_by_hand=_here.total + _bias, unit_traced=float(traced["conv1"][0][_k, _r, _c])),
    ])
    return


@app.cell
def _(cnn, lesson, mlp):
    first = parameter_count.conv_against_dense(cnn.model.conv1, 8, 8)
    _second = parameter_count.conv_against_dense(cnn.model.conv2, 4, 4)
    _table = "\n".join(
        f"| {lesson.t(f'layer.{name}')} | {' × '.join(map(str, s.input_shape))} | "
        f"{' × '.join(map(str, s.output_shape))} | {s.conv_weights:,} + {s.conv_biases} = **{s.conv_total:,}** | "
        f"{s.dense_weights:,} + {s.dense_biases:,} = **{s.dense_total:,}** | {s.ratio:,.0f} | "
        f"{s.conv_multiplies:,} | {s.dense_multiplies:,} |"
        for name, s in (("conv1", first), ("conv2", _second)))
    mo.vstack([
        lesson.md("count_intro"),
        lesson.md("count_table", rows=_table),
        lesson.readout(conv1_count=f"{first.conv_total:,}", dense1_count=f"{first.dense_total:,}",
                       ratio1=f"{first.ratio:,.0f}", cnn_count=f"{cnn.parameters:,}", mlp_count=f"{mlp.parameters:,}"),
        lesson.md("count_read", conv=f"{first.conv_total:,}", dense=f"{first.dense_total:,}",
                  ratio=f"{first.ratio:,.0f}", uses=first.output_shape[1] * first.output_shape[2],
                  cnn=f"{cnn.parameters:,}", mlp=f"{mlp.parameters:,}"),
    ])
    return (first,)


@app.cell
def _(cnn, lesson, mlp, network):
    _seed = network.value["seed"]
    with mo.status.spinner(title=lesson.t("shifting")):
        _moved = shifted(_seed)
    _rows = "\n".join(
        f"| {lesson.t(f'shift.{dr}_{dc}')} | {percent(acc['cnn'])} | {percent(acc['mlp'])} |"
        for (dr, dc), acc in _moved.items())
    _lead = 100 * (cnn.test_accuracy - mlp.test_accuracy)
    # "Loses less": each model's fall from its own unmoved accuracy, not which one is higher after the move.
    _still = _moved[(0, 0)]
    _ahead = sum(_still["cnn"] - acc["cnn"] < _still["mlp"] - acc["mlp"] for move, acc in _moved.items() if move != (0, 0))
    mo.vstack([
        lesson.md("rivals_intro"),
        network["seed"],
        lesson.md("rivals_table", seed=_seed, cnn=f"{cnn.parameters:,}", mlp=f"{mlp.parameters:,}",
                  cnn_test=percent(cnn.test_accuracy), mlp_test=percent(mlp.test_accuracy),
                  cnn_train=percent(cnn.train_accuracy), mlp_train=percent(mlp.train_accuracy),
                  cnn_wrong=len(cnn.wrong), mlp_wrong=len(mlp.wrong), test=len(DIGITS.y_test),
                  cnn_seconds=about(cnn.seconds), mlp_seconds=about(mlp.seconds)),
        lesson.readout(cnn_test=percent(cnn.test_accuracy), mlp_test=percent(mlp.test_accuracy),
                       cnn_wrong=len(cnn.wrong), mlp_wrong=len(mlp.wrong)),
        lesson.md("rivals_read", lead=f"{abs(_lead):.1f}", images=abs(len(mlp.wrong) - len(cnn.wrong)),
                  better=lesson.t("model.cnn" if _lead > 0 else "model.mlp"), one=f"{100 / len(DIGITS.y_test):.2f}",
                  slower=about(cnn.seconds / mlp.seconds)) if _lead else lesson.md("rivals_tie"),
        lesson.md("shift_intro"),
        lesson.md("shift_table", rows=_rows),
        lesson.md("shift_read", cnn_worst=percent(min(a["cnn"] for a in _moved.values())),
                  mlp_worst=percent(min(a["mlp"] for a in _moved.values())),
                  compared=lesson.t("shift_compared.all") if _ahead == len(SHIFTS) - 1 else
                  lesson.t("shift_compared.some", count=_ahead)),
    ])
    return


@app.cell
def _(lesson):
    lesson.code(kernel_sliding.output_size, kernel_sliding.slide, kernel_sliding.Slide.at, kernel_sliding.convolve,
                image_kernels.parse_kernel, parameter_count.conv_against_dense, digit_rivals.train_rivals,
                digit_rivals.shifted_accuracy)
    return


@app.cell
def _(lesson):
    quiz = lesson.quiz(size=("3", "4", "5", "8"), weights=("4", "40", "400"), flip=("same", "opposite", "different"))
    return (quiz,)


@app.cell
def _(first, lesson, levels, quiz):
    _edge = image_kernels.KERNELS["vertical_edge"]
    _math, _corr = kernel_sliding.convolve(levels, _edge), kernel_sliding.slide(levels, _edge).out
    lesson.check(
        quiz,
        size=str(kernel_sliding.output_size(8, 3, 2, 1)),
        weights=min(("4", "40", "400"), key=lambda n: abs(np.log(first.ratio / int(n)))),
        flip="same" if np.allclose(_math, _corr) else "opposite" if np.allclose(_math, -_corr) else "different",
    )
    return


@app.cell
def _(lesson):
    lesson.footer()
    return


if __name__ == "__main__":
    app.run()
