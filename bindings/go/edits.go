package migplan

/*
#include <stdlib.h>
#include <string.h>
#include "shim.h"
*/
import "C"

import "unsafe"

// Edits proposes edits for the plan's findings (analysing it first) and returns them.
// Nothing is applied until Apply.
func (p *Plan) Edits() ([]Edit, error) {
	if err := p.lock(); err != nil {
		return nil, err
	}
	defer p.mu.Unlock()
	if err := p.proposeEdits(); err != nil {
		return nil, err
	}
	n := int(C.migplan_plan_edit_count(p.c))
	edits := make([]Edit, 0, n)
	for i := 0; i < n; i++ {
		e := C.migplan_plan_edit_at(p.c, C.size_t(i))
		edit := Edit{
			ID:          C.GoString(C.migplan_edit_id(e)),
			Rule:        C.GoString(C.migplan_edit_rule(e)),
			Description: C.GoString(C.migplan_edit_description(e)),
			Removed:     []int{},
			Inserted:    []string{},
		}
		for j := C.size_t(0); j < C.migplan_edit_removed_count(e); j++ {
			edit.Removed = append(edit.Removed, int(C.migplan_edit_removed_at(e, j)))
		}
		for j := C.size_t(0); j < C.migplan_edit_inserted_count(e); j++ {
			edit.Inserted = append(edit.Inserted, C.GoString(C.migplan_edit_inserted_yaml(e, j)))
		}
		edits = append(edits, edit)
	}
	return edits, nil
}

// proposeEdits runs the analysis with the plan's configuration first, so that the edits
// answer the same findings as Findings; called with mu held.
func (p *Plan) proposeEdits() error {
	if _, err := p.analyze(); err != nil {
		return err
	}
	var e cerr
	if C.gomp_plan_propose_edits(p.c, &e) < 0 {
		return takeError(&e)
	}
	return nil
}

// Apply applies proposed edits by id (none given: every proposed edit) and returns the
// edited plan; p is not changed. An unknown id is an ErrNotFound error. The edited plan
// shares p's snapshots and configuration: p is freed only after both are closed.
func (p *Plan) Apply(ids ...string) (*Plan, error) {
	if err := p.lock(); err != nil {
		return nil, err
	}
	defer p.mu.Unlock()
	if err := p.proposeEdits(); err != nil {
		return nil, err
	}
	var cids **C.char
	if len(ids) > 0 {
		array := unsafe.Slice((**C.char)(C.malloc(C.size_t(len(ids))*C.size_t(unsafe.Sizeof(cids)))), len(ids))
		for i, id := range ids {
			array[i] = C.CString(id)
		}
		defer func() {
			for _, s := range array {
				C.free(unsafe.Pointer(s))
			}
			C.free(unsafe.Pointer(&array[0]))
		}()
		cids = &array[0]
	}
	var out *C.migplan_plan
	var e cerr
	if C.gomp_plan_apply_edits(&out, p.c, cids, C.size_t(len(ids)), &e) < 0 {
		return nil, takeError(&e)
	}
	child := newPlan(out, p.mu)
	child.cfg, child.parent = p.cfg, p
	p.children++
	return child, nil
}

// YAML is the plan as YAML, byte for byte the way Moose writes plan.yaml.
func (p *Plan) YAML() ([]byte, error) {
	if err := p.lock(); err != nil {
		return nil, err
	}
	defer p.mu.Unlock()
	var text *C.char
	var e cerr
	if C.gomp_plan_to_yaml(p.c, &text, &e) < 0 {
		return nil, takeError(&e)
	}
	defer C.migplan_free(unsafe.Pointer(text))
	return C.GoBytes(unsafe.Pointer(text), C.int(C.strlen(text))), nil
}
