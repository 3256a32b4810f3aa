"""Await the first item (request, frame, response) that matches a predicate."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

T = TypeVar("T")


class Waiters(Generic[T]):
    """Futures waiting for an item that satisfies their predicate.

    Producers call :meth:`notify` for each new item; consumers :meth:`wait`, which first
    looks at items that already happened so a test cannot miss an early event.
    """

    def __init__(self) -> None:
        self._waiting: list[tuple[Callable[[T], bool], asyncio.Future[T]]] = []

    def notify(self, item: T) -> None:
        """Wake every waiter whose predicate accepts ``item``."""
        for predicate, future in list(self._waiting):
            if future.done():
                continue
            try:
                matched = predicate(item)
            except Exception as exc:  # a broken predicate should fail the waiting test
                future.set_exception(exc)
                continue
            if matched:
                future.set_result(item)

    async def wait(
        self,
        predicate: Callable[[T], bool],
        *,
        within: float,
        what: str,
        existing: Iterable[T] = (),
    ) -> T:
        """The first of ``existing`` or of future items matching ``predicate``.

        Raises AssertionError (a test failure, not an error) naming ``what`` on timeout.
        """
        for item in existing:
            if predicate(item):
                return item
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        entry = (predicate, future)
        self._waiting.append(entry)
        try:
            return await asyncio.wait_for(future, within)
        except TimeoutError:
            raise AssertionError(f"timed out after {within}s waiting for {what}") from None
        finally:
            self._waiting.remove(entry)

    def cancel_all(self) -> None:
        """Cancel every pending wait (used at shutdown)."""
        for _, future in self._waiting:
            if not future.done():
                future.cancel()
