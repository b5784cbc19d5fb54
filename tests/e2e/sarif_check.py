"""Structural checks of a SARIF 2.1.0 log: what the OASIS standard requires and what GitHub
code scanning reads (tool.driver, rules with their descriptions and default level, results with
ruleId/ruleIndex, level, message and physical locations). Standard library only.
"""
import re

LEVELS = {"none", "note", "warning", "error"}
SUPPRESSION_KINDS = {"inSource", "external"}
URI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def _text(obj, where, errors, required=True):
    if obj is None and not required:
        return
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str) or not obj["text"]:
        errors.append("%s: a message object with a non-empty text is required" % where)


def _uri_ok(uri):
    # a URI reference: no spaces or raw non-ASCII, percent-escapes well formed
    return (isinstance(uri, str) and uri != "" and not re.search(r"[\s\x80-\uffff]", uri)
            and not re.search(r"%(?![0-9A-Fa-f]{2})", uri))


def _physical(loc, where, errors, base_ids):
    if not isinstance(loc, dict):
        errors.append("%s: physicalLocation must be an object" % where)
        return
    art = loc.get("artifactLocation")
    if not isinstance(art, dict) or not _uri_ok(art.get("uri")):
        errors.append("%s: artifactLocation.uri must be a URI reference" % where)
    elif not URI_SCHEME.match(art["uri"]):
        base = art.get("uriBaseId")
        if base is None:
            errors.append("%s: relative uri %r has no uriBaseId" % (where, art["uri"]))
        elif base not in base_ids:
            errors.append("%s: uriBaseId %r is not in originalUriBaseIds" % (where, base))
    region = loc.get("region")
    if not isinstance(region, dict):
        errors.append("%s: region is required" % where)
        return
    for key in ("startLine", "startColumn"):
        v = region.get(key)
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            errors.append("%s: region.%s must be an integer >= 1" % (where, key))


def _rules(driver, errors):
    rules = driver.get("rules")
    if not isinstance(rules, list):
        errors.append("tool.driver.rules must be an array")
        return []
    seen = set()
    for i, rule in enumerate(rules):
        where = "rules[%d]" % i
        rid = rule.get("id") if isinstance(rule, dict) else None
        if not isinstance(rid, str) or not rid:
            errors.append("%s: id is required" % where)
            continue
        if rid in seen:
            errors.append("%s: duplicate rule id %r" % (where, rid))
        seen.add(rid)
        _text(rule.get("shortDescription"), where + ".shortDescription", errors)
        _text(rule.get("fullDescription"), where + ".fullDescription", errors)
        _text(rule.get("help"), where + ".help", errors)
        level = (rule.get("defaultConfiguration") or {}).get("level")
        if level not in LEVELS:
            errors.append("%s: defaultConfiguration.level %r is not a SARIF level" % (where, level))
    return rules


def _result(res, i, rules, errors, base_ids):
    where = "results[%d]" % i
    rid, index = res.get("ruleId"), res.get("ruleIndex")
    if not isinstance(rid, str):
        errors.append("%s: ruleId is required" % where)
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(rules):
        errors.append("%s: ruleIndex %r is not an index into tool.driver.rules" % (where, index))
    elif rules[index].get("id") != rid:
        errors.append("%s: ruleIndex %d names %r, not ruleId %r" % (where, index, rules[index].get("id"), rid))
    if res.get("level") not in LEVELS:
        errors.append("%s: level %r is not a SARIF level" % (where, res.get("level")))
    _text(res.get("message"), where + ".message", errors)
    locations = res.get("locations")
    if not isinstance(locations, list) or not locations:
        errors.append("%s: at least one location is expected" % where)
        locations = []
    for j, loc in enumerate(locations):
        _physical(loc.get("physicalLocation"), "%s.locations[%d]" % (where, j), errors, base_ids)
    for j, rel in enumerate(res.get("relatedLocations", [])):
        if not isinstance(rel.get("id"), int) or rel["id"] < 0:
            errors.append("%s.relatedLocations[%d]: id must be a non-negative integer" % (where, j))
        _physical(rel.get("physicalLocation"), "%s.relatedLocations[%d]" % (where, j), errors, base_ids)
        _text(rel.get("message"), "%s.relatedLocations[%d].message" % (where, j), errors, required=False)
    for j, sup in enumerate(res.get("suppressions", [])):
        if sup.get("kind") not in SUPPRESSION_KINDS:
            errors.append("%s.suppressions[%d]: kind %r" % (where, j, sup.get("kind")))


def check(log):
    """Every structural problem of a parsed SARIF log, as strings."""
    errors = []
    if not isinstance(log, dict):
        return ["the log must be an object"]
    if log.get("version") != "2.1.0":
        errors.append("version must be \"2.1.0\"")
    if not isinstance(log.get("$schema"), str) or "sarif" not in log["$schema"]:
        errors.append("$schema must name the SARIF 2.1.0 schema")
    runs = log.get("runs")
    if not isinstance(runs, list) or not runs:
        return errors + ["runs must be a non-empty array"]
    for run in runs:
        driver = ((run.get("tool") or {}).get("driver")) or {}
        if not isinstance(driver.get("name"), str) or not driver["name"]:
            errors.append("tool.driver.name is required")
        if not isinstance(driver.get("version"), str):
            errors.append("tool.driver.version is expected")
        if not URI_SCHEME.match(str(driver.get("informationUri", ""))):
            errors.append("tool.driver.informationUri must be an absolute URI")
        rules = _rules(driver, errors)
        base_ids = run.get("originalUriBaseIds") or {}
        for key, value in base_ids.items():
            if not isinstance(value, dict) or not str(value.get("uri", "")).endswith("/"):
                errors.append("originalUriBaseIds[%r].uri must end with /" % key)
        results = run.get("results")
        if not isinstance(results, list):
            errors.append("results must be an array")
            continue
        for i, res in enumerate(results):
            _result(res, i, rules, errors, base_ids)
        for inv in run.get("invocations", []):
            if not isinstance(inv.get("executionSuccessful"), bool):
                errors.append("invocations[].executionSuccessful must be a boolean")
    return errors
