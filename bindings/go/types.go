package migplan

// Position is a place in an input file. Line and Column are 1-based (0 when unknown); the
// column counts characters.
type Position struct {
	File   string
	Line   int
	Column int
}

// Severity of a finding; higher is worse.
type Severity int

// Severities.
const (
	SeverityInfo    Severity = 1
	SeverityWarning Severity = 2
	SeverityError   Severity = 3
)

// ChangeType of a whole plan.
type ChangeType string

// Change types.
const (
	ChangeEmpty       ChangeType = "empty"
	ChangeAdditive    ChangeType = "additive"
	ChangeDestructive ChangeType = "destructive"
	ChangeMixed       ChangeType = "mixed"
)

// Category of one operation.
type Category string

// Categories.
const (
	CategoryAdditive    Category = "additive"
	CategoryDestructive Category = "destructive"
	CategoryMetadata    Category = "metadata"
	CategoryCustom      Category = "custom"
)

// DataLoss says what an operation loses when it runs.
type DataLoss string

// Kinds of loss.
const (
	LossNone      DataLoss = "none"
	LossPotential DataLoss = "potential"
	LossPermanent DataLoss = "permanent"
)

// Operation is one operation of a plan with its classification. It is a copy: it stays valid
// after the plan is closed.
type Operation struct {
	Index         int
	Kind          string // "CreateTable", "DropTableColumn", "RawSql", ...
	Table         string // the table or view acted on; "" for RawSql
	Database      string // as written; "" is the default database
	ColumnName    string // the column acted on, if any
	NewColumnName string // RenameTableColumn's new name
	Category      Category
	Reversible    bool // the inverse restores the schema and every value
	DataLoss      DataLoss
	Reason        string   // why the operation got its category and loss
	Inverse       string   // the inverse operation in one line, "" when there is none
	SQL           []string // RawSql's statements
	Description   string   // RawSql's description
	TypeChange    *Verdict // ModifyTableColumn: the judged column change
	Position
}

// Related is another location a finding points to, with a note.
type Related struct {
	Message string
	Position
}

// Finding is a hazard the analysis found. Findings are data, never errors.
type Finding struct {
	Rule        string
	Severity    Severity
	Message     string
	Help        string
	Operation   int    // index of the operation, -1 for plan-wide findings
	Edit        string // id of the edit that answers it (see Plan.Edits), or ""
	Table       string
	Database    string
	ColumnName  string
	View        string
	Allowed     bool // an allow entry of .migplan.yaml covers it
	AllowReason string
	Blocker     bool // the plan must not ship until it is resolved
	Related     []Related
	Position
}

// Edit is a proposed edit of a plan: the operations it removes and those it inserts.
type Edit struct {
	ID          string // stable, e.g. "rebuild-table:local.events"
	Rule        string // the rule of the findings it answers
	Description string
	Removed     []int    // indexes of removed operations, in the original plan
	Inserted    []string // inserted operations, as Moose writes them (YAML)
}

// Violation is a JSON Schema violation of the plan (Options.Schema).
type Violation struct {
	Rule       string // "schema-violation", or "schema-moose-mismatch" where Moose's schema is wrong
	Message    string
	Pointer    string // JSON pointer of the offending value
	Keyword    string // the schema keyword that failed
	SchemaPath string
	Position
}

// Verdict is the judge's verdict on a column type change.
type Verdict struct {
	Safe       bool
	Cause      string // "none" when safe, else the rule: "narrowing", "sign-change", ...
	Reason     string // one sentence naming the rule that decided
	Example    string // a value that is lost or altered, or ""
	From, To   string // the types, canonical
	InPlace    bool   // ClickHouse only rewrites metadata
	KeyRefused bool   // refused on a sorting, primary or partition key column
}
