"""Errors a person can fix: each says what happened and what to do."""


class CoachError(Exception):
    """A problem caused by input or environment, shown without a traceback."""

    def __init__(self, what: str, todo: str = "", exit_code: int = 2) -> None:
        self.what = what
        self.todo = todo
        self.exit_code = exit_code
        super().__init__(f"{what} {todo}".strip())
