"""Exceptions raised for a failed libmigplan call.

Every failing call of the C library becomes one of these, built from the library's error
record (``migplan_error_last()``) inside the same call, so the position is the failure's own.
"""

__all__ = [
    "Error", "OutOfMemoryError", "InvalidArgumentError", "FileError", "ParseError",
    "SchemaError", "UnsupportedError", "VersionError", "LimitError", "NotFoundError",
]


class Error(Exception):
    """A libmigplan call failed.

    Attributes: ``code`` (the C status, e.g. -5 for MIGPLAN_EPARSE), ``message``, ``file``
    (the file the error is in, or None), ``line`` and ``column`` (1-based, None when unknown;
    the column counts characters) and ``offset`` (0-based byte offset in the file).
    """

    code = -1

    def __init__(self, message, code=None, file=None, line=None, column=None, offset=0):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.offset = offset

    @property
    def path(self):
        """Same as ``file`` (the name the C API uses)."""
        return self.file

    def __str__(self):
        where = [str(p) for p in (self.file, self.line, self.column) if p is not None]
        return ":".join(where + [" " + self.message]) if where else self.message


class OutOfMemoryError(Error, MemoryError):
    """MIGPLAN_ENOMEM."""
    code = -2


class InvalidArgumentError(Error, ValueError):
    """MIGPLAN_EINVAL: API misuse or a bad argument."""
    code = -3


class FileError(Error, OSError):
    """MIGPLAN_EIO: a file could not be read or written."""
    code = -4

    def __init__(self, message, code=None, file=None, line=None, column=None, offset=0):
        # OSError's own constructor would read the arguments as (errno, strerror).
        Error.__init__(self, message, code, file, line, column, offset)
        self.filename = file

    __str__ = Error.__str__


class ParseError(Error, ValueError):
    """MIGPLAN_EPARSE: the input is not well-formed YAML or JSON."""
    code = -5


class SchemaError(Error, ValueError):
    """MIGPLAN_ESCHEMA: well-formed, but not a valid plan, snapshot, schema or configuration."""
    code = -6


class UnsupportedError(Error):
    """MIGPLAN_EUNSUPPORTED: valid, but not supported (e.g. a type ClickHouse cannot hold)."""
    code = -7


class VersionError(Error):
    """MIGPLAN_EVERSION: an options structure carries an unknown version."""
    code = -8


class LimitError(Error):
    """MIGPLAN_ELIMIT: a limit for untrusted input was exceeded."""
    code = -9


class NotFoundError(Error, LookupError):
    """MIGPLAN_ENOTFOUND: a named object, file, rule or edit does not exist."""
    code = -10


# Looked up by the SWIG wrappers (bindings/migplan.i); None is the class for unknown codes.
BY_CODE = {cls.code: cls for cls in (
    Error, OutOfMemoryError, InvalidArgumentError, FileError, ParseError, SchemaError,
    UnsupportedError, VersionError, LimitError, NotFoundError)}
BY_CODE[None] = Error
