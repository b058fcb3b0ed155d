/*-------------------------------------------------------------------------
 *
 * schema_guard.c
 *	  Module initialisation and settings.
 *
 * schema_guard refuses DDL that would break PL/pgSQL and SQL functions,
 * procedures and triggers, and reports every broken reference that exists
 * already.  See schema_guard.h for how the parts fit together.
 *
 * Settings (both PGC_SUSET: only superusers, or roles granted SET on them,
 * can change them, by any route):
 *
 *	schema_guard.mode			enforce | warn | off
 *	schema_guard.function_check	warning | error | off
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "fmgr.h"
#include "utils/guc.h"
#include "utils/memutils.h"

#include "compat.h"
#include "engine.h"
#include "schema_guard.h"

PG_MODULE_MAGIC;

int			sg_mode = SG_MODE_ENFORCE;
int			sg_function_check = SG_FUNCTION_CHECK_WARNING;

static const struct config_enum_entry sg_mode_options[] = {
	{"enforce", SG_MODE_ENFORCE, false},
	{"warn", SG_MODE_WARN, false},
	{"off", SG_MODE_OFF, false},
	{NULL, 0, false}
};

static const struct config_enum_entry sg_function_check_options[] = {
	{"warning", SG_FUNCTION_CHECK_WARNING, false},
	{"error", SG_FUNCTION_CHECK_ERROR, false},
	{"off", SG_FUNCTION_CHECK_OFF, false},
	{NULL, 0, false}
};

/*
 * The search_path of whoever called into schema_guard: names in bodies of
 * functions created in that session resolve with it.
 */
static char *sg_caller_path = NULL;

/*
 * While a body is analysed, what the parser or PL/pgSQL's compiler says
 * below ERROR (a NOTICE that an identifier will be truncated, a WARNING
 * about a backslash in a string of the body) is about that body, not about
 * the statement that had it analysed, and is kept from the client (the
 * analysis sets client_min_messages) and the server log (this hook, which
 * PostgreSQL calls for what it logs).  What the analysis finds, it reports
 * itself.
 */
bool		sg_analysing = false;
static emit_log_hook_type sg_prev_emit_log_hook = NULL;

void		_PG_init(void);
static void sg_emit_log(ErrorData *edata);

void
_PG_init(void)
{
	DefineCustomEnumVariable("schema_guard.mode",
							 "Sets what schema_guard does with DDL that breaks functions or triggers.",
							 "enforce refuses it, warn reports it as a WARNING and lets it through, "
							 "off does neither.",
							 &sg_mode,
							 SG_MODE_ENFORCE,
							 sg_mode_options,
							 PGC_SUSET,
							 0,
							 NULL, NULL, NULL);

	DefineCustomEnumVariable("schema_guard.function_check",
							 "Sets how schema_guard reports new function bodies and triggers that use missing objects.",
							 "warning reports them and lets them be created (pg_restore creates functions "
							 "before tables), error refuses them, off says nothing.",
							 &sg_function_check,
							 SG_FUNCTION_CHECK_WARNING,
							 sg_function_check_options,
							 PGC_SUSET,
							 0,
							 NULL, NULL, NULL);

	MarkGUCPrefixReserved("schema_guard");

	sg_prev_emit_log_hook = emit_log_hook;
	emit_log_hook = sg_emit_log;

	sg_plpgsql_init();
	sg_guard_init();
	sg_catalog_init();
	sg_engine_init();
}

static void
sg_emit_log(ErrorData *edata)
{
	if (sg_analysing && edata->elevel < ERROR)
	{
		edata->output_to_client = false;
		edata->output_to_server = false;
	}
	if (sg_prev_emit_log_hook)
		sg_prev_emit_log_hook(edata);
}

/*
 * Every C entry point that runs on behalf of a user (event triggers, the
 * report functions) starts here: note the caller's search_path, then set
 * search_path = pg_catalog, pg_temp for schema_guard's own work.  This is
 * what "SET search_path = pg_catalog, pg_temp" on the function would do,
 * except that it keeps the caller's path for analysing bodies with.
 * caller_path is NULL to take the path in effect now.
 */
void
sg_enter(SgEntry *entry, const char *caller_path)
{
	entry->saved_path = sg_caller_path;
	sg_caller_path = MemoryContextStrdup(TopMemoryContext,
										 caller_path ? caller_path :
										 namespace_search_path);
	entry->nestlevel = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp",
							 PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
}

void
sg_leave(SgEntry *entry)
{
	AtEOXact_GUC(false, entry->nestlevel);
	if (sg_caller_path != NULL)
		pfree(sg_caller_path);
	sg_caller_path = entry->saved_path;
}

/* The caller's search_path, or the path in effect if not inside an entry. */
const char *
sg_caller_search_path(void)
{
	return sg_caller_path ? sg_caller_path : namespace_search_path;
}

/*
 * For a caller that catches an error thrown inside an entry: the state to
 * restore once the error is caught.
 */
char *
sg_entry_state(void)
{
	return sg_caller_path;
}

void
sg_restore_entry_state(char *state)
{
	sg_caller_path = state;
}

/* At transaction end: an entry left by an error is over. */
void
sg_forget_caller(void)
{
	sg_caller_path = NULL;
	sg_analysing = false;
}
