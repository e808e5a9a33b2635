"""Frozen value classes written out by hand. A frozen dataclass generates its methods' source
and compiles it when its module is imported, about a millisecond per class on every
start-up; the catalogue's and the forms' classes, read before the window's first paint,
are these instead: the same behaviour (fields set once in `__init__`, compared, hashed and
shown by their values, never assigned), with no code made at import."""

from __future__ import annotations

from operator import attrgetter, itemgetter
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

    def _replace(self, **changes: Any) -> Any:
        """A copy with the fields named changed, as `dataclasses.replace` makes one (`__init__`
        takes every field by its name)."""
        return type(self)(**{name: changes.pop(name) if name in changes else getattr(self, name)
                             for name in self._fields}, **changes)

    def __setattr__(self, name: str, value: Any) -> None:
        # A frozen dataclass's own error, its module imported only when one is raised: the
        # start-up does not import dataclasses.
        from dataclasses import FrozenInstanceError

        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        from dataclasses import FrozenInstanceError

        raise FrozenInstanceError(f"cannot delete field {name!r}")


class FrozenTuple(tuple):
    """A record read by the ten thousand (a figure as stored): fields named by `_fields`, in
    order, held in a tuple. Made in half the time of a Frozen (no attribute dictionary per
    record) and freed in half the time; read by name as a Frozen is. Equal to another when
    their values are equal; shown, pickled and copied by its fields. `_defaults` gives the
    values of the last fields when they are not passed."""

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()
    _defaults: ClassVar[tuple[Any, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for number, name in enumerate(cls._fields):
            setattr(cls, name, property(itemgetter(number), doc=name))
        cls.__match_args__ = cls._fields

    def __new__(cls, *args: Any, **named: Any) -> Any:
        fields, count = cls._fields, len(args)
        if not named and count == len(fields):
            return tuple.__new__(cls, args)
        missing = fields[count:]
        defaults = dict(zip(fields[len(fields) - len(cls._defaults):], cls._defaults, strict=True))
        try:
            rest = [named.pop(name) if name in named else defaults[name] for name in missing]
        except KeyError as exc:
            raise TypeError(f"{cls.__name__}() missing argument {exc}") from None
        if named or count > len(fields):
            raise TypeError(f"{cls.__name__}() got unexpected arguments")
        return tuple.__new__(cls, (*args, *rest))

    def __getnewargs__(self) -> tuple[Any, ...]:
        return tuple(self)

    def __repr__(self) -> str:
        pairs = zip(self._fields, self, strict=True)
        shown = ", ".join(f"{name}={value!r}" for name, value in pairs)
        return f"{type(self).__qualname__}({shown})"
