"""Errors a user can act on. The CLI prints them as one line and exits non-zero."""


class UserError(Exception):
    """Unusable input or environment: a one-line reason and the fix."""

    exit_code = 2

    def __init__(self, reason: str, fix: str = "") -> None:
        self.reason = reason
        self.fix = fix
        super().__init__(f"{reason} {fix}".strip())

    def __str__(self) -> str:
        return f"{self.reason} — {self.fix}" if self.fix else self.reason


class WorkbookLocked(UserError):
    exit_code = 3


class WorkbookChanged(WorkbookLocked):
    """Someone saved the workbook between the sync's read and its write; nothing was written."""


class CannotPreserve(UserError):
    """The workbook holds something the writer cannot keep; nothing was written."""

    exit_code = 4


class ConfigError(UserError):
    exit_code = 5
