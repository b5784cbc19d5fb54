package migplan

/*
#include <stdlib.h>
#include <string.h>
#include "shim.h"
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// ReportKinds are the kinds Report accepts.
var ReportKinds = []string{"rollout", "pr-body", "checklist", "runbook", "dashboard", "alerts", "strategy", "phases"}

// Report renders a report of the plan: kind is one of ReportKinds, format "markdown" or
// "json". The plan is analysed with its configuration first, so allow-list reasons show.
func (p *Plan) Report(kind, format string) ([]byte, error) {
	ckind, cformat := C.CString(kind), C.CString(format)
	defer C.free(unsafe.Pointer(ckind))
	defer C.free(unsafe.Pointer(cformat))
	k := C.migplan_report_kind_from_name(ckind)
	if k == 0 {
		return nil, &Error{Code: CodeInvalid, Message: fmt.Sprintf("unknown report kind %q (one of %v)", kind, ReportKinds)}
	}
	f := C.migplan_report_format_from_name(cformat)
	if f == 0 {
		return nil, &Error{Code: CodeInvalid, Message: fmt.Sprintf("unknown report format %q (markdown or json)", format)}
	}
	if err := p.lock(); err != nil {
		return nil, err
	}
	defer p.mu.Unlock()
	if _, err := p.analyze(); err != nil {
		return nil, err
	}
	var r *C.migplan_report
	var e cerr
	if C.gomp_report_new(&r, p.c, &e) < 0 {
		return nil, takeError(&e)
	}
	defer C.migplan_report_free(r)
	var text *C.char
	if C.gomp_report_render(r, k, f, &text, &e) < 0 {
		return nil, takeError(&e)
	}
	defer C.migplan_free(unsafe.Pointer(text))
	return C.GoBytes(unsafe.Pointer(text), C.int(C.strlen(text))), nil
}
