"""Lesson 6 in the browser: moving the data redraws the maps and the numbers, which are the library's (the
neurons' accuracies, the exact best through the origin, ∂L/∂b as the mean error); the step drawn moves the
border; the bias-free network's probability at the origin is exactly ½ with ReLU and not with sigmoid; the
self-check reads the page; the language switch keeps the view, and the English page reads its own numbers.
"""

from __future__ import annotations

from playwright.sync_api import expect

from kaibo.data.toy2d import make_points
from kaibo.i18n import t
from kaibo.lab.exhibits import percent, shown
from kaibo.train import bias_free_network as network
from kaibo.train.logistic_neuron import train_neuron
from kaibo.train.origin_line import best_through_origin
from tests.browser.lab import Lab

SLUG = "bias"


def lesson(key: str, lang: str, **args: object) -> str:
    return t(f"{SLUG}.{key}", lang, **args)


def shows_neurons(lab: Lab, shift: tuple[float, float], step: int, steps: int = 200) -> None:
    """The readouts are the library's numbers for this shift, at this step."""
    points = make_points("blobs", 200, 0.1, 0, shift)
    runs = {bias: train_neuron(points.x, points.y, bias=bias, optimizer="sgd", lr=0.5, steps=steps)
            for bias in (False, True)}
    lab.wait_value("acc_with", percent(runs[True].accuracy[step]))
    lab.wait_value("grad_b", shown(float(runs[True].grad_b[step])))
    assert lab.value("acc_without") == percent(runs[False].accuracy[step])
    assert lab.value("best_origin") == percent(best_through_origin(points.x, points.y).accuracy)
    assert lab.value("distance") == shown(runs[True].distance(step))
    assert lab.value("pull") == shown(float(runs[False].grad_b[step]))


def test_moving_the_data_and_the_step_redraws_the_border(lab: Lab) -> None:
    lab.open(SLUG, "ja")
    page = lab.page
    expect(page.get_by_role("heading", name="バイアス項", exact=True)).to_be_visible()
    shows_neurons(lab, (1.5, 1.0), 200)
    assert lab.value("grad_b_numeric")[:4] == lab.value("grad_b")[:4]  # the central difference agrees
    lab.shot("default")
    plane, history = lab.fingerprint(0), lab.fingerprint(2)

    lab.slide(lesson("control.shift1", "ja"), -10)  # Page Down: shift₁ 1.5 → −1.0, so (−1, 1): along the border
    lab.wait_query(shift1="-1")
    shows_neurons(lab, (-1.0, 1.0), 200)
    assert lab.value("best_origin") == "100.0%"
    plane = lab.wait_changed(0, plane)
    history = lab.wait_changed(2, history)

    lab.slide(lesson("control.step", "ja"), -10)  # the border ten steps earlier
    lab.wait_query(step="190")
    shows_neurons(lab, (-1.0, 1.0), 190)
    lab.wait_changed(0, plane)

    # The bias-free ReLU network answers exactly ½ at the origin; sigmoid's does not.
    points, nets = network_of("blobs", "relu")
    assert lab.value("p_origin") == "0.5" and lab.value("logits_origin") == "0"
    assert lab.value("net_without") == percent(float((nets["without"].predict(points.x) == points.y).mean()))
    net = lab.fingerprint(4)
    lab.choose(lesson("control.activation", "ja"), lesson("option.activation.sigmoid", "ja"))
    lab.wait_query(activation="sigmoid")
    _, nets = network_of("blobs", "sigmoid")
    lab.wait_value("p_origin", shown(network.at_origin(nets["without"])["p1"]))
    assert lab.value("p_origin") != "0.5"
    lab.wait_changed(4, net)

    lab.self_check("origin", lesson("check.origin.half", "ja"), lesson("check.origin.other", "ja"),
                   lesson("check.origin.where", "ja"))
    lab.self_check("through", lesson("check.through.no", "ja"), lesson("check.through.yes", "ja"),
                   lesson("check.through.where", "ja"))

    numbers = {name: lab.value(name) for name in ("acc_with", "grad_b", "p_origin")}
    lab.page.get_by_role("link", name="English").first.click()
    lab.page.get_by_role("heading", name="The bias term", exact=True).wait_for()
    lab.goto(lab.page.url)
    assert lab.query() == {"lang": "en", "shift1": "-1", "step": "190", "activation": "sigmoid"}
    assert {name: lab.value(name) for name in numbers} == numbers
    expect(lab.page.get_by_text(lesson("try.along", "en"))).to_be_visible()
    # Step 190 of the neuron with b: the readout's sign says which way the gradient pushes b.
    pushed = "down" if not lab.value("grad_b").startswith("-") else "up"
    other = {"down": "up", "up": "down"}[pushed]
    lab.self_check("push", lesson(f"check.push.{other}", "en"), lesson(f"check.push.{pushed}", "en"),
                   lesson("check.push.where", "en"))
    lab.shot("english")


def network_of(data: str, activation: str):
    shape, shift = {"blobs": ("blobs", (2.0, 2.0)), "circles": ("circles", (0.0, 0.0))}[data]
    points = make_points(shape, 200, 0.1, 0, shift)
    return points, {name: network.train_on_points(points, activation=activation, bias=name == "with")
                    for name in ("without", "with")}
