package migplan

/*
#cgo pkg-config: migplan
#include <stdlib.h>
#include "shim.h"
*/
import "C"

import "unsafe"

// cerr is where a shim leaves the error of a failed call.
type cerr = C.gomp_err

// takeError turns a shim's error into an *Error and frees the C copies.
func takeError(e *cerr) error {
	err := &Error{
		Code:    Code(e.code),
		Message: C.GoString(e.message),
		File:    C.GoString(e.path),
		Line:    int(e.line),
		Column:  int(e.column),
		Offset:  int64(e.offset),
	}
	C.free(unsafe.Pointer(e.message))
	C.free(unsafe.Pointer(e.path))
	*e = cerr{}
	return err
}

func statusString(c Code) string {
	return C.GoString(C.migplan_status_str(C.migplan_status(c)))
}

// cstring is C.CString for an optional string: "" gives NULL. Free with C.free.
func cstring(s string) *C.char {
	if s == "" {
		return nil
	}
	return C.CString(s)
}

// bytesArg passes a Go buffer to a C call that does not keep it (the loaders copy what they need).
func bytesArg(b []byte) (unsafe.Pointer, C.size_t) {
	if len(b) == 0 {
		return nil, 0
	}
	return unsafe.Pointer(&b[0]), C.size_t(len(b))
}

// position reads a node's file, line and column.
func position(n *C.migplan_node) Position {
	if n == nil {
		return Position{}
	}
	return Position{
		File:   C.GoString(C.migplan_node_path(n)),
		Line:   int(C.migplan_node_line(n)),
		Column: int(C.migplan_node_column(n)),
	}
}
