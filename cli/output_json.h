/* JSON building blocks shared by the json, sarif and gitlab formats and the small commands.
 * Every value is serialised by json-c, so escaping is always right (the json format writes
 * its document member by member, but each member still goes through json-c). */
#ifndef MIGPLAN_CLI_OUTPUT_JSON_H
#define MIGPLAN_CLI_OUTPUT_JSON_H

#include <json-c/json.h>

#include "cli.h"

/** Version of the JSON documents (docs/output-schema.json); bumped only on an incompatible change. */
#define CLI_JSON_SCHEMA_VERSION 1

/** {"schemaVersion":1, "tool":{...}, "command":@p command}. */
json_object *cli_json_document(const char *command);
/** A string, or JSON null for NULL. */
json_object *cli_json_string(const char *s);
/** The judged change of a column: from, to, verdict, cause, reason, example, in_place, key_refused. */
json_object *cli_json_type_change(const migplan_type_change *c);
/** One finding, as in the plan documents' `findings` (docs/output-schema.json, finding). */
json_object *cli_json_finding(const struct cli_finding *f);
/** One proposed edit: id, rule, description, removes, inserts (output-schema.json, edit). */
json_object *cli_json_edit(const migplan_edit *e);
/** Print @p doc on one line, followed by a newline. */
void cli_json_print(FILE *out, json_object *doc);

#endif
