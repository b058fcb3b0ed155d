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

#include "fmgr.h"
#include "utils/guc.h"

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

void		_PG_init(void);

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

	sg_plpgsql_init();
	sg_guard_init();
}
