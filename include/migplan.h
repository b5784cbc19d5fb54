/**
 * @file migplan.h
 * @brief libmigplan: make database migration plans (MooseStack, ClickHouse) safe to ship.
 *
 * The only supported include. Threads: the library has no mutable global state; a handle is
 * used by one thread at a time, different handles may be used concurrently, and the error
 * state (migplan_error_last()) is per thread.
 */
#ifndef MIGPLAN_H
#define MIGPLAN_H

#include "migplan/common.h"
#include "migplan/version.h"
#include "migplan/errors.h"
#include "migplan/options.h"
#include "migplan/node.h"
#include "migplan/chtype.h"
#include "migplan/snapshot.h"
#include "migplan/plan.h"
#include "migplan/classify.h"
#include "migplan/ddl.h"
#include "migplan/analyze.h"
#include "migplan/schema.h"
#include "migplan/typechange.h"
#include "migplan/rewrite.h"
#include "migplan/report.h"
#include "migplan/rehearse.h"

#endif
