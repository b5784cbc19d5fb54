/*
 * SWIG interface of libmigplan: a thin, one-to-one layer over the public headers.
 *
 * Names lose their prefix (migplan_plan_load_dir -> plan_load_dir, MIGPLAN_EPARSE -> EPARSE),
 * opaque handles become proxy classes, and the C conventions become the target language's:
 * `**out` parameters are return values, a negative migplan_status is an exception built from
 * migplan_error_last() inside the same wrapper call (so on the same thread), and strings the
 * library allocates are copied and freed with migplan_free().
 *
 * The Python package `migplan` builds its idiomatic API on this module (`migplan.capi`). The Go
 * package (bindings/go) is a hand-written cgo layer over the same headers instead of SWIG's Go
 * output: `go build` would then need SWIG, SWIG's Go objects escape the garbage collector, and
 * the calls the Go API needs are few, each wrapped with its error copied in the same C call.
 * Another SWIG language only needs its own status, `**out` and keep-alive typemaps (the
 * SWIGPYTHON sections).
 */
%module(package="migplan") capi

%{
#include <migplan.h>
#include <migplan/analyze.h>
#include <migplan/rewrite.h>
#include <migplan/report.h>
%}

%include <stdint.i>
%include <typemaps.i>

/* --- names ---------------------------------------------------------------------------- */
%rename("%(strip:[migplan_])s") "";
%rename("%(strip:[MIGPLAN_])s", %$isenumitem) "";
%rename("%(strip:[MIGPLAN_])s", %$isconstant) "";

/* Objects are freed by their proxies, and strings by the typemaps: a direct call to a free
 * function would leave a proxy pointing at freed memory. */
%ignore migplan_free;
%ignore migplan_plan_free;
%ignore migplan_snapshot_free;
%ignore migplan_config_free;
%ignore migplan_schema_free;
%ignore migplan_violations_free;
%ignore migplan_type_change_free;
%ignore migplan_column_free;
%ignore migplan_chtype_free;
%ignore migplan_sql_free;
%ignore migplan_report_free;
/* Initialised by the ParseOptions constructor; a brace initialiser means nothing here. */
%ignore MIGPLAN_PARSE_OPTIONS_INIT;

/* --- handles --------------------------------------------------------------------------- */
/* A borrowed handle: a proxy that never frees (the parent owns the object). */
%define MIGPLAN_BORROWED(CTYPE, NAME)
%rename(NAME) CTYPE;
%nodefaultctor CTYPE;
%nodefaultdtor CTYPE;
struct CTYPE {};
%enddef

/* An owned handle: constructors hand it out through `CTYPE **out`; the proxy frees it.
 * Proxies of the same type that were borrowed (a column of a table) are not owned and never
 * freed. */
%define MIGPLAN_OWNED(CTYPE, NAME, FREE)
%rename(NAME) CTYPE;
%nodefaultctor CTYPE;
struct CTYPE {};
%extend CTYPE {
	~CTYPE() { FREE($self); }
}
%typemap(in, numinputs=0) CTYPE **out (CTYPE *tmp = NULL) "$1 = &tmp;";
%typemap(argout) CTYPE **out = SWIGTYPE **OUT_OWNED;
%enddef

/* (Preprocessor conditions do not work inside %define, hence the named typemap.) */
#ifdef SWIGPYTHON
%typemap(argout) SWIGTYPE **OUT_OWNED {
	$result = SWIG_Python_AppendOutput($result, SWIG_NewPointerObj(*$1, $*1_descriptor, SWIG_POINTER_OWN));
}
#endif

MIGPLAN_OWNED(migplan_plan, Plan, migplan_plan_free)
MIGPLAN_OWNED(migplan_snapshot, Snapshot, migplan_snapshot_free)
MIGPLAN_OWNED(migplan_config, Config, migplan_config_free)
MIGPLAN_OWNED(migplan_schema, Schema, migplan_schema_free)
MIGPLAN_OWNED(migplan_violations, Violations, migplan_violations_free)
MIGPLAN_OWNED(migplan_type_change, TypeChange, migplan_type_change_free)
MIGPLAN_OWNED(migplan_column, Column, migplan_column_free)
MIGPLAN_OWNED(migplan_chtype, ClickHouseType, migplan_chtype_free)
MIGPLAN_OWNED(migplan_sql, Sql, migplan_sql_free)
MIGPLAN_OWNED(migplan_report, Report, migplan_report_free)
MIGPLAN_BORROWED(migplan_error, ErrorRecord)
MIGPLAN_BORROWED(migplan_node, Node)
MIGPLAN_BORROWED(migplan_op, Op)
MIGPLAN_BORROWED(migplan_table, Table)
MIGPLAN_BORROWED(migplan_index, Index)
MIGPLAN_BORROWED(migplan_view, View)
MIGPLAN_BORROWED(migplan_violation, Violation)
MIGPLAN_BORROWED(migplan_finding, Finding)
MIGPLAN_BORROWED(migplan_edit, Edit)

/* The options struct is transparent; its constructor sets the version, without which every
 * call is refused with EVERSION. */
%rename(ParseOptions) migplan_parse_options;
%extend migplan_parse_options {
	migplan_parse_options() {
		migplan_parse_options *o = calloc(1, sizeof(*o));
		if (o)
			migplan_parse_options_init(o, MIGPLAN_PARSE_OPTIONS_VERSION);
		return o;
	}
	~migplan_parse_options() { free($self); }
}

/* Optional argument: the default limits. (Not on calls with a %pythonappend, which names
 * the parameters.) */
%typemap(default) const migplan_parse_options *opts "$1 = NULL;";

/* --- strings and buffers --------------------------------------------------------------- */
/* Strings the library allocates come back through `char **`: copy, then free them with the
 * library's allocator. freearg runs on the failure path too, where *$1 is NULL. */
%typemap(in, numinputs=0) char **out (char *tmp = NULL), char **path_out (char *tmp = NULL) "$1 = &tmp;";
%typemap(freearg) char **out, char **path_out "migplan_free(*$1);";
#ifdef SWIGPYTHON
%typemap(argout) char **out, char **path_out {
	$result = SWIG_Python_AppendOutput($result, SWIG_FromCharPtr(*$1));
}
#endif

/* migplan_target_choose(): always a pair (id, problem), either of which may be None. */
%typemap(in, numinputs=0) (char **id_out, char **problem_out) (char *id = NULL, char *problem = NULL) {
	$1 = &id;
	$2 = &problem;
}
%typemap(freearg) (char **id_out, char **problem_out) {
	migplan_free(*$1);
	migplan_free(*$2);
}
#ifdef SWIGPYTHON
%typemap(argout) (char **id_out, char **problem_out) {
	Py_XDECREF($result);
	$result = Py_BuildValue("(NN)", SWIG_FromCharPtr(*$1), SWIG_FromCharPtr(*$2));
}
#endif

#ifdef SWIGPYTHON
/* Text with a length: a str (passed as UTF-8) or any bytes-like object. */
%typemap(in) (const char *data, size_t len) (Py_buffer view, int have_view = 0) {
	if (PyUnicode_Check($input)) {
		Py_ssize_t n;
		$1 = (char *)PyUnicode_AsUTF8AndSize($input, &n);
		if (!$1)
			SWIG_fail;
		$2 = (size_t)n;
	} else {
		if (PyObject_GetBuffer($input, &view, PyBUF_SIMPLE) < 0)
			SWIG_fail;
		have_view = 1;
		$1 = view.buf;
		$2 = (size_t)view.len;
	}
}
%typemap(freearg) (const char *data, size_t len) {
	if (have_view$argnum)
		PyBuffer_Release(&view$argnum);
}
#endif
%apply (const char *data, size_t len) {
	(const char *text, size_t len),
	(const char *moose_column, size_t len)
};

%apply int64_t *OUTPUT { int64_t *out };

/* migplan_node_text(): scalars may hold NUL bytes, so the text is as long as len_out says. */
%typemap(in, numinputs=0) size_t *len_out (size_t tmp = 0) "$1 = &tmp;";
#ifdef SWIGPYTHON
%typemap(argout) size_t *len_out {
	Py_XDECREF($result);
	$result = result ? SWIG_FromCharPtrAndSize(result, *$1) : SWIG_Py_Void();
}
#endif

#ifdef SWIGPYTHON
/* Edit ids for migplan_plan_apply_edits(): any sequence of str, or None for every edit. */
%typemap(in) (const char *const *ids, size_t count) (PyObject *seq = NULL, const char **tmp = NULL) {
	$2 = 0;
	if ($input != Py_None) {
		if (PyUnicode_Check($input) || PyBytes_Check($input)) {
			PyErr_SetString(PyExc_TypeError, "ids must be a sequence of str, not a single string");
			SWIG_fail;
		}
		seq = PySequence_Fast($input, "ids must be a sequence of str");
		if (!seq)
			SWIG_fail;
		Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
		tmp = calloc(n ? (size_t)n : 1, sizeof(*tmp));
		if (!tmp) {
			PyErr_NoMemory();
			SWIG_fail;
		}
		for (Py_ssize_t i = 0; i < n; i++) {
			PyObject *item = PySequence_Fast_GET_ITEM(seq, i);
			/* Borrowed UTF-8 buffers, alive as long as the items, which seq holds. */
			tmp[i] = PyUnicode_Check(item) ? PyUnicode_AsUTF8(item) : NULL;
			if (!tmp[i]) {
				if (!PyErr_Occurred())
					PyErr_SetString(PyExc_TypeError, "ids must be a sequence of str");
				SWIG_fail;
			}
		}
		$2 = (size_t)n;
	}
	$1 = ($1_ltype)tmp;
}
%typemap(freearg) (const char *const *ids, size_t count) {
	free((void *)tmp$argnum);
	Py_XDECREF(seq$argnum);
}
#endif

/* --- errors ---------------------------------------------------------------------------- */
#ifdef SWIGPYTHON
%{
/* code -> exception class, registered by capi.py from migplan/errors.py. */
static PyObject *migplan_py_error_classes;

static PyObject *migplan_py_text(const char *s)
{
	if (!s)
		Py_RETURN_NONE;
	return PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "replace");
}

static PyObject *migplan_py_position(uint32_t v)
{
	if (!v)
		Py_RETURN_NONE;
	return PyLong_FromUnsignedLong(v);
}

/* Raise the exception for a failed call. Runs in the wrapper of that call, on its thread,
 * before anything else can touch this thread's error record. */
static void migplan_py_raise(migplan_status status)
{
	if (status == MIGPLAN_ITEROVER) {
		PyErr_SetNone(PyExc_StopIteration);
		return;
	}
	const migplan_error *e = migplan_error_last();
	/* A record with another code belongs to an older failure: keep only the status then. */
	int own = migplan_error_code(e) == status;
	const char *msg = own && *migplan_error_message(e) ? migplan_error_message(e) : migplan_status_str(status);
	PyObject *cls = NULL;
	if (migplan_py_error_classes) {
		PyObject *key = PyLong_FromLong((long)status);
		cls = key ? PyDict_GetItemWithError(migplan_py_error_classes, key) : NULL;
		if (!cls && key && !PyErr_Occurred())
			cls = PyDict_GetItemWithError(migplan_py_error_classes, Py_None);
		Py_XDECREF(key);
	}
	if (!cls) {
		if (!PyErr_Occurred())
			PyErr_Format(PyExc_RuntimeError, "migplan: %s", msg);
		return;
	}
	PyObject *args = Py_BuildValue("(N)", migplan_py_text(msg));
	PyObject *kw = args ? Py_BuildValue("{s:i,s:N,s:N,s:N,s:n}", "code", (int)status,
	                                    "file", migplan_py_text(own ? migplan_error_path(e) : NULL),
	                                    "line", migplan_py_position(own ? migplan_error_line(e) : 0),
	                                    "column", migplan_py_position(own ? migplan_error_column(e) : 0),
	                                    "offset", (Py_ssize_t)(own ? migplan_error_offset(e) : 0))
	                    : NULL;
	PyObject *exc = kw ? PyObject_Call(cls, args, kw) : NULL;
	Py_XDECREF(args);
	Py_XDECREF(kw);
	if (exc) {
		PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
		Py_DECREF(exc);
	}
}
%}

%typemap(out) migplan_status {
	if ((int)$1 < 0) {
		migplan_py_raise($1);
		SWIG_fail;
	}
	$result = SWIG_Py_Void();
}
/* The one getter that returns a status as data. */
%typemap(out) migplan_status migplan_error_code "$result = PyLong_FromLong((long)$1);";

%rename(_register_error_classes) migplan_py_register_error_classes;
%inline %{
static void migplan_py_register_error_classes(PyObject *by_code)
{
	Py_XINCREF(by_code);
	Py_XSETREF(migplan_py_error_classes, by_code);
}
%}

/* Keep-alive: a borrowed handle keeps the object it was read from (the call's first argument)
 * alive, so that a parent collected first never leaves a dangling child (see
 * tests/python/test_gc.py). Every borrowed handle of the API is returned as `const T *`;
 * owned ones come through `T **out`. swig_obj[] holds the wrapper's arguments (SWIG 4). */
%{
static int migplan_py_keep_parent(PyObject *child, PyObject *parent)
{
	if (child == Py_None || !parent)
		return 0;
	return PyObject_SetAttrString(child, "_parent", parent);
}
%}
%define MIGPLAN_KEEPS_PARENT(CTYPE)
%typemap(out) const CTYPE * {
	$result = SWIG_NewPointerObj(SWIG_as_voidptr($1), $descriptor, 0);
	if (migplan_py_keep_parent($result, swig_obj[0]) < 0)
		SWIG_fail;
}
%enddef
MIGPLAN_KEEPS_PARENT(migplan_node)
MIGPLAN_KEEPS_PARENT(migplan_op)
MIGPLAN_KEEPS_PARENT(migplan_table)
MIGPLAN_KEEPS_PARENT(migplan_column)
MIGPLAN_KEEPS_PARENT(migplan_index)
MIGPLAN_KEEPS_PARENT(migplan_view)
MIGPLAN_KEEPS_PARENT(migplan_chtype)
MIGPLAN_KEEPS_PARENT(migplan_snapshot)
MIGPLAN_KEEPS_PARENT(migplan_type_change)
MIGPLAN_KEEPS_PARENT(migplan_violation)
MIGPLAN_KEEPS_PARENT(migplan_finding)
MIGPLAN_KEEPS_PARENT(migplan_edit)

/* Calls whose first argument borrows the others, or whose result borrows an argument. */
%pythonappend migplan_plan_attach_snapshots %{
    plan._snapshots = (remote, local)
%}
%pythonappend migplan_plan_analyze %{
    plan._config = cfg
%}
%pythonappend migplan_schema_validate %{
    val._parent = instance
%}
%pythonappend migplan_plan_apply_edits %{
    val._parent = plan
%}
%pythonappend migplan_report_new %{
    val._parent = plan
%}

%pythoncode %{
from . import errors as _errors

_register_error_classes(_errors.BY_CODE)
%}
#endif

/* --- the public headers ---------------------------------------------------------------- */
#define MIGPLAN_API
#define MIGPLAN_BEGIN_DECL
#define MIGPLAN_END_DECL
%include "migplan/common.h"
%include "migplan/version.h"
%include "migplan/errors.h"
%include "migplan/options.h"
%include "migplan/node.h"
%include "migplan/chtype.h"
%include "migplan/snapshot.h"
%include "migplan/plan.h"
%include "migplan/classify.h"
%include "migplan/ddl.h"
%include "migplan/schema.h"
%include "migplan/typechange.h"
%include "migplan/analyze.h"
%include "migplan/rewrite.h"
%include "migplan/report.h"
