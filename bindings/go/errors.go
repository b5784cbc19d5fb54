package migplan

import "fmt"

// Code is the status of a failed libmigplan call (the C migplan_status). Values are pinned.
type Code int

// Status codes of the C library.
const (
	CodeError       Code = -1  // generic failure
	CodeNoMemory    Code = -2  // out of memory
	CodeInvalid     Code = -3  // API misuse, bad argument
	CodeIO          Code = -4  // a file could not be read or written
	CodeParse       Code = -5  // not well-formed YAML or JSON
	CodeSchema      Code = -6  // well-formed, but not a valid plan, snapshot, schema or configuration
	CodeUnsupported Code = -7  // valid, but not supported
	CodeVersion     Code = -8  // an options structure carries an unknown version
	CodeLimit       Code = -9  // a limit for untrusted input was exceeded
	CodeNotFound    Code = -10 // a named object, file, rule or edit does not exist
)

// String gives the library's text for the code, e.g. "parse error".
func (c Code) String() string { return statusString(c) }

// Error is a failed libmigplan call. File, Line and Column say where the input is wrong when
// the failure is about an input (Line and Column are 1-based, 0 when unknown; the column
// counts characters). Compare with errors.Is against the sentinels (ErrParse, ...).
type Error struct {
	Code    Code
	Message string
	File    string
	Line    int
	Column  int
	Offset  int64 // 0-based byte offset in File
}

// Sentinels for errors.Is: errors.Is(err, migplan.ErrParse) holds for any parse error.
var (
	ErrGeneric     = &Error{Code: CodeError}
	ErrNoMemory    = &Error{Code: CodeNoMemory}
	ErrInvalid     = &Error{Code: CodeInvalid}
	ErrIO          = &Error{Code: CodeIO}
	ErrParse       = &Error{Code: CodeParse}
	ErrSchema      = &Error{Code: CodeSchema}
	ErrUnsupported = &Error{Code: CodeUnsupported}
	ErrVersion     = &Error{Code: CodeVersion}
	ErrLimit       = &Error{Code: CodeLimit}
	ErrNotFound    = &Error{Code: CodeNotFound}
)

// Error formats the error as file:line:column: message, as compilers do.
func (e *Error) Error() string {
	switch {
	case e.File != "" && e.Line > 0 && e.Column > 0:
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Message)
	case e.File != "" && e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Message)
	case e.File != "":
		return fmt.Sprintf("%s: %s", e.File, e.Message)
	}
	return e.Message
}

// Is matches a sentinel (an Error with only a Code) of the same code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Message == "" && t.File == "" && t.Code == e.Code
}
