/*-------------------------------------------------------------------------
 *
 * report.c
 *	  SQL-callable reports: dependencies(), the body findings behind
 *	  validate(), and catalog maintenance functions.
 *
 * validate() never writes: it reads the stored analysis of every unit that
 * is still current (same pg_proc row version, same search_path, not
 * waiting for analysis) and analyses the others in memory, so it gives the
 * same answer on a primary, a standby, or in a read-only transaction.
 * Set-returning functions materialise their rows; the SQL wrappers in the
 * install script order them.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/namespace.h"
#include "catalog/pg_language.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"
#include "utils/tuplestore.h"
#include "utils/varlena.h"

#include "compat.h"
#include "schema_guard.h"

PG_FUNCTION_INFO_V1(sg_dependencies);
PG_FUNCTION_INFO_V1(sg_body_findings);
PG_FUNCTION_INFO_V1(sg_rebuild);
PG_FUNCTION_INFO_V1(sg_catalog_warning);
PG_FUNCTION_INFO_V1(sg_start_catalog);

typedef struct SgUnitEntry
{
	SgUnit		key;
	SgAnalysis *analysis;
} SgUnitEntry;

static const char *sg_unit_session_path(Oid fn, SgUnitEntry *entry);
static void sg_load_stored(HTAB *stored);
static List *sg_current_analyses(Oid fn, HTAB *stored, List *pending,
								 MemoryContext resultcxt);
static bool sg_same_finding(SgRef *a, SgRef *b);
static bool sg_str_eq(const char *a, const char *b);
static bool sg_created_visible(SgCreated *c, SgAnalysis *a);
static Oid	sg_function_owner(Oid fn);
static bool sg_unverifiable_check(const char *check);
static Datum sg_text_datum(const char *s, bool *isnull);

/* ---------------------------------------------------------------------
 * Text helpers shared with the guard
 * ---------------------------------------------------------------------
 */

char *
sg_function_identity(Oid fn)
{
	ObjectAddress addr;
	char	   *identity;

	ObjectAddressSet(addr, ProcedureRelationId, fn);
	identity = sg_object_identity(&addr);
	return identity ? identity : psprintf("function %u", fn);
}

char *
sg_trigger_identity(Oid tg)
{
	ObjectAddress addr;

	ObjectAddressSet(addr, TriggerRelationId, tg);
	return sg_object_identity(&addr);
}

const char *
sg_severity_name(char severity)
{
	switch (severity)
	{
		case SG_ERROR:
			return "error";
		case SG_WARNING:
			return "warning";
		case SG_INFO:
			return "info";
		default:
			return "ok";
	}
}

const char *
sg_kind_name(char kind)
{
	switch (kind)
	{
		case SG_KIND_RELATION:
			return "relation";
		case SG_KIND_COLUMN:
			return "column";
		case SG_KIND_FUNCTION:
			return "function";
		case SG_KIND_TYPE:
			return "type";
		case SG_KIND_FIELD:
			return "trigger field";
		case SG_KIND_OBJECT:
			return "object";
		default:
			return "problem";
	}
}

const char *
sg_access_name(char access)
{
	switch (access)
	{
		case SG_ACCESS_READ:
			return "read";
		case SG_ACCESS_INSERT:
			return "insert";
		case SG_ACCESS_UPDATE:
			return "update";
		case SG_ACCESS_DELETE:
			return "delete";
		case SG_ACCESS_CALL:
			return "call";
		case SG_ACCESS_TYPE:
			return "type use";
		case SG_ACCESS_TRIGGER:
			return "trigger";
		case SG_ACCESS_CREATE:
			return "create";
		default:
			return NULL;
	}
}

/*
 * A relation missing now that another function creates at run time
 * (pgTAP's temporary tables, say) is not a certain failure, where the
 * reference would resolve to it: a name qualified with the schema it is
 * created in, or an unqualified name, when it is temporary or created in
 * a schema of the path the reference resolves with (a's).  (One the
 * function itself creates was dealt with by the engine.)  The catalog
 * stores such a reference as missing; this is decided when it is read,
 * as what other functions create changes.
 */
bool
sg_created_at_run_time(SgRef *ref, SgAnalysis *a, List *created)
{
	ListCell   *lc;

	if (ref->severity != SG_ERROR || ref->check == NULL ||
		strcmp(ref->check, SG_CHECK_MISSING_RELATION) != 0 || ref->name == NULL)
		return false;
	foreach(lc, created)
	{
		SgCreated  *c = (SgCreated *) lfirst(lc);

		if (c->fn == a->fn || strcmp(c->name, ref->name) != 0)
			continue;
		if (ref->written != NULL && strcmp(ref->written, ref->name) != 0 ?
			sg_str_eq(ref->written, c->written) : sg_created_visible(c, a))
			return true;
	}
	return false;
}

/*
 * Does an unqualified name resolve to a relation created where c says?
 * A temporary one comes first in every path; a permanent one needs its
 * schema in the path ("$user" is the function owner, as in the analysis).
 */
static bool
sg_created_visible(SgCreated *c, SgAnalysis *a)
{
	size_t		len = c->written ? strlen(c->written) : 0;
	size_t		namelen = strlen(c->name);
	char	   *schema;
	char	   *path;
	List	   *elems;
	ListCell   *lc;

	if (len <= namelen + 1 || c->written[len - namelen - 1] != '.' ||
		strcmp(c->written + len - namelen, c->name) != 0)
		return true;			/* where it is created is unknown */
	schema = pnstrdup(c->written, len - namelen - 1);
	if (strcmp(schema, "pg_temp") == 0)
		return true;
	path = pstrdup(a->search_path ? a->search_path : "");
	if (!SplitIdentifierString(path, ',', &elems))
		return false;
	foreach(lc, elems)
	{
		const char *elem = (const char *) lfirst(lc);

		if (strcmp(elem, "$user") == 0)
			elem = GetUserNameFromId(sg_function_owner(a->fn), true);
		if (elem != NULL && strcmp(elem, schema) == 0)
			return true;
	}
	return false;
}

/* The owner of a function, or InvalidOid. */
static Oid
sg_function_owner(Oid fn)
{
	HeapTuple	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(fn));
	Oid			owner = InvalidOid;

	if (HeapTupleIsValid(tup))
	{
		owner = ((Form_pg_proc) GETSTRUCT(tup))->proowner;
		ReleaseSysCache(tup);
	}
	return owner;
}

/* Report such a reference as what it is. */
void
sg_adjust_runtime_created(SgRef *ref, SgAnalysis *a, List *created)
{
	if (!sg_created_at_run_time(ref, a, created))
		return;
	ref->severity = SG_INFO;
	ref->check = SG_CHECK_RUNTIME_RELATION;
	ref->message = psprintf("relation \"%s\" does not exist now; a function creates it at run time",
							ref->written ? ref->written : ref->name);
	ref->hint = NULL;
}

static bool
sg_unverifiable_check(const char *check)
{
	return check != NULL &&
		(strcmp(check, SG_CHECK_DYNAMIC_SQL) == 0 ||
		 strcmp(check, SG_CHECK_SEARCH_PATH) == 0 ||
		 strcmp(check, SG_CHECK_RECORD_TYPE) == 0 ||
		 strcmp(check, SG_CHECK_TEMP_RELATION) == 0 ||
		 strcmp(check, SG_CHECK_RUNTIME_RELATION) == 0 ||
		 strcmp(check, SG_CHECK_ANALYSIS_FAILED) == 0);
}

static Datum
sg_text_datum(const char *s, bool *isnull)
{
	*isnull = (s == NULL);
	return s ? CStringGetTextDatum(s) : (Datum) 0;
}

static bool
sg_str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static bool
sg_same_finding(SgRef *a, SgRef *b)
{
	return a->kind == b->kind && a->access == b->access &&
		a->severity == b->severity && a->line == b->line &&
		a->target.classId == b->target.classId &&
		a->target.objectId == b->target.objectId &&
		a->target.objectSubId == b->target.objectSubId &&
		sg_str_eq(a->name, b->name) && sg_str_eq(a->written, b->written) &&
		sg_str_eq(a->check, b->check) && sg_str_eq(a->message, b->message);
}

/* Does every analysis of the list have this row? */
static bool
sg_in_all_units(List *analyses, SgRef *ref)
{
	ListCell   *lc;

	foreach(lc, analyses)
	{
		SgAnalysis *a = (SgAnalysis *) lfirst(lc);
		ListCell   *lc2;
		bool		found = false;

		foreach(lc2, a->refs)
		{
			if (sg_same_finding((SgRef *) lfirst(lc2), ref))
			{
				found = true;
				break;
			}
		}
		if (!found)
			return false;
	}
	return true;
}

/* ---------------------------------------------------------------------
 * dependencies(regprocedure)
 * ---------------------------------------------------------------------
 */

/*
 * One row per reference of a function, analysed now.  A trigger function
 * is analysed once per trigger; rows that every trigger shares are shown
 * once, without a trigger.
 */
Datum
sg_dependencies(PG_FUNCTION_ARGS)
{
	Oid			fn = PG_GETARG_OID(0);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	List	   *analyses;
	ListCell   *lc;
	SgEntry		entry;
	char	   *path;
	ObjectAddress last = {InvalidOid, InvalidOid, 0};
	const char *last_type = NULL;
	const char *last_identity = NULL;

	sg_init_materialized_srf(fcinfo);
	sg_enter(&entry, text_to_cstring(PG_GETARG_TEXT_PP(1)));

	if (!sg_function_is_analysable(fn))
	{
		HeapTuple	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(fn));

		if (HeapTupleIsValid(tup))
		{
			Oid			lang = ((Form_pg_proc) GETSTRUCT(tup))->prolang;
			HeapTuple	ltup = SearchSysCache1(LANGOID, ObjectIdGetDatum(lang));

			ReleaseSysCache(tup);
			if (HeapTupleIsValid(ltup))
			{
				Form_pg_language l = (Form_pg_language) GETSTRUCT(ltup);

				if (l->lanispl && lang != SQLlanguageId &&
					strcmp(NameStr(l->lanname), "plpgsql") != 0)
				{
					Datum		values[9];
					bool		nulls[9];

					memset(nulls, true, sizeof(nulls));
					values[2] = CStringGetTextDatum("unverifiable");
					nulls[2] = false;
					values[8] = CStringGetTextDatum(psprintf("functions in language %s are not checked",
															 NameStr(l->lanname)));
					nulls[8] = false;
					tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc,
										 values, nulls);
				}
				ReleaseSysCache(ltup);
			}
		}
		sg_leave(&entry);
		return (Datum) 0;
	}

	/* names resolve with the path the function was created with */
	path = sg_catalog_is_ready() ? sg_catalog_session_path(fn) : NULL;
	analyses = sg_analyze_function(fn, path ? path : sg_default_session_path(fn));
	foreach(lc, analyses)
	{
		SgAnalysis *a = (SgAnalysis *) lfirst(lc);
		const char *trigger = OidIsValid(a->tg) ? sg_trigger_identity(a->tg) : NULL;
		ListCell   *lc2;

		foreach(lc2, a->refs)
		{
			SgRef	   *ref = (SgRef *) lfirst(lc2);
			Datum		values[9];
			bool		nulls[9];
			bool		shared = list_length(analyses) > 1 &&
				ref->kind != SG_KIND_FIELD && sg_in_all_units(analyses, ref);
			bool		unverifiable = ref->severity != SG_OK &&
				sg_unverifiable_check(ref->check);
			bool		resolved = ref->severity == SG_OK &&
				OidIsValid(ref->target.objectId);

			/* a row every unit shares is shown once, by the first unit */
			if (shared && a != linitial(analyses))
				continue;
			if (ref->kind == SG_KIND_NAME)
				continue;		/* an internal name key, not a reference */

			memset(nulls, false, sizeof(nulls));
			if (trigger != NULL && !shared)
				values[0] = sg_text_datum(trigger, &nulls[0]);
			else
				nulls[0] = true;
			values[1] = Int32GetDatum(ref->line);
			nulls[1] = ref->line <= 0;
			values[2] = CStringGetTextDatum(unverifiable ? "unverifiable" :
											sg_kind_name(ref->kind));
			values[3] = sg_text_datum(sg_access_name(ref->access), &nulls[3]);
			if (resolved)
			{
				/* a table's columns follow it: name it once */
				if (ref->target.classId != last.classId ||
					ref->target.objectId != last.objectId)
				{
					last = ref->target;
					last.objectSubId = 0;
					last_type = sg_object_type_name(&last);
					last_identity = sg_object_identity(&last);
				}
				values[4] = sg_text_datum(last_type, &nulls[4]);
				values[5] = sg_text_datum(last_identity, &nulls[5]);
			}
			else
			{
				nulls[4] = true;
				values[5] = sg_text_datum(ref->written, &nulls[5]);
			}
			if (ref->kind == SG_KIND_COLUMN || ref->kind == SG_KIND_FIELD)
				values[6] = sg_text_datum(ref->name, &nulls[6]);
			else
				nulls[6] = true;
			if (ref->access == SG_ACCESS_CREATE || unverifiable)
				nulls[7] = true;
			else
				values[7] = BoolGetDatum(ref->severity == SG_OK);
			values[8] = sg_text_datum(ref->message, &nulls[8]);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc,
								 values, nulls);
		}
	}
	sg_leave(&entry);
	return (Datum) 0;
}

/* ---------------------------------------------------------------------
 * The findings behind validate()
 * ---------------------------------------------------------------------
 */

static void
sg_emit_finding(ReturnSetInfo *rsinfo, SgRef *ref, Oid fn, Oid tg,
				const char *fn_identity, const char *schema)
{
	Datum		values[9];
	bool		nulls[9];

	memset(nulls, false, sizeof(nulls));
	values[0] = CStringGetTextDatum(sg_severity_name(ref->severity));
	values[1] = CStringGetTextDatum(ref->check ? ref->check : "unknown");
	if (OidIsValid(tg))
	{
		Oid			relid = sg_trigger_relation(tg);

		/* a trigger belongs where its table is */
		if (OidIsValid(relid))
			schema = get_namespace_name(get_rel_namespace(relid));
		values[2] = CStringGetTextDatum("trigger");
		values[3] = sg_text_datum(sg_trigger_identity(tg), &nulls[3]);
		values[6] = CStringGetTextDatum(psprintf("%s (in function %s)",
												 ref->message ? ref->message : "fails",
												 fn_identity));
	}
	else
	{
		values[2] = CStringGetTextDatum(get_func_prokind(fn) == PROKIND_PROCEDURE ?
										"procedure" : "function");
		values[3] = CStringGetTextDatum(fn_identity);
		values[6] = sg_text_datum(ref->message, &nulls[6]);
	}
	values[4] = Int32GetDatum(ref->line);
	nulls[4] = ref->line <= 0;
	values[5] = sg_text_datum(ref->written, &nulls[5]);
	values[7] = sg_text_datum(ref->hint, &nulls[7]);
	values[8] = sg_text_datum(schema, &nulls[8]);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

/* Enter every stored analysis (its findings only) in "stored", by unit. */
static void
sg_load_stored(HTAB *stored)
{
	ListCell   *lc;

	foreach(lc, sg_catalog_load_findings())
	{
		SgAnalysis *a = (SgAnalysis *) lfirst(lc);
		SgUnit		key;
		SgUnitEntry *entry;
		bool		found;

		key.fn = a->fn;
		key.tg = a->tg;
		entry = hash_search(stored, &key, HASH_ENTER, &found);
		entry->analysis = a;
	}
}

/*
 * What validate() reports of each unit of a function, allocated in
 * "resultcxt": its stored analysis if that is current, else one made now
 * in memory.
 */
static List *
sg_current_analyses(Oid fn, HTAB *stored, List *pending,
					MemoryContext resultcxt)
{
	List	   *analyses = NIL;
	ListCell   *lc;

	foreach(lc, sg_function_units(fn))
	{
		SgUnit	   *unit = (SgUnit *) lfirst(lc);
		SgUnitEntry *entry = hash_search(stored, unit, HASH_FIND, NULL);
		SgAnalysis *a = NULL;

		if (entry != NULL && !list_member_oid(pending, fn) &&
			sg_analysis_is_current(fn, entry->analysis->definition))
			a = entry->analysis;
		else
		{
			MemoryContext work = AllocSetContextCreate(resultcxt,
													   "schema_guard validate",
													   ALLOCSET_DEFAULT_SIZES);
			MemoryContext old = MemoryContextSwitchTo(work);
			SgAnalysis *fresh;

			fresh = sg_analyze_unit(unit->fn, unit->tg,
									sg_unit_session_path(unit->fn, entry));

			MemoryContextSwitchTo(resultcxt);
			if (fresh != NULL)
				a = sg_analysis_findings(fresh);
			MemoryContextSwitchTo(old);
			MemoryContextDelete(work);
		}
		if (a != NULL)
			analyses = lappend(analyses, a);
	}
	return analyses;
}

/*
 * Every finding of every function body: severity, check, object type,
 * object name, line, referenced, message, hint, schema.
 */
/*
 * The session path validate() analyses a unit with in memory: the path
 * recorded for its function (a restored one's, waiting for analysis, say),
 * else the one its stored analysis was made with, else the default.
 */
static const char *
sg_unit_session_path(Oid fn, SgUnitEntry *entry)
{
	const char *path = NULL;

	if (sg_member_session_path(fn) == NULL)
		path = sg_catalog_recorded_path(fn);
	if (path == NULL && entry != NULL && entry->analysis->session_path != NULL)
		path = entry->analysis->session_path;
	return path != NULL ? path : sg_default_session_path(fn);
}

Datum
sg_body_findings(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext resultcxt;
	HASHCTL		ctl;
	HTAB	   *stored;
	List	   *pending;
	List	   *caught_up = NIL;	/* of SgAnalysis, by function */
	int			next_caught = 0;
	List	   *fns;
	List	   *per_fn = NIL;	/* List of (fn, List of SgAnalysis) */
	List	   *created = NIL;
	bool		ready;
	bool		stored_loaded;
	ListCell   *lc;
	SgEntry		sgentry;

	sg_init_materialized_srf(fcinfo);
	sg_enter(&sgentry, text_to_cstring(PG_GETARG_TEXT_PP(0)));
	resultcxt = CurrentMemoryContext;

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(SgUnit);
	ctl.entrysize = sizeof(SgUnitEntry);
	ctl.hcxt = CurrentMemoryContext;
	stored = hash_create("schema_guard stored analyses", 1024, &ctl,
						 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);

	ready = sg_catalog_is_ready();

	/*
	 * Functions waiting for analysis (after CREATE EXTENSION or a restore)
	 * are analysed and stored now, as the next DDL command would, so that
	 * the next report finds them; unless this transaction cannot write, or
	 * another one holds the catalog.  Then they are analysed in memory.
	 * What the catch-up reports of its analyses is used as it is: those
	 * functions need no second look.
	 */
	if (ready && !RecoveryInProgress() && !XactReadOnly)
		(void) sg_catalog_catch_up(true, &caught_up);
	pending = ready ? sg_catalog_pending() : NIL;
	stored_loaded = !ready;

	fns = sg_catalog_function_oids();
	foreach(lc, fns)
	{
		Oid			fn = lfirst_oid(lc);
		List	   *analyses = NIL;
		ListCell   *lc2;

		CHECK_FOR_INTERRUPTS();

		/* both lists are in OID order */
		while (next_caught < list_length(caught_up) &&
			   ((SgAnalysis *) list_nth(caught_up, next_caught))->fn < fn)
			next_caught++;
		if (next_caught < list_length(caught_up) &&
			((SgAnalysis *) list_nth(caught_up, next_caught))->fn == fn &&
			!list_member_oid(pending, fn))
		{
			while (next_caught < list_length(caught_up) &&
				   ((SgAnalysis *) list_nth(caught_up, next_caught))->fn == fn)
				analyses = lappend(analyses, list_nth(caught_up, next_caught++));
		}
		else
		{
			sg_bound_caches();
			if (!sg_function_is_analysable(fn))
				continue;
			if (!stored_loaded)
			{
				sg_load_stored(stored);
				stored_loaded = true;
			}
			analyses = sg_current_analyses(fn, stored, pending, resultcxt);
		}

		foreach(lc2, analyses)
		{
			ListCell   *lc3;

			foreach(lc3, ((SgAnalysis *) lfirst(lc2))->refs)
			{
				SgRef	   *ref = (SgRef *) lfirst(lc3);

				if (ref->access == SG_ACCESS_CREATE && ref->name != NULL)
				{
					SgCreated  *c = palloc(sizeof(SgCreated));

					c->name = ref->name;
					c->written = ref->written;
					c->fn = fn;
					created = lappend(created, c);
				}
			}
		}
		foreach(lc2, analyses)
		{
			if (((SgAnalysis *) lfirst(lc2))->refs != NIL)
			{
				/* only functions with something to say are kept */
				per_fn = lappend(per_fn, list_make2(makeInteger((int) fn), analyses));
				break;
			}
		}
	}

	foreach(lc, per_fn)
	{
		List	   *item = (List *) lfirst(lc);
		Oid			fn = (Oid) intVal(linitial(item));
		List	   *analyses = (List *) lsecond(item);
		char	   *identity = NULL;
		char	   *schema = NULL;
		ListCell   *lc2;

		foreach(lc2, analyses)
		{
			SgAnalysis *a = (SgAnalysis *) lfirst(lc2);
			ListCell   *lc3;

			foreach(lc3, a->refs)
			{
				SgRef	   *ref = (SgRef *) lfirst(lc3);

				sg_adjust_runtime_created(ref, a, created);
			}
		}

		foreach(lc2, analyses)
		{
			SgAnalysis *a = (SgAnalysis *) lfirst(lc2);
			ListCell   *lc3;

			foreach(lc3, a->refs)
			{
				SgRef	   *ref = (SgRef *) lfirst(lc3);
				bool		per_trigger;

				if (ref->severity == SG_OK)
					continue;
				per_trigger = OidIsValid(a->tg) &&
					(ref->kind == SG_KIND_FIELD ||
					 (list_length(analyses) > 1 && !sg_in_all_units(analyses, ref)));
				if (!per_trigger && a != linitial(analyses))
					continue;	/* shared rows are emitted by the first unit */
				if (identity == NULL)
				{
					identity = sg_function_identity(fn);
					schema = get_namespace_name(get_func_namespace(fn));
				}
				sg_emit_finding(rsinfo, ref, fn, per_trigger ? a->tg : InvalidOid,
								identity, schema);
			}
		}
	}
	sg_leave(&sgentry);
	return (Datum) 0;
}

/* ---------------------------------------------------------------------
 * Catalog maintenance
 * ---------------------------------------------------------------------
 */

/* schema_guard.rebuild(): analyse every function again. */
Datum
sg_rebuild(PG_FUNCTION_ARGS)
{
	SgEntry		entry;
	int			n;

	if (sg_command_in_progress())
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("schema_guard.rebuild() cannot run while a DDL command is in progress"),
				 errhint("Call it after the command, not from an event trigger.")));
	sg_enter(&entry, NULL);
	n = sg_catalog_rebuild();
	sg_leave(&entry);
	PG_RETURN_INT32(n);
}

/*
 * Reports that read the catalog say so when it is not current: functions
 * created with body checks off wait for the next DDL to be analysed, and a
 * catalog copied from another database (pg_upgrade, CREATE DATABASE ...
 * TEMPLATE), or one that missed a change, waits to be rebuilt.  Reports
 * never write.
 */
Datum
sg_catalog_warning(PG_FUNCTION_ARGS)
{
	SgEntry		entry;

	sg_enter(&entry, NULL);
	if (!sg_catalog_is_ready())
		ereport(WARNING,
				(errmsg("the schema_guard reference catalog needs to be rebuilt"),
				 errdetail("It was built for another database, or it missed a change while schema_guard.mode was \"off\", so this list may be incomplete."),
				 errhint("Run SELECT schema_guard.rebuild(); as a superuser.")));
	else if (sg_catalog_pending() != NIL)
		ereport(WARNING,
				(errmsg("some functions are not analysed yet, so they are not listed"),
				 errdetail("Functions that existed when schema_guard was installed, or were created while check_function_bodies was off, are analysed by the next DDL command, by validate(), or by schema_guard.rebuild()."),
				 errhint("Run SELECT schema_guard.rebuild(); as a superuser to include them now.")));
	sg_leave(&entry);
	PG_RETURN_VOID();
}

/* Called once by the install script. */
Datum
sg_start_catalog(PG_FUNCTION_ARGS)
{
	sg_catalog_start();
	PG_RETURN_VOID();
}
