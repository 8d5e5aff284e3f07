"""Frozen dataclasses that are cheap to make: :func:`direct_init`.

A frozen dataclass's generated ``__init__`` sets each field through
``object.__setattr__`` (the class's own ``__setattr__`` refuses), which is several times
as slow as writing the instance dict. For the small records a check makes by the
thousand for each new article (tokens, Arabic words, dictionary entries, analyses) that
cost showed in the stages' profile (docs/benchmarks.md), so those classes take
:func:`direct_init`'s ``__init__`` instead; everything else about them (frozen,
equality, hash, ``repr``, ``dataclasses.replace``) is the dataclass's own.
"""

from __future__ import annotations

import dataclasses
from typing import TypeVar

__all__ = ["direct_init"]

T = TypeVar("T", bound=type)


def direct_init(cls: T) -> T:
    """Give the frozen dataclass ``cls`` an ``__init__`` that writes its fields straight
    into the instance dict: the same parameters, in field order, with the same defaults.
    Put it above ``@dataclass(frozen=True)``. A class with ``__slots__``, a
    ``__post_init__``, a field made by a ``default_factory`` or a field left out of
    ``__init__`` is refused (``TypeError``): the generated ``__init__`` would skip what
    those need."""
    if not dataclasses.is_dataclass(cls) or not cls.__dataclass_params__.frozen:  # type: ignore[attr-defined]
        raise TypeError(f"{cls.__name__}: direct_init is for frozen dataclasses")
    if "__slots__" in cls.__dict__ or hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__}: direct_init needs an instance dict and no __post_init__")
    fields = dataclasses.fields(cls)
    params: list[str] = []
    defaults: dict[str, object] = {}
    for f in fields:
        if not f.init or f.default_factory is not dataclasses.MISSING:
            raise TypeError(f"{cls.__name__}.{f.name}: direct_init needs plain fields")
        if f.default is dataclasses.MISSING:
            params.append(f.name)
        else:
            defaults[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
    lines = [f"def __init__(self, {', '.join(params)}):", "    fields = self.__dict__"]
    lines += [f"    fields[{f.name!r}] = {f.name}" for f in fields]
    namespace: dict[str, object] = {}
    exec("\n".join(lines), defaults, namespace)  # noqa: S102 - generated from the field names, as dataclasses does
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"  # type: ignore[attr-defined]
    init.__module__ = cls.__module__
    init.__annotations__ = {f.name: f.type for f in fields} | {"return": None}  # type: ignore[attr-defined]
    init.__doc__ = f"Make a {cls.__name__} (fields written straight into the instance dict)."
    cls.__init__ = init  # type: ignore[misc]
    return cls
