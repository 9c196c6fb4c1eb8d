"""The wording sandbox: Jinja's SandboxedEnvironment with a budget on what one render may cost.

A wording template is text that someone else may have edited (docs/security.md). Jinja's sandbox
already hides private attributes and caps `range` at 100,000 items; on top of it every render
gets a budget, checked inside the compiled template so that a failure names its file and line:

- steps: every loop iteration and every call counts one step; past `TemplateLimits.steps`
  the render stops, whether or not it writes anything;
- time: the clock is read at every step; past `TemplateLimits.seconds` the render stops;
- text: every string, list, tuple, dict or set the template makes (its output, `~`, `+`, `*`,
  `%`, `format`, the filters and methods that build text) counts its length; past
  `TemplateLimits.chars` the render stops. An operation that would make more than is left is
  refused *before* it allocates, so `{{ 'a' * 10**9 }}` never asks for gigabytes;
- numbers: integer `*` and `**` whose result would have more than `MAX_INT_DIGITS` digits are
  refused before Python computes them.

Over-counting is deliberate (a macro's text counts when it is written and again when its caller
writes it): the budget bounds the work and memory of a render, it is not the size of the result.
Filters that cannot be bounded cheaply (`tojson`, `pprint`, `xmlattr`) or would make a deck
non-deterministic (`random`, `lipsum`) are not available.
"""

from __future__ import annotations

import re
import string
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, nodes, pass_context
from jinja2.compiler import CodeGenerator, Frame
from jinja2.loaders import split_template_path
from jinja2.runtime import Context, LoopContext
from jinja2.sandbox import SandboxedEnvironment

from deckgen.errors import TemplateError, describe_undecodable

MAX_INT_DIGITS = 10_000  # digits of an integer result of `*` or `**`
MAX_WIDTH = 1_000  # largest width or precision in a `%` or `format` spec
MAX_TEMPLATE_BYTES = 1_000_000  # a wording template file; the shipped ones are under 50 kB
_INT_BITS = int(MAX_INT_DIGITS * 3.3219)  # bits of a MAX_INT_DIGITS-digit integer
_DROPPED_FILTERS = ("tojson", "pprint", "xmlattr", "random")
_DROPPED_GLOBALS = ("lipsum",)
# str methods whose result can be far longer than the string: checked before they run.
_STR_GROWTH = ("center", "ljust", "rjust", "zfill", "expandtabs", "replace", "join")
_UNSAFE_STR_METHODS = ("translate", "maketrans")  # a table can map one character to a book
_PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_FORMAT_SPEC = re.compile(r"(?:.?[<>=^])?[-+ ]?z?#?0?(\d*)[,_]?(?:\.(\d+))?")


@dataclass(frozen=True)
class TemplateLimits:
    """What one render of a wording template may cost."""

    # The sample deck's largest render takes 11 steps, makes 1,363 characters and runs in
    # milliseconds; these leave a wide margin and stop a runaway template within about a second.
    seconds: float = 5.0  # wall-clock seconds per render (compiling is not counted)
    steps: int = 200_000  # loop iterations plus calls per render
    chars: int = 1_000_000  # characters (and list items) made per render


class TemplateLimitError(Exception):
    """A render went over its budget; raised inside the template, so its traceback has the line."""


class _Budget:
    """The running cost of one render."""

    def __init__(self, limits: TemplateLimits) -> None:
        self.limits = limits
        self.steps = 0
        self.chars = 0
        self.deadline = time.monotonic() + limits.seconds

    def step(self) -> None:
        self.steps += 1
        if self.steps > self.limits.steps:
            raise TemplateLimitError(
                f"the template ran more than {self.limits.steps:,} loop iterations and calls "
                "in one render (its limit); look for a loop that never ends or loops nested "
                "too deep"
            )
        if time.monotonic() > self.deadline:
            raise TemplateLimitError(
                f"the template took longer than {self.limits.seconds:g} s to render "
                "(its limit); look for a loop that never ends or loops nested too deep"
            )

    @property
    def left(self) -> int:
        return self.limits.chars - self.chars

    def check(self, size: int) -> None:
        """Refuse to make `size` more characters or items if that passes the cap."""
        if size > self.left:
            raise TemplateLimitError(
                f"the template makes more than {self.limits.chars:,} characters of text in one "
                "render (its limit); look for text repeated or joined in a loop, or `*` on text"
            )

    def take(self, size: int) -> None:
        """Count `size` characters or items made."""
        self.check(size)
        self.chars += size

    def check_text(self, value: Any) -> None:
        """Refuse `value` if writing it out as text would pass the cap."""
        self.check(_text_weight(value, self.left))


def _text_weight(value: Any, limit: int) -> int:
    """About the length of `str(value)` (shared items counted each time), counted up to `limit`."""
    total, stack = 0, [value]
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item) + 2
        elif isinstance(item, list | tuple | set | frozenset):
            total += 2 + len(item)
            stack.extend(item)
        elif isinstance(item, dict):
            total += 2 + 2 * len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, int):
            total += item.bit_length() // 3 + 2
        elif is_dataclass(item) and not isinstance(item, type):
            total += len(type(item).__name__) + 2
            stack.extend(getattr(item, field.name) for field in fields(item))
        else:
            total += 32  # a float, date, None or other small object
    return total


def _sized(value: Any) -> int:
    return len(value) if isinstance(value, str | list | tuple | dict | set | frozenset) else 0


def _check_int_size(operator: str, left: Any, right: Any) -> None:
    """Refuse an integer `*` or `**` whose result would have more than MAX_INT_DIGITS digits."""
    if not (isinstance(left, int) and isinstance(right, int)):
        return
    if operator == "*":
        bits = left.bit_length() + right.bit_length()
    elif right <= 0 or abs(left) <= 1:
        return
    else:
        bits = (left.bit_length() - 1) * right  # at least the result's bits, without computing
    if bits > _INT_BITS:
        raise TemplateLimitError(
            f"`{operator}` would make a number of more than {MAX_INT_DIGITS:,} digits"
        )


def _check_width(text: str | None, where: str) -> None:
    if text and (text == "*" or len(text) > 4 or int(text) > MAX_WIDTH):
        raise TemplateLimitError(
            f"{where} asks for a width or precision of {text}; the limit is {MAX_WIDTH:,}"
        )


def _check_percent_format(fmt: str) -> int:
    """The `%`-fields of `fmt` checked for widths; the most characters they can add."""
    found = 0
    for match in _PERCENT_FIELD.finditer(fmt):
        for number in match.groups():
            _check_width(number, f"the format {fmt[:40]!r}")
        found += 1
    return found * MAX_WIDTH


def _check_brace_format(fmt: str) -> int:
    """The `{}`-fields of `fmt` checked for widths; the most characters they can add."""
    found = 0
    for _, field, spec, _ in string.Formatter().parse(fmt):
        if field is None:
            continue
        if spec and "{" in spec:
            raise TemplateLimitError(f"the format {fmt[:40]!r} nests a field in a format spec")
        match = _FORMAT_SPEC.match(spec or "")
        if match:
            for number in match.groups():
                _check_width(number, f"the format {fmt[:40]!r}")
        found += 1
    return found * MAX_WIDTH


class _CodeGenerator(CodeGenerator):
    """Compiles templates with the budget's checks in loops, output and `~`."""

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        # Jinja allows no custom node types: the loops' iterables are wrapped as they are written.
        self._loop_iterables = {id(loop.iter) for loop in node.find_all(nodes.For)}
        super().visit_Template(node, frame)

    def visit(self, node: nodes.Node, *args: Any, **kwargs: Any) -> Any:
        if id(node) not in getattr(self, "_loop_iterables", ()):
            return super().visit(node, *args, **kwargs)
        self.write("environment.budget_iter(")
        super().visit(node, *args, **kwargs)
        self.write(")")
        return None

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.budget_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")

    def _output_const_repr(self, group: Iterable[Any]) -> str:
        return f"environment.budget_text({super()._output_const_repr(group)})"

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        self.write("environment.budget_text(")
        super()._output_child_pre(node, frame, finalize)
        self.write("environment.budget_value(")

    def _output_child_post(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        self.write(")")
        super()._output_child_post(node, frame, finalize)
        self.write(")")


class LimitedSandbox(SandboxedEnvironment):
    """A SandboxedEnvironment whose every render runs within `TemplateLimits` (see the module)."""

    code_generator_class = _CodeGenerator
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, *args: Any, limits: TemplateLimits | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limits = limits or TemplateLimits()
        self._budget = _Budget(self.limits)
        for name in _DROPPED_FILTERS:
            self.filters.pop(name, None)
        for name in _DROPPED_GLOBALS:
            self.globals.pop(name, None)
        self.filters.update(self._checked_filters())

    def start_render(self) -> None:
        """Give the next render (and the templates it includes) a fresh budget."""
        self._budget = _Budget(self.limits)

    def wrap_filters(self, filters: dict[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
        """`filters` (plain functions) made to check the text they are given and count the text
        they make."""
        return {name: self._counted(func) for name, func in filters.items()}

    # Hooks called by the compiled templates (see _CodeGenerator).

    def budget_iter(self, iterable: Iterable[Any]) -> Iterator[Any]:
        """The items of a loop, one step each."""
        budget = self._budget
        for item in iterable:
            budget.step()
            yield item

    def budget_value(self, value: Any) -> Any:
        """`value`, once it is known to be small enough to write out."""
        self._budget.check_text(value)
        return value

    def budget_text(self, text: str) -> str:
        """`text` written out, counted."""
        self._budget.take(len(text))
        return text

    def budget_concat(self, parts: tuple[Any, ...]) -> str:
        """The `~` of `parts`, refused before it is made when too long."""
        for part in parts:
            self._budget.check_text(part)
        return self.budget_text("".join(str(part) for part in parts))

    # The sandbox's own hooks.

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        """`left operator right`, refused before it is computed when the result is too large."""
        budget = self._budget
        budget.step()
        _check_int_size(operator, left, right)
        if operator == "*" and isinstance(right, int) and _sized(left):
            budget.check(_sized(left) * right)
        elif operator == "*" and isinstance(left, int) and _sized(right):
            budget.check(_sized(right) * left)
        elif operator == "+":
            budget.check(_sized(left) + _sized(right))
        elif operator == "%" and isinstance(left, str):
            budget.check(len(left) + _check_percent_format(left) + _text_weight(right, budget.left))
        result = super().call_binop(context, operator, left, right)
        budget.take(_sized(result))
        return result

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """A call from a template: one step, checked before when it can make long text."""
        budget = __self._budget
        budget.step()
        if isinstance(__obj, LoopContext) and args:  # `loop(children)` in a recursive loop
            args = (__self.budget_iter(args[0]), *args[1:])
        owner = getattr(__obj, "__self__", None)
        name = getattr(__obj, "__name__", "")
        if isinstance(owner, str) and name in _STR_GROWTH:
            if name == "join":  # a generator can be read once: read it here, pass the list on
                args = (list(args[0]), *args[1:]) if args else args
            budget.check(_str_method_size(owner, name, args, kwargs, budget))
        before = _sized(owner)
        result = super().call(__context, __obj, *args, **kwargs)
        grown = _sized(owner) - before if owner is not None and owner is not result else 0
        budget.take(max(grown, 0) + _sized(result))
        return result

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """The sandbox's rule, and no `str.translate` (see _UNSAFE_STR_METHODS)."""
        if isinstance(obj, str) and attr in _UNSAFE_STR_METHODS:
            return False
        return super().is_safe_attribute(obj, attr, value)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """The sandbox's `str.format`, with its widths and arguments checked first."""
        wrapper = super().wrap_str_format(value)
        if wrapper is None:
            return None
        fmt: str = value.__self__

        def checked(*args: Any, **kwargs: Any) -> str:
            budget = self._budget
            budget.step()
            added = _check_brace_format(fmt)
            budget.check(len(fmt) + added + _text_weight((args, kwargs), budget.left))
            return self.budget_text(wrapper(*args, **kwargs))

        return checked

    def _checked_filters(self) -> dict[str, Callable[..., Any]]:
        """Jinja's filters that build text or lists, checked before they run."""
        sizes: dict[str, Callable[..., int]] = {
            "center": lambda budget, value, width=80: max(_text_weight(value, budget.left), width),
            "indent": _indent_size,
            "wordwrap": lambda budget, s, width=79, brk=True, wrapstring=None, *_, **__: (
                _text_weight(s, budget.left) * (1 + len(wrapstring or "\n"))
            ),
            "replace": lambda budget, s, old, new, count=None: _replace_size(
                _text(s, budget), _text(old, budget), _text(new, budget), count
            ),
            "format": _format_size,
            "batch": lambda budget, value, linecount, fill_with=None: linecount,
            "slice": lambda budget, value, slices, fill_with=None: slices,
        }
        text = (
            "capitalize",
            "escape",
            "e",
            "forceescape",
            "lower",
            "upper",
            "title",
            "trim",
            "striptags",
            "truncate",
            "string",
            "urlencode",
            "urlize",
            "wordcount",
        )
        # Escaping can make a character six; case changes can make one three.
        sizes |= {
            name: lambda budget, value, *_, **__: 6 * _text_weight(value, budget.left)
            for name in text
        }
        wrapped = {name: self._precheck(self.filters[name], size) for name, size in sizes.items()}
        for name in ("join", "sum"):
            wrapped[name] = self._materialised(self.filters[name])
        return wrapped

    def _precheck(self, func: Callable[..., Any], size: Callable[..., int]) -> Callable[..., Any]:
        """`func` refused when `size(budget, *args)` passes what is left, its result counted."""
        skip = 1 if getattr(func, "jinja_pass_arg", None) else 0  # the environment or context

        def checked(*args: Any, **kwargs: Any) -> Any:
            budget = self._budget
            budget.check(_positive(size(budget, *args[skip:], **kwargs)))
            result = func(*args, **kwargs)
            budget.take(_sized(result))
            return result

        _copy_filter_flags(func, checked)
        return checked

    def _materialised(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """`join` or `sum`: the items read once, their text checked, the result counted."""

        def checked(*args: Any, **kwargs: Any) -> Any:
            value_at = 1 if getattr(func, "jinja_pass_arg", None) else 0
            items = list(args[value_at])
            self._budget.check(_text_weight(items, self._budget.left))
            result = func(*args[:value_at], items, *args[value_at + 1 :], **kwargs)
            self._budget.take(_sized(result))
            return result

        _copy_filter_flags(func, checked)
        return checked

    def _counted(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """One of deckgen's filters: its first argument's text checked, its result counted.

        Marked `pass_context` (the context is not used) so that Jinja never runs it at compile
        time on a constant: compiled code then holds no figure or label formatted for one
        deck's language, digits, currency or vocabulary, and can be shared by every deck
        (deckgen.template_cache).
        """

        @pass_context
        def checked(_context: Context, value: Any, *args: Any, **kwargs: Any) -> Any:
            self._budget.check_text(value)
            result = func(value, *args, **kwargs)
            self._budget.take(_sized(result))
            return result

        checked.__name__ = getattr(func, "__name__", checked.__name__)
        checked.__doc__ = func.__doc__
        return checked


def _positive(size: Any) -> int:
    return size if isinstance(size, int) and size > 0 else 0


def _indent_size(budget: _Budget, s: Any, width: int | str = 4, *_: Any, **__: Any) -> int:
    """The most characters `s | indent(width)` can make."""
    text = _text(s, budget)
    return len(text) + (text.count("\n") + 1) * (width if isinstance(width, int) else len(width))


def _format_size(budget: _Budget, value: Any, *args: Any, **kwargs: Any) -> int:
    """The most characters `value | format(*args, **kwargs)` (`%` formatting) can make."""
    fmt = _text(value, budget)
    return len(fmt) + _check_percent_format(fmt) + _text_weight((args, kwargs), budget.left)


def _text(value: Any, budget: _Budget) -> str:
    """`str(value)`, refused before it is made if it would not fit in what is left."""
    budget.check_text(value)
    return str(value)


def _replace_size(text: str, old: str, new: str, count: int | None) -> int:
    """The length of `text.replace(old, new, count)`, without making it."""
    found = text.count(old) if old else len(text) + 1
    if count is not None and count >= 0:
        found = min(found, count)
    return len(text) + found * max(len(new) - len(old), 0)


def _str_method_size(
    text: str, name: str, args: tuple[Any, ...], kwargs: dict[str, Any], budget: _Budget
) -> int:
    """The length of `text.name(*args)` for the methods of _STR_GROWTH, without making it."""
    first = args[0] if args else next(iter(kwargs.values()), None)
    if name in ("center", "ljust", "rjust", "zfill"):
        return max(len(text), first if isinstance(first, int) else 0)
    if name == "expandtabs":
        size = first if isinstance(first, int) else 8
        return len(text) + text.count("\t") * max(size, 0)
    if name == "replace":
        count = args[2] if len(args) > 2 else kwargs.get("count")
        new = _text(args[1] if len(args) > 1 else "", budget)
        return _replace_size(text, _text(first, budget), new, count)
    items = first if isinstance(first, list) else []
    return _text_weight(items, budget.left) + len(text) * max(len(items) - 1, 0)


def _copy_filter_flags(source: Callable[..., Any], target: Callable[..., Any]) -> None:
    """Keep Jinja's pass_context/pass_environment marks, and the name for error messages."""
    for attribute in ("jinja_pass_arg", "__name__", "__doc__"):
        if hasattr(source, attribute):
            setattr(target, attribute, getattr(source, attribute))


class Utf8FileLoader(FileSystemLoader):
    """A FileSystemLoader that refuses, in one sentence naming the file, a file too large to be a
    wording template or one that is not UTF-8."""

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Any]:
        """The template's source, file name and up-to-date check; TemplateError if unusable."""
        path = self._find(template)
        if path is not None and path.stat().st_size > MAX_TEMPLATE_BYTES:
            raise TemplateError(
                f"wording template {path} is {path.stat().st_size:,} bytes; "
                f"the limit is {MAX_TEMPLATE_BYTES:,}"
            )
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError as exc:
            raise TemplateError(describe_undecodable(path or Path(template), exc)) from None

    def _find(self, template: str) -> Path | None:
        """The file FileSystemLoader would read for `template`, if any."""
        for folder in self.searchpath:
            path = Path(folder, *split_template_path(template))
            if path.is_file():
                return path
        return None
