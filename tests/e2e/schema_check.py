"""A minimal JSON Schema (draft 2020-12) validator: the keywords docs/output-schema.json uses.

Debian's /usr/bin/python3 has no jsonschema module, so the end-to-end tests carry this one.
Supported: type, enum, const, pattern, required, properties, additionalProperties (boolean or
schema), items, minItems, maxItems, minimum, oneOf, anyOf, allOf, $ref to #/$defs/..., $defs.
Annotations (title, description, $schema, $id) are ignored. An unknown keyword is an error, so
the schema cannot quietly grow past what is checked.
"""
import re

ANNOTATIONS = {"$schema", "$id", "title", "description", "$defs", "$comment", "default", "examples"}
KEYWORDS = {"type", "enum", "const", "pattern", "required", "properties", "additionalProperties",
            "items", "minItems", "maxItems", "minimum", "oneOf", "anyOf", "allOf", "$ref"}


def _type_ok(value, name):
    if name == "null":
        return value is None
    if name == "boolean":
        return isinstance(value, bool)
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if name == "string":
        return isinstance(value, str)
    if name == "array":
        return isinstance(value, list)
    if name == "object":
        return isinstance(value, dict)
    raise ValueError("unknown type %r" % name)


def _equal(a, b):
    # JSON equality: 1 and true differ, unlike in Python
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    return a == b


class Validator:
    def __init__(self, root):
        self.root = root

    def resolve(self, ref):
        if not ref.startswith("#/"):
            raise ValueError("only local $ref is supported: %r" % ref)
        node = self.root
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def errors(self, value, schema=None, path=""):
        """Every violation as 'pointer: message'."""
        schema = self.root if schema is None else schema
        if schema is True:
            return []
        if schema is False:
            return ["%s: no value is allowed here" % (path or "/")]
        unknown = set(schema) - KEYWORDS - ANNOTATIONS
        if unknown:
            raise ValueError("unsupported keywords %s at %s" % (sorted(unknown), path))
        out = []
        if "$ref" in schema:
            out += self.errors(value, self.resolve(schema["$ref"]), path)
        if "type" in schema:
            names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            if not any(_type_ok(value, n) for n in names):
                return out + ["%s: %r is not of type %s" % (path or "/", value, "/".join(names))]
        if "const" in schema and not _equal(value, schema["const"]):
            out.append("%s: %r is not %r" % (path or "/", value, schema["const"]))
        if "enum" in schema and not any(_equal(value, e) for e in schema["enum"]):
            out.append("%s: %r is not one of %r" % (path or "/", value, schema["enum"]))
        if "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
            out.append("%s: %r does not match %r" % (path or "/", value, schema["pattern"]))
        if "minimum" in schema and _type_ok(value, "number") and value < schema["minimum"]:
            out.append("%s: %r is below %r" % (path or "/", value, schema["minimum"]))
        out += self._object(value, schema, path)
        out += self._array(value, schema, path)
        out += self._combinators(value, schema, path)
        return out

    def _object(self, value, schema, path):
        if not isinstance(value, dict):
            return []
        out = ["%s: required property %r is missing" % (path or "/", k)
               for k in schema.get("required", []) if k not in value]
        props = schema.get("properties", {})
        for key, sub in value.items():
            where = "%s/%s" % (path, key)
            if key in props:
                out += self.errors(sub, props[key], where)
            elif "additionalProperties" in schema:
                out += self.errors(sub, schema["additionalProperties"], where)
        return out

    def _array(self, value, schema, path):
        if not isinstance(value, list):
            return []
        out = []
        if "minItems" in schema and len(value) < schema["minItems"]:
            out.append("%s: fewer than %d items" % (path or "/", schema["minItems"]))
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            out.append("%s: more than %d items" % (path or "/", schema["maxItems"]))
        if "items" in schema:
            for i, item in enumerate(value):
                out += self.errors(item, schema["items"], "%s/%d" % (path, i))
        return out

    def _combinators(self, value, schema, path):
        out = []
        for sub in schema.get("allOf", []):
            out += self.errors(value, sub, path)
        if "anyOf" in schema and not any(not self.errors(value, s, path) for s in schema["anyOf"]):
            out.append("%s: matches no branch of anyOf" % (path or "/"))
        if "oneOf" in schema:
            results = [self.errors(value, s, path) for s in schema["oneOf"]]
            passing = sum(1 for r in results if not r)
            if passing != 1:
                best = min(results, key=len) if passing == 0 else []
                out.append("%s: matches %d branches of oneOf, not 1%s" % (
                    path or "/", passing, (": " + "; ".join(best[:3])) if best else ""))
        return out


def validate(document, schema):
    """Every violation of @document against @schema (a parsed JSON Schema)."""
    return Validator(schema).errors(document)
