"""eval.records.direct_init: the generated ``__init__`` makes the same records as the
dataclass's own, and classes it would get wrong are refused."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from eval.records import direct_init


@dataclasses.dataclass(frozen=True)
class Plain:
    a: str
    b: int
    c: tuple = ()
    d: int = 7


Fast = direct_init(dataclasses.make_dataclass(
    "Fast", [("a", str), ("b", int), ("c", tuple, dataclasses.field(default=())), ("d", int, dataclasses.field(default=7))],
    frozen=True,
))


def test_the_direct_init_makes_what_the_dataclass_init_makes():
    for args, kwargs in [(("x", 1), {}), (("x", 1, (2,)), {}), (("x",), {"b": 2, "d": 9}), ((), {"a": "y", "b": 3, "c": (1,), "d": 0})]:
        plain, fast = Plain(*args, **kwargs), Fast(*args, **kwargs)
        assert vars(fast) == vars(plain)
        assert list(vars(fast)) == ["a", "b", "c", "d"]  # field order
        assert repr(fast) == repr(plain).replace("Plain", "Fast")
        assert fast == Fast(*args, **kwargs) and hash(fast) == hash(Fast(*args, **kwargs))
        assert dataclasses.replace(fast, b=5) == Fast(**{**vars(fast), "b": 5})
        with pytest.raises(dataclasses.FrozenInstanceError):
            fast.a = "z"  # type: ignore[misc]
    assert list(inspect.signature(Fast).parameters) == ["a", "b", "c", "d"]
    assert inspect.signature(Fast).parameters["d"].default == 7
    with pytest.raises(TypeError):
        Fast("x")  # b is required
    with pytest.raises(TypeError):
        Fast("x", 1, (), 7, 8)


def test_classes_the_direct_init_would_get_wrong_are_refused():
    @dataclasses.dataclass
    class NotFrozen:
        a: int

    @dataclasses.dataclass(frozen=True)
    class Later:
        a: int

        def __post_init__(self) -> None:
            pass

    @dataclasses.dataclass(frozen=True)
    class Factory:
        a: list = dataclasses.field(default_factory=list)

    @dataclasses.dataclass(frozen=True)
    class Hidden:
        a: int
        b: int = dataclasses.field(default=0, init=False)

    @dataclasses.dataclass(frozen=True, slots=True)
    class Slotted:
        a: int

    for cls in (NotFrozen, Later, Factory, Hidden, Slotted, int):
        with pytest.raises(TypeError, match=cls.__name__):
            direct_init(cls)
