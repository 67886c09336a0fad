"""The launcher's one exception type for what a user can act on."""
from __future__ import annotations


class StackError(Exception):
    """A step of the local stack failed or cannot be done; the message says what to do about it.

    ``main()`` catches it once and prints it as ``pipeline: <message>``, without a traceback.
    """
