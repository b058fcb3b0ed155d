/*-------------------------------------------------------------------------
 *
 * catalog.c
 *	  The reference catalog: what every unit references, stored so that
 *	  DDL finds the functions it affects with an index look-up rather than
 *	  a scan of all bodies.
 *
 * Tables (created by the install script, members of the extension, never
 * dumped):
 *
 *	schema_guard.analysis		one row per analysed unit, with the pg_proc
 *								row version and search_path it was analysed
 *								with;
 *	schema_guard.reference		its references and findings, indexed by
 *								unit, by referenced object and by name;
 *	schema_guard.pending_analysis	functions created while bodies were not
 *								being checked (pg_restore), analysed before
 *								the next DDL is judged;
 *	schema_guard.catalog_origin	the cluster and database the rows belong
 *								to; after pg_upgrade or a copy from a
 *								template the catalog is rebuilt.
 *
 * The catalog changes in the same transaction as the DDL it follows, so a
 * rollback takes both.  Reads and deletes use the latest snapshot, like
 * PostgreSQL's own catalogs, so that REPEATABLE READ transactions see what
 * concurrent DDL committed.  Writers of one function's rows are serialised
 * by a lock on the function (see sg_catalog_store); catch-up and rebuild
 * lock the tables against all other writers.
 *
 * Statements are prepared once per backend, under search_path =
 * pg_catalog, pg_temp, which plan revalidation keeps using.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/transam.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "compat.h"
#include "schema_guard.h"

#define SG_REF_COLUMNS	14

typedef struct SgPlan
{
	const char *sql;
	int			nargs;
	Oid			argtypes[SG_REF_COLUMNS];
	SPIPlanPtr	plan;
} SgPlan;

static SgPlan plan_delete_unit = {
	"WITH r AS (DELETE FROM schema_guard.reference"
	" WHERE fn OPERATOR(pg_catalog.=) $1 AND tg OPERATOR(pg_catalog.=) $2)"
	" DELETE FROM schema_guard.analysis"
	" WHERE fn OPERATOR(pg_catalog.=) $1 AND tg OPERATOR(pg_catalog.=) $2",
	2, {OIDOID, OIDOID}
};

static SgPlan plan_delete_function = {
	"WITH r AS (DELETE FROM schema_guard.reference"
	" WHERE fn OPERATOR(pg_catalog.=) $1)"
	" DELETE FROM schema_guard.analysis WHERE fn OPERATOR(pg_catalog.=) $1",
	1, {OIDOID}
};

static SgPlan plan_insert_analysis = {
	"INSERT INTO schema_guard.analysis VALUES ($1, $2, $3, $4, $5)",
	5, {OIDOID, OIDOID, INT8OID, TEXTOID, TEXTOID}
};

static SgPlan plan_session_path = {
	"SELECT session_path FROM schema_guard.analysis"
	" WHERE fn OPERATOR(pg_catalog.=) $1 LIMIT 1",
	1, {OIDOID}
};

static SgPlan plan_all_session_paths = {
	"SELECT DISTINCT fn, session_path FROM schema_guard.analysis ORDER BY fn",
	0, {InvalidOid}
};

static SgPlan plan_insert_refs = {
	"INSERT INTO schema_guard.reference SELECT * FROM ROWS FROM"
	" (pg_catalog.unnest($1), pg_catalog.unnest($2), pg_catalog.unnest($3),"
	" pg_catalog.unnest($4), pg_catalog.unnest($5), pg_catalog.unnest($6),"
	" pg_catalog.unnest($7), pg_catalog.unnest($8), pg_catalog.unnest($9),"
	" pg_catalog.unnest($10), pg_catalog.unnest($11), pg_catalog.unnest($12),"
	" pg_catalog.unnest($13), pg_catalog.unnest($14))",
	SG_REF_COLUMNS,
	{OIDARRAYOID, OIDARRAYOID, INT4ARRAYOID, CHARARRAYOID, CHARARRAYOID,
		CHARARRAYOID, OIDARRAYOID, OIDARRAYOID, INT4ARRAYOID, TEXTARRAYOID,
	TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID}
};

static SgPlan plan_load_units = {
	"SELECT tg, definition, search_path, session_path FROM schema_guard.analysis"
	" WHERE fn OPERATOR(pg_catalog.=) $1 ORDER BY tg",
	1, {OIDOID}
};

static SgPlan plan_load_refs = {
	"SELECT tg, line, kind, access, severity, classid, objid, objsubid,"
	" name, written, check_id, message, hint FROM schema_guard.reference"
	" WHERE fn OPERATOR(pg_catalog.=) $1",
	1, {OIDOID}
};

static SgPlan plan_all_units = {
	"SELECT fn, tg, definition, search_path, session_path FROM schema_guard.analysis"
	" ORDER BY fn, tg",
	0, {InvalidOid}
};

static SgPlan plan_all_findings = {
	"SELECT fn, tg, line, kind, access, severity, classid, objid, objsubid,"
	" name, written, check_id, message, hint FROM schema_guard.reference"
	" WHERE severity OPERATOR(pg_catalog.<>) 'o' OR access OPERATOR(pg_catalog.=) 'c'"
	" ORDER BY fn, tg",
	0, {InvalidOid}
};

static SgPlan plan_function_oids = {
	"SELECT p.oid FROM pg_catalog.pg_proc p"
	" JOIN pg_catalog.pg_language l ON l.oid OPERATOR(pg_catalog.=) p.prolang"
	" WHERE l.lanname OPERATOR(pg_catalog.=) ANY ('{sql,plpgsql}'::pg_catalog.name[])"
	" AND p.oid OPERATOR(pg_catalog.>=) 16384::pg_catalog.oid ORDER BY p.oid",
	0, {InvalidOid}
};

static SgPlan plan_users_of_object = {
	"SELECT DISTINCT fn, tg FROM schema_guard.reference"
	" WHERE objid OPERATOR(pg_catalog.=) $2"
	" AND classid OPERATOR(pg_catalog.=) $1 ORDER BY fn, tg",
	2, {OIDOID, OIDOID}
};

static SgPlan plan_users_of_name = {
	"SELECT DISTINCT fn, tg FROM schema_guard.reference"
	" WHERE name OPERATOR(pg_catalog.=) $1"
	" AND kind OPERATOR(pg_catalog.=) ANY ('{r,f,t,w}'::pg_catalog.\"char\"[])"
	" ORDER BY fn, tg",
	1, {TEXTOID}
};

static SgPlan plan_users_in_schema = {
	"SELECT DISTINCT r.fn, r.tg FROM schema_guard.reference r"
	" WHERE (r.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass"
	"   AND r.objid IN (SELECT c.oid FROM pg_catalog.pg_class c"
	"                   WHERE c.relnamespace OPERATOR(pg_catalog.=) $1))"
	" OR (r.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass"
	"   AND r.objid IN (SELECT p.oid FROM pg_catalog.pg_proc p"
	"                   WHERE p.pronamespace OPERATOR(pg_catalog.=) $1))"
	" OR (r.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_type'::pg_catalog.regclass"
	"   AND r.objid IN (SELECT t.oid FROM pg_catalog.pg_type t"
	"                   WHERE t.typnamespace OPERATOR(pg_catalog.=) $1))"
	" ORDER BY 1, 2",
	1, {OIDOID}
};

static SgPlan plan_users_of_trigger = {
	"SELECT fn, tg FROM schema_guard.analysis"
	" WHERE tg OPERATOR(pg_catalog.=) $1 ORDER BY fn",
	1, {OIDOID}
};

static SgPlan plan_mark_pending = {
	"INSERT INTO schema_guard.pending_analysis VALUES ($1)"
	" ON CONFLICT DO NOTHING",
	1, {OIDOID}
};

static SgPlan plan_list_pending = {
	"SELECT fn FROM schema_guard.pending_analysis ORDER BY fn",
	0, {InvalidOid}
};

static SgPlan plan_clear_pending = {
	"DELETE FROM schema_guard.pending_analysis",
	0, {InvalidOid}
};

static SgPlan plan_created_names = {
	"SELECT DISTINCT name, fn FROM schema_guard.reference"
	" WHERE access OPERATOR(pg_catalog.=) 'c' AND name IS NOT NULL ORDER BY 1, 2",
	0, {InvalidOid}
};

static SgPlan plan_origin = {
	"SELECT system_identifier, database_oid FROM schema_guard.catalog_origin",
	0, {InvalidOid}
};


static SPIPlanPtr sg_prepare(SgPlan *p);
static SgRef *sg_ref_from_row(HeapTuple tup, TupleDesc desc, int first);
static int	sg_exec(SgPlan *p, Datum *values, bool write);
static void sg_lock_function(Oid fn);
static void sg_store_rows(SgAnalysis *analysis);
static List *sg_unit_list(void);
static Datum sg_array(Datum *elems, bool *nulls, int n, Oid elemtype);
static char *sg_text_or_null(HeapTuple tup, TupleDesc desc, int col);
static void sg_analyse_and_store(Oid fn);
static void sg_write_origin(void);
static int	list_oid_index(List *list, Oid oid);

/* Prepare a statement once per backend, names resolved safely. */
static SPIPlanPtr
sg_prepare(SgPlan *p)
{
	if (p->plan == NULL)
	{
		int			nestlevel = NewGUCNestLevel();
		SPIPlanPtr	plan;

		(void) set_config_option("search_path", "pg_catalog, pg_temp",
								 PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
		plan = SPI_prepare(p->sql, p->nargs, p->argtypes);
		AtEOXact_GUC(false, nestlevel);
		if (plan == NULL)
			elog(ERROR, "SPI_prepare failed for \"%s\": %s", p->sql,
				 SPI_result_code_string(SPI_result));
		SPI_keepplan(plan);
		p->plan = plan;
	}
	return p->plan;
}

/*
 * Run a prepared statement on the latest snapshot.  The caller is
 * connected to SPI.
 */
static int
sg_exec(SgPlan *p, Datum *values, bool write)
{
	int			rc;

	rc = SPI_execute_snapshot(sg_prepare(p), values, NULL,
							  GetLatestSnapshot(), InvalidSnapshot,
							  !write, false, 0);
	if (rc < 0)
		elog(ERROR, "SPI_execute_snapshot failed for \"%s\": %s", p->sql,
			 SPI_result_code_string(rc));
	return rc;
}

/*
 * Writers of one function's rows take this lock first and keep it to the
 * end of their transaction; it conflicts with itself and with DROP
 * FUNCTION, not with callers of the function.
 */
static void
sg_lock_function(Oid fn)
{
	LockDatabaseObject(ProcedureRelationId, fn, 0, ShareUpdateExclusiveLock);
}

/* Replace the rows of one unit. */
void
sg_catalog_store(SgAnalysis *analysis)
{
	sg_lock_function(analysis->fn);
	SPI_connect();
	sg_store_rows(analysis);
	SPI_finish();
}

static void
sg_store_rows(SgAnalysis *analysis)
{
	Datum		values[SG_REF_COLUMNS];
	int			n = list_length(analysis->refs);

	values[0] = ObjectIdGetDatum(analysis->fn);
	values[1] = ObjectIdGetDatum(analysis->tg);
	sg_exec(&plan_delete_unit, values, true);

	values[2] = Int64GetDatum(analysis->definition);
	values[3] = CStringGetTextDatum(analysis->search_path);
	values[4] = CStringGetTextDatum(analysis->session_path);
	sg_exec(&plan_insert_analysis, values, true);

	if (n > 0)
	{
		Datum	   *cols[SG_REF_COLUMNS];
		bool	   *nulls[SG_REF_COLUMNS];
		static const Oid coltypes[SG_REF_COLUMNS] = {
			OIDOID, OIDOID, INT4OID, CHAROID, CHAROID, CHAROID, OIDOID,
			OIDOID, INT4OID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID
		};
		ListCell   *lc;
		int			c;
		int			i = 0;

		for (c = 0; c < SG_REF_COLUMNS; c++)
		{
			cols[c] = palloc(n * sizeof(Datum));
			nulls[c] = palloc0(n * sizeof(bool));
		}
		foreach(lc, analysis->refs)
		{
			SgRef	   *ref = (SgRef *) lfirst(lc);
			const char *texts[5];

			cols[0][i] = ObjectIdGetDatum(analysis->fn);
			cols[1][i] = ObjectIdGetDatum(analysis->tg);
			cols[2][i] = Int32GetDatum(ref->line);
			cols[3][i] = CharGetDatum(ref->kind);
			cols[4][i] = CharGetDatum(ref->access);
			cols[5][i] = CharGetDatum(ref->severity);
			cols[6][i] = ObjectIdGetDatum(ref->target.classId);
			cols[7][i] = ObjectIdGetDatum(ref->target.objectId);
			cols[8][i] = Int32GetDatum(ref->target.objectSubId);
			texts[0] = ref->name;
			texts[1] = ref->written;
			texts[2] = ref->check;
			texts[3] = ref->message;
			texts[4] = ref->hint;
			for (c = 0; c < 5; c++)
			{
				if (texts[c] == NULL)
				{
					nulls[9 + c][i] = true;
					cols[9 + c][i] = (Datum) 0;
				}
				else
					cols[9 + c][i] = CStringGetTextDatum(texts[c]);
			}
			i++;
		}
		for (c = 0; c < SG_REF_COLUMNS; c++)
			values[c] = sg_array(cols[c], nulls[c], n, coltypes[c]);
		sg_exec(&plan_insert_refs, values, true);
	}
}

static Datum
sg_array(Datum *elems, bool *nulls, int n, Oid elemtype)
{
	int16		typlen;
	bool		typbyval;
	char		typalign;
	int			dims[1];
	int			lbs[1];

	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	dims[0] = n;
	lbs[0] = 1;
	return PointerGetDatum(construct_md_array(elems, nulls, 1, dims, lbs,
											  elemtype, typlen, typbyval,
											  typalign));
}

/* Forget every unit of a function (it was dropped). */
void
sg_catalog_forget_function(Oid fn)
{
	Datum		values[1];

	values[0] = ObjectIdGetDatum(fn);
	SPI_connect();
	sg_exec(&plan_delete_function, values, true);
	SPI_finish();
}

/* Forget one unit (its trigger was dropped). */
void
sg_catalog_forget_unit(Oid fn, Oid tg)
{
	Datum		values[2];

	values[0] = ObjectIdGetDatum(fn);
	values[1] = ObjectIdGetDatum(tg);
	SPI_connect();
	sg_exec(&plan_delete_unit, values, true);
	SPI_finish();
}

static char *
sg_text_or_null(HeapTuple tup, TupleDesc desc, int col)
{
	bool		isnull;
	Datum		d = SPI_getbinval(tup, desc, col, &isnull);

	return isnull ? NULL : TextDatumGetCString(d);
}

/* The stored analyses of a function, one per unit, with their rows. */
List *
sg_catalog_load_function(Oid fn)
{
	MemoryContext caller = CurrentMemoryContext;
	MemoryContext old;
	Datum		values[1];
	List	   *result = NIL;
	uint64		i;

	values[0] = ObjectIdGetDatum(fn);
	SPI_connect();

	sg_exec(&plan_load_units, values, false);
	old = MemoryContextSwitchTo(caller);
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		SgAnalysis *a = palloc0(sizeof(SgAnalysis));
		bool		isnull;

		a->fn = fn;
		a->tg = DatumGetObjectId(SPI_getbinval(tup, desc, 1, &isnull));
		a->definition = DatumGetInt64(SPI_getbinval(tup, desc, 2, &isnull));
		a->search_path = sg_text_or_null(tup, desc, 3);
		a->session_path = sg_text_or_null(tup, desc, 4);
		result = lappend(result, a);
	}
	MemoryContextSwitchTo(old);

	sg_exec(&plan_load_refs, values, false);
	old = MemoryContextSwitchTo(caller);
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		Oid			tg = DatumGetObjectId(SPI_getbinval(tup, desc, 1, &isnull));
		SgRef	   *ref = sg_ref_from_row(tup, desc, 2);
		ListCell   *lc;

		foreach(lc, result)
		{
			SgAnalysis *a = (SgAnalysis *) lfirst(lc);

			if (a->tg == tg)
			{
				a->refs = lappend(a->refs, ref);
				break;
			}
		}
	}
	MemoryContextSwitchTo(old);
	SPI_finish();
	return result;
}

/* A reference row whose "line" column is number "first". */
static SgRef *
sg_ref_from_row(HeapTuple tup, TupleDesc desc, int first)
{
	SgRef	   *ref = palloc0(sizeof(SgRef));
	bool		isnull;

	ref->line = DatumGetInt32(SPI_getbinval(tup, desc, first, &isnull));
	ref->kind = DatumGetChar(SPI_getbinval(tup, desc, first + 1, &isnull));
	ref->access = DatumGetChar(SPI_getbinval(tup, desc, first + 2, &isnull));
	ref->severity = DatumGetChar(SPI_getbinval(tup, desc, first + 3, &isnull));
	ref->target.classId = DatumGetObjectId(SPI_getbinval(tup, desc, first + 4, &isnull));
	ref->target.objectId = DatumGetObjectId(SPI_getbinval(tup, desc, first + 5, &isnull));
	ref->target.objectSubId = DatumGetInt32(SPI_getbinval(tup, desc, first + 6, &isnull));
	ref->name = sg_text_or_null(tup, desc, first + 7);
	ref->written = sg_text_or_null(tup, desc, first + 8);
	ref->check = sg_text_or_null(tup, desc, first + 9);
	ref->message = sg_text_or_null(tup, desc, first + 10);
	ref->hint = sg_text_or_null(tup, desc, first + 11);
	return ref;
}

/*
 * Every stored analysis, keeping only findings and creations (what
 * validate() needs), ordered by function and trigger.
 */
List *
sg_catalog_load_findings(void)
{
	MemoryContext caller = CurrentMemoryContext;
	MemoryContext old;
	List	   *result = NIL;
	SgAnalysis **units;
	int			nunits;
	int			u = 0;
	uint64		i;

	SPI_connect();
	sg_exec(&plan_all_units, NULL, false);
	old = MemoryContextSwitchTo(caller);
	nunits = (int) SPI_processed;
	units = palloc0(sizeof(SgAnalysis *) * (nunits + 1));
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		SgAnalysis *a = palloc0(sizeof(SgAnalysis));
		bool		isnull;

		a->fn = DatumGetObjectId(SPI_getbinval(tup, desc, 1, &isnull));
		a->tg = DatumGetObjectId(SPI_getbinval(tup, desc, 2, &isnull));
		a->definition = DatumGetInt64(SPI_getbinval(tup, desc, 3, &isnull));
		a->search_path = sg_text_or_null(tup, desc, 4);
		a->session_path = sg_text_or_null(tup, desc, 5);
		units[i] = a;
		result = lappend(result, a);
	}
	MemoryContextSwitchTo(old);

	/* both results are ordered by (fn, tg): merge */
	sg_exec(&plan_all_findings, NULL, false);
	old = MemoryContextSwitchTo(caller);
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		Oid			fn = DatumGetObjectId(SPI_getbinval(tup, desc, 1, &isnull));
		Oid			tg = DatumGetObjectId(SPI_getbinval(tup, desc, 2, &isnull));

		while (u < nunits &&
			   (units[u]->fn < fn || (units[u]->fn == fn && units[u]->tg < tg)))
			u++;
		if (u < nunits && units[u]->fn == fn && units[u]->tg == tg)
			units[u]->refs = lappend(units[u]->refs, sg_ref_from_row(tup, desc, 3));
	}
	MemoryContextSwitchTo(old);
	SPI_finish();
	return result;
}

/* Every user function in SQL or PL/pgSQL, by OID. */
List *
sg_catalog_function_oids(void)
{
	MemoryContext caller = CurrentMemoryContext;
	List	   *result = NIL;
	uint64		i;

	SPI_connect();
	sg_exec(&plan_function_oids, NULL, false);
	for (i = 0; i < SPI_processed; i++)
	{
		bool		isnull;
		Oid			fn = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[i],
														SPI_tuptable->tupdesc,
														1, &isnull));
		MemoryContext old = MemoryContextSwitchTo(caller);

		result = lappend_oid(result, fn);
		MemoryContextSwitchTo(old);
	}
	SPI_finish();
	return result;
}

/* The (fn, tg) pairs of the last query's result, in the caller's memory. */
static List *
sg_unit_list(void)
{
	List	   *result = NIL;
	uint64		i;

	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		bool		isnull;
		SgUnit	   *unit = SPI_palloc(sizeof(SgUnit));

		unit->fn = DatumGetObjectId(SPI_getbinval(tup, SPI_tuptable->tupdesc, 1, &isnull));
		unit->tg = DatumGetObjectId(SPI_getbinval(tup, SPI_tuptable->tupdesc, 2, &isnull));
		result = lappend(result, unit);
	}
	return result;
}

/*
 * Units whose stored analysis references an object (for a relation: the
 * relation, any of its columns, or NEW/OLD fields of its triggers).
 */
List *
sg_catalog_users_of_object(Oid classid, Oid objid)
{
	MemoryContext caller = CurrentMemoryContext;
	Datum		values[2];
	List	   *result;

	values[0] = ObjectIdGetDatum(classid);
	values[1] = ObjectIdGetDatum(objid);
	SPI_connect();
	sg_exec(&plan_users_of_object, values, false);
	{
		MemoryContext old = MemoryContextSwitchTo(caller);

		result = sg_unit_list();
		MemoryContextSwitchTo(old);
	}
	SPI_finish();
	return result;
}

/* Units that name a relation, function or type called this. */
List *
sg_catalog_users_of_name(const char *name)
{
	MemoryContext caller = CurrentMemoryContext;
	Datum		values[1];
	List	   *result;

	values[0] = CStringGetTextDatum(name);
	SPI_connect();
	sg_exec(&plan_users_of_name, values, false);
	{
		MemoryContext old = MemoryContextSwitchTo(caller);

		result = sg_unit_list();
		MemoryContextSwitchTo(old);
	}
	SPI_finish();
	return result;
}

/* Units that reference anything in a schema. */
List *
sg_catalog_users_in_schema(Oid nspid)
{
	MemoryContext caller = CurrentMemoryContext;
	Datum		values[1];
	List	   *result;

	values[0] = ObjectIdGetDatum(nspid);
	SPI_connect();
	sg_exec(&plan_users_in_schema, values, false);
	{
		MemoryContext old = MemoryContextSwitchTo(caller);

		result = sg_unit_list();
		MemoryContextSwitchTo(old);
	}
	SPI_finish();
	return result;
}

/* Units analysed for a trigger. */
List *
sg_catalog_users_of_trigger(Oid tg)
{
	MemoryContext caller = CurrentMemoryContext;
	Datum		values[1];
	List	   *result;

	values[0] = ObjectIdGetDatum(tg);
	SPI_connect();
	sg_exec(&plan_users_of_trigger, values, false);
	{
		MemoryContext old = MemoryContextSwitchTo(caller);

		result = sg_unit_list();
		MemoryContextSwitchTo(old);
	}
	SPI_finish();
	return result;
}

/* Functions waiting to be analysed. */
List *
sg_catalog_pending(void)
{
	MemoryContext caller = CurrentMemoryContext;
	List	   *result = NIL;
	uint64		i;

	SPI_connect();
	sg_exec(&plan_list_pending, NULL, false);
	for (i = 0; i < SPI_processed; i++)
	{
		bool		isnull;
		Oid			fn = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[i],
														SPI_tuptable->tupdesc,
														1, &isnull));
		MemoryContext old = MemoryContextSwitchTo(caller);

		result = lappend_oid(result, fn);
		MemoryContextSwitchTo(old);
	}
	SPI_finish();
	return result;
}

/* The relations bodies create at run time (SgCreated), and who creates them. */
List *
sg_catalog_runtime_created_names(void)
{
	MemoryContext caller = CurrentMemoryContext;
	List	   *result = NIL;
	uint64		i;

	SPI_connect();
	sg_exec(&plan_created_names, NULL, false);
	for (i = 0; i < SPI_processed; i++)
	{
		char	   *name = sg_text_or_null(SPI_tuptable->vals[i],
										   SPI_tuptable->tupdesc, 1);
		bool		isnull;
		Oid			fn = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[i],
														SPI_tuptable->tupdesc,
														2, &isnull));
		MemoryContext old = MemoryContextSwitchTo(caller);
		SgCreated  *c = palloc(sizeof(SgCreated));

		c->name = pstrdup(name);
		c->fn = fn;
		result = lappend(result, c);
		MemoryContextSwitchTo(old);
	}
	SPI_finish();
	return result;
}

/* Note a function to analyse before the next DDL is judged. */
void
sg_catalog_mark_pending(Oid fn)
{
	Datum		values[1];

	values[0] = ObjectIdGetDatum(fn);
	SPI_connect();
	sg_exec(&plan_mark_pending, values, true);
	SPI_finish();
}

/*
 * The session search_path a function's stored analysis pinned, or NULL.
 * The caller is connected to SPI.
 */
static char *
sg_stored_session_path(Oid fn)
{
	Datum		values[1];

	values[0] = ObjectIdGetDatum(fn);
	sg_exec(&plan_session_path, values, false);
	if (SPI_processed == 0)
		return NULL;
	return sg_text_or_null(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
}

/* The session search_path a function's stored analysis pinned, or NULL. */
char *
sg_catalog_session_path(Oid fn)
{
	MemoryContext caller = CurrentMemoryContext;
	char	   *path;
	char	   *result = NULL;

	SPI_connect();
	path = sg_stored_session_path(fn);
	if (path != NULL)
		result = MemoryContextStrdup(caller, path);
	SPI_finish();
	return result;
}

static void
sg_analyse_and_store(Oid fn)
{
	Datum		values[1];
	char	   *path = sg_stored_session_path(fn);
	ListCell   *lc;

	values[0] = ObjectIdGetDatum(fn);
	sg_exec(&plan_delete_function, values, true);
	foreach(lc, sg_analyze_function(fn, path ? path : sg_default_session_path(fn)))
		sg_store_rows((SgAnalysis *) lfirst(lc));
}

/*
 * Analyse the functions left pending by DDL run without body checks, so
 * that the catalog describes the state before the DDL about to be judged.
 */
void
sg_catalog_catch_up(void)
{
	MemoryContext caller = CurrentMemoryContext;
	List	   *pending = NIL;
	ListCell   *lc;
	uint64		i;

	SPI_connect();
	sg_exec(&plan_list_pending, NULL, false);
	if (SPI_processed > 0)
	{
		MemoryContext old = MemoryContextSwitchTo(caller);

		for (i = 0; i < SPI_processed; i++)
		{
			bool		isnull;

			pending = lappend_oid(pending,
								  DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[i],
																 SPI_tuptable->tupdesc,
																 1, &isnull)));
		}
		MemoryContextSwitchTo(old);

		if (SPI_execute("LOCK TABLE schema_guard.analysis, schema_guard.reference,"
						" schema_guard.pending_analysis IN EXCLUSIVE MODE",
						false, 0) != SPI_OK_UTILITY)
			elog(ERROR, "could not lock the schema_guard catalog");
		foreach(lc, pending)
			sg_analyse_and_store(lfirst_oid(lc));
		sg_exec(&plan_clear_pending, NULL, true);
	}
	SPI_finish();
}

/*
 * Analyse every function again and replace the whole catalog.  Used at
 * CREATE EXTENSION, after the catalog is found to come from another
 * cluster or database, and by schema_guard.rebuild().
 */
int
sg_catalog_rebuild(void)
{
	MemoryContext caller = CurrentMemoryContext;
	List	   *fns;
	List	   *paths_fn = NIL;
	List	   *paths = NIL;
	ListCell   *lc;
	uint64		i;
	int			analysed = 0;

	SPI_connect();
	if (SPI_execute("LOCK TABLE schema_guard.analysis, schema_guard.reference,"
					" schema_guard.pending_analysis, schema_guard.catalog_origin"
					" IN EXCLUSIVE MODE", false, 0) != SPI_OK_UTILITY)
		elog(ERROR, "could not lock the schema_guard catalog");

	/* the search_path each function was created with stays pinned */
	sg_exec(&plan_all_session_paths, NULL, false);
	{
		MemoryContext old = MemoryContextSwitchTo(caller);

		for (i = 0; i < SPI_processed; i++)
		{
			bool		isnull;

			paths_fn = lappend_oid(paths_fn,
								   DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[i],
																  SPI_tuptable->tupdesc,
																  1, &isnull)));
			paths = lappend(paths, sg_text_or_null(SPI_tuptable->vals[i],
												   SPI_tuptable->tupdesc, 2));
		}
		MemoryContextSwitchTo(old);
	}

	if (SPI_execute("DELETE FROM schema_guard.reference", false, 0) < 0 ||
		SPI_execute("DELETE FROM schema_guard.analysis", false, 0) < 0 ||
		SPI_execute("DELETE FROM schema_guard.pending_analysis", false, 0) < 0)
		elog(ERROR, "could not clear the schema_guard catalog");

	{
		MemoryContext old = MemoryContextSwitchTo(caller);

		fns = sg_catalog_function_oids();
		MemoryContextSwitchTo(old);
	}

	foreach(lc, fns)
	{
		MemoryContext work;
		MemoryContext old;
		Oid			fn = lfirst_oid(lc);
		const char *path;
		int			pos = list_oid_index(paths_fn, fn);
		ListCell   *lc2;

		if (!sg_function_is_analysable(fn))
			continue;
		analysed++;
		work = AllocSetContextCreate(CurrentMemoryContext,
									 "schema_guard rebuild",
									 ALLOCSET_DEFAULT_SIZES);
		old = MemoryContextSwitchTo(work);
		if (pos >= 0 && list_nth(paths, pos) != NULL)
			path = (const char *) list_nth(paths, pos);
		else
			path = sg_default_session_path(fn);
		foreach(lc2, sg_analyze_function(fn, path))
			sg_store_rows((SgAnalysis *) lfirst(lc2));
		MemoryContextSwitchTo(old);
		MemoryContextDelete(work);
	}
	sg_write_origin();
	SPI_finish();
	return analysed;
}

/* The position of an OID in a list, or -1. */
static int
list_oid_index(List *list, Oid oid)
{
	ListCell   *lc;

	foreach(lc, list)
	{
		if (lfirst_oid(lc) == oid)
			return foreach_current_index(lc);
	}
	return -1;
}

/*
 * Start the catalog at CREATE EXTENSION: every existing function waits for
 * analysis by the first judged DDL (or validate(), in memory), whose
 * session's search_path is a better guess for their names than the path
 * PostgreSQL sets while an extension script runs.
 */
void
sg_catalog_start(void)
{
	List	   *fns = sg_catalog_function_oids();
	ListCell   *lc;

	SPI_connect();
	foreach(lc, fns)
	{
		Datum		values[1];

		if (!sg_function_is_analysable(lfirst_oid(lc)))
			continue;
		values[0] = ObjectIdGetDatum(lfirst_oid(lc));
		sg_exec(&plan_mark_pending, values, true);
	}
	sg_write_origin();
	SPI_finish();
}

/* Record which cluster and database the catalog describes. */
static void
sg_write_origin(void)
{
	char		sysid[32];
	Datum		values[2];
	Oid			types[2] = {TEXTOID, OIDOID};

	snprintf(sysid, sizeof(sysid), UINT64_FORMAT, GetSystemIdentifier());
	values[0] = CStringGetTextDatum(sysid);
	values[1] = ObjectIdGetDatum(MyDatabaseId);
	if (SPI_execute("DELETE FROM schema_guard.catalog_origin", false, 0) < 0 ||
		SPI_execute_with_args("INSERT INTO schema_guard.catalog_origin VALUES ($1, $2)",
							  2, types, values, NULL, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "could not record the schema_guard catalog origin");
}

/*
 * Does the catalog describe this database of this cluster?  Not remembered
 * across calls: a rebuild can be rolled back, and another session can mark
 * the catalog for a rebuild.
 */
bool
sg_catalog_is_ready(void)
{
	char		sysid[32];
	bool		ready = false;

	snprintf(sysid, sizeof(sysid), UINT64_FORMAT, GetSystemIdentifier());
	SPI_connect();
	sg_exec(&plan_origin, NULL, false);
	if (SPI_processed == 1)
	{
		char	   *stored = sg_text_or_null(SPI_tuptable->vals[0],
											 SPI_tuptable->tupdesc, 1);
		bool		isnull;
		Oid			dboid = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[0],
														   SPI_tuptable->tupdesc,
														   2, &isnull));

		ready = stored != NULL && strcmp(stored, sysid) == 0 &&
			dboid == MyDatabaseId;
	}
	SPI_finish();
	return ready;
}

/*
 * Mark the catalog for a rebuild: it may have missed a change.  The next
 * DDL command, or validate(), rebuilds it.
 */
void
sg_catalog_invalidate(void)
{
	SPI_connect();
	if (SPI_execute("DELETE FROM schema_guard.catalog_origin", false, 0) != SPI_OK_DELETE)
		elog(ERROR, "could not mark the schema_guard catalog for a rebuild");
	SPI_finish();
}
