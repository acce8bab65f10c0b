"""Read an expression a learner types, such as ``(a*b + c).tanh() * a``, into a `Value` graph, safely.

Python's own parser (`ast`) reads the text into a tree, and the tree is then checked node by node against a
short list of what is allowed:

- numbers (``2``, ``0.5``, ``1e-3``) and variables: one lowercase letter, optionally followed by one digit
  (``a``, ``x``, ``w1``, ``x2``);
- ``+ - * /``, a unary minus, and ``**`` with a plain-number exponent (``x ** 2``, ``x ** -0.5``): the
  engine's ``x ** n`` takes ``n`` as a constant;
- the functions tanh, exp, log, relu and sigmoid, written either way: ``tanh(x)`` or ``(x).tanh()``.

Anything else is refused with an `InputError` whose message (catalogue `expression.*`, ja and en) says what
was found, where (the column, counted from 1) and what is allowed. Nothing in the text is ever run by Python:
no `eval`, no `compile`. The expression is computed by `Expression.build` walking the checked tree and calling
`Value`'s own operations, so every node of the result is one of the engine's ops.

Each bound is checked before the step that could suffer from it: the length before `ast.parse` (a
pathological text can exhaust the parser itself: 199 nested brackets raise MemoryError in Python 3.11), the
nesting depth before the recursive build, the size of the graph before anything is computed.
"""

from __future__ import annotations

import ast
import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from kaibo.engine.scalar import Value
from kaibo.errors import InputError

MAX_LENGTH = 200     # characters; Python's parser handles any 200-character text without exhausting itself
MAX_DEPTH = 8        # operations inside operations: 9 columns of the lesson's drawing, all on the page
MAX_NODES = 30       # nodes of the graph: what the lesson's drawing keeps legible
MAX_VARIABLES = 6    # one slider each
MAX_EXPONENT = 10    # |n| in x ** n: beyond it xⁿ overflows for most x and teaches nothing new
FUNCTIONS = ("tanh", "exp", "log", "relu", "sigmoid")
VARIABLE = re.compile(r"[a-z][0-9]?")
_OPERATIONS: dict[type, Callable[[Value, Value], Value]] = {
    ast.Add: Value.__add__, ast.Sub: Value.__sub__, ast.Mult: Value.__mul__, ast.Div: Value.__truediv__,
}
# Operators Python has and we do not, as the learner typed them (to point at them in the message).
_OTHER_OPERATORS = {ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>",
                    ast.BitOr: "|", ast.BitAnd: "&", ast.Not: "not", ast.Invert: "~"}
# What a Japanese keyboard often types instead: full-width letters and brackets (NFKC maps those), and the
# mathematical signs − × ÷ (NFKC keeps those).
_SIGNS = str.maketrans({"−": "-", "×": "*", "÷": "/", "\n": " ", "\t": " ", "\r": " "})


@dataclass(frozen=True)
class Built:
    """An expression computed at some values: its graph, its variables' leaves, and what each node computes.

    Attributes
    ----------
    root : Value
        The output node (L in the lesson).
    leaves : dict of str to Value
        One leaf per variable, labelled with its name; a variable used twice is the *same* leaf, so its
        gradient is the sum over both paths.
    source : dict of Value to str
        For every node the part of the text it computes (``"a*b"``, ``"(a*b + c).tanh()"``).
    """

    root: Value
    leaves: dict[str, Value]
    source: dict[Value, str]


@dataclass(frozen=True)
class Expression:
    """A checked expression: build it at any values with `build`.

    Attributes
    ----------
    text : str
        The text as read (full-width characters and the signs − × ÷ turned into ASCII).
    variables : tuple of str
        Its variables in the order they first appear.
    nodes : int
        How many nodes its graph has.
    """

    text: str
    variables: tuple[str, ...]
    nodes: int
    tree: ast.Expression

    @property
    def canonical(self) -> str:
        """The tree without positions: two texts that differ only in spaces or brackets have the same one."""
        return ast.dump(self.tree)

    def build(self, values: Mapping[str, float]) -> Built:
        """The `Value` graph of the expression at `values` (one number per variable).

        Raises `InputError` where the expression has no value or no derivative at these numbers: a division
        by zero, log of a number ≤ 0, a power undefined at its base, a number too large for a float.
        """
        leaves = {name: Value(values[name], label=name) for name in self.variables}
        source: dict[Value, str] = {}
        root = _Builder(self.text, leaves, source).value(self.tree.body)
        return Built(root, leaves, source)


def parse(text: str) -> Expression:
    """Check `text` and read it into an `Expression`; an `InputError` says what is not allowed and where."""
    if len(text) > MAX_LENGTH:  # first of all: before anything else reads the text
        raise InputError("expression.too_long", length=len(text), limit=MAX_LENGTH)
    text = unicodedata.normalize("NFKC", text).translate(_SIGNS).strip()
    if not text:
        raise InputError("expression.empty")
    if len(text) > MAX_LENGTH:  # NFKC can lengthen a text (one ligature becomes several letters)
        raise InputError("expression.too_long", length=len(text), limit=MAX_LENGTH)
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as error:
        raise InputError("expression.syntax", column=min(max(error.offset or 1, 1), len(text))) from None
    except (ValueError, MemoryError, RecursionError):  # a NUL byte; a parser exhausted after all
        raise InputError("expression.syntax", column=1) from None
    variables, nodes = _check(text, tree)
    if not variables:
        raise InputError("expression.no_variable")
    if len(variables) > MAX_VARIABLES:
        raise InputError("expression.too_many_variables", count=len(variables), names=", ".join(variables),
                         limit=MAX_VARIABLES)
    if nodes > MAX_NODES:
        raise InputError("expression.too_big", count=nodes, limit=MAX_NODES)
    return Expression(text, tuple(variables), nodes, tree)


def _check(text: str, tree: ast.Expression) -> tuple[list[str], int]:
    """Every node of the tree against the list of what is allowed, outermost and leftmost first (so the
    message names the first problem a reader meets); the variables in order, and the number of graph nodes.

    An explicit stack, never recursion: this runs before the depth is known to be small.
    """
    variables: list[str] = []
    nodes = 0
    stack: list[tuple[ast.AST, int]] = [(tree.body, 0)]
    while stack:
        node, depth = stack.pop()
        where = _column(text, node)
        children: list[ast.AST] = []
        if isinstance(node, ast.BinOp | ast.UnaryOp | ast.Call):
            depth += 1
            if depth > MAX_DEPTH:
                raise InputError("expression.too_deep", column=where, limit=MAX_DEPTH)
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Pow):
                _exponent(text, node)
                children = [node.left]
            elif isinstance(node.op, ast.BitXor):  # a^2 for a power is the likeliest slip of all
                raise InputError("expression.caret", column=_operator_column(text, node, "^"))
            elif type(node.op) not in _OPERATIONS:
                symbol = _OTHER_OPERATORS.get(type(node.op), "?")
                raise InputError("expression.operator", op=symbol, column=_operator_column(text, node, symbol))
            else:
                children = [node.left, node.right]
            nodes += 1
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, ast.USub | ast.UAdd):
                raise InputError("expression.operator", op=_OTHER_OPERATORS.get(type(node.op), "?"), column=where)
            if _signed_number(node) is None:
                children = [node.operand]
                nodes += isinstance(node.op, ast.USub)  # +x is x itself; -x is a node of its own
            else:
                _number(text, node.operand)  # -2 is one number, a leaf (and -1e999 is still infinite)
                nodes += 1
        elif isinstance(node, ast.Call):
            children = [_call_argument(text, node)]
            nodes += 1
        elif isinstance(node, ast.Name):
            if node.id in FUNCTIONS:
                raise InputError("expression.function_name", name=node.id, column=where)
            if not VARIABLE.fullmatch(node.id):
                raise InputError("expression.name", name=node.id, column=where)
            if node.id not in variables:
                variables.append(node.id)
                nodes += 1
        elif isinstance(node, ast.Constant):
            _number(text, node)
            nodes += 1
        elif isinstance(node, ast.Attribute):  # a method not called: x.tanh, x.real, x.__class__
            raise InputError("expression.attribute", name=node.attr, column=_attribute_column(text, node))
        else:  # strings, lists, subscripts, comparisons, lambda, :=, comprehensions, conditionals …
            raise InputError("expression.not_allowed", text=_segment(text, node), column=where)
        stack.extend((child, depth) for child in reversed(children))
    return variables, nodes


def _call_argument(text: str, node: ast.Call) -> ast.AST:
    """The one operand of an allowed call, ``tanh(x)`` or ``(x).tanh()``; any other call is refused."""
    func = node.func
    if isinstance(func, ast.Attribute):
        if func.attr not in FUNCTIONS:
            raise InputError("expression.attribute", name=func.attr, column=_attribute_column(text, func))
        if node.args or node.keywords:
            raise InputError("expression.arguments", name=func.attr, column=_column(text, node))
        return func.value
    if not isinstance(func, ast.Name):  # (lambda: 1)(), a[0](), a()()
        raise InputError("expression.not_allowed", text=_segment(text, node), column=_column(text, node))
    if func.id not in FUNCTIONS:
        raise InputError("expression.call", name=func.id, column=_column(text, node))
    if len(node.args) != 1 or node.keywords or isinstance(node.args[0], ast.Starred):
        raise InputError("expression.arguments", name=func.id, column=_column(text, node))
    return node.args[0]


def _signed_number(node: ast.AST) -> float | None:
    """The value of a plain number, or of a plain number with a sign (``-0.5``); None for anything else."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        inner = _signed_number(node.operand) if isinstance(node.operand, ast.Constant) else None
        return None if inner is None else (-inner if isinstance(node.op, ast.USub) else inner)
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):  # not bool, which is an int too
        return node.value
    return None


def _number(text: str, node: ast.Constant) -> float:
    """A number literal the graph can hold: an int or a float, finite (``1e999`` reads as infinity)."""
    value = node.value
    if isinstance(value, str | bytes):
        raise InputError("expression.not_allowed", text=_segment(text, node), column=_column(text, node))
    if type(value) not in (int, float) or not math.isfinite(value):
        raise InputError("expression.number", text=_segment(text, node), column=_column(text, node))
    return float(value)


def _exponent(text: str, node: ast.BinOp) -> float:
    """The n of x ** n: a plain number (with its sign), at most MAX_EXPONENT in size."""
    n = _signed_number(node.right)
    where = _column(text, node.right)
    if n is None:
        raise InputError("expression.exponent", column=where)
    if not math.isfinite(n) or abs(n) > MAX_EXPONENT:
        raise InputError("expression.exponent_size", exponent=_segment(text, node.right), column=where,
                         limit=MAX_EXPONENT)
    return n


class _Builder:
    """Computes a checked tree with `Value`'s operations. Recursive, which is safe here: `parse` has already
    refused any tree deeper than MAX_DEPTH."""

    def __init__(self, text: str, leaves: dict[str, Value], source: dict[Value, str]) -> None:
        self.text, self.leaves, self.source = text, leaves, source
        for name, leaf in leaves.items():
            source[leaf] = name

    def value(self, node: ast.AST) -> Value:
        if (number := _signed_number(node)) is not None:
            out = Value(number, label=f"{float(number):g}")
        elif isinstance(node, ast.Name):
            return self.leaves[node.id]
        elif isinstance(node, ast.UnaryOp):
            operand = self.value(node.operand)
            if isinstance(node.op, ast.UAdd):
                return operand
            out = -operand
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            n = _signed_number(node.right)
            n = int(n) if float(n).is_integer() else n  # so the node reads **2, not **2.0
            base = self.value(node.left)
            out = self.compute(node, lambda: base ** n, base=base)
        elif isinstance(node, ast.BinOp):
            left, right = self.value(node.left), self.value(node.right)
            out = self.compute(node, lambda: _OPERATIONS[type(node.op)](left, right), denominator=node.right)
        else:  # a call, checked by _check: tanh(x) or (x).tanh()
            assert isinstance(node, ast.Call)
            name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
            argument = node.func.value if isinstance(node.func, ast.Attribute) else node.args[0]
            inner = self.value(argument)
            out = self.compute(node, getattr(inner, name), argument=argument, inner=inner)
        self.source[out] = _segment(self.text, node)
        return out

    def compute(self, node: ast.AST, op: Callable[[], Value], *, base: Value | None = None,
                denominator: ast.AST | None = None, argument: ast.AST | None = None,
                inner: Value | None = None) -> Value:
        """Run one op; where it has no value or no derivative at these numbers, say so and where."""
        where, text = _column(self.text, node), _segment(self.text, node)
        try:
            out = op()
        except ZeroDivisionError:
            raise InputError("expression.division_by_zero", text=_segment(self.text, denominator),
                             column=_operator_column(self.text, node, "/")) from None
        except OverflowError:
            raise InputError("expression.overflow", text=text, column=where) from None
        except ValueError:  # math's domain errors: log of x ≤ 0, a power undefined at its base
            if base is not None:
                raise InputError("expression.power_domain", text=text, base=f"{base.data:g}", column=where) \
                    from None
            raise InputError("expression.log_domain", text=_segment(self.text, argument),
                             value=f"{inner.data:g}", column=where) from None
        if not all(math.isfinite(x) for x in (out.data, *out.local)):
            raise InputError("expression.overflow", text=text, column=where)
        return out


def _column(text: str, node: ast.AST) -> int:
    """Where a node starts, counted in characters from 1 (`ast` counts UTF-8 bytes from 0)."""
    return len(text.encode("utf-8")[: node.col_offset].decode("utf-8", errors="ignore")) + 1


def _operator_column(text: str, node: ast.BinOp, symbol: str) -> int:
    """Where the operator of a binary operation is: the first `symbol` after its left operand."""
    start = _column(text, node.left) - 1 + len(_segment(text, node.left))
    found = text.find(symbol, start)
    return found + 1 if found >= 0 else _column(text, node)


def _attribute_column(text: str, node: ast.Attribute) -> int:
    """Where the name after the dot is (the node itself starts at the object before the dot)."""
    end = len(text.encode("utf-8")[: node.end_col_offset].decode("utf-8", errors="ignore"))
    return end - len(node.attr) + 1


def _segment(text: str, node: ast.AST | None) -> str:
    return (ast.get_source_segment(text, node) if node is not None else None) or ""
