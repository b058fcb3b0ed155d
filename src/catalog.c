/*-------------------------------------------------------------------------
 *
 * catalog.c
 *	  The reference catalog: what every unit references, stored so that
 *	  DDL finds the functions it affects with an index look-up rather than
 *	  a scan of all bodies.
 *
 * Tables (created by the install script, members of the extension, never
 * dumped but for creation_path):
 *
 *	schema_guard.analysis		one row per analysed unit, with a hash of
 *								the function definition, the search_path
 *								it was analysed with, a hash of what its
 *								callers depend on and one of its reference
 *								rows (so that an analysis that would store
 *								the same rows is known without reading
 *								them);
 *	schema_guard.reference		its references and findings, indexed by
 *								unit, by referenced object and by name;
 *	schema_guard.pending_analysis	functions created while bodies were not
 *								being checked (pg_restore), analysed before
 *								the next DDL is judged;
 *	schema_guard.catalog_origin	the cluster and database the rows belong
 *								to; after pg_upgrade or a copy from a
 *								template the catalog is rebuilt;
 *	schema_guard.creation_path	the search_path each function was created
 *								with, by function identity (not OID):
 *								dumped, so that a restored database
 *								resolves names as the source did (see
 *								"Creation paths" below).
 *
 * The catalog changes in the same transaction as the DDL it follows, so a
 * rollback takes both.  Reads and deletes use the latest snapshot, like
 * PostgreSQL's own catalogs, so that REPEATABLE READ transactions see what
 * concurrent DDL committed.  Writers of one function's rows are serialised
 * by a lock on the function (see sg_lock_function); catch-up and rebuild
 * lock the tables against all other writers.
 *
 * The look-ups every DDL command makes are direct index scans; other
 * statements are prepared once per backend, under search_path =
 * pg_catalog, pg_temp, which plan revalidation keeps using.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/heapam.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/transam.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/namespace.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "commands/trigger.h"
#include "common/hashfn.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/rel.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/catcache.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/regproc.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/varlena.h"

#include "compat.h"
#include "schema_guard.h"

PG_FUNCTION_INFO_V1(sg_creation_path_arrives);

#define SG_REF_COLUMNS	14
#define SG_UNIT_COLUMNS	8

typedef struct SgPlan
{
	const char *sql;
	int			nargs;
	Oid			argtypes[SG_REF_COLUMNS];
	SPIPlanPtr	plan;
} SgPlan;

/* References written at once by rebuild() (fewer, larger statements). */
#define SG_BATCH_REFS	8192

/* A stored unit (row of schema_guard.analysis) and where it is. */
typedef struct SgStoredUnit
{
	SgAnalysis	analysis;		/* without its references */
	ItemPointerData tid;
	bool		kept;			/* the new analysis is the same */
} SgStoredUnit;

/*
 * The stored units of a function, read (and locked against other writers
 * of them) before a command replaces its analyses.
 */
struct SgStoredFunction
{
	Oid			fn;
	List	   *units;			/* SgStoredUnit * */
};

/*
 * A row of schema_guard.reference: stored (with where it is) or about to
 * be (with its unit), and the text its "written" column has or would have.
 */
typedef struct SgRow
{
	Oid			tg;
	SgRef	   *ref;
	const char *written;
	ItemPointerData tid;
	SgAnalysis *unit;
} SgRow;

/* A catalog table read in function order (see sg_stored_scan_begin). */
typedef struct SgStoredScan
{
	Relation	rel;
	Relation	index;
	SysScanDesc scan;
	ScanKeyData key;
	HeapTuple	ahead;			/* a copy of the next row; NULL at the end */
	MemoryContext cxt;			/* where "ahead" is */
} SgStoredScan;

/* An object whose identity sg_write_units() formatted already. */
typedef struct SgIdentityKey
{
	Oid			classId;
	Oid			objectId;
} SgIdentityKey;

typedef struct SgIdentityEntry
{
	SgIdentityKey key;
	char	   *identity;
} SgIdentityEntry;

/* A row of creation_path in memory, by key (see sg_analyse_into_catalog). */
typedef struct SgPathEntry
{
	char	   *key;			/* hash key: points to the string */
	char	   *path;
	ItemPointerData tid;
	bool		used;			/* the key of a function analysed */
} SgPathEntry;

/* The identities formatted during one load, and where they are kept. */
typedef struct SgIdentityMemo
{
	HTAB	   *hash;
	MemoryContext cxt;
} SgIdentityMemo;

/* Analysing more functions than this at once empties the caches after. */
#define SG_RESET_FUNCTIONS 1000

/*
 * Loading the analyses of at least this many functions, and at least half
 * of what the catalog holds, builds the indexes afterwards rather than
 * entry by entry (rebuild() always does when it can).
 */
#define SG_BULK_FUNCTIONS 64

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

static SgPlan plan_insert_analyses = {
	"INSERT INTO schema_guard.analysis SELECT * FROM ROWS FROM"
	" (pg_catalog.unnest($1), pg_catalog.unnest($2), pg_catalog.unnest($3),"
	" pg_catalog.unnest($4), pg_catalog.unnest($5), pg_catalog.unnest($6),"
	" pg_catalog.unnest($7), pg_catalog.unnest($8))",
	SG_UNIT_COLUMNS, {OIDARRAYOID, OIDARRAYOID, INT8ARRAYOID, TEXTARRAYOID,
	TEXTARRAYOID, INT8ARRAYOID, INT8ARRAYOID, INT4ARRAYOID}
};

static SgPlan plan_session_paths_of = {
	"SELECT DISTINCT fn, session_path FROM schema_guard.analysis"
	" WHERE fn OPERATOR(pg_catalog.=) ANY ($1) ORDER BY fn",
	1, {OIDARRAYOID}
};

static SgPlan plan_delete_functions = {
	"WITH r AS (DELETE FROM schema_guard.reference"
	" WHERE fn OPERATOR(pg_catalog.=) ANY ($1))"
	" DELETE FROM schema_guard.analysis WHERE fn OPERATOR(pg_catalog.=) ANY ($1)",
	1, {OIDARRAYOID}
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

static SgPlan plan_all_units = {
	"SELECT fn, tg, definition, search_path, session_path, findings"
	" FROM schema_guard.analysis ORDER BY fn, tg",
	0, {InvalidOid}
};

static SgPlan plan_function_oids = {
	"SELECT p.oid FROM pg_catalog.pg_proc p"
	" JOIN pg_catalog.pg_language l ON l.oid OPERATOR(pg_catalog.=) p.prolang"
	" WHERE l.lanname OPERATOR(pg_catalog.=) ANY ('{sql,plpgsql}'::pg_catalog.name[])"
	" AND p.oid OPERATOR(pg_catalog.>=) 16384::pg_catalog.oid ORDER BY p.oid",
	0, {InvalidOid}
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

static SPIPlanPtr sg_prepare(SgPlan *p);
static SgRef *sg_ref_from_row(HeapTuple tup, TupleDesc desc, int first);
static void sg_read_findings(Relation rel, Snapshot snapshot, Oid fn,
							 List *analyses);
static int	sg_exec(SgPlan *p, Datum *values, bool write);
static void sg_lock_function(Oid fn);
static Oid	sg_catalog_relid(const char *name);
static const char *sg_stored_identity(SgIdentityMemo *identities, SgRef *ref);
static const char *sg_stored_written(SgIdentityMemo *identities, SgRef *ref);
static uint64 sg_row_hash(const SgRef *ref, const char *written);
static void sg_set_refs_summary(SgAnalysis *a, uint64 hash);
static int64 sg_refs_hash(SgAnalysis *a, SgIdentityMemo *identities);
static bool sg_same_rows(List *units, List *analyses,
						 SgIdentityMemo *identities);
static void sg_write_units(List *analyses, bool unit_rows, bool index_entries,
						   SgIdentityMemo *identities);
static SgIdentityMemo *sg_identity_memo(MemoryContext cxt);
static List *sg_add_to_unit(List *units, SgAnalysis *unit, SgRef *ref);
static void sg_update_unit_row(Relation rel, ItemPointer tid, SgAnalysis *a);
static void sg_insert_index_entries(Relation rel, HeapTuple tup);
static HeapTuple sg_creation_row(Relation rel, const char *key);
static char *sg_creation_row_path(Relation rel, HeapTuple tup);
static void sg_insert_creation_row(Relation rel, const char *key,
								   const char *path);
static void sg_update_creation_row(Relation rel, HeapTuple old,
								   const char *key, const char *path);
static HTAB *sg_load_creation_paths(Relation rel, MemoryContext cxt);
static uint32 sg_path_key_hash(const void *key, Size keysize);
static int	sg_path_key_match(const void *a, const void *b, Size keysize);
static const char *sg_parse_key_identifier(const char *s, StringInfo out);
static Oid	sg_function_of_key(const char *key);
static bool sg_unit_row_is(SgStoredUnit *u, SgAnalysis *a);
static void sg_stored_scan_begin(SgStoredScan *s, Relation rel,
								 const char *index, Oid fn, Snapshot snapshot);
static void sg_stored_scan_advance(SgStoredScan *s);
static List *sg_stored_scan_take(SgStoredScan *s, Oid fn);
static void sg_stored_scan_end(SgStoredScan *s, bool delete_rest);
static List *sg_units_from_rows(Relation rel, List *tuples);
static List *sg_refs_from_rows(Relation rel, List *tuples);
static void sg_diff_function(Relation units_rel, Relation refs_rel,
							 List *units, List *old_rows, List *analyses,
							 SgIdentityMemo *identities,
							 List **unit_inserts, List **ref_inserts);
static List *sg_stored_units_of(Relation rel, Oid fn, Snapshot snapshot);
static List *sg_stored_rows_of(Relation rel, Oid fn, Snapshot snapshot);
static int	sg_row_cmp(const ListCell *a, const ListCell *b);
static void sg_insert_rows(Relation rel, int ncols, int nrows, Datum **cols,
						   bool **nulls, bool index_entries);
static bool sg_used_only_by_us(Oid relid);
static uint64 sg_stored_units(void);
static void sg_insert_arrays(SgPlan *plan, int ncols, int nrows, Datum **cols,
							 bool **nulls, const Oid *types);
static List *sg_unit_list(void);
static Datum sg_array(Datum *elems, bool *nulls, int n, Oid elemtype);
static char *sg_text_or_null(HeapTuple tup, TupleDesc desc, int col);
static void sg_write_origin(void);
static bool sg_enum_value_added_here(void);
static void sg_note_after_commit(Oid fn, List *analyses);
static int	sg_analyse_into_catalog(List *fns, bool all, List **reported,
									MemoryContext reported_cxt);
static void sg_write_batch(MemoryContext batchcxt, List *analyses,
						   List *unit_inserts, List *ref_inserts, bool bulk,
						   SgIdentityMemo *identities);
static bool sg_catalog_bulk_load(List *fns, bool all, bool *empty);

/* ---------------------------------------------------------------------
 * Direct index scans, for the look-ups every DDL command makes: no
 * parsing, planning or executor start-up.
 * ---------------------------------------------------------------------
 */

/* Column numbers of the catalog tables (see schema_guard--1.0.sql). */
#define Anum_analysis_fn		1
#define Anum_analysis_tg		2
#define Anum_analysis_definition	3
#define Anum_analysis_search_path	4
#define Anum_analysis_session_path	5
#define Anum_analysis_interface	6
#define Anum_analysis_refs_hash	7
#define Anum_analysis_findings	8
#define Anum_reference_fn		1
#define Anum_reference_tg		2
#define Anum_reference_kind		4
#define Anum_reference_access	5
#define Anum_reference_severity	6
#define Anum_reference_classid	7
#define Anum_reference_objid	8
#define Anum_reference_name		10
#define Anum_reference_written	11

/* Which rows of a scan count. */
typedef struct SgScanFilter
{
	Oid			classid;		/* the referenced object's class, or 0 */
	const char *kinds;			/* the kinds that count, or NULL */
} SgScanFilter;

/*
 * The OIDs of the catalog's tables and indexes, and of the extension, are
 * looked up by name once and remembered: every DDL command opens several
 * of them.  Any invalidation of one of these relations, or of a schema,
 * forgets them all (a dropped or recreated extension, a renamed schema),
 * and they are looked up again when next needed.
 */
#define SG_CACHED_RELATIONS 16

static struct
{
	char		name[NAMEDATALEN];
	Oid			relid;
}			sg_relid_cache[SG_CACHED_RELATIONS];
static int	sg_relid_cached = 0;
static Oid	sg_extension_oid = InvalidOid;
static Oid	sg_extension_owner = InvalidOid;

/*
 * Whether the catalog was found ready with nothing pending, as committed
 * (sg_catalog_clean()): asked before every DDL command.  Forgotten with
 * the OIDs, and when this backend changes that state.  Other sessions that
 * make it unclean (marking functions pending, or the catalog for a
 * rebuild) send an invalidation of schema_guard.pending_analysis when they
 * commit, which reaches the callback below.
 */
static bool sg_state_clean = false;
static TransactionId sg_state_written = InvalidTransactionId;

static void
sg_forget_oids(void)
{
	sg_relid_cached = 0;
	sg_extension_oid = InvalidOid;
	sg_extension_owner = InvalidOid;
	sg_state_clean = false;
	sg_forget_extension_members();
}

/*
 * This transaction changes whether the catalog is ready or has functions
 * pending ("dirty": it may be neither now).
 */
static void
sg_state_changed(bool dirty)
{
	sg_state_clean = false;
	sg_state_written = GetTopTransactionId();
	if (dirty)
		CacheInvalidateRelcacheByRelid(sg_catalog_relid("pending_analysis"));
}

/*
 * An extension was created, altered or dropped: which functions belong to
 * one is read again, here now and by other sessions after this one
 * commits.
 */
void
sg_catalog_extensions_changed(void)
{
	sg_forget_extension_members();
	CacheInvalidateRelcacheByRelid(sg_catalog_relid("pending_analysis"));
}

/*
 * Is the catalog ready, with no function pending?  Remembered once seen
 * in a transaction that did not change it itself (a rebuild can be rolled
 * back).
 */
bool
sg_catalog_clean(void)
{
	if (sg_state_clean)
		return true;
	if (!sg_catalog_is_ready() || sg_catalog_any_pending())
		return false;
	if (!TransactionIdIsValid(sg_state_written) ||
		!TransactionIdIsCurrentTransactionId(sg_state_written))
		sg_state_clean = true;
	return true;
}

static void
sg_relcache_callback(Datum arg, Oid relid)
{
	int			i;

	if (!OidIsValid(relid))
	{
		sg_forget_oids();
		return;
	}
	for (i = 0; i < sg_relid_cached; i++)
	{
		if (sg_relid_cache[i].relid == relid)
		{
			sg_forget_oids();
			return;
		}
	}
}

static void
sg_namespace_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	sg_forget_oids();
}

void
sg_catalog_init(void)
{
	CacheRegisterRelcacheCallback(sg_relcache_callback, (Datum) 0);
	CacheRegisterSyscacheCallback(NAMESPACEOID, sg_namespace_callback, (Datum) 0);
}

/*
 * The OID of the schema_guard extension, or InvalidOid if it is not
 * installed.  Remembered while its catalog tables stand: dropping the
 * extension drops them.
 */
Oid
sg_catalog_extension_oid(void)
{
	if (OidIsValid(sg_extension_oid))
		return sg_extension_oid;
	if (!OidIsValid(get_relname_relid("analysis",
									  get_namespace_oid("schema_guard", true))))
		return get_extension_oid("schema_guard", true);
	(void) sg_catalog_relid("analysis");	/* the relation to watch */
	sg_extension_oid = get_extension_oid("schema_guard", true);
	return sg_extension_oid;
}

/*
 * The owner of the schema_guard extension (a superuser, who created it).
 * The guard's own work runs as this role, whoever ran the DDL: see
 * sg_run_as_owner().
 */
Oid
sg_catalog_extension_owner(void)
{
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	Oid			ext = sg_catalog_extension_oid();

	if (OidIsValid(sg_extension_owner) && OidIsValid(sg_extension_oid))
		return sg_extension_owner;
	if (!OidIsValid(ext))
		elog(ERROR, "extension \"schema_guard\" is not installed");
	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_extension_oid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(ext));
	scan = systable_beginscan(rel, ExtensionOidIndexId, true, NULL, 1, &key);
	tup = systable_getnext(scan);
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "could not find extension \"schema_guard\"");
	sg_extension_owner = ((Form_pg_extension) GETSTRUCT(tup))->extowner;
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return sg_extension_owner;
}

/*
 * Make the current user the extension's owner until sg_restore_user(), as
 * a SECURITY DEFINER function would, whoever ran the DDL: the catalog is
 * the extension's, closed to other roles.  An error in between leaves it
 * to the abort of the (sub)transaction to restore the user.
 */
void
sg_run_as_owner(SgSavedUser *saved)
{
	GetUserIdAndSecContext(&saved->userid, &saved->sec_context);
	SetUserIdAndSecContext(sg_catalog_extension_owner(),
						   saved->sec_context | SECURITY_LOCAL_USERID_CHANGE);
}

void
sg_restore_user(const SgSavedUser *saved)
{
	SetUserIdAndSecContext(saved->userid, saved->sec_context);
}

/* A table or index of the extension's schema. */
static Oid
sg_catalog_relid(const char *name)
{
	Oid			relid;
	int			i;

	for (i = 0; i < sg_relid_cached; i++)
	{
		if (strcmp(sg_relid_cache[i].name, name) == 0)
			return sg_relid_cache[i].relid;
	}

	relid = get_relname_relid(name, get_namespace_oid("schema_guard", false));
	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("relation \"schema_guard.%s\" does not exist", name),
				 errhint("Reinstall the extension: DROP EXTENSION schema_guard; CREATE EXTENSION schema_guard;")));
	if (sg_relid_cached < SG_CACHED_RELATIONS)
	{
		strlcpy(sg_relid_cache[sg_relid_cached].name, name, NAMEDATALEN);
		sg_relid_cache[sg_relid_cached].relid = relid;
		sg_relid_cached++;
	}
	return relid;
}

static int
sg_unit_cmp(const ListCell *a, const ListCell *b)
{
	SgUnit	   *ua = (SgUnit *) lfirst(a);
	SgUnit	   *ub = (SgUnit *) lfirst(b);

	if (ua->fn != ub->fn)
		return ua->fn < ub->fn ? -1 : 1;
	if (ua->tg != ub->tg)
		return ua->tg < ub->tg ? -1 : 1;
	return 0;
}


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
	int			nestlevel = NewGUCNestLevel();

	/*
	 * The statements look up rows by indexed keys.  A plan made while a
	 * table was small (at CREATE EXTENSION, or early in a catch-up that
	 * fills it) must not scan it whole once it has grown.  A statement
	 * that has to scan anyway then costs more than any JIT threshold,
	 * and compiling it would take longer than running it: no JIT.
	 */
	(void) set_config_option("enable_seqscan", "off", PGC_USERSET,
							 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	(void) set_config_option("jit", "off", PGC_USERSET,
							 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	rc = SPI_execute_snapshot(sg_prepare(p), values, NULL,
							  GetLatestSnapshot(), InvalidSnapshot,
							  !write, false, 0);
	AtEOXact_GUC(false, nestlevel);
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

/*
 * Insert the rows of many units (SgAnalysis *): one per unit in
 * schema_guard.analysis (unless "unit_rows" is false), one per reference
 * in schema_guard.reference.  The caller has removed their old rows.
 * Without "index_entries", the caller rebuilds the indexes afterwards (and
 * has made sure that the tables have no triggers).
 */
static void
sg_write_units(List *analyses, bool unit_rows, bool index_entries,
			   SgIdentityMemo *identities)
{
	static const Oid unit_types[SG_UNIT_COLUMNS] = {
		OIDOID, OIDOID, INT8OID, TEXTOID, TEXTOID, INT8OID, INT8OID, INT4OID
	};
	static const Oid ref_types[SG_REF_COLUMNS] = {
		OIDOID, OIDOID, INT4OID, CHAROID, CHAROID, CHAROID, OIDOID,
		OIDOID, INT4OID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID
	};
	int			nunits = list_length(analyses);
	int			nrefs = 0;
	Datum	   *cols[SG_REF_COLUMNS];
	bool	   *nulls[SG_REF_COLUMNS];
	Datum	   *ucols[SG_UNIT_COLUMNS];
	bool	   *unulls[SG_UNIT_COLUMNS];
	Relation	units_rel;
	Relation	refs_rel;
	bool		direct;
	ListCell   *lc;
	int			c;
	int			u = 0;
	int			i = 0;

	if (nunits == 0)
		return;
	foreach(lc, analyses)
		nrefs += list_length(((SgAnalysis *) lfirst(lc))->refs);
	if (identities == NULL)
		identities = sg_identity_memo(CurrentMemoryContext);

	/*
	 * Rows go straight into the tables, as COPY puts them, unless a table
	 * has triggers, which only an INSERT statement runs.
	 */
	units_rel = table_open(sg_catalog_relid("analysis"), RowExclusiveLock);
	refs_rel = table_open(sg_catalog_relid("reference"), RowExclusiveLock);
	direct = units_rel->trigdesc == NULL && refs_rel->trigdesc == NULL;
	Assert(direct || index_entries);

	/* the reference rows first: a unit row holds a hash of its unit's */
	for (c = 0; c < SG_REF_COLUMNS; c++)
	{
		cols[c] = palloc(Max(nrefs, 1) * sizeof(Datum));
		nulls[c] = palloc0(Max(nrefs, 1) * sizeof(bool));
	}
	foreach(lc, analyses)
	{
		SgAnalysis *a = (SgAnalysis *) lfirst(lc);
		uint64		hash = 0;
		ListCell   *lc2;

		foreach(lc2, a->refs)
		{
			SgRef	   *ref = (SgRef *) lfirst(lc2);
			const char *texts[5];

			cols[0][i] = ObjectIdGetDatum(a->fn);
			cols[1][i] = ObjectIdGetDatum(a->tg);
			cols[2][i] = Int32GetDatum(ref->line);
			cols[3][i] = CharGetDatum(ref->kind);
			cols[4][i] = CharGetDatum(ref->access);
			cols[5][i] = CharGetDatum(ref->severity);
			cols[6][i] = ObjectIdGetDatum(ref->target.classId);
			cols[7][i] = ObjectIdGetDatum(ref->target.objectId);
			cols[8][i] = Int32GetDatum(ref->target.objectSubId);
			texts[0] = ref->name;
			texts[1] = sg_stored_written(identities, ref);
			texts[2] = ref->check;
			texts[3] = ref->message;
			texts[4] = ref->hint;
			for (c = 0; c < 5; c++)
			{
				nulls[9 + c][i] = (texts[c] == NULL);
				cols[9 + c][i] = texts[c] ? CStringGetTextDatum(texts[c]) : (Datum) 0;
			}
			if (unit_rows && !a->refs_hashed)
				hash += sg_row_hash(ref, texts[1]);
			i++;
		}
		if (unit_rows && !a->refs_hashed)
			sg_set_refs_summary(a, hash);
	}

	if (unit_rows)
	{
		for (c = 0; c < SG_UNIT_COLUMNS; c++)
		{
			ucols[c] = palloc(nunits * sizeof(Datum));
			unulls[c] = palloc0(nunits * sizeof(bool));
		}
		foreach(lc, analyses)
		{
			SgAnalysis *a = (SgAnalysis *) lfirst(lc);

			ucols[0][u] = ObjectIdGetDatum(a->fn);
			ucols[1][u] = ObjectIdGetDatum(a->tg);
			ucols[2][u] = Int64GetDatum(a->definition);
			ucols[3][u] = CStringGetTextDatum(a->search_path);
			ucols[4][u] = CStringGetTextDatum(a->session_path);
			ucols[5][u] = Int64GetDatum(a->interface);
			ucols[6][u] = Int64GetDatum(sg_refs_hash(a, identities));
			ucols[7][u] = Int32GetDatum(a->findings);
			u++;
		}
		if (direct)
			sg_insert_rows(units_rel, SG_UNIT_COLUMNS, nunits, ucols, unulls,
						   index_entries);
		else
			sg_insert_arrays(&plan_insert_analyses, SG_UNIT_COLUMNS, nunits,
							 ucols, unulls, unit_types);
	}

	if (nrefs > 0 && direct)
		sg_insert_rows(refs_rel, SG_REF_COLUMNS, nrefs, cols, nulls,
					   index_entries);
	else if (nrefs > 0)
		sg_insert_arrays(&plan_insert_refs, SG_REF_COLUMNS, nrefs, cols, nulls,
						 ref_types);

	table_close(refs_rel, RowExclusiveLock);
	table_close(units_rel, RowExclusiveLock);
}

/* A memo of object identities for sg_stored_identity(), living in "cxt". */
static SgIdentityMemo *
sg_identity_memo(MemoryContext cxt)
{
	SgIdentityMemo *memo = MemoryContextAlloc(cxt, sizeof(SgIdentityMemo));
	HASHCTL		hctl;

	hctl.keysize = sizeof(SgIdentityKey);
	hctl.entrysize = sizeof(SgIdentityEntry);
	hctl.hcxt = cxt;
	memo->hash = hash_create("schema_guard identities", 256, &hctl,
							 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	memo->cxt = cxt;
	return memo;
}

/*
 * The identity of what a resolved reference names, stored with it so that
 * reports can still name the object once it is gone.  Many rows name the
 * same table (one per column used): its identity is formatted once per
 * memo (a whole load), and a column's is the table's followed by the
 * column name, as getObjectIdentity() writes it.
 */
static const char *
sg_stored_identity(SgIdentityMemo *identities, SgRef *ref)
{
	SgIdentityKey key;
	SgIdentityEntry *entry;
	bool		found;

	if (ref->target.objectSubId != 0 &&
		(ref->target.classId != RelationRelationId || ref->name == NULL ||
		 (ref->kind != SG_KIND_COLUMN && ref->kind != SG_KIND_FIELD)))
		return sg_object_identity(&ref->target);

	memset(&key, 0, sizeof(key));
	key.classId = ref->target.classId;
	key.objectId = ref->target.objectId;
	entry = hash_search(identities->hash, &key, HASH_ENTER, &found);
	if (!found)
	{
		ObjectAddress obj = ref->target;
		char	   *identity;

		obj.objectSubId = 0;
		identity = sg_object_identity(&obj);
		entry->identity = identity == NULL ? NULL :
			MemoryContextStrdup(identities->cxt, identity);
	}
	if (ref->target.objectSubId == 0 || entry->identity == NULL)
		return entry->identity;
	return psprintf("%s.%s", entry->identity, quote_identifier(ref->name));
}

/* The "written" column of a reference's row: its own text, or the identity. */
static const char *
sg_stored_written(SgIdentityMemo *identities, SgRef *ref)
{
	if (ref->written == NULL && OidIsValid(ref->target.objectId))
		return sg_stored_identity(identities, ref);
	return ref->written;
}

/* A hash of one reference row, apart from its unit: every column counts. */
static uint64
sg_row_hash(const SgRef *ref, const char *written)
{
	struct
	{
		int32		line;
		int32		subid;
		Oid			classid;
		Oid			objid;
		char		kind;
		char		access;
		char		severity;
	}			fixed;
	const char *texts[5];
	uint64		hash;
	int			i;

	memset(&fixed, 0, sizeof(fixed));
	fixed.line = ref->line;
	fixed.subid = ref->target.objectSubId;
	fixed.classid = ref->target.classId;
	fixed.objid = ref->target.objectId;
	fixed.kind = ref->kind;
	fixed.access = ref->access;
	fixed.severity = ref->severity;
	hash = hash_bytes_extended((const unsigned char *) &fixed, sizeof(fixed), 0);
	texts[0] = ref->name;
	texts[1] = written;
	texts[2] = ref->check;
	texts[3] = ref->message;
	texts[4] = ref->hint;
	for (i = 0; i < 5; i++)
	{
		if (texts[i] == NULL)
			hash = hash_combine64(hash, i + 1);
		else
			hash = hash_bytes_extended((const unsigned char *) texts[i],
									   strlen(texts[i]), hash);
	}
	return hash;
}

/*
 * Set what a unit row says of its references: the hash of their rows, and
 * how many are findings or relations created at run time (the rows a
 * replacement by the same definition reads back).
 */
static void
sg_set_refs_summary(SgAnalysis *a, uint64 hash)
{
	ListCell   *lc;

	a->refs_hash = (int64) hash;
	a->findings = 0;
	foreach(lc, a->refs)
	{
		SgRef	   *ref = (SgRef *) lfirst(lc);

		if (ref->severity != SG_OK || ref->access == SG_ACCESS_CREATE)
			a->findings++;
	}
	a->refs_hashed = true;
}

/*
 * A hash of the rows a unit's references are stored as, whatever their
 * order (the sum of the rows' hashes), kept in its unit row: a new
 * analysis with the hash of the stored one would store the same rows.
 */
static int64
sg_refs_hash(SgAnalysis *a, SgIdentityMemo *identities)
{
	uint64		hash = 0;
	ListCell   *lc;

	if (a->refs_hashed)
		return a->refs_hash;
	foreach(lc, a->refs)
	{
		SgRef	   *ref = (SgRef *) lfirst(lc);

		hash += sg_row_hash(ref, sg_stored_written(identities, ref));
	}
	sg_set_refs_summary(a, hash);
	return a->refs_hash;
}

/* Rows inserted at once by sg_insert_rows(). */
#define SG_INSERT_BATCH 128

/*
 * Insert rows, given column by column, into a catalog table: heap
 * multi-insert and (with "index_entries") index entries, as COPY does,
 * with none of the executor or SPI around an INSERT statement.  What is
 * inserted is visible to the next command of the transaction.
 */
static void
sg_insert_rows(Relation rel, int ncols, int nrows, Datum **cols, bool **nulls,
			   bool index_entries)
{
	EState	   *estate = CreateExecutorState();
	ResultRelInfo *rri = makeNode(ResultRelInfo);
	BulkInsertState bistate = GetBulkInsertState();
	CommandId	cid = GetCurrentCommandId(true);
	int			nslots = Min(nrows, SG_INSERT_BATCH);
	TupleTableSlot **slots = palloc(sizeof(TupleTableSlot *) * nslots);
	int			row = 0;
	int			k;

	InitResultRelInfo(rri, rel, 1, NULL, 0);
	if (index_entries)
		ExecOpenIndices(rri, false);
	for (k = 0; k < nslots; k++)
		slots[k] = table_slot_create(rel, NULL);

	while (row < nrows)
	{
		int			n = Min(nslots, nrows - row);

		for (k = 0; k < n; k++)
		{
			TupleTableSlot *slot = slots[k];
			int			c;

			ExecClearTuple(slot);
			for (c = 0; c < ncols; c++)
			{
				slot->tts_values[c] = cols[c][row + k];
				slot->tts_isnull[c] = nulls[c][row + k];
			}
			ExecStoreVirtualTuple(slot);
		}
		table_multi_insert(rel, slots, n, cid, 0, bistate);
		for (k = 0; k < n && index_entries; k++)
		{
			ResetPerTupleExprContext(estate);
			list_free(sg_insert_index_tuples(rri, slots[k], estate));
		}
		row += n;
	}

	for (k = 0; k < nslots; k++)
		ExecDropSingleTupleTableSlot(slots[k]);
	if (index_entries)
		ExecCloseIndices(rri);
	FreeBulkInsertState(bistate);
	FreeExecutorState(estate);
	CommandCounterIncrement();
}

/* Insert rows, given column by column, with an INSERT of unnest()ed arrays. */
static void
sg_insert_arrays(SgPlan *plan, int ncols, int nrows, Datum **cols,
				 bool **nulls, const Oid *types)
{
	Datum		values[SG_REF_COLUMNS];
	int			c;

	for (c = 0; c < ncols; c++)
		values[c] = sg_array(cols[c], nulls[c], nrows, types[c]);
	sg_exec(plan, values, true);
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

/*
 * Analyses that may not hold once the transaction commits are left
 * pending then, to be made again by a later transaction (before the next
 * DDL is judged, or by validate()):
 *
 * - a transaction that adds a value to an enum (ALTER TYPE ... ADD VALUE)
 *   cannot use the value until it commits ("unsafe use of new value"), so
 *   what is analysed in it with findings may work once it has committed;
 * - an analysis that left statements out because a table they use was
 *   locked by another session (sg_analysis_nowait).
 *
 * Noted, not marked pending at once: every DDL command of the transaction
 * would analyse them all again.  The list is in TopTransactionContext.
 */
static TransactionId sg_enum_value_xid = InvalidTransactionId;
static List *sg_after_commit = NIL;

static bool
sg_enum_value_added_here(void)
{
	return TransactionIdIsValid(sg_enum_value_xid) &&
		TransactionIdEquals(sg_enum_value_xid, GetTopTransactionIdIfAny());
}

/* The current transaction added an enum value. */
void
sg_catalog_enum_value_added(void)
{
	sg_enum_value_xid = GetTopTransactionId();
}

/* Note a function whose analyses may not hold after commit. */
static void
sg_note_after_commit(Oid fn, List *analyses)
{
	bool		enum_added = sg_enum_value_added_here();
	ListCell   *lc;
	ListCell   *lc2;

	foreach(lc, analyses)
	{
		SgAnalysis *a = (SgAnalysis *) lfirst(lc);
		bool		note = a->incomplete;

		foreach(lc2, a->refs)
		{
			if (enum_added && ((SgRef *) lfirst(lc2))->severity != SG_OK)
				note = true;
		}
		if (note)
		{
			MemoryContext old = MemoryContextSwitchTo(TopTransactionContext);

			sg_after_commit = list_append_unique_oid(sg_after_commit, fn);
			MemoryContextSwitchTo(old);
			return;
		}
	}
}

/* Before the transaction commits: leave the noted functions pending. */
void
sg_catalog_before_commit(void)
{
	SgEntry		entry;
	SgSavedUser saved;
	ListCell   *lc;

	if (sg_after_commit == NIL)
		return;
	if (!OidIsValid(sg_catalog_extension_oid()))
	{
		sg_after_commit = NIL;	/* dropped in this transaction */
		return;
	}
	sg_run_as_owner(&saved);
	sg_enter(&entry, NULL);
	foreach(lc, sg_after_commit)
		sg_catalog_mark_pending(lfirst_oid(lc));
	sg_leave(&entry);
	sg_restore_user(&saved);
	sg_after_commit = NIL;
}

/* At the end of a transaction, committed or not. */
void
sg_catalog_transaction_ended(void)
{
	sg_after_commit = NIL;
	sg_enum_value_xid = InvalidTransactionId;
}

/*
 * Replace every unit of a function with these analyses.  A new definition
 * usually leaves most references as they were (a condition edited, a
 * statement added), so the stored rows are compared with the new ones and
 * only those that differ are deleted or inserted: fewer index insertions
 * and dead rows than replacing them all.  (With triggers on the catalog,
 * which only statements run, everything is replaced by statements.)
 */
void
sg_catalog_replace_function(Oid fn, List *analyses, SgStoredFunction *stored)
{
	Relation	units_rel;
	Relation	refs_rel;
	Snapshot	snapshot;
	List	   *units;
	List	   *old_rows;
	SgIdentityMemo *identities;
	List	   *unit_inserts = NIL;
	List	   *ref_inserts = NIL;

	Assert(stored == NULL || stored->fn == fn);
	sg_lock_function(fn);
	units_rel = table_open(sg_catalog_relid("analysis"), RowExclusiveLock);
	refs_rel = table_open(sg_catalog_relid("reference"), RowExclusiveLock);
	if (units_rel->trigdesc != NULL || refs_rel->trigdesc != NULL)
	{
		Datum		values[1];

		table_close(refs_rel, RowExclusiveLock);
		table_close(units_rel, RowExclusiveLock);
		values[0] = ObjectIdGetDatum(fn);
		SPI_connect();
		sg_exec(&plan_delete_function, values, true);
		sg_write_units(analyses, true, true, NULL);
		SPI_finish();
		sg_note_after_commit(fn, analyses);
		return;
	}

	snapshot = RegisterSnapshot(GetLatestSnapshot());
	units = stored != NULL ? stored->units :
		sg_stored_units_of(units_rel, fn, snapshot);
	identities = sg_identity_memo(CurrentMemoryContext);

	/*
	 * The same units, each with the hash of the rows stored for it: the
	 * rows stay, and only unit rows may change (a new definition hash).
	 * The rows are compared one by one otherwise.
	 */
	if (sg_same_rows(units, analyses, identities))
	{
		ListCell   *lc;
		ListCell   *lc2;

		foreach(lc, units)
		{
			SgStoredUnit *u = (SgStoredUnit *) lfirst(lc);

			foreach(lc2, analyses)
			{
				SgAnalysis *a = (SgAnalysis *) lfirst(lc2);

				if (a->tg == u->analysis.tg && !sg_unit_row_is(u, a))
					sg_update_unit_row(units_rel, &u->tid, a);
			}
		}
	}
	else
	{
		old_rows = sg_stored_rows_of(refs_rel, fn, snapshot);
		sg_diff_function(units_rel, refs_rel, units, old_rows, analyses,
						 identities, &unit_inserts, &ref_inserts);
	}
	UnregisterSnapshot(snapshot);
	table_close(refs_rel, RowExclusiveLock);
	table_close(units_rel, RowExclusiveLock);

	CommandCounterIncrement();
	if (unit_inserts != NIL)
		sg_write_units(unit_inserts, true, true, identities);
	if (ref_inserts != NIL)
		sg_write_units(ref_inserts, false, true, identities);
	sg_note_after_commit(fn, analyses);
}

/*
 * Do the new analyses have exactly the stored units, each with the hash of
 * the reference rows stored for it?  (Only the catalog's own writers
 * change those rows, and they keep the hashes; rebuild() does not trust
 * them, and compares the rows.)
 */
static bool
sg_same_rows(List *units, List *analyses, SgIdentityMemo *identities)
{
	ListCell   *lc;
	ListCell   *lc2;

	if (units == NIL || list_length(units) != list_length(analyses))
		return false;
	foreach(lc, analyses)
	{
		SgAnalysis *a = (SgAnalysis *) lfirst(lc);
		bool		found = false;

		foreach(lc2, units)
		{
			SgStoredUnit *u = (SgStoredUnit *) lfirst(lc2);

			if (u->analysis.tg == a->tg)
			{
				if (u->analysis.refs_hash != sg_refs_hash(a, identities))
					return false;
				found = true;
				break;
			}
		}
		if (!found)
			return false;
	}
	return true;
}

/* Does a stored unit row hold what a new analysis of the unit would store? */
static bool
sg_unit_row_is(SgStoredUnit *u, SgAnalysis *a)
{
	Assert(a->refs_hashed);
	return a->definition == u->analysis.definition &&
		a->interface == u->analysis.interface &&
		a->refs_hash == u->analysis.refs_hash &&
		strcmp(a->search_path, u->analysis.search_path) == 0 &&
		strcmp(a->session_path, u->analysis.session_path) == 0;
}

/*
 * Compare a function's stored units and reference rows with its new
 * analyses.  The stored rows that differ are deleted; what is to be
 * inserted is added to *unit_inserts (copies of units, without their
 * references) and *ref_inserts (copies of units holding only the
 * references to insert).
 */
static void
sg_diff_function(Relation units_rel, Relation refs_rel, List *units,
				 List *old_rows, List *analyses, SgIdentityMemo *identities,
				 List **unit_inserts, List **ref_inserts)
{
	List	   *new_rows = NIL;
	List	   *ref_units = NIL;
	ListCell   *lc;
	ListCell   *lc2;
	int			i;
	int			j;

	/* the new rows, with what would be stored for them */
	foreach(lc, analyses)
	{
		SgAnalysis *a = (SgAnalysis *) lfirst(lc);
		uint64		hash = 0;

		foreach(lc2, a->refs)
		{
			SgRow	   *row = palloc0(sizeof(SgRow));

			row->tg = a->tg;
			row->ref = (SgRef *) lfirst(lc2);
			row->written = sg_stored_written(identities, row->ref);
			row->unit = a;
			new_rows = lappend(new_rows, row);
			hash += sg_row_hash(row->ref, row->written);
		}
		if (!a->refs_hashed)
			sg_set_refs_summary(a, hash);
	}

	/* both sorted the same way, then merged: equal rows stay */
	list_sort(old_rows, sg_row_cmp);
	list_sort(new_rows, sg_row_cmp);
	i = j = 0;
	while (i < list_length(old_rows) || j < list_length(new_rows))
	{
		int			c = i >= list_length(old_rows) ? 1 :
			j >= list_length(new_rows) ? -1 :
			sg_row_cmp(list_nth_cell(old_rows, i), list_nth_cell(new_rows, j));

		if (c == 0)
		{
			i++;
			j++;
		}
		else if (c < 0)
			simple_heap_delete(refs_rel, &((SgRow *) list_nth(old_rows, i++))->tid);
		else
		{
			SgRow	   *row = (SgRow *) list_nth(new_rows, j++);

			ref_units = sg_add_to_unit(ref_units, row->unit, row->ref);
		}
	}
	*ref_inserts = list_concat(*ref_inserts, ref_units);

	/*
	 * A unit row stays if it holds what the new analysis would store; else
	 * it is updated in place (its key stays, so the new version usually
	 * needs no index entries), or deleted if the unit is gone.
	 */
	foreach(lc, units)
	{
		SgStoredUnit *u = (SgStoredUnit *) lfirst(lc);
		SgAnalysis *same_unit = NULL;

		foreach(lc2, analyses)
		{
			SgAnalysis *a = (SgAnalysis *) lfirst(lc2);

			if (a->tg != u->analysis.tg)
				continue;
			same_unit = a;
			if (sg_unit_row_is(u, a))
				u->kept = true;
		}
		if (u->kept)
			continue;
		if (same_unit != NULL)
		{
			sg_update_unit_row(units_rel, &u->tid, same_unit);
			u->kept = true;
		}
		else
			simple_heap_delete(units_rel, &u->tid);
	}
	foreach(lc, analyses)
	{
		SgAnalysis *a = (SgAnalysis *) lfirst(lc);
		bool		kept = false;

		foreach(lc2, units)
		{
			SgStoredUnit *u = (SgStoredUnit *) lfirst(lc2);

			if (u->kept && u->analysis.tg == a->tg)
				kept = true;
		}
		if (!kept)
		{
			SgAnalysis *u = palloc(sizeof(SgAnalysis));

			memcpy(u, a, sizeof(SgAnalysis));
			u->refs = NIL;
			*unit_inserts = lappend(*unit_inserts, u);
		}
	}
}

/*
 * Rewrite a stored unit row, in place, with a new analysis of the unit
 * (whose reference rows are hashed already).
 */
static void
sg_update_unit_row(Relation rel, ItemPointer tid, SgAnalysis *a)
{
	Datum		values[SG_UNIT_COLUMNS];
	bool		nulls[SG_UNIT_COLUMNS];
	HeapTuple	tup;

	Assert(a->refs_hashed);
	memset(nulls, false, sizeof(nulls));
	values[Anum_analysis_fn - 1] = ObjectIdGetDatum(a->fn);
	values[Anum_analysis_tg - 1] = ObjectIdGetDatum(a->tg);
	values[Anum_analysis_definition - 1] = Int64GetDatum(a->definition);
	values[Anum_analysis_search_path - 1] = CStringGetTextDatum(a->search_path);
	values[Anum_analysis_session_path - 1] = CStringGetTextDatum(a->session_path);
	values[Anum_analysis_interface - 1] = Int64GetDatum(a->interface);
	values[Anum_analysis_refs_hash - 1] = Int64GetDatum(a->refs_hash);
	values[Anum_analysis_findings - 1] = Int32GetDatum(a->findings);
	tup = heap_form_tuple(RelationGetDescr(rel), values, nulls);
	if (sg_simple_heap_update(rel, tid, tup))
		sg_insert_index_entries(rel, tup);
	heap_freetuple(tup);
}

/* The index entries of a tuple just written (not a HOT update). */
static void
sg_insert_index_entries(Relation rel, HeapTuple tup)
{
	EState	   *estate = CreateExecutorState();
	ResultRelInfo *rri = makeNode(ResultRelInfo);
	TupleTableSlot *slot = MakeSingleTupleTableSlot(RelationGetDescr(rel),
													&TTSOpsHeapTuple);

	InitResultRelInfo(rri, rel, 1, NULL, 0);
	ExecOpenIndices(rri, false);
	ExecStoreHeapTuple(tup, slot, false);
	slot->tts_tid = tup->t_self;
	list_free(sg_insert_index_tuples(rri, slot, estate));
	ExecCloseIndices(rri);
	ExecDropSingleTupleTableSlot(slot);
	FreeExecutorState(estate);
}

/*
 * Add a reference to the copy of its unit in a list of units (SgAnalysis
 * copies holding only the references to insert).
 */
static List *
sg_add_to_unit(List *units, SgAnalysis *unit, SgRef *ref)
{
	ListCell   *lc;
	SgAnalysis *u;

	foreach(lc, units)
	{
		u = (SgAnalysis *) lfirst(lc);
		if (u->tg == unit->tg)
		{
			u->refs = lappend(u->refs, ref);
			return units;
		}
	}
	u = palloc(sizeof(SgAnalysis));
	memcpy(u, unit, sizeof(SgAnalysis));
	u->refs = list_make1(ref);
	return lappend(units, u);
}

/*
 * What the catalog holds of a function, before a command replaces its
 * analyses (sg_catalog_replace_function() takes it).  Locked as that
 * writes: the rows stay as read until the end of the transaction.
 */
SgStoredFunction *
sg_catalog_read_function(Oid fn)
{
	SgStoredFunction *stored = palloc(sizeof(SgStoredFunction));
	Relation	rel;
	Snapshot	snapshot;

	sg_lock_function(fn);
	rel = table_open(sg_catalog_relid("analysis"), RowExclusiveLock);
	snapshot = RegisterSnapshot(GetLatestSnapshot());
	stored->fn = fn;
	stored->units = sg_stored_units_of(rel, fn, snapshot);
	UnregisterSnapshot(snapshot);
	table_close(rel, NoLock);
	return stored;
}

Oid
sg_stored_function_oid(SgStoredFunction *stored)
{
	return stored->fn;
}

/*
 * Do the stored analyses of a function all hold this hash (of the
 * definition, or of the interface)?  False if none is stored.
 */
static bool
sg_stored_hash_is(SgStoredFunction *stored, int64 hash, bool interface)
{
	ListCell   *lc;

	foreach(lc, stored->units)
	{
		SgAnalysis *a = &((SgStoredUnit *) lfirst(lc))->analysis;

		if ((interface ? a->interface : a->definition) != hash)
			return false;
	}
	return stored->units != NIL;
}

/* Were the stored analyses made of this definition (sg_proc_definition())? */
bool
sg_stored_definition_is(SgStoredFunction *stored, int64 definition)
{
	return sg_stored_hash_is(stored, definition, false);
}

/*
 * Were they made of a definition with this interface (sg_proc_interface())?
 */
bool
sg_stored_interface_is(SgStoredFunction *stored, int64 interface)
{
	return sg_stored_hash_is(stored, interface, true);
}

/*
 * Start reading the rows of a catalog table in function order, through an
 * index whose first column is the function: the rows of function "fn", or
 * with InvalidOid those of every function.
 */
static void
sg_stored_scan_begin(SgStoredScan *s, Relation rel, const char *index, Oid fn,
					 Snapshot snapshot)
{
	s->rel = rel;
	s->index = index_open(sg_catalog_relid(index), AccessShareLock);
	/* column 1 is the function in both tables */
	if (OidIsValid(fn))
		ScanKeyInit(&s->key, 1, BTEqualStrategyNumber, F_OIDEQ,
					ObjectIdGetDatum(fn));
	s->scan = systable_beginscan_ordered(rel, s->index, snapshot,
										 OidIsValid(fn) ? 1 : 0, &s->key);
	s->cxt = CurrentMemoryContext;
	s->ahead = NULL;
	sg_stored_scan_advance(s);
}

/*
 * Read the next row into s->ahead (a copy; NULL at the end).  In the
 * scan's own memory context: the index AM allocates there as it goes
 * (dead entries to mark, for one), and the caller's may be reset between
 * rows.
 */
static void
sg_stored_scan_advance(SgStoredScan *s)
{
	MemoryContext old = MemoryContextSwitchTo(s->cxt);
	HeapTuple	tup = systable_getnext_ordered(s->scan, ForwardScanDirection);

	if (s->ahead != NULL)
		pfree(s->ahead);
	s->ahead = tup == NULL ? NULL : heap_copytuple(tup);
	MemoryContextSwitchTo(old);
}

/*
 * The rows of function "fn" (copies, in the current memory context), from
 * a scan that has returned those of functions before it.  The rows of
 * functions it skips over, which the caller did not ask for, are deleted.
 */
static List *
sg_stored_scan_take(SgStoredScan *s, Oid fn)
{
	List	   *rows = NIL;

	while (s->ahead != NULL)
	{
		bool		isnull;
		Oid			rowfn = DatumGetObjectId(heap_getattr(s->ahead, 1,
														  RelationGetDescr(s->rel),
														  &isnull));

		if (rowfn > fn)
			break;
		if (rowfn < fn)
			simple_heap_delete(s->rel, &s->ahead->t_self);
		else
			rows = lappend(rows, heap_copytuple(s->ahead));
		sg_stored_scan_advance(s);
	}
	return rows;
}

/* End a scan; with "delete_rest", the rows it has not returned are deleted. */
static void
sg_stored_scan_end(SgStoredScan *s, bool delete_rest)
{
	while (delete_rest && s->ahead != NULL)
	{
		simple_heap_delete(s->rel, &s->ahead->t_self);
		sg_stored_scan_advance(s);
	}
	if (s->ahead != NULL)
		pfree(s->ahead);
	systable_endscan_ordered(s->scan);
	index_close(s->index, AccessShareLock);
}

/* Stored units (rows of schema_guard.analysis), with where they are. */
static List *
sg_units_from_rows(Relation rel, List *tuples)
{
	TupleDesc	desc = RelationGetDescr(rel);
	List	   *result = NIL;
	ListCell   *lc;

	foreach(lc, tuples)
	{
		HeapTuple	tup = (HeapTuple) lfirst(lc);
		SgStoredUnit *u = palloc0(sizeof(SgStoredUnit));
		bool		isnull;

		u->analysis.fn = DatumGetObjectId(heap_getattr(tup, Anum_analysis_fn,
													   desc, &isnull));
		u->analysis.tg = DatumGetObjectId(heap_getattr(tup, Anum_analysis_tg,
													   desc, &isnull));
		u->analysis.definition = DatumGetInt64(heap_getattr(tup, Anum_analysis_definition,
															desc, &isnull));
		u->analysis.search_path = sg_text_or_null(tup, desc, Anum_analysis_search_path);
		u->analysis.session_path = sg_text_or_null(tup, desc, Anum_analysis_session_path);
		u->analysis.interface = DatumGetInt64(heap_getattr(tup, Anum_analysis_interface,
														   desc, &isnull));
		u->analysis.refs_hash = DatumGetInt64(heap_getattr(tup, Anum_analysis_refs_hash,
														   desc, &isnull));
		u->analysis.findings = DatumGetInt32(heap_getattr(tup, Anum_analysis_findings,
														  desc, &isnull));
		u->analysis.refs_hashed = true;
		u->tid = tup->t_self;
		result = lappend(result, u);
	}
	return result;
}

/* Stored reference rows (SgRow *), with where they are. */
static List *
sg_refs_from_rows(Relation rel, List *tuples)
{
	TupleDesc	desc = RelationGetDescr(rel);
	List	   *result = NIL;
	ListCell   *lc;

	foreach(lc, tuples)
	{
		HeapTuple	tup = (HeapTuple) lfirst(lc);
		SgRow	   *row = palloc0(sizeof(SgRow));
		bool		isnull;

		row->tg = DatumGetObjectId(heap_getattr(tup, Anum_reference_tg, desc,
												&isnull));
		row->ref = sg_ref_from_row(tup, desc, 3);
		row->written = row->ref->written;
		row->tid = tup->t_self;
		result = lappend(result, row);
	}
	return result;
}

/* The rows of one function in a catalog table, read by an index. */
static List *
sg_stored_tuples_of(Relation rel, const char *index, Oid fn,
					Snapshot snapshot)
{
	SgStoredScan s;
	List	   *rows;

	sg_stored_scan_begin(&s, rel, index, fn, snapshot);
	rows = sg_stored_scan_take(&s, fn);
	sg_stored_scan_end(&s, false);
	return rows;
}

/* The stored units of one function (SgStoredUnit *). */
static List *
sg_stored_units_of(Relation rel, Oid fn, Snapshot snapshot)
{
	return sg_units_from_rows(rel, sg_stored_tuples_of(rel, "analysis_pkey",
													   fn, snapshot));
}

/* The stored reference rows of one function (SgRow *). */
static List *
sg_stored_rows_of(Relation rel, Oid fn, Snapshot snapshot)
{
	return sg_refs_from_rows(rel, sg_stored_tuples_of(rel, "reference_unit_idx",
													  fn, snapshot));
}

static int
sg_strcmp_null(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

/* Order of reference rows: every stored column counts. */
static int
sg_row_cmp(const ListCell *ca, const ListCell *cb)
{
	const SgRow *a = (const SgRow *) lfirst(ca);
	const SgRow *b = (const SgRow *) lfirst(cb);
	const SgRef *x = a->ref;
	const SgRef *y = b->ref;
	int			c;

	if (a->tg != b->tg)
		return a->tg < b->tg ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->access != y->access)
		return x->access < y->access ? -1 : 1;
	if (x->severity != y->severity)
		return x->severity < y->severity ? -1 : 1;
	if (x->target.classId != y->target.classId)
		return x->target.classId < y->target.classId ? -1 : 1;
	if (x->target.objectId != y->target.objectId)
		return x->target.objectId < y->target.objectId ? -1 : 1;
	if (x->target.objectSubId != y->target.objectSubId)
		return x->target.objectSubId < y->target.objectSubId ? -1 : 1;
	if ((c = sg_strcmp_null(x->name, y->name)) != 0 ||
		(c = sg_strcmp_null(a->written, b->written)) != 0 ||
		(c = sg_strcmp_null(x->check, y->check)) != 0 ||
		(c = sg_strcmp_null(x->message, y->message)) != 0)
		return c;
	return sg_strcmp_null(x->hint, y->hint);
}

/*
 * Forget every unit of a function (it was dropped, or is no longer one
 * schema_guard analyses; the row of creation_path of one that is still
 * there goes too, that of a dropped one went with sql_drop).
 */
void
sg_catalog_forget_function(Oid fn)
{
	Datum		values[1];
	char	   *key = sg_creation_key(fn);

	values[0] = ObjectIdGetDatum(fn);
	SPI_connect();
	sg_exec(&plan_delete_function, values, true);
	SPI_finish();
	if (key != NULL)
		sg_catalog_forget_path(key);
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
	List	   *result = NIL;
	Relation	units_rel;
	Relation	refs_rel;
	Snapshot	snapshot;
	ListCell   *lc;

	snapshot = RegisterSnapshot(GetLatestSnapshot());
	units_rel = table_open(sg_catalog_relid("analysis"), AccessShareLock);
	refs_rel = table_open(sg_catalog_relid("reference"), AccessShareLock);

	/* the units, in the order of their triggers, then their references */
	foreach(lc, sg_stored_units_of(units_rel, fn, snapshot))
		result = lappend(result, &((SgStoredUnit *) lfirst(lc))->analysis);
	foreach(lc, sg_stored_rows_of(refs_rel, fn, snapshot))
	{
		SgRow	   *row = (SgRow *) lfirst(lc);
		ListCell   *lc2;

		foreach(lc2, result)
		{
			SgAnalysis *a = (SgAnalysis *) lfirst(lc2);

			if (a->tg == row->tg)
			{
				a->refs = lappend(a->refs, row->ref);
				break;
			}
		}
	}

	table_close(refs_rel, AccessShareLock);
	table_close(units_rel, AccessShareLock);
	UnregisterSnapshot(snapshot);
	return result;
}

/*
 * The stored analyses of a function that sg_catalog_read_function() read,
 * if they are of its units (in the same order) and were made with this
 * session path, each with only its findings and the relations it creates
 * at run time; else NIL.  For a function replaced by the definition it
 * had: what a new analysis would report, without reading what resolves.
 */
List *
sg_stored_findings_if_current(SgStoredFunction *stored, List *units,
							  const char *session_path)
{
	List	   *result = NIL;
	Relation	rel;
	Snapshot	snapshot;
	ListCell   *lc;
	int			findings = 0;

	if (stored->units == NIL || list_length(stored->units) != list_length(units))
		return NIL;
	foreach(lc, stored->units)
	{
		SgAnalysis *a = &((SgStoredUnit *) lfirst(lc))->analysis;
		SgUnit	   *u = (SgUnit *) list_nth(units, foreach_current_index(lc));

		if (a->tg != u->tg || strcmp(a->session_path, session_path) != 0)
			return NIL;
		a->refs = NIL;
		findings += a->findings;
		result = lappend(result, a);
	}
	if (findings == 0)
		return result;			/* what most functions have */

	rel = table_open(sg_catalog_relid("reference"), AccessShareLock);
	snapshot = RegisterSnapshot(GetLatestSnapshot());
	sg_read_findings(rel, snapshot, stored->fn, result);
	UnregisterSnapshot(snapshot);
	table_close(rel, AccessShareLock);
	return result;
}

/*
 * Give each of these stored analyses of a function (its units, or some of
 * them) its findings and the relations it creates at run time, read
 * through the index of the function's reference rows.
 */
static void
sg_read_findings(Relation rel, Snapshot snapshot, Oid fn, List *analyses)
{
	TupleDesc	desc = RelationGetDescr(rel);
	SysScanDesc scan;
	ScanKeyData key;
	HeapTuple	tup;

	ScanKeyInit(&key, Anum_reference_fn, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(fn));
	scan = systable_beginscan(rel, sg_catalog_relid("reference_unit_idx"),
							  true, snapshot, 1, &key);
	while ((tup = systable_getnext(scan)) != NULL)
	{
		bool		isnull;
		Oid			tg;
		ListCell   *lc;

		if (DatumGetChar(heap_getattr(tup, Anum_reference_severity, desc,
									  &isnull)) == SG_OK &&
			DatumGetChar(heap_getattr(tup, Anum_reference_access, desc,
									  &isnull)) != SG_ACCESS_CREATE)
			continue;
		tg = DatumGetObjectId(heap_getattr(tup, Anum_reference_tg, desc,
										   &isnull));
		foreach(lc, analyses)
		{
			SgAnalysis *a = (SgAnalysis *) lfirst(lc);

			if (a->tg == tg)
				a->refs = lappend(a->refs, sg_ref_from_row(tup, desc, 3));
		}
	}
	systable_endscan(scan);
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
 * validate() needs), ordered by function and trigger.  The reference rows
 * are read only for the units whose row counts some.
 */
List *
sg_catalog_load_findings(void)
{
	MemoryContext caller = CurrentMemoryContext;
	MemoryContext old;
	List	   *result = NIL;
	List	   *with_findings = NIL;
	Relation	rel;
	Snapshot	snapshot;
	int			k;
	uint64		i;

	SPI_connect();
	sg_exec(&plan_all_units, NULL, false);
	old = MemoryContextSwitchTo(caller);
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
		a->findings = DatumGetInt32(SPI_getbinval(tup, desc, 6, &isnull));
		result = lappend(result, a);
		if (a->findings > 0)
			with_findings = lappend(with_findings, a);
	}
	MemoryContextSwitchTo(old);
	SPI_finish();
	if (with_findings == NIL)
		return result;

	/* one index scan per function with findings, for all its units */
	rel = table_open(sg_catalog_relid("reference"), AccessShareLock);
	snapshot = RegisterSnapshot(GetLatestSnapshot());
	for (k = 0; k < list_length(with_findings);)
	{
		SgAnalysis *a = (SgAnalysis *) list_nth(with_findings, k++);
		List	   *units = list_make1(a);

		while (k < list_length(with_findings) &&
			   ((SgAnalysis *) list_nth(with_findings, k))->fn == a->fn)
			units = lappend(units, list_nth(with_findings, k++));
		sg_read_findings(rel, snapshot, a->fn, units);
		list_free(units);
	}
	UnregisterSnapshot(snapshot);
	table_close(rel, AccessShareLock);
	list_free(with_findings);
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

/*
 * The distinct units (fn, tg: the first two columns) of the rows of a
 * catalog table an index scan finds, ordered, on the latest snapshot.
 */
static List *
sg_scan_units(const char *table, const char *index, ScanKey keys, int nkeys,
			  SgScanFilter *filter)
{
	List	   *units = NIL;
	List	   *result = NIL;
	Relation	rel;
	TupleDesc	desc;
	Snapshot	snapshot;
	SysScanDesc scan;
	HeapTuple	tup;
	ListCell   *lc;

	rel = table_open(sg_catalog_relid(table), AccessShareLock);
	desc = RelationGetDescr(rel);
	snapshot = RegisterSnapshot(GetLatestSnapshot());
	scan = systable_beginscan(rel, sg_catalog_relid(index), true, snapshot,
							  nkeys, keys);
	while ((tup = systable_getnext(scan)) != NULL)
	{
		bool		isnull;
		SgUnit	   *unit;

		if (filter != NULL && OidIsValid(filter->classid) &&
			DatumGetObjectId(heap_getattr(tup, Anum_reference_classid, desc,
										  &isnull)) != filter->classid)
			continue;
		if (filter != NULL && filter->kinds != NULL &&
			strchr(filter->kinds,
				   DatumGetChar(heap_getattr(tup, Anum_reference_kind, desc,
											 &isnull))) == NULL)
			continue;
		unit = palloc(sizeof(SgUnit));
		unit->fn = DatumGetObjectId(heap_getattr(tup, 1, desc, &isnull));
		unit->tg = DatumGetObjectId(heap_getattr(tup, 2, desc, &isnull));
		units = lappend(units, unit);
	}
	systable_endscan(scan);
	UnregisterSnapshot(snapshot);
	table_close(rel, AccessShareLock);

	list_sort(units, sg_unit_cmp);
	foreach(lc, units)
	{
		if (result == NIL || sg_unit_cmp(lc, list_tail(result)) != 0)
			result = lappend(result, lfirst(lc));
	}
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
	ScanKeyData key;
	SgScanFilter filter = {0};

	ScanKeyInit(&key, Anum_reference_objid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(objid));
	filter.classid = classid;
	return sg_scan_units("reference", "reference_object_idx", &key, 1, &filter);
}

/* Units that name a relation, function or type called this. */
List *
sg_catalog_users_of_name(const char *name)
{
	ScanKeyData key;
	SgScanFilter filter = {0};

	ScanKeyEntryInitialize(&key, 0, Anum_reference_name, BTEqualStrategyNumber,
						   InvalidOid, C_COLLATION_OID, F_TEXTEQ,
						   CStringGetTextDatum(name));
	filter.kinds = "rftw";
	return sg_scan_units("reference", "reference_name_idx", &key, 1, &filter);
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
	ScanKeyData key;

	ScanKeyInit(&key, Anum_analysis_tg, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(tg));
	return sg_scan_units("analysis", "analysis_tg_idx", &key, 1, NULL);
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
	List	   *result = NIL;
	Relation	rel;
	Snapshot	snapshot;
	SysScanDesc scan;
	HeapTuple	tup;

	/* the index holds the rows that create (access 'c') only */
	rel = table_open(sg_catalog_relid("reference"), AccessShareLock);
	snapshot = RegisterSnapshot(GetLatestSnapshot());
	scan = systable_beginscan(rel, sg_catalog_relid("reference_created_idx"),
							  true, snapshot, 0, NULL);
	while ((tup = systable_getnext(scan)) != NULL)
	{
		bool		isnull;
		Datum		name = heap_getattr(tup, Anum_reference_name,
										RelationGetDescr(rel), &isnull);
		Datum		written;
		SgCreated  *c;

		if (isnull ||
			DatumGetChar(heap_getattr(tup, Anum_reference_access,
									  RelationGetDescr(rel), &isnull)) != SG_ACCESS_CREATE)
			continue;
		c = palloc(sizeof(SgCreated));
		c->name = TextDatumGetCString(name);
		written = heap_getattr(tup, Anum_reference_written,
							   RelationGetDescr(rel), &isnull);
		c->written = isnull ? NULL : TextDatumGetCString(written);
		c->fn = DatumGetObjectId(heap_getattr(tup, Anum_reference_fn,
											  RelationGetDescr(rel), &isnull));
		result = lappend(result, c);
	}
	systable_endscan(scan);
	UnregisterSnapshot(snapshot);
	table_close(rel, AccessShareLock);
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
	sg_state_changed(true);
}

/*
 * The session search_path a function resolves with when it sets none: the
 * one recorded for it, or else the one its stored analysis was made with;
 * NULL if neither is there.
 */
char *
sg_catalog_session_path(Oid fn)
{
	char	   *result = sg_member_session_path(fn) == NULL ?
		sg_catalog_recorded_path(fn) : NULL;
	Relation	rel;
	Snapshot	snapshot;
	SysScanDesc scan;
	ScanKeyData key;
	HeapTuple	tup;

	if (result != NULL)
		return result;
	snapshot = RegisterSnapshot(GetLatestSnapshot());
	rel = table_open(sg_catalog_relid("analysis"), AccessShareLock);
	ScanKeyInit(&key, Anum_analysis_fn, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(fn));
	scan = systable_beginscan(rel, sg_catalog_relid("analysis_pkey"), true,
							  snapshot, 1, &key);
	if ((tup = systable_getnext(scan)) != NULL)
		result = sg_text_or_null(tup, RelationGetDescr(rel), 5);
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	UnregisterSnapshot(snapshot);
	return result;
}

/* ---------------------------------------------------------------------
 * Creation paths: schema_guard.creation_path, the search_path each
 * analysed function resolves the names of its body with when it sets
 * none.  One row per analysed function that is not an extension's member
 * (members resolve with their extension's schemas), by the function's
 * identity, the key pg_dump can carry: the table is dumped, and a restored
 * database analyses its functions with the paths the source had.
 *
 * A function's row is written when its path is first recorded: by CREATE
 * [OR REPLACE] FUNCTION in a session whose bodies are checked (a restore's
 * are not, so that the rows it loads are the ones that count), or by the
 * first analysis of a function that has none.  It goes with DROP
 * FUNCTION and takes the function's new identity when the function, its
 * schema or a parameter's type is renamed or moved (guard.c).  rebuild()
 * keeps the rows there are and adds and removes rows as above.  Rows
 * schema_guard writes go straight into the table; rows written by
 * statements (a restore's COPY, a superuser's INSERT) pass through the
 * table's trigger, sg_creation_path_arrives().
 * ---------------------------------------------------------------------
 */

#define Anum_creation_path_function		1
#define Anum_creation_path_session_path	2

/*
 * The longest key stored: a btree holds index entries up to about a third
 * of a page, and a function whose identity is longer (a hundred parameters
 * of long type names) must still be created.  Such a function has no row;
 * its path is kept by its stored analysis only, as a member's is.
 */
#define SG_KEY_MAX_BYTES	2000

/*
 * The key of a function's row (its identity), or NULL if it is gone or
 * its identity is too long to be a key.
 */
char *
sg_creation_key(Oid fn)
{
	char	   *key = format_procedure_extended(fn, FORMAT_PROC_FORCE_QUALIFY |
												FORMAT_PROC_INVALID_AS_NULL);

	if (key != NULL && strlen(key) > SG_KEY_MAX_BYTES)
		return NULL;
	return key;
}

/* The row stored under a key (a copy), or NULL. */
static HeapTuple
sg_creation_row(Relation rel, const char *key)
{
	Snapshot	snapshot = RegisterSnapshot(GetLatestSnapshot());
	ScanKeyData skey;
	SysScanDesc scan;
	HeapTuple	tup;

	ScanKeyEntryInitialize(&skey, 0, Anum_creation_path_function,
						   BTEqualStrategyNumber, InvalidOid, C_COLLATION_OID,
						   F_TEXTEQ, CStringGetTextDatum(key));
	scan = systable_beginscan(rel, sg_catalog_relid("creation_path_pkey"),
							  true, snapshot, 1, &skey);
	tup = systable_getnext(scan);
	if (tup != NULL)
		tup = heap_copytuple(tup);
	systable_endscan(scan);
	UnregisterSnapshot(snapshot);
	return tup;
}

static char *
sg_creation_row_path(Relation rel, HeapTuple tup)
{
	bool		isnull;
	Datum		d = heap_getattr(tup, Anum_creation_path_session_path,
								 RelationGetDescr(rel), &isnull);

	return isnull ? NULL : TextDatumGetCString(d);
}

/* The path recorded for a function, or NULL. */
char *
sg_catalog_recorded_path(Oid fn)
{
	char	   *key = sg_creation_key(fn);
	char	   *result = NULL;
	Relation	rel;
	HeapTuple	tup;

	if (key == NULL)
		return NULL;
	rel = table_open(sg_catalog_relid("creation_path"), AccessShareLock);
	if ((tup = sg_creation_row(rel, key)) != NULL)
		result = sg_creation_row_path(rel, tup);
	table_close(rel, AccessShareLock);
	return result;
}

/* Insert a row, with its index entry. */
static void
sg_insert_creation_row(Relation rel, const char *key, const char *path)
{
	Datum		values[2];
	bool		nulls[2] = {false, false};
	Datum	   *cols[2];
	bool	   *colnulls[2];

	values[0] = CStringGetTextDatum(key);
	values[1] = CStringGetTextDatum(path);
	cols[0] = &values[0];
	cols[1] = &values[1];
	colnulls[0] = &nulls[0];
	colnulls[1] = &nulls[1];
	sg_insert_rows(rel, 2, 1, cols, colnulls, true);
}

/* Rewrite a row in place with another key or path. */
static void
sg_update_creation_row(Relation rel, HeapTuple old, const char *key,
					   const char *path)
{
	Datum		values[2];
	bool		nulls[2] = {false, false};
	HeapTuple	tup;

	values[0] = CStringGetTextDatum(key);
	values[1] = CStringGetTextDatum(path);
	tup = heap_form_tuple(RelationGetDescr(rel), values, nulls);
	if (sg_simple_heap_update(rel, &old->t_self, tup))
		sg_insert_index_entries(rel, tup);
	heap_freetuple(tup);
	CommandCounterIncrement();
}

/*
 * Record the path a function was created with (a new body, from a session
 * whose bodies are checked).  The caller holds the function locked
 * (sg_lock_function), as every writer of its rows does.  One index
 * look-up, and a write only if the row is not there already.
 */
void
sg_catalog_record_path(Oid fn, const char *path)
{
	char	   *key = sg_creation_key(fn);
	Relation	rel;
	HeapTuple	tup;

	if (key == NULL || path == NULL)
		return;
	rel = table_open(sg_catalog_relid("creation_path"), RowExclusiveLock);
	tup = sg_creation_row(rel, key);
	if (tup == NULL)
		sg_insert_creation_row(rel, key, path);
	else
	{
		char	   *stored = sg_creation_row_path(rel, tup);

		if (stored == NULL || strcmp(stored, path) != 0)
			sg_update_creation_row(rel, tup, key, path);
	}
	table_close(rel, RowExclusiveLock);
}

/* Forget the row stored under a key (the function was dropped). */
void
sg_catalog_forget_path(const char *key)
{
	Relation	rel;
	HeapTuple	tup;

	rel = table_open(sg_catalog_relid("creation_path"), RowExclusiveLock);
	if ((tup = sg_creation_row(rel, key)) != NULL)
	{
		simple_heap_delete(rel, &tup->t_self);
		CommandCounterIncrement();
	}
	table_close(rel, RowExclusiveLock);
}

/*
 * Is there a row under this key?  (Asked before a command that may change
 * the key of a function's row.)
 */
bool
sg_catalog_path_is_recorded(const char *key)
{
	Relation	rel;
	bool		result;

	rel = table_open(sg_catalog_relid("creation_path"), AccessShareLock);
	result = sg_creation_row(rel, key) != NULL;
	table_close(rel, AccessShareLock);
	return result;
}

/*
 * A function's identity changed from old_key (it, its schema or the type
 * of a parameter was renamed or moved): its row follows.  A row under the
 * new key (left by a change schema_guard did not see) gives way.
 */
void
sg_catalog_rekey_path(const char *old_key, Oid fn)
{
	char	   *key = sg_creation_key(fn);
	Relation	rel;
	HeapTuple	tup;
	HeapTuple	other;

	if (key == NULL || strcmp(key, old_key) == 0)
		return;
	sg_lock_function(fn);
	rel = table_open(sg_catalog_relid("creation_path"), RowExclusiveLock);
	if ((tup = sg_creation_row(rel, old_key)) != NULL)
	{
		if ((other = sg_creation_row(rel, key)) != NULL)
		{
			simple_heap_delete(rel, &other->t_self);
			CommandCounterIncrement();
		}
		sg_update_creation_row(rel, tup, key, sg_creation_row_path(rel, tup));
	}
	table_close(rel, RowExclusiveLock);
}

static uint32
sg_path_key_hash(const void *key, Size keysize)
{
	const char *s = *(const char *const *) key;

	return hash_bytes((const unsigned char *) s, strlen(s));
}

static int
sg_path_key_match(const void *a, const void *b, Size keysize)
{
	return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* Every row of creation_path, read into a hash table in "cxt". */
static HTAB *
sg_load_creation_paths(Relation rel, MemoryContext cxt)
{
	HASHCTL		hctl;
	HTAB	   *paths;
	Snapshot	snapshot = RegisterSnapshot(GetLatestSnapshot());
	TableScanDesc scan = table_beginscan(rel, snapshot, 0, NULL);
	HeapTuple	tup;

	hctl.keysize = sizeof(char *);
	hctl.entrysize = sizeof(SgPathEntry);
	hctl.hash = sg_path_key_hash;
	hctl.match = sg_path_key_match;
	hctl.hcxt = cxt;
	paths = hash_create("schema_guard creation paths", 1024, &hctl,
						HASH_ELEM | HASH_FUNCTION | HASH_COMPARE | HASH_CONTEXT);
	while ((tup = heap_getnext(scan, ForwardScanDirection)) != NULL)
	{
		bool		isnull;
		Datum		k = heap_getattr(tup, Anum_creation_path_function,
									 RelationGetDescr(rel), &isnull);
		MemoryContext old = MemoryContextSwitchTo(cxt);
		char	   *key = TextDatumGetCString(k);
		SgPathEntry *entry;
		bool		found;

		entry = hash_search(paths, &key, HASH_ENTER, &found);
		entry->key = key;
		entry->path = sg_creation_row_path(rel, tup);
		entry->tid = tup->t_self;
		entry->used = false;
		MemoryContextSwitchTo(old);
	}
	table_endscan(scan);
	UnregisterSnapshot(snapshot);
	return paths;
}

/*
 * Parse one identifier of a key, as quote_identifier() wrote it, into
 * "out"; returns what follows it, or NULL.
 */
static const char *
sg_parse_key_identifier(const char *s, StringInfo out)
{
	if (*s == '"')
	{
		for (s++; *s != '\0'; s++)
		{
			if (*s == '"' && s[1] != '"')
				return out->len > 0 ? s + 1 : NULL;
			if (*s == '"')
				s++;
			appendStringInfoChar(out, *s);
		}
		return NULL;
	}
	while (*s != '\0' && *s != '.' && *s != '(' && *s != '"')
		appendStringInfoChar(out, *s++);
	return out->len > 0 ? s : NULL;
}

/*
 * The function a key names, or InvalidOid.  Never an error, whatever the
 * key: a restore may bring the row of a function that could not be
 * restored, whose parameter types do not exist here.
 */
static Oid
sg_function_of_key(const char *key)
{
	StringInfoData schema;
	StringInfoData name;
	const char *s;
	Oid			nspid;
	CatCList   *candidates;
	Oid			result = InvalidOid;
	int			i;

	initStringInfo(&schema);
	initStringInfo(&name);
	if ((s = sg_parse_key_identifier(key, &schema)) == NULL || *s++ != '.' ||
		(s = sg_parse_key_identifier(s, &name)) == NULL || *s != '(' ||
		!OidIsValid(nspid = get_namespace_oid(schema.data, true)))
		return InvalidOid;
	candidates = SearchSysCacheList1(PROCNAMEARGSNSP, CStringGetDatum(name.data));
	for (i = 0; i < candidates->n_members && !OidIsValid(result); i++)
	{
		HeapTuple	tup = &candidates->members[i]->tuple;
		Form_pg_proc proc = (Form_pg_proc) GETSTRUCT(tup);
		char	   *its_key;

		if (proc->pronamespace != nspid)
			continue;
		its_key = sg_creation_key(proc->oid);
		if (its_key != NULL && strcmp(its_key, key) == 0)
			result = proc->oid;
	}
	ReleaseSysCacheList(candidates);
	return result;
}

/*
 * The trigger of schema_guard.creation_path, for rows written by
 * statements: pg_restore's COPY of the dumped rows, or a superuser putting
 * a path right.  The row replaces the one stored for the same function,
 * and the function waits for analysis with that path (before the next DDL
 * is judged, or by validate()): a restore loads the rows after creating
 * the functions, and whatever analysed a function in between (another
 * session) did so without its row.
 */
Datum
sg_creation_path_arrives(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	Relation	rel;
	HeapTuple	tup;
	bool		isnull;
	Datum		d;
	char	   *key;
	Oid			fn;
	List	   *elems;

	if (!CALLED_AS_TRIGGER(fcinfo) ||
		!TRIGGER_FIRED_BEFORE(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"%s\" must be fired BEFORE INSERT OR UPDATE FOR EACH ROW",
						"schema_guard._creation_path_arrives")));
	rel = trigdata->tg_relation;
	tup = TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) ?
		trigdata->tg_newtuple : trigdata->tg_trigtuple;

	/* a path the analysis could not set is refused here, not later */
	d = heap_getattr(tup, Anum_creation_path_session_path,
					 RelationGetDescr(rel), &isnull);
	if (!isnull &&
		!SplitIdentifierString(TextDatumGetCString(d), ',', &elems))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid value for parameter \"%s\": \"%s\"",
						"search_path", TextDatumGetCString(d)),
				 errdetail("List syntax is invalid.")));
	d = heap_getattr(tup, Anum_creation_path_function,
					 RelationGetDescr(rel), &isnull);
	if (isnull)
		return PointerGetDatum(tup);	/* the NOT NULL constraint says so */
	key = TextDatumGetCString(d);

	fn = sg_function_of_key(key);
	if (OidIsValid(fn))
		sg_lock_function(fn);
	if (TRIGGER_FIRED_BY_INSERT(trigdata->tg_event))
	{
		HeapTuple	old = sg_creation_row(rel, key);

		if (old != NULL)
		{
			simple_heap_delete(rel, &old->t_self);
			CommandCounterIncrement();
		}
	}
	else
	{
		Oid			old_fn;

		d = heap_getattr(trigdata->tg_trigtuple, Anum_creation_path_function,
						 RelationGetDescr(rel), &isnull);
		old_fn = isnull ? InvalidOid : sg_function_of_key(TextDatumGetCString(d));
		if (OidIsValid(old_fn) && old_fn != fn && sg_function_is_analysable(old_fn))
			sg_catalog_mark_pending(old_fn);
	}
	if (OidIsValid(fn) && sg_function_is_analysable(fn))
		sg_catalog_mark_pending(fn);
	return PointerGetDatum(tup);
}

/*
 * Analyse the functions left pending by DDL run without body checks, so
 * that the catalog describes the state before the DDL about to be judged.
 * With "nowait" (validate() bringing the catalog up to date on the way),
 * nothing is done if another transaction holds the catalog.  Returns
 * whether pending functions were analysed; if "analysed" is not NULL,
 * appends to it, in the caller's memory context, what validate() reports
 * of each analysis stored (sg_analysis_findings()), in function order.
 */
bool
sg_catalog_catch_up(bool nowait, List **analysed)
{
	static const char *const tables[] = {"analysis", "reference",
	"pending_analysis", "creation_path"};
	MemoryContext caller = CurrentMemoryContext;
	List	   *pending = NIL;
	uint64		i;

	if (!sg_catalog_any_pending())
		return false;

	for (i = 0; i < lengthof(tables); i++)
	{
		Oid			relid = sg_catalog_relid(tables[i]);

		if (!nowait)
			LockRelationOid(relid, ExclusiveLock);
		else if (!ConditionalLockRelationOid(relid, ExclusiveLock))
			return false;		/* locks taken are kept to transaction end */
	}

	SPI_connect();
	sg_exec(&plan_list_pending, NULL, false);
	for (i = 0; i < SPI_processed; i++)
	{
		bool		isnull;
		MemoryContext old = MemoryContextSwitchTo(caller);

		pending = lappend_oid(pending,
							  DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[i],
															 SPI_tuptable->tupdesc,
															 1, &isnull)));
		MemoryContextSwitchTo(old);
	}
	sg_exec(&plan_clear_pending, NULL, true);
	sg_state_changed(false);
	(void) sg_analyse_into_catalog(pending, false, analysed, caller);
	SPI_finish();
	return true;
}

/*
 * Analyse every function again and replace the whole catalog.  Used at
 * CREATE EXTENSION, after the catalog is found to come from another
 * cluster or database, and by schema_guard.rebuild().
 */
int
sg_catalog_rebuild(void)
{
	static const char *const tables[] = {"analysis", "reference",
	"pending_analysis", "catalog_origin", "creation_path"};
	MemoryContext caller = CurrentMemoryContext;
	List	   *fns;
	int			analysed;
	int			i;

	for (i = 0; i < lengthof(tables); i++)
		LockRelationOid(sg_catalog_relid(tables[i]), ExclusiveLock);

	SPI_connect();
	{
		MemoryContext old = MemoryContextSwitchTo(caller);

		fns = sg_catalog_function_oids();
		MemoryContextSwitchTo(old);
	}
	analysed = sg_analyse_into_catalog(fns, true, NULL, NULL);
	sg_write_origin();
	SPI_finish();
	return analysed;
}

/*
 * Analyse functions (ordered by OID) and write their rows.  Each resolves
 * with the session search_path recorded for it in creation_path, or else
 * the one its stored analysis pinned, if it has one; a function that is no
 * extension's member and has no recorded path gets one, the path it was
 * analysed with.  With "all", the whole catalog is replaced (and rows of
 * creation_path that name no analysed function go); else the rows of these
 * functions.
 * The caller holds the catalog locked and is connected to SPI.  Returns
 * how many functions were analysed; "reported", if not NULL, gets what
 * validate() reports of each analysis, allocated in "reported_cxt".
 *
 * Replacing a catalog that holds rows (rebuild()) compares the stored rows
 * with the new ones, function by function, and writes only the
 * difference: a rebuild usually finds most of the catalog right, and
 * rewriting it whole would leave every row dead.  Otherwise the new rows
 * are written in batches: a pair of INSERTs for many functions costs much
 * less than a pair per function.
 */
static int
sg_analyse_into_catalog(List *fns, bool all, List **reported,
						MemoryContext reported_cxt)
{
	MemoryContext caller = CurrentMemoryContext;
	MemoryContext batchcxt;
	Oid		   *paths_fn;
	char	  **paths;
	int			npaths;
	int			p = 0;
	List	   *members;
	int			m = 0;
	List	   *batch = NIL;
	List	   *unit_inserts = NIL;
	List	   *ref_inserts = NIL;
	int			batch_refs = 0;
	int			analysed = 0;
	Datum		values[1];
	ListCell   *lc;
	uint64		i;
	bool		bulk;
	bool		empty;
	bool		diff = false;
	Relation	units_rel = NULL;
	Relation	refs_rel = NULL;
	Snapshot	snapshot = NULL;
	SgStoredScan unit_scan;
	SgStoredScan ref_scan;
	SgIdentityMemo *identities;
	Relation	paths_rel;
	HTAB	   *recorded = NULL;
	List	   *new_keys = NIL;
	List	   *new_paths = NIL;

	if (fns == NIL && !all)
		return 0;
	bulk = sg_catalog_bulk_load(fns, all, &empty);
	identities = sg_identity_memo(caller);

	/* the recorded paths: read whole for many functions, else one by one */
	paths_rel = table_open(sg_catalog_relid("creation_path"), RowExclusiveLock);
	if (all || list_length(fns) >= SG_BULK_FUNCTIONS)
		recorded = sg_load_creation_paths(paths_rel, caller);
	if (all && !empty)
	{
		/* rows are compared directly, unless triggers must see them */
		units_rel = table_open(sg_catalog_relid("analysis"), RowExclusiveLock);
		refs_rel = table_open(sg_catalog_relid("reference"), RowExclusiveLock);
		diff = units_rel->trigdesc == NULL && refs_rel->trigdesc == NULL;
		if (diff)
		{
			snapshot = RegisterSnapshot(GetLatestSnapshot());
			sg_stored_scan_begin(&unit_scan, units_rel, "analysis_pkey",
								 InvalidOid, snapshot);
			sg_stored_scan_begin(&ref_scan, refs_rel, "reference_unit_idx",
								 InvalidOid, snapshot);
		}
		else
		{
			table_close(refs_rel, RowExclusiveLock);
			table_close(units_rel, RowExclusiveLock);
		}
	}
	if (!all)
	{
		Datum	   *elems = palloc(sizeof(Datum) * list_length(fns));
		bool	   *nulls = palloc0(sizeof(bool) * list_length(fns));

		foreach(lc, fns)
			elems[foreach_current_index(lc)] = ObjectIdGetDatum(lfirst_oid(lc));
		values[0] = sg_array(elems, nulls, list_length(fns), OIDOID);
	}

	/*
	 * The search_path each function was created with stays pinned.  (An
	 * empty catalog has none, and no rows to delete; a compared one gives
	 * each function's with its rows.)
	 */
	npaths = 0;
	if (!empty && !diff)
	{
		sg_exec(all ? &plan_all_session_paths : &plan_session_paths_of,
				all ? NULL : values, false);
		npaths = (int) SPI_processed;
	}
	paths_fn = MemoryContextAlloc(caller, sizeof(Oid) * (npaths + 1));
	paths = MemoryContextAlloc(caller, sizeof(char *) * (npaths + 1));
	for (i = 0; i < npaths; i++)
	{
		bool		isnull;
		char	   *path = sg_text_or_null(SPI_tuptable->vals[i],
										   SPI_tuptable->tupdesc, 2);

		paths_fn[i] = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[i],
													 SPI_tuptable->tupdesc,
													 1, &isnull));
		paths[i] = path ? MemoryContextStrdup(caller, path) : NULL;
	}

	/*
	 * Deleted, not truncated: a transaction whose snapshot is older than
	 * this one must still see the rows it saw (dependents() reads them with
	 * the transaction's snapshot).
	 */
	if (all)
	{
		if ((!diff &&
			 (SPI_execute("DELETE FROM schema_guard.reference", false, 0) < 0 ||
			  SPI_execute("DELETE FROM schema_guard.analysis", false, 0) < 0)) ||
			SPI_execute("DELETE FROM schema_guard.pending_analysis", false, 0) < 0)
			elog(ERROR, "could not clear the schema_guard catalog");
		sg_state_changed(false);
	}
	else if (!empty)
		sg_exec(&plan_delete_functions, values, true);

	members = sg_extension_member_functions();
	batchcxt = AllocSetContextCreate(caller, "schema_guard analyses",
									 ALLOCSET_DEFAULT_SIZES);
	foreach(lc, fns)
	{
		MemoryContext old;
		Oid			fn = lfirst_oid(lc);
		const char *path = NULL;
		const char *recorded_path = NULL;
		char	   *key = NULL;
		bool		member;
		List	   *stored_units = NIL;
		List	   *stored_rows = NIL;
		List	   *analyses;
		ListCell   *lc2;

		CHECK_FOR_INTERRUPTS();
		old = MemoryContextSwitchTo(batchcxt);
		if (diff)
		{
			stored_units = sg_units_from_rows(units_rel,
											  sg_stored_scan_take(&unit_scan, fn));
			stored_rows = sg_refs_from_rows(refs_rel,
											sg_stored_scan_take(&ref_scan, fn));
			if (stored_units != NIL)
				path = ((SgStoredUnit *) linitial(stored_units))->analysis.session_path;
		}
		if (!sg_function_is_analysable(fn))
		{
			/* stored rows of it are stale */
			if (diff)
				sg_diff_function(units_rel, refs_rel, stored_units, stored_rows,
								 NIL, identities, &unit_inserts, &ref_inserts);
			MemoryContextSwitchTo(old);
			continue;
		}
		analysed++;

		/* all three lists are in OID order */
		while (p < npaths && paths_fn[p] < fn)
			p++;
		if (p < npaths && paths_fn[p] == fn)
			path = paths[p];
		while (m < list_length(members) && list_nth_oid(members, m) < fn)
			m++;
		member = m < list_length(members) && list_nth_oid(members, m) == fn;

		/* the recorded path comes first */
		if (!member && (key = sg_creation_key(fn)) != NULL)
		{
			if (recorded != NULL)
			{
				SgPathEntry *entry = hash_search(recorded, &key, HASH_FIND, NULL);

				if (entry != NULL)
				{
					entry->used = true;
					recorded_path = entry->path;
				}
			}
			else
			{
				HeapTuple	tup = sg_creation_row(paths_rel, key);

				if (tup != NULL)
					recorded_path = sg_creation_row_path(paths_rel, tup);
			}
		}
		if (recorded_path != NULL)
			path = recorded_path;
		if (path == NULL)
			path = member ? sg_default_session_path(fn) : sg_caller_search_path();
		if (key != NULL && recorded_path == NULL)
		{
			MemoryContext c = MemoryContextSwitchTo(caller);

			new_keys = lappend(new_keys, pstrdup(key));
			new_paths = lappend(new_paths, pstrdup(path));
			MemoryContextSwitchTo(c);
		}

		analyses = sg_analyze_function_nowait(fn, path);
		sg_note_after_commit(fn, analyses);
		foreach(lc2, analyses)
			batch_refs += list_length(((SgAnalysis *) lfirst(lc2))->refs);
		if (reported != NULL)
		{
			MemoryContext c = MemoryContextSwitchTo(reported_cxt);

			foreach(lc2, analyses)
				*reported = lappend(*reported,
									sg_analysis_findings((SgAnalysis *) lfirst(lc2)));
			MemoryContextSwitchTo(c);
		}
		if (diff)
			sg_diff_function(units_rel, refs_rel, stored_units, stored_rows,
							 analyses, identities, &unit_inserts, &ref_inserts);
		else
			batch = list_concat(batch, analyses);
		MemoryContextSwitchTo(old);

		if (batch_refs >= SG_BATCH_REFS)
		{
			sg_write_batch(batchcxt, batch, unit_inserts, ref_inserts, bulk,
						   identities);
			batch = unit_inserts = ref_inserts = NIL;
			batch_refs = 0;
		}
	}
	sg_write_batch(batchcxt, batch, unit_inserts, ref_inserts, bulk, identities);
	if (diff)
	{
		/* what is left is of functions that are no longer there */
		sg_stored_scan_end(&ref_scan, true);
		sg_stored_scan_end(&unit_scan, true);
		UnregisterSnapshot(snapshot);
		table_close(refs_rel, RowExclusiveLock);
		table_close(units_rel, RowExclusiveLock);
		CommandCounterIncrement();
	}
	MemoryContextDelete(batchcxt);

	/* creation_path: the functions that had no row, less the rows of none */
	if (new_keys != NIL)
	{
		int			n = list_length(new_keys);
		ListCell   *lc2;
		Datum	   *cols[2];
		bool	   *nulls[2];

		cols[0] = palloc(sizeof(Datum) * n);
		cols[1] = palloc(sizeof(Datum) * n);
		nulls[0] = palloc0(sizeof(bool) * n);
		nulls[1] = palloc0(sizeof(bool) * n);
		forboth(lc, new_keys, lc2, new_paths)
		{
			cols[0][foreach_current_index(lc)] = CStringGetTextDatum((char *) lfirst(lc));
			cols[1][foreach_current_index(lc)] = CStringGetTextDatum((char *) lfirst(lc2));
		}
		sg_insert_rows(paths_rel, 2, n, cols, nulls, true);
	}
	if (all)
	{
		HASH_SEQ_STATUS status;
		SgPathEntry *entry;

		hash_seq_init(&status, recorded);
		while ((entry = hash_seq_search(&status)) != NULL)
		{
			if (!entry->used)
				simple_heap_delete(paths_rel, &entry->tid);
		}
		CommandCounterIncrement();
	}
	table_close(paths_rel, RowExclusiveLock);

	if (bulk)
	{
		sg_reindex_relation(sg_catalog_relid("analysis"));
		sg_reindex_relation(sg_catalog_relid("reference"));
		CommandCounterIncrement();
	}

	/*
	 * Analysing many functions filled the catalog and relation caches with
	 * entries for every table and type they use; empty them (as an
	 * overflow of the invalidation queue does), so that what runs next in
	 * this backend reuses the memory rather than adding to it.
	 */
	if (analysed >= SG_RESET_FUNCTIONS)
		InvalidateSystemCaches();
	return analysed;
}

/*
 * Write what sg_analyse_into_catalog() gathered: new analyses and, from
 * comparisons with stored rows, units and references to insert.  What
 * writing allocates goes with the batch, and so does the batch.
 */
static void
sg_write_batch(MemoryContext batchcxt, List *analyses, List *unit_inserts,
			   List *ref_inserts, bool bulk, SgIdentityMemo *identities)
{
	MemoryContext old = MemoryContextSwitchTo(batchcxt);

	sg_write_units(analyses, true, !bulk, identities);
	sg_write_units(unit_inserts, true, true, identities);
	sg_write_units(ref_inserts, false, true, identities);
	MemoryContextSwitchTo(old);
	MemoryContextReset(batchcxt);
}

/*
 * Should these analyses be written without index entries, and the indexes
 * of the catalog be built afterwards, in one sorted pass each?  For many
 * rows that costs a fraction of inserting the entries one by one.  That is
 * when the catalog is empty, or holds few units compared with the number
 * of functions analysed (not when replacing a catalog that has rows: those
 * are compared, and few are written).  Building an index needs the table
 * to ourselves, and the caller holds the catalog in EXCLUSIVE mode only
 * (readers go on).  So the stronger lock is taken only if it is free now,
 * never waited for (waiting could deadlock with a reader that then
 * writes); otherwise, or if this backend has the catalog in use, the rows
 * are written the ordinary way.  Sets *empty to whether the catalog holds
 * no unit.
 */
static bool
sg_catalog_bulk_load(List *fns, bool all, bool *empty)
{
	static const char *const tables[] = {"analysis", "reference"};
	int			nfns = list_length(fns);
	uint64		stored;
	int			i;

	*empty = false;
	if (!all && nfns < SG_BULK_FUNCTIONS)
		return false;
	stored = sg_stored_units();
	*empty = stored == 0;
	if (all ? !*empty : stored > 2 * (uint64) nfns)
		return false;

	for (i = 0; i < lengthof(tables); i++)
	{
		Oid			relid = sg_catalog_relid(tables[i]);

		if (!ConditionalLockRelationOid(relid, AccessExclusiveLock))
			break;
		if (!sg_used_only_by_us(relid))
		{
			UnlockRelationOid(relid, AccessExclusiveLock);
			break;
		}
	}
	if (i == lengthof(tables))
		return true;

	/* the relation was not touched under these locks: give them back */
	while (--i >= 0)
		UnlockRelationOid(sg_catalog_relid(tables[i]), AccessExclusiveLock);
	return false;
}

/*
 * Is a catalog table, and each of its indexes, free of any use in this
 * backend (an open scan, an executor that opened it), and without
 * triggers?  What REINDEX requires.  The caller holds it locked.
 */
static bool
sg_used_only_by_us(Oid relid)
{
	Relation	rel = table_open(relid, NoLock);
	bool		result = rel->rd_refcnt == 1 && rel->trigdesc == NULL;
	List	   *indexes = RelationGetIndexList(rel);
	ListCell   *lc;

	foreach(lc, indexes)
	{
		Relation	irel = index_open(lfirst_oid(lc), NoLock);

		if (irel->rd_refcnt != 1)
			result = false;
		index_close(irel, NoLock);
	}
	list_free(indexes);
	table_close(rel, NoLock);
	return result;
}

/* How many units (rows of schema_guard.analysis) the catalog holds. */
static uint64
sg_stored_units(void)
{
	Relation	rel = table_open(sg_catalog_relid("analysis"), AccessShareLock);
	Snapshot	snapshot = RegisterSnapshot(GetLatestSnapshot());
	TableScanDesc scan = table_beginscan(rel, snapshot, 0, NULL);
	uint64		n = 0;

	while (heap_getnext(scan, ForwardScanDirection) != NULL)
		n++;
	table_endscan(scan);
	UnregisterSnapshot(snapshot);
	table_close(rel, AccessShareLock);
	return n;
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
	sg_state_changed(false);
}

/*
 * Does the catalog describe this database of this cluster?  (Read each
 * time; sg_catalog_clean() remembers what it can.)
 */
bool
sg_catalog_is_ready(void)
{
	char		sysid[32];
	bool		ready = false;
	Relation	rel;
	Snapshot	snapshot;
	TableScanDesc scan;
	HeapTuple	tup;

	snprintf(sysid, sizeof(sysid), UINT64_FORMAT, GetSystemIdentifier());
	rel = table_open(sg_catalog_relid("catalog_origin"), AccessShareLock);
	snapshot = RegisterSnapshot(GetLatestSnapshot());
	scan = table_beginscan(rel, snapshot, 0, NULL);
	if ((tup = heap_getnext(scan, ForwardScanDirection)) != NULL)
	{
		bool		isnull;
		Datum		stored = heap_getattr(tup, 1, RelationGetDescr(rel), &isnull);
		Oid			dboid = DatumGetObjectId(heap_getattr(tup, 2,
														  RelationGetDescr(rel),
														  &isnull));

		ready = !isnull && dboid == MyDatabaseId &&
			strcmp(TextDatumGetCString(stored), sysid) == 0;
		if (heap_getnext(scan, ForwardScanDirection) != NULL)
			ready = false;
	}
	table_endscan(scan);
	UnregisterSnapshot(snapshot);
	table_close(rel, AccessShareLock);
	return ready;
}

/*
 * Are functions waiting to be analysed?  Asked before every DDL command.
 * Read by the index: after a catch-up has deleted thousands of rows, a scan
 * of the table would pass every dead one until VACUUM, where an index scan
 * marks their entries dead once and skips them from then on.
 */
bool
sg_catalog_any_pending(void)
{
	Relation	rel;
	Snapshot	snapshot;
	SysScanDesc scan;
	bool		result;

	rel = table_open(sg_catalog_relid("pending_analysis"), AccessShareLock);
	snapshot = RegisterSnapshot(GetLatestSnapshot());
	scan = systable_beginscan(rel, sg_catalog_relid("pending_analysis_pkey"),
							  true, snapshot, 0, NULL);
	result = HeapTupleIsValid(systable_getnext(scan));
	systable_endscan(scan);
	UnregisterSnapshot(snapshot);
	table_close(rel, AccessShareLock);
	return result;
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
	sg_state_changed(true);
}
