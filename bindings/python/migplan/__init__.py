"""libmigplan for Python: make MooseStack/ClickHouse migration plans safe to ship.

    import migplan

    with migplan.Plan.load("migrations") as plan:
        print(plan.change_type)
        for op in plan:
            print(op.index, op.kind, op.table, op.category)
        for f in plan.findings:
            print(f"{f.file}:{f.line}:{f.column}: {f.severity}: {f.message} [{f.rule}]")

Failures raise ``migplan.Error`` subclasses (``ParseError``, ``SchemaError``, ``FileError``,
...) carrying ``file``, ``line`` and ``column``. Findings are data, never exceptions.

Objects handed out (operations, snapshots, tables) keep what they were read from alive, so
they stay valid after the plan is closed or collected. The C API is available one to one as
``migplan.capi``.
"""

import enum
import os
from dataclasses import dataclass, field
from typing import Optional, Tuple

from . import capi
from .errors import (Error, FileError, InvalidArgumentError, LimitError, NotFoundError,
                     OutOfMemoryError, ParseError, SchemaError, UnsupportedError, VersionError)

__all__ = [
    "Plan", "Operation", "Finding", "Location", "Edit", "Violation", "Verdict", "Snapshot",
    "Table", "Column", "Rule", "ParseOptions", "Severity", "ChangeType", "Category",
    "DataLoss", "REPORT_KINDS", "type_change", "rules", "version",
    "Error", "OutOfMemoryError", "InvalidArgumentError", "FileError", "ParseError",
    "SchemaError", "UnsupportedError", "VersionError", "LimitError", "NotFoundError",
]

__version__ = capi.version_string()

#: Limits for untrusted input (max_bytes, max_depth, max_aliases, max_ops, max_string,
#: max_nodes; 0 means the default). Pass as ``options=`` to the loaders.
ParseOptions = capi.ParseOptions


def version():
    """The version of the loaded C library, e.g. ``"0.1.0"``."""
    return capi.version_string()


#: The report kinds of Plan.report().
REPORT_KINDS = ("rollout", "pr-body", "checklist", "runbook", "dashboard", "alerts",
                "strategy", "phases")


class Severity(enum.IntEnum):
    """Severity of a finding; higher is worse, so severities compare."""
    INFO = capi.SEVERITY_INFO
    WARNING = capi.SEVERITY_WARNING
    ERROR = capi.SEVERITY_ERROR

    def __str__(self):
        return capi.severity_name(self)

    @classmethod
    def parse(cls, name):
        """``Severity.parse("warning")``; ValueError for an unknown name."""
        value = capi.severity_from_name(name)
        if not value:
            raise ValueError(f"unknown severity {name!r} (error, warning or info)")
        return cls(value)


class _Named(str, enum.Enum):
    """An enum that is also its library name, so ``plan.change_type == "mixed"`` holds."""

    def __str__(self):
        return self.value


class ChangeType(_Named):
    """Change type of a whole plan."""
    EMPTY = "empty"
    ADDITIVE = "additive"
    DESTRUCTIVE = "destructive"
    MIXED = "mixed"


class Category(_Named):
    """Category of one operation."""
    ADDITIVE = "additive"
    DESTRUCTIVE = "destructive"
    METADATA = "metadata"
    CUSTOM = "custom"


class DataLoss(_Named):
    """What an operation loses when it runs."""
    NONE = "none"
    POTENTIAL = "potential"
    PERMANENT = "permanent"


_DATA_LOSS = {capi.LOSS_NONE: DataLoss.NONE, capi.LOSS_POTENTIAL: DataLoss.POTENTIAL,
              capi.LOSS_PERMANENT: DataLoss.PERMANENT}


def _position(value):
    """C positions are 1-based with 0 for unknown; Python says None."""
    return value or None


def _node_position(node):
    if node is None:
        return None, None, None
    return capi.node_path(node), _position(capi.node_line(node)), _position(capi.node_column(node))


def _node_value(node):
    """A document node as plain Python data (dict, list, str, int, float, bool, None)."""
    kind = capi.node_kind_of(node)
    if kind == capi.NODE_MAP:
        return {capi.node_text(capi.node_key_at(node, i)): _node_value(capi.node_at(node, i))
                for i in range(capi.node_count(node))}
    if kind == capi.NODE_SEQ:
        return [_node_value(capi.node_at(node, i)) for i in range(capi.node_count(node))]
    if kind == capi.NODE_BOOL:
        return bool(capi.node_bool(node))
    if kind == capi.NODE_INT:
        try:
            return capi.node_int(node)
        except InvalidArgumentError:  # beyond int64: the spelling is exact
            return int(capi.node_text(node))
    if kind == capi.NODE_FLOAT:
        return float(capi.node_text(node))
    if kind == capi.NODE_STRING:
        return capi.node_text(node)
    return None


def _fspath(path):
    return None if path is None else os.fsdecode(os.fspath(path))


@dataclass(frozen=True)
class Verdict:
    """The judge's verdict on a column type change (see :func:`type_change`)."""
    safe: bool
    cause: str            #: "none" when safe, else the rule: "narrowing", "sign-change", ...
    reason: str           #: one sentence naming the rule that decided
    example: Optional[str]  #: a value that is lost or altered, e.g. "2147483648 becomes -2147483648"
    from_type: str        #: the old type, canonical
    to_type: str          #: the new type, canonical
    in_place: bool        #: ClickHouse only rewrites metadata (no mutation)
    key_refused: bool     #: ClickHouse refuses the change on a sorting, primary or partition key column

    @property
    def verdict(self):
        """"safe" or "destructive"."""
        return "safe" if self.safe else "destructive"

    @classmethod
    def _of(cls, tc):
        return cls(
            safe=capi.type_change_verdict(tc) == capi.VERDICT_SAFE,
            cause=capi.type_change_cause_name(capi.type_change_cause(tc)),
            reason=capi.type_change_reason(tc),
            example=capi.type_change_example(tc),
            from_type=capi.type_change_from(tc),
            to_type=capi.type_change_to(tc),
            in_place=bool(capi.type_change_in_place(tc)),
            key_refused=bool(capi.type_change_key_refused(tc)))


def type_change(from_type, to_type):
    """Judge a change between two ClickHouse types: ``type_change("Int32", "Int64").safe``.

    Raises ParseError when a type string is malformed.
    """
    return Verdict._of(capi.type_change_judge(from_type, to_type))


@dataclass(frozen=True)
class Rule:
    """A rule of the analysis."""
    id: str
    summary: str
    help: str
    default_severity: Severity


def rules():
    """Every rule the library knows, in its order."""
    out = []
    for i in range(capi.rule_count()):
        rid = capi.rule_id_at(i)
        out.append(Rule(rid, capi.rule_summary(rid), capi.rule_help(rid),
                        Severity(capi.rule_default_severity(rid))))
    return out


class Column:
    """A column of a table (or of an AddTableColumn / ModifyTableColumn operation)."""
    __slots__ = ("_c",)

    def __init__(self, handle):
        self._c = handle

    name = property(lambda self: capi.column_name(self._c))
    clickhouse_type = property(lambda self: capi.column_clickhouse_type(self._c),
                               doc="The ClickHouse type as libmigplan renders it, or None.")
    moose_clickhouse_type = property(lambda self: capi.column_moose_clickhouse_type(self._c),
                                     doc="The type string Moose puts into its DDL, or None.")
    nullable = property(lambda self: bool(capi.column_nullable(self._c)))
    primary_key = property(lambda self: bool(capi.column_primary_key(self._c)))
    default = property(lambda self: capi.column_default(self._c))
    comment = property(lambda self: capi.column_comment(self._c))
    codec = property(lambda self: capi.column_codec(self._c))
    ttl = property(lambda self: capi.column_ttl(self._c))
    data_type = property(lambda self: _node_value(capi.column_data_type(self._c)),
                         doc="Moose's data_type (a string or a dict).")

    @property
    def location(self):
        """(file, line, column) of the column's definition."""
        return _node_position(capi.column_node(self._c))

    def __repr__(self):
        return f"<migplan.Column {self.name} {self.clickhouse_type}>"


class Table:
    """A table of a snapshot, or the table a CreateTable operation creates."""
    __slots__ = ("_t",)

    def __init__(self, handle):
        self._t = handle

    name = property(lambda self: capi.table_name(self._t), doc="Physical name, version suffix included.")
    database = property(lambda self: capi.table_database(self._t), doc="As written; None is the default database.")
    engine = property(lambda self: capi.table_engine(self._t))
    order_by = property(lambda self: capi.table_order_by_expression(self._t))
    version = property(lambda self: capi.table_version(self._t))

    @property
    def columns(self):
        return [Column(capi.table_column_at(self._t, i)) for i in range(capi.table_column_count(self._t))]

    def column(self, name):
        """The column called ``name``, or None."""
        c = capi.table_column_find(self._t, name)
        return Column(c) if c is not None else None

    def to_sql(self, default_database=None):
        """The CREATE TABLE statement Moose runs for this table."""
        return _sql_list(capi.table_to_sql(self._t, default_database, capi.SQL_NONE))

    @property
    def location(self):
        return _node_position(capi.table_node(self._t))

    def __repr__(self):
        return f"<migplan.Table {self.database or ''}{'.' if self.database else ''}{self.name}>"


class Snapshot:
    """An InfrastructureMap snapshot: remote_state.json (before) or local_infra_map.json (after)."""
    __slots__ = ("_s",)

    def __init__(self, handle):
        self._s = handle

    path = property(lambda self: capi.snapshot_path(self._s))
    default_database = property(lambda self: capi.snapshot_default_database(self._s))
    moose_version = property(lambda self: capi.snapshot_moose_version(self._s))

    @property
    def tables(self):
        return [Table(capi.snapshot_table_at(self._s, i)) for i in range(capi.snapshot_table_count(self._s))]

    def table(self, name, database=None):
        """The table ``(database, name)``; database None is the default database."""
        t = capi.snapshot_table_find(self._s, database, name)
        return Table(t) if t is not None else None

    def __repr__(self):
        return f"<migplan.Snapshot {self.path}>"


def _sql_list(sql):
    return [capi.sql_at(sql, i) for i in range(capi.sql_count(sql))]


class Operation:
    """One operation of a plan, with its classification."""
    __slots__ = ("_op",)

    def __init__(self, handle):
        self._op = handle

    index = property(lambda self: capi.op_index(self._op), doc="0-based position in the plan.")
    kind = property(lambda self: capi.op_kind_name(capi.op_kind_of(self._op)),
                    doc='The variant: "CreateTable", "DropTableColumn", "RawSql", ...')
    table = property(lambda self: capi.op_table_name(self._op), doc="The table or view acted on; None for RawSql.")
    database = property(lambda self: capi.op_database(self._op), doc="As written; None is the default database.")
    column_name = property(lambda self: capi.op_column_name(self._op), doc="The column acted on, or None.")
    new_column_name = property(lambda self: capi.op_new_column_name(self._op), doc="RenameTableColumn's new name.")
    description = property(lambda self: capi.op_description(self._op), doc="RawSql's description.")
    category = property(lambda self: Category(capi.category_name(capi.op_category(self._op))))
    reversible = property(lambda self: bool(capi.op_reversible(self._op)),
                          doc="True when the inverse restores the schema and every value.")
    data_loss = property(lambda self: _DATA_LOSS[capi.op_data_loss(self._op)])
    reason = property(lambda self: capi.op_classification_reason(self._op),
                      doc="Why the operation got its category and loss.")
    inverse = property(lambda self: capi.op_inverse_description(self._op),
                       doc="The inverse operation in one line, or None.")

    @property
    def sql(self):
        """RawSql's statements (empty for other kinds)."""
        return [capi.op_sql_at(self._op, i) for i in range(capi.op_sql_count(self._op))]

    @property
    def type_change(self):
        """ModifyTableColumn: the judge's Verdict on the column change; None otherwise."""
        tc = capi.op_type_change(self._op)
        return Verdict._of(tc) if tc is not None else None

    @property
    def fields(self):
        """The variant's fields as written, as plain Python data."""
        return _node_value(capi.op_body(self._op))

    @property
    def location(self):
        """(file, line, column) of the operation in the plan."""
        return _node_position(capi.op_node(self._op))

    file = property(lambda self: self.location[0])
    line = property(lambda self: self.location[1])
    column = property(lambda self: self.location[2])

    def to_sql(self, default_database=None, as_moose=True):
        """The ClickHouse statements Moose runs for this operation."""
        flags = capi.SQL_AS_MOOSE if as_moose else capi.SQL_NONE
        return _sql_list(capi.op_to_sql(self._op, default_database, flags))

    def __repr__(self):
        target = self.table or self.description or ""
        return f"<migplan.Operation {self.index} {self.kind} {target}>"


@dataclass(frozen=True)
class Location:
    """A place in an input file, with a note (a finding's related locations)."""
    message: Optional[str]
    file: Optional[str]
    line: Optional[int]
    column: Optional[int]


@dataclass(frozen=True)
class Finding:
    """A hazard the analysis found. Findings are data: they never raise."""
    rule: str
    severity: Severity
    message: str
    help: str
    operation: Optional[Operation]  #: the operation, None for plan-wide findings
    file: Optional[str]
    line: Optional[int]
    column: Optional[int]
    edit: Optional[str]             #: id of the edit that answers it (see Plan.edits), or None
    table: Optional[str] = None
    database: Optional[str] = None
    column_name: Optional[str] = None
    view: Optional[str] = None
    allowed: bool = False           #: an allow entry of .migplan.yaml covers it
    allow_reason: Optional[str] = None
    blocker: bool = False           #: the plan must not ship until it is resolved
    related: Tuple[Location, ...] = field(default=())

    @classmethod
    def _of(cls, f, operations):
        index = capi.finding_operation(f)
        related = tuple(Location(capi.finding_related_message(f, i),
                                 *_node_position(capi.finding_related_node(f, i)))
                        for i in range(capi.finding_related_count(f)))
        return cls(
            rule=capi.finding_rule(f), severity=Severity(capi.finding_severity(f)),
            message=capi.finding_message(f), help=capi.finding_help(f),
            operation=operations[index] if 0 <= index < len(operations) else None,
            file=capi.finding_path(f), line=_position(capi.finding_line(f)),
            column=_position(capi.finding_column(f)), edit=capi.finding_edit(f),
            table=capi.finding_table(f), database=capi.finding_database(f),
            column_name=capi.finding_column_name(f), view=capi.finding_view(f),
            allowed=bool(capi.finding_allowed(f)), allow_reason=capi.finding_allow_reason(f),
            blocker=bool(capi.finding_blocker(f)), related=related)


@dataclass(frozen=True)
class Edit:
    """A proposed edit of the plan: which operations it removes and which it inserts."""
    id: str                   #: stable id, e.g. "rebuild-table:local.events"
    rule: str                 #: the rule of the findings it answers
    description: str
    removed: Tuple[int, ...]  #: indexes of the operations it removes (in the original plan)
    inserted: Tuple[str, ...]  #: the operations it inserts, as Moose writes them (YAML)

    @classmethod
    def _of(cls, e):
        return cls(
            id=capi.edit_id(e), rule=capi.edit_rule(e), description=capi.edit_description(e),
            removed=tuple(capi.edit_removed_at(e, i) for i in range(capi.edit_removed_count(e))),
            inserted=tuple(capi.edit_inserted_yaml(e, i) for i in range(capi.edit_inserted_count(e))))


@dataclass(frozen=True)
class Violation:
    """A JSON Schema violation of the plan (Plan.load(..., schema=path))."""
    rule: str             #: "schema-violation", or "schema-moose-mismatch" where Moose's schema is wrong
    message: str
    pointer: str          #: JSON pointer of the offending value
    keyword: str          #: the schema keyword that failed
    schema_path: str
    file: Optional[str]
    line: Optional[int]
    column: Optional[int]

    @classmethod
    def _of(cls, v):
        return cls(capi.violation_rule(v), capi.violation_message(v), capi.violation_pointer(v),
                   capi.violation_keyword(v), capi.violation_schema_path(v),
                   *_node_position(capi.violation_node(v)))


class Plan:
    """A Moose migration plan with its snapshots.

    Load with :meth:`Plan.load` or :meth:`Plan.from_strings`. ``len(plan)`` and iteration
    give its operations. A plan is closed by ``close()`` or at the end of a ``with`` block;
    objects read from it stay valid (they keep the C plan alive).
    """

    def __init__(self, handle, config=None, violations=(), keep=()):
        # Private: use load() or from_strings().
        self._h = handle
        self._config = config
        self._violations = list(violations)
        self._keep = keep  # inputs the C plan borrows (snapshots), for as long as it lives
        self._operations = None
        self._findings = None

    # --- loading ---------------------------------------------------------------------
    @classmethod
    def load(cls, path, schema=None, config=None, options=None):
        """Load a migrations directory (plan.yaml with remote_state.json and
        local_infra_map.json beside it, each optional) or a plan file (with the snapshots
        beside it, when they are there).

        ``schema``: a JSON Schema file (e.g. ``.moose/migration_schema.json``) to validate the
        plan against; see :attr:`violations`. ``config``: a ``.migplan.yaml`` path; by default
        the nearest ``.migplan.yaml`` above the plan is used, ``config=False`` uses none.
        ``options``: a :class:`ParseOptions` with limits.
        """
        path = _fspath(path)
        if os.path.isdir(path):
            handle = capi.plan_load_dir(path, options)
            start = path
        else:
            here = os.path.dirname(path)
            beside = [os.path.join(here, n) for n in ("remote_state.json", "local_infra_map.json")]
            remote, local = (p if os.path.isfile(p) else None for p in beside)
            handle = capi.plan_load_files(path, remote, local, options)
            start = here or "."
        if config is None:
            cfg = capi.config_discover(start, options)
        elif config is False:
            cfg = None
        else:
            cfg = capi.config_load_file(_fspath(config), options)
        return cls(handle, cfg, cls._validate(handle, schema, options))

    @classmethod
    def from_strings(cls, plan_yaml, remote_state=None, local_infra_map=None, *, config=None,
                     schema=None, name="plan.yaml", options=None):
        """Load a plan and its snapshots from text (str or bytes), e.g. unsaved editor buffers.

        ``config`` is the text of a ``.migplan.yaml``; ``schema`` a JSON Schema file path;
        ``name`` is the file name used in positions (the snapshots are named
        remote_state.json and local_infra_map.json beside it).
        """
        handle = capi.plan_load_buffer(plan_yaml, name, options)
        here = os.path.dirname(name)
        remote = local = None
        if remote_state is not None:
            remote = capi.snapshot_load_buffer(remote_state, os.path.join(here, "remote_state.json"), options)
        if local_infra_map is not None:
            local = capi.snapshot_load_buffer(local_infra_map, os.path.join(here, "local_infra_map.json"), options)
        if remote is not None or local is not None:
            capi.plan_attach_snapshots(handle, remote, local)  # the handle keeps both alive
        cfg = None
        if config is not None:
            cfg = capi.config_load_buffer(config, os.path.join(here, ".migplan.yaml"), options)
        return cls(handle, cfg, cls._validate(handle, schema, options))

    @staticmethod
    def _validate(handle, schema, options):
        if schema is None:
            return ()
        compiled = capi.schema_load_file(_fspath(schema), options)
        found = capi.schema_validate(compiled, capi.plan_root(handle))
        return [Violation._of(capi.violations_at(found, i)) for i in range(capi.violations_count(found))]

    # --- life cycle ------------------------------------------------------------------
    def close(self):
        """Release the plan. Objects read from it stay usable; the C plan is freed with the
        last of them."""
        self._h = None
        self._config = None
        self._operations = None
        self._findings = None

    @property
    def closed(self):
        return self._h is None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def _handle(self):
        if self._h is None:
            raise ValueError("operation on a closed migplan.Plan")
        return self._h

    # --- contents --------------------------------------------------------------------
    path = property(lambda self: capi.plan_path(self._handle), doc="The plan's file (or buffer name).")
    created_at = property(lambda self: capi.plan_created_at(self._handle))
    default_database = property(lambda self: capi.plan_default_database(self._handle),
                                doc="The database `database: null` means.")

    @property
    def operations(self):
        """The operations, in file order."""
        if self._operations is None:
            h = self._handle
            self._operations = tuple(Operation(capi.plan_op_at(h, i)) for i in range(capi.plan_op_count(h)))
        return list(self._operations)

    def __len__(self):
        return capi.plan_op_count(self._handle)

    def __iter__(self):
        return iter(self.operations)

    def __getitem__(self, index):
        return self.operations[index]

    @property
    def remote(self):
        """The remote snapshot (the deployment before), or None."""
        s = capi.plan_snapshot(self._handle, capi.SNAPSHOT_REMOTE)
        return Snapshot(s) if s is not None else None

    @property
    def local(self):
        """The local snapshot (the code after), or None."""
        s = capi.plan_snapshot(self._handle, capi.SNAPSHOT_LOCAL)
        return Snapshot(s) if s is not None else None

    @property
    def change_type(self):
        """ChangeType of the whole plan: empty, additive, destructive or mixed."""
        h = self._handle
        capi.plan_classify(h)
        return ChangeType(capi.change_type_name(capi.plan_change_type(h)))

    @property
    def violations(self):
        """Schema violations (empty unless loaded with ``schema=``)."""
        return list(self._violations)

    # --- analysis --------------------------------------------------------------------
    @property
    def config_path(self):
        """The .migplan.yaml in use, or None."""
        return capi.config_path(self._config) if self._config is not None else None

    @property
    def fail_on(self):
        """The failing threshold of the configuration (error by default)."""
        if self._config is None:
            return Severity.ERROR
        return Severity(capi.config_fail_on(self._config))

    @property
    def findings(self):
        """Every finding, by operation then rule; plan-wide findings last."""
        if self._findings is None:
            h = self._handle
            capi.plan_analyze(h, self._config)
            ops = self.operations
            self._findings = tuple(Finding._of(capi.plan_finding_at(h, i), ops)
                                   for i in range(capi.plan_finding_count(h)))
        return list(self._findings)

    @property
    def failing(self):
        """Findings at or above :attr:`fail_on` that no allow entry covers: what fails CI."""
        return [f for f in self.findings if f.severity >= self.fail_on and not f.allowed]

    # --- edits -----------------------------------------------------------------------
    @property
    def edits(self):
        """Edits proposed for the findings (nothing is applied until :meth:`apply`)."""
        h = self._handle
        self.findings  # the analysis with the configuration comes first
        capi.plan_propose_edits(h)
        return [Edit._of(capi.plan_edit_at(h, i)) for i in range(capi.plan_edit_count(h))]

    def apply(self, edit_ids=None):
        """Apply proposed edits by id (None: every proposed edit) and return the edited plan
        as a new Plan; this plan is not changed. Raises NotFoundError for an unknown id."""
        if isinstance(edit_ids, str):
            edit_ids = [edit_ids]
        h = self._handle
        self.edits  # proposes them
        edited = capi.plan_apply_edits(h, None if edit_ids is None else list(edit_ids))
        return Plan(edited, self._config)

    def to_yaml(self):
        """The plan as YAML, byte for byte the way Moose writes plan.yaml."""
        return capi.plan_to_yaml(self._handle)

    # --- reports ---------------------------------------------------------------------
    def _report(self, kind, format, table_stats):
        k = capi.report_kind_from_name(kind)
        if not k:
            raise ValueError(f"unknown report kind {kind!r} (one of {', '.join(REPORT_KINDS)})")
        f = capi.report_format_from_name(format)
        if not f:
            raise ValueError(f"unknown report format {format!r} (markdown or json)")
        h = self._handle
        self.findings  # analysed with the configuration, so allow reasons reach the report
        report = capi.report_new(h)
        for key, (rows, size) in (table_stats or {}).items():
            database, table = key if isinstance(key, tuple) else (None, key)
            capi.report_set_table_stats(report, database, table, rows, size)
        return report, k, f

    def report(self, kind="rollout", format="markdown", table_stats=None):
        """Render a report: ``kind`` is one of :data:`REPORT_KINDS` ("rollout", "pr-body",
        "checklist", ...), ``format`` "markdown" or "json". ``table_stats`` maps a table name
        (or a (database, table) pair) to (rows, bytes on disk), which the analysis cannot
        know; without it durations are reported as unknown."""
        report, k, f = self._report(kind, format, table_stats)
        return capi.report_render(report, k, f)

    def write_report(self, directory, kind="rollout", format="markdown", filename=None,
                     table_stats=None):
        """Write a report under ``directory`` atomically (by default to its usual place,
        e.g. docs/database-report/rollout-plan.md) and return the path written."""
        report, k, f = self._report(kind, format, table_stats)
        return capi.report_write(report, k, f, _fspath(directory), filename)

    def __repr__(self):
        if self._h is None:
            return "<migplan.Plan (closed)>"
        return f"<migplan.Plan {self.path} ({len(self)} operations)>"
