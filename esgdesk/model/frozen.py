"""Frozen value classes written out by hand. A frozen dataclass generates its methods' source
and compiles it when its module is imported, about a millisecond per class on every
start-up; the catalogue's and the forms' classes, read before the window's first paint,
are these instead: the same behaviour (fields set once in `__init__`, compared, hashed and
shown by their values, never assigned), with no code made at import."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from operator import attrgetter
from typing import Any, ClassVar


class Frozen:
    """Fields named by `_fields`, in order: equal when of the same class with equal values,
    hashed and shown by them. `__init__` puts them in `self.__dict__` (assigning raises)."""

    _fields: ClassVar[tuple[str, ...]] = ()
    _values: ClassVar[Any] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        names = cls._fields
        if len(names) == 1:
            get_one = attrgetter(names[0])
            cls._values = staticmethod(lambda instance: (get_one(instance),))
        else:
            cls._values = staticmethod(attrgetter(*names))
        cls.__match_args__ = names

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._values(self) == self._values(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values(self))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__qualname__}({shown})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")
