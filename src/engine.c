/*-------------------------------------------------------------------------
 *
 * engine.c
 *	  Analyse one unit: find everything a function body references,
 *	  resolved the way it resolves when the function runs.
 *
 * The driver sets up what run time would: the function's own search_path
 * (or the session's default one, for functions without SET search_path),
 * the function owner as current user (so "$user" and schema privileges
 * resolve as they will), and, for a trigger function, the trigger's table
 * as the row type of NEW and OLD.  The language engines then put every
 * statement and expression of the body through PostgreSQL's raw parser
 * and parse analysis; planning is never done.
 *
 * All of it runs in a subtransaction that is always rolled back, so the
 * analysis leaves nothing behind: no locks, no relcache pins, no changed
 * settings.  A failing point aborts that subtransaction; the failure is
 * recorded on the next pass, which skips every point already analysed.
 * Errors that are not about the body (cancel, shutdown, out of memory)
 * are re-thrown, never recorded.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_language.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "commands/proclang.h"
#include "common/hashfn.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "nodes/makefuncs.h"
#include "miscadmin.h"
#include "parser/analyze.h"
#include "parser/parse_node.h"
#include "parser/parse_type.h"
#include "parser/scanner.h"
#include "parser/gram.h"		/* after scanner.h, which it needs */
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/catcache.h"
#include "utils/datetime.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"
#include "utils/varlena.h"

#include "compat.h"
#include "engine.h"

/* A body with more failing points than this is reported as incomplete. */
#define SG_MAX_FAILURES		500

static Oid	sg_plpgsql_language = InvalidOid;

static List *sg_analyze_units_now(Oid fn, const char *session_path,
								  bool new_definition);

/* The hashes of one version of a pg_proc row (sg_proc_hashes()). */
typedef struct SgProcHashes
{
	Oid			fn;
	TransactionId xmin;
	ItemPointerData tid;
	int64		definition;
	int64		interface;
} SgProcHashes;

static SgProcHashes *sg_proc_hashes(HeapTuple proctup);
static bool sg_is_extension_member(Oid fn);
static int64 sg_proc_definition_now(const Datum *values, const bool *nulls);
static int64 sg_proc_interface_now(const Datum *values, const bool *nulls);
static List *sg_analyze_units(Oid fn, const char *session_path,
							  bool new_definition, bool nowait);
static SgAnalysis *sg_analyze_one(Oid fn, Oid tg, const char *session_path,
								  bool new_definition);
static bool sg_validator_compiled_alike(SgUnitState *us,
										const char *session_path);
static void sg_trigger_facts(Form_pg_trigger trig, HeapTuple tup,
							 TupleDesc desc, SgTriggerFacts *facts);
static bool sg_path_names_user(const char *path);
static void sg_unit_setup_trigger(SgUnitState *us);
static void sg_enter_unit_environment(SgUnitState *us, const char *path);
static void sg_record_failure(SgUnitState *us, SgPoint *pc, RawStmt *raw,
							  ErrorData *edata);
static void sg_record_statement_failure(SgUnitState *us, SgPoint *pc,
										RawStmt *raw, SgRawScan *scan,
										ErrorData *edata);
static void sg_record_unit_failure(SgUnitState *us, ErrorData *edata);
static char *sg_detail_clause(const char *detail);
static bool sg_names_polymorphic_argument(SgUnitState *us, List *names);
static bool sg_datestyle_dependent(SgUnitState *us, SgPoint *pc,
								   SgRawName *at);
static char *sg_string_literal_at(const char *src, int location);
static void sg_fallback_relations(SgUnitState *us, SgPoint *pc,
								  SgRawScan *scan, SgRawName *failed);
static void sg_fallback_name(SgUnitState *us, SgPoint *pc, SgRawName *item);
static void sg_note_raw_scan(SgUnitState *us, SgPoint *pc, SgRawScan *scan);
static char *sg_creation_name(List *names);
static bool sg_runs_in_order(SgUnitState *us);
static bool sg_local_relation_name(SgPoint *pc, SgRawScan *scan,
								   const char *name);
static SgChange *sg_changed_before(SgUnitState *us, SgRawName *item);
static const char *sg_change_verb(SgChange *change);
static void sg_note_ddl_failure(SgUnitState *us, SgRef *ref,
								const char *relname);
static void sg_finish_ddl_failures(SgUnitState *us);
static bool sg_shadowed_by_temp(SgUnitState *us, SgPoint *pc,
								SgRawScan *scan, SgRawName *item);
static const char *sg_statement_uncertainty(SgUnitState *us, SgPoint *pc,
											SgRawScan *scan);
static const char *sg_role_schema_with(SgUnitState *us, SgRawName *item);
static void sg_collect_view_query(SgUnitState *us, SgPoint *pc,
								  SgRawScan *scan, ViewStmt *stmt);
static char sg_utility_severity(SgPoint *pc, SgRawName *item,
							   int sqlerrcode, char **note);
static void sg_finish_refs(SgUnitState *us);
static bool sg_error_must_propagate(ErrorData *edata);
static Query *sg_transform(SgPoint *pc, RawStmt *raw);
static int	sg_char_to_byte(const char *src, int charpos);
static const char *sg_default_hint(const char *check);
static int	sg_ref_cmp(const void *a, const void *b);
static bool sg_handler_matches(PLpgSQL_exception *exception, int sqlerrcode);
static void sg_detect_setting_changes(SgUnitState *us);
static bool sg_body_sets(const char *src, bool sets_config,
						 const char *setting, int *line);
static void sg_add_body_words(SgUnitState *us);
static bool sg_unattached_trigger_function(SgUnitState *us);
static Oid	sg_extension_schema(Oid ext);

/*
 * Whether the last schema asked about holds functions schema_guard reads
 * (not a temporary schema, not schema_guard's own): functions come in
 * schema order when thousands are analysed.  Forgotten when any schema
 * changes.
 */
static Oid	sg_last_namespace = InvalidOid;
static bool sg_last_namespace_read = false;

static void
sg_namespace_changed(Datum arg, int cacheid, uint32 hashvalue)
{
	sg_last_namespace = InvalidOid;
}

void
sg_engine_init(void)
{
	CacheRegisterSyscacheCallback(NAMESPACEOID, sg_namespace_changed, (Datum) 0);
}

static bool
sg_namespace_is_read(Oid nsp)
{
	if (nsp != sg_last_namespace || !OidIsValid(nsp))
	{
		sg_last_namespace_read = !isAnyTempNamespace(nsp) &&
			nsp != get_namespace_oid("schema_guard", true);
		sg_last_namespace = nsp;
	}
	return sg_last_namespace_read;
}

/*
 * Is this a function whose body schema_guard reads?  PL/pgSQL and SQL
 * functions and procedures created by users (extensions included), except
 * temporary ones and schema_guard's own.
 */
bool
sg_function_is_analysable(Oid fn)
{
	HeapTuple	tup;
	Form_pg_proc proc;
	bool		result;

	if (!sg_user_object(fn))
		return false;
	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(fn));
	if (!HeapTupleIsValid(tup))
		return false;
	proc = (Form_pg_proc) GETSTRUCT(tup);

	if (!OidIsValid(sg_plpgsql_language))
		sg_plpgsql_language = get_language_oid("plpgsql", true);

	result = (proc->prolang == SQLlanguageId ||
			  (OidIsValid(sg_plpgsql_language) &&
			   proc->prolang == sg_plpgsql_language)) &&
		(proc->prokind == PROKIND_FUNCTION ||
		 proc->prokind == PROKIND_PROCEDURE) &&
		sg_namespace_is_read(proc->pronamespace);
	ReleaseSysCache(tup);
	return result;
}

/* Objects created by users; built-in objects cannot be dropped. */
bool
sg_user_object(Oid oid)
{
	return oid >= FirstNormalObjectId;
}

/* Is this a temporary relation (of any session)?  False if it is gone. */
bool
sg_relation_is_temp(Oid relid)
{
	HeapTuple	tup;
	bool		result;

	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(tup))
		return false;
	result = ((Form_pg_class) GETSTRUCT(tup))->relpersistence == RELPERSISTENCE_TEMP;
	ReleaseSysCache(tup);
	return result;
}

/*
 * The units of a function: one per trigger calling it for a trigger
 * function that has triggers, else the function alone.  Triggers are
 * found through pg_depend, which records each trigger's function.
 */
List *
sg_function_units(Oid fn)
{
	List	   *units = NIL;
	SgUnit	   *unit;

	if (!sg_function_is_analysable(fn))
		return NIL;

	if (get_func_rettype(fn) == TRIGGEROID)
	{
		Relation	rel;
		ScanKeyData key[2];
		SysScanDesc scan;
		HeapTuple	tup;
		List	   *tgoids = NIL;
		ListCell   *lc;

		rel = table_open(DependRelationId, AccessShareLock);
		ScanKeyInit(&key[0], Anum_pg_depend_refclassid, BTEqualStrategyNumber,
					F_OIDEQ, ObjectIdGetDatum(ProcedureRelationId));
		ScanKeyInit(&key[1], Anum_pg_depend_refobjid, BTEqualStrategyNumber,
					F_OIDEQ, ObjectIdGetDatum(fn));
		scan = systable_beginscan(rel, DependReferenceIndexId, true, NULL,
								  2, key);
		while (HeapTupleIsValid(tup = systable_getnext(scan)))
		{
			Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tup);

			if (dep->classid == TriggerRelationId &&
				dep->deptype == DEPENDENCY_NORMAL)
				tgoids = list_append_unique_oid(tgoids, dep->objid);
		}
		systable_endscan(scan);
		table_close(rel, AccessShareLock);

		list_sort(tgoids, list_oid_cmp);
		foreach(lc, tgoids)
		{
			unit = palloc(sizeof(SgUnit));
			unit->fn = fn;
			unit->tg = lfirst_oid(lc);
			units = lappend(units, unit);
		}
		if (units != NIL)
			return units;
	}

	unit = palloc(sizeof(SgUnit));
	unit->fn = fn;
	unit->tg = InvalidOid;
	return list_make1(unit);
}

/*
 * The search_path a function sets for itself (SET search_path), or NULL.
 */
static char *
sg_function_config_path(Oid fn)
{
	HeapTuple	tup;
	Datum		config;
	bool		isnull;
	char	   *result = NULL;

	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(fn));
	if (!HeapTupleIsValid(tup))
		return NULL;
	config = SysCacheGetAttr(PROCOID, tup, Anum_pg_proc_proconfig, &isnull);
	if (!isnull)
	{
		ArrayType  *array = DatumGetArrayTypeP(config);
		Datum	   *items;
		int			nitems;
		int			i;

		deconstruct_array(array, TEXTOID, -1, false, TYPALIGN_INT,
						  &items, NULL, &nitems);
		for (i = 0; i < nitems; i++)
		{
			char	   *item = TextDatumGetCString(items[i]);

			if (pg_strncasecmp(item, "search_path=", 12) == 0)
				result = pstrdup(item + 12);
		}
	}
	ReleaseSysCache(tup);
	return result;
}

/* Does a search_path name "$user"? */
static bool
sg_path_names_user(const char *path)
{
	char	   *copy = pstrdup(path);
	List	   *elems;
	ListCell   *lc;

	if (!SplitIdentifierString(copy, ',', &elems))
		return false;
	foreach(lc, elems)
	{
		if (strcmp((char *) lfirst(lc), "$user") == 0)
			return true;
	}
	return false;
}

/*
 * The session path to analyse a function with: the one its stored analysis
 * was made with (the path of the session that created it, which
 * creation_path records too), or the recorded one of a function without a
 * stored analysis, or failing both the default.  Resolving with the
 * creating session's path, always, keeps a DDL run from a session with
 * another path from seeing breaks that are only differences of path.
 */
const char *
sg_session_path(List *analyses, Oid fn)
{
	const char *path;

	if (analyses != NIL && ((SgAnalysis *) linitial(analyses))->session_path)
		return ((SgAnalysis *) linitial(analyses))->session_path;
	if (sg_member_session_path(fn) == NULL &&
		(path = sg_catalog_recorded_path(fn)) != NULL)
		return path;
	return sg_default_session_path(fn);
}

/* The schema of an extension, or InvalidOid. */
static Oid
sg_extension_schema(Oid ext)
{
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	Oid			result = InvalidOid;

	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_extension_oid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(ext));
	scan = systable_beginscan(rel, ExtensionOidIndexId, true, NULL, 1, &key);
	tup = systable_getnext(scan);
	if (HeapTupleIsValid(tup))
		result = ((Form_pg_extension) GETSTRUCT(tup))->extnamespace;
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return result;
}

/*
 * The path to analyse a function with when none is stored: for a member
 * of an extension, the path its script ran with (the extension's schema,
 * then those of the extensions it requires), which is what its code
 * expects; for any other function, the caller's.
 */
const char *
sg_default_session_path(Oid fn)
{
	const char *path = sg_member_session_path(fn);

	return path != NULL ? path : sg_caller_search_path();
}

/*
 * The path a member of an extension resolves with (its extension's schema,
 * then those of the extensions it requires); NULL for a function that is
 * no extension's member.
 */
const char *
sg_member_session_path(Oid fn)
{
	Oid			ext;
	Relation	rel;
	ScanKeyData key[2];
	SysScanDesc scan;
	HeapTuple	tup;
	StringInfoData path;
	char	   *schema;

	if (!sg_is_extension_member(fn))
		return NULL;
	ext = getExtensionOfObject(ProcedureRelationId, fn);
	if (!OidIsValid(ext) ||
		(schema = get_namespace_name(sg_extension_schema(ext))) == NULL)
		return NULL;

	initStringInfo(&path);
	appendStringInfoString(&path, quote_identifier(schema));
	rel = table_open(DependRelationId, AccessShareLock);
	ScanKeyInit(&key[0], Anum_pg_depend_classid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(ExtensionRelationId));
	ScanKeyInit(&key[1], Anum_pg_depend_objid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(ext));
	scan = systable_beginscan(rel, DependDependerIndexId, true, NULL, 2, key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tup);
		char	   *req;

		if (dep->refclassid == ExtensionRelationId &&
			(req = get_namespace_name(sg_extension_schema(dep->refobjid))) != NULL)
			appendStringInfo(&path, ", %s", quote_identifier(req));
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return path.data;
}

/*
 * Which functions belong to an extension is asked by every command that
 * replaces a function: the OIDs are kept, sorted, until an extension is
 * created, altered or dropped (by this session, or by another, which then
 * sends an invalidation: see sg_catalog_extensions_changed()).
 */
static Oid *sg_members = NULL;
static int	sg_nmembers = 0;
static bool sg_members_known = false;

static int
sg_oid_cmp(const void *a, const void *b)
{
	Oid			x = *(const Oid *) a;
	Oid			y = *(const Oid *) b;

	return (x > y) - (x < y);
}

static bool
sg_is_extension_member(Oid fn)
{
	if (!sg_members_known)
	{
		List	   *members = sg_extension_member_functions();
		ListCell   *lc;

		sg_members = MemoryContextAlloc(CacheMemoryContext,
										sizeof(Oid) * Max(list_length(members), 1));
		sg_nmembers = 0;
		foreach(lc, members)
			sg_members[sg_nmembers++] = lfirst_oid(lc);
		sg_members_known = true;
	}
	return bsearch(&fn, sg_members, sg_nmembers, sizeof(Oid), sg_oid_cmp) != NULL;
}

void
sg_forget_extension_members(void)
{
	if (sg_members != NULL)
		pfree(sg_members);
	sg_members = NULL;
	sg_members_known = false;
}

/*
 * The functions that belong to an extension, in OID order: those whose
 * default session path sg_default_session_path() has to work out.  One
 * scan of pg_depend for a load of many functions, rather than one per
 * function.
 */
List *
sg_extension_member_functions(void)
{
	List	   *result = NIL;
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;

	rel = table_open(DependRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_depend_refclassid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(ExtensionRelationId));
	scan = systable_beginscan(rel, DependReferenceIndexId, true, NULL, 1, &key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tup);

		if (dep->classid == ProcedureRelationId &&
			dep->deptype == DEPENDENCY_EXTENSION)
			result = lappend_oid(result, dep->objid);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	list_sort(result, list_oid_cmp);
	return result;
}

/*
 * A hash of some columns of a pg_proc row, given deformed ("fixed" ones by
 * value, the others by their bytes).
 */
static int64
sg_proc_hash(const Datum *values, const bool *nulls,
			 const AttrNumber *fixed, int nfixed,
			 const AttrNumber *varlena, int nvarlena)
{
	uint64		hash = 0;
	int			i;

	for (i = 0; i < nfixed; i++)
	{
		uint64		word = nulls[fixed[i] - 1] ? 0 : (uint64) values[fixed[i] - 1];

		hash = hash_bytes_extended((const unsigned char *) &word,
								   sizeof(word), hash);
	}
	for (i = 0; i < nvarlena; i++)
	{
		Datum		value;
		struct varlena *bytes;

		if (varlena[i] == InvalidAttrNumber)
			continue;
		if (nulls[varlena[i] - 1])
		{
			hash = hash_combine64(hash, i + 1);
			continue;
		}
		value = values[varlena[i] - 1];
		if (varlena[i] == Anum_pg_proc_proname)
		{
			hash = hash_bytes_extended((const unsigned char *) DatumGetCString(value),
									   strlen(DatumGetCString(value)), hash);
			continue;
		}
		bytes = PG_DETOAST_DATUM_PACKED(value);
		hash = hash_bytes_extended((const unsigned char *) VARDATA_ANY(bytes),
								   VARSIZE_ANY_EXHDR(bytes), hash);
		if ((Pointer) bytes != DatumGetPointer(value))
			pfree(bytes);
	}
	return (int64) hash;
}

/*
 * A hash of everything in a pg_proc row that analysis depends on, of the
 * function or of its callers: the body, the signature with its parameter
 * defaults, the language, the owner it runs as and its settings
 * (search_path).  GRANT, COMMENT or ALTER FUNCTION ... COST rewrite the row
 * but leave this unchanged, so a stored analysis stays current across them.
 */
int64
sg_proc_definition(HeapTuple proctup)
{
	return sg_proc_hashes(proctup)->definition;
}

/*
 * A hash of what the analysis of a call of the function depends on: its
 * name and schema, its parameters (types, modes, names, defaults), whether
 * it is variadic, its kind and its result.  A CREATE OR REPLACE that keeps
 * all of it (a new body, new settings) cannot change how calls of the
 * function resolve or type-check.
 */
int64
sg_proc_interface(HeapTuple proctup)
{
	return sg_proc_hashes(proctup)->interface;
}

/*
 * Both hashes of a pg_proc row.  The guard asks for them of the row a
 * command wrote before analysing it, and the analysis again: the last
 * row's are remembered, by where that version of the row is.
 */
static SgProcHashes *
sg_proc_hashes(HeapTuple proctup)
{
	static SgProcHashes last = {InvalidOid};
	Oid			fn = ((Form_pg_proc) GETSTRUCT(proctup))->oid;
	TransactionId xmin = HeapTupleHeaderGetRawXmin(proctup->t_data);

	if (last.fn != fn || last.xmin != xmin ||
		!ItemPointerEquals(&last.tid, &proctup->t_self))
	{
		static TupleDesc desc = NULL;
		Datum		values[Natts_pg_proc];
		bool		nulls[Natts_pg_proc];

		/* pg_proc's row type is fixed: its descriptor is kept */
		if (desc == NULL)
		{
			Relation	rel = table_open(ProcedureRelationId, AccessShareLock);
			MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);

			desc = CreateTupleDescCopy(RelationGetDescr(rel));
			MemoryContextSwitchTo(old);
			table_close(rel, AccessShareLock);
		}
		heap_deform_tuple(proctup, desc, values, nulls);
		last.fn = fn;
		last.xmin = xmin;
		last.tid = proctup->t_self;
		last.definition = sg_proc_definition_now(values, nulls);
		last.interface = sg_proc_interface_now(values, nulls);
	}
	return &last;
}

static int64
sg_proc_definition_now(const Datum *values, const bool *nulls)
{
	static const AttrNumber fixed[] = {
		Anum_pg_proc_pronamespace, Anum_pg_proc_proowner,
		Anum_pg_proc_prolang, Anum_pg_proc_provariadic,
		Anum_pg_proc_prokind, Anum_pg_proc_proretset,
		Anum_pg_proc_prorettype, Anum_pg_proc_pronargdefaults
	};
	static const AttrNumber varlena[] = {
		Anum_pg_proc_proname, Anum_pg_proc_proargtypes,
		Anum_pg_proc_proallargtypes, Anum_pg_proc_proargmodes,
		Anum_pg_proc_proargnames, Anum_pg_proc_proargdefaults,
		Anum_pg_proc_prosrc, SG_ANUM_PG_PROC_PROSQLBODY,
		Anum_pg_proc_proconfig
	};

	return sg_proc_hash(values, nulls, fixed, lengthof(fixed),
						varlena, lengthof(varlena));
}

static int64
sg_proc_interface_now(const Datum *values, const bool *nulls)
{
	static const AttrNumber fixed[] = {
		Anum_pg_proc_pronamespace, Anum_pg_proc_provariadic,
		Anum_pg_proc_prokind, Anum_pg_proc_proretset,
		Anum_pg_proc_prorettype, Anum_pg_proc_pronargdefaults
	};
	static const AttrNumber varlena[] = {
		Anum_pg_proc_proname, Anum_pg_proc_proargtypes,
		Anum_pg_proc_proallargtypes, Anum_pg_proc_proargmodes,
		Anum_pg_proc_proargnames, Anum_pg_proc_proargdefaults
	};

	return sg_proc_hash(values, nulls, fixed, lengthof(fixed),
						varlena, lengthof(varlena));
}

/*
 * Is a stored analysis still about the current definition of the
 * function?
 */
bool
sg_analysis_is_current(Oid fn, int64 definition)
{
	HeapTuple	tup;
	bool		result;

	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(fn));
	if (!HeapTupleIsValid(tup))
		return false;
	result = sg_proc_definition(tup) == definition;
	ReleaseSysCache(tup);
	return result;
}

/*
 * Bound what the catalog caches keep while many functions are analysed.
 * Every function name parse analysis or PL/pgSQL looks up stays cached as
 * a list, and PostgreSQL before 17 searches those lists one by one: after
 * thousands of functions, each look-up would walk thousands of lists.  So
 * every SG_LIST_UNITS units the lists are dropped (as any change to
 * pg_proc drops them), and every SG_PROC_UNITS units the cached functions
 * too, bodies included, so that memory does not grow with the number of
 * functions analysed.  Called once per unit analysed, and by loops that
 * read every function without analysing it.
 */
#define SG_LIST_UNITS 256
#define SG_PROC_UNITS 2048

void
sg_bound_caches(void)
{
	static int	units = 0;

	units++;
	if (units % SG_PROC_UNITS == 0)
		CatalogCacheFlushCatalog(ProcedureRelationId);
	else if (units % SG_LIST_UNITS == 0)
		SysCacheInvalidate(PROCNAMEARGSNSP, 0);
}

/*
 * Analyses whose results are stored (by the guard, a catch-up or a
 * rebuild) wait for no lock: their callers hold locks of their own (a DDL
 * command its table, a rebuild the catalog), so waiting for a table that
 * another session's DDL holds could deadlock with it.  A statement whose
 * table is locked is left out, the analysis is marked incomplete, and the
 * catalog has the function analysed again after the transaction.  (The
 * session holding the lock judges the function itself.)  Reports wait, as
 * any query would.
 */
static bool sg_analysis_nowait = false;

/* Analyse every unit of a function. */
List *
sg_analyze_function(Oid fn, const char *session_path)
{
	return sg_analyze_units(fn, session_path, false, false);
}

/* The same, to be stored: waiting for no lock. */
List *
sg_analyze_function_nowait(Oid fn, const char *session_path)
{
	return sg_analyze_units(fn, session_path, false, true);
}

/*
 * Analyse every unit of a function whose definition the current command
 * has just written (CREATE OR REPLACE FUNCTION).  PL/pgSQL's validator
 * compiled it since, in this command, after every other change the
 * command made: that compile is current, and is used rather than made
 * again.  A new body's analysis waits for the tables it uses: a session
 * changing one of them, which cannot see the new function yet, must have
 * committed (and the body then sees its change) or waits in turn for the
 * locks this one takes on what the body uses (sg_lock_references()).
 */
List *
sg_analyze_new_function(Oid fn, const char *session_path)
{
	return sg_analyze_units(fn, session_path, true, false);
}

/*
 * A copy of an analysis, in the current memory context, with only what
 * validate() reports of it: findings, and the relations it creates at run
 * time.
 */
SgAnalysis *
sg_analysis_findings(const SgAnalysis *a)
{
	SgAnalysis *copy = palloc0(sizeof(SgAnalysis));
	ListCell   *lc;

	copy->fn = a->fn;
	copy->tg = a->tg;
	copy->search_path = pstrdup(a->search_path);
	foreach(lc, a->refs)
	{
		SgRef	   *src = (SgRef *) lfirst(lc);
		SgRef	   *ref;

		if (src->severity == SG_OK && src->access != SG_ACCESS_CREATE)
			continue;
		ref = palloc(sizeof(SgRef));
		*ref = *src;
		ref->name = src->name ? pstrdup(src->name) : NULL;
		ref->written = src->written ? pstrdup(src->written) : NULL;
		ref->message = src->message ? pstrdup(src->message) : NULL;
		ref->hint = src->hint ? pstrdup(src->hint) : NULL;
		copy->refs = lappend(copy->refs, ref);
	}
	return copy;
}

static List *
sg_analyze_units(Oid fn, const char *session_path, bool new_definition,
				 bool nowait)
{
	bool		save_nowait = sg_analysis_nowait;
	List	   *result;

	sg_analysis_nowait = nowait;
	PG_TRY();
	{
		result = sg_analyze_units_now(fn, session_path, new_definition);
	}
	PG_FINALLY();
	{
		sg_analysis_nowait = save_nowait;
	}
	PG_END_TRY();
	return result;
}

static List *
sg_analyze_units_now(Oid fn, const char *session_path, bool new_definition)
{
	List	   *result = NIL;
	ListCell   *lc;

	foreach(lc, sg_function_units(fn))
	{
		SgUnit	   *unit = (SgUnit *) lfirst(lc);
		SgAnalysis *analysis = sg_analyze_one(unit->fn, unit->tg,
											  session_path, new_definition);

		if (analysis != NULL)
			result = lappend(result, analysis);
	}
	return result;
}

/*
 * Analyse one unit.  Names resolve with the function's own search_path,
 * or with session_path if it sets none.  Returns NULL if the function
 * does not exist or is not analysable.  The result is allocated in the
 * caller's memory context; everything else is freed before returning.
 */
SgAnalysis *
sg_analyze_unit(Oid fn, Oid tg, const char *session_path)
{
	return sg_analyze_one(fn, tg, session_path, false);
}

static SgAnalysis *
sg_analyze_one(Oid fn, Oid tg, const char *session_path, bool new_definition)
{
	MemoryContext caller = CurrentMemoryContext;
	MemoryContext unitcxt;
	ResourceOwner oldowner = CurrentResourceOwner;
	SgUnitState *us;
	SgAnalysis *result;
	HeapTuple	tup;
	Datum		src;
	bool		isnull;
	char	   *path;
	volatile bool done = false;
	int			passes = 0;
	bool		was_analysing;

	if (!sg_function_is_analysable(fn))
		return NULL;

	unitcxt = AllocSetContextCreate(CurrentMemoryContext,
									"schema_guard unit",
									ALLOCSET_DEFAULT_SIZES);
	MemoryContextSwitchTo(unitcxt);

	us = palloc0(sizeof(SgUnitState));
	us->fn = fn;
	us->tg = tg;
	us->cxt = unitcxt;
	us->point_cxt = AllocSetContextCreate(unitcxt, "schema_guard point",
										  ALLOCSET_DEFAULT_SIZES);

	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(fn));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for function %u", fn);
	us->proctup = heap_copytuple(tup);
	us->proc = (Form_pg_proc) GETSTRUCT(us->proctup);
	src = SysCacheGetAttr(PROCOID, tup, Anum_pg_proc_prosrc, &isnull);
	us->prosrc = isnull ? pstrdup("") : TextDatumGetCString(src);
	ReleaseSysCache(tup);

	us->dml_trigger = us->proc->prorettype == TRIGGEROID;
	us->polymorphic = IsPolymorphicType(us->proc->prorettype);
	{
		int			i;

		for (i = 0; i < us->proc->pronargs; i++)
		{
			if (IsPolymorphicType(us->proc->proargtypes.values[i]))
				us->polymorphic = true;
		}
	}
	sg_detect_setting_changes(us);
	if (OidIsValid(tg))
		sg_unit_setup_trigger(us);
	path = sg_function_config_path(fn);
	us->cached_compile_current = new_definition &&
		sg_validator_compiled_alike(us, path != NULL ? NULL : session_path);
	if (path == NULL)
		path = pstrdup(session_path ? session_path : "");
	us->caller_schema = !us->proc->prosecdef && sg_path_names_user(path);

	/* the types of the arguments and result: attributes of composite ones */
	{
		int			i;

		for (i = 0; i < us->proc->pronargs; i++)
			sg_type_use(us, us->proc->proargtypes.values[i], 0);
		sg_type_use(us, us->proc->prorettype, 0);
	}

	/* Analyse, restarting after each failing point. */
	was_analysing = sg_analysing;
	sg_analysing = true;
	while (!done)
	{
		us->point = 0;
		us->in_point = false;
		passes++;

		BeginInternalSubTransaction(NULL);
		MemoryContextSwitchTo(unitcxt);

		PG_TRY();
		{
			int			nestlevel = NewGUCNestLevel();
			Oid			save_userid;
			int			save_sec_context;

			/*
			 * Errors of the analysis are ours to read: keep the callers'
			 * error context callbacks (a SQL function, a DO block) from
			 * turning their positions into "internal" ones.  PG_TRY
			 * restores the stack.
			 */
			error_context_stack = NULL;
			GetUserIdAndSecContext(&save_userid, &save_sec_context);
			sg_enter_unit_environment(us, path);

			if (us->proc->prolang == SQLlanguageId)
				sg_sql_analyze(us);
			else
				sg_plpgsql_analyze(us);

			SetUserIdAndSecContext(save_userid, save_sec_context);
			AtEOXact_GUC(false, nestlevel);
			RollbackAndReleaseCurrentSubTransaction();
			MemoryContextSwitchTo(unitcxt);
			CurrentResourceOwner = oldowner;
			done = true;
		}
		PG_CATCH();
		{
			ErrorData  *edata;

			MemoryContextSwitchTo(unitcxt);
			edata = CopyErrorData();
			FlushErrorState();
			RollbackAndReleaseCurrentSubTransaction();
			MemoryContextSwitchTo(unitcxt);
			CurrentResourceOwner = oldowner;

			if (sg_analysis_nowait &&
				edata->sqlerrcode == ERRCODE_LOCK_NOT_AVAILABLE)
			{
				/*
				 * A table the statement uses is locked by another session
				 * (its own DDL, which judges this function itself): leave
				 * the statement out rather than wait, and have the function
				 * analysed again after this transaction.
				 */
				us->incomplete = true;
				if (us->in_point)
					us->resume_from = us->point + 1;
				else
					done = true;
			}
			else if (sg_error_must_propagate(edata))
			{
				sg_analysing = was_analysing;
				sg_plpgsql_finish(us);
				ReThrowError(edata);
			}

			if (!us->in_point)
			{
				/* Not inside any point: the body as a whole failed. */
				sg_record_unit_failure(us, edata);
				done = true;
			}
			else if (us->point == us->failed_point)
			{
				/* Recording the failure failed too: pass over the point. */
				us->resume_from = us->point + 1;
				us->failed_point = 0;
				us->failed_error = NULL;
			}
			else if (passes > SG_MAX_FAILURES)
			{
				sg_add_finding(us, SG_KIND_PROBLEM, SG_WARNING, 0,
							   SG_CHECK_ANALYSIS_FAILED, NULL, NULL,
							   psprintf("analysis stopped after %d failing statements",
										SG_MAX_FAILURES),
							   "Fix the statements reported above, then run validate() again.");
				done = true;
			}
			else
			{
				us->failed_point = us->point;
				us->failed_error = edata;
				us->failed_parsed = us->cur_parsed;
				us->failed_rewriting = us->rewriting;
				us->resume_from = us->point;
			}
			us->rewriting = false;
		}
		PG_END_TRY();
	}

	sg_analysing = was_analysing;
	sg_plpgsql_finish(us);
	sg_finish_ddl_failures(us);
	sg_finish_refs(us);

	MemoryContextSwitchTo(caller);
	result = palloc0(sizeof(SgAnalysis));
	result->fn = fn;
	result->tg = tg;
	result->definition = sg_proc_definition(us->proctup);
	result->interface = sg_proc_interface(us->proctup);
	result->incomplete = us->incomplete;
	result->search_path = pstrdup(path);
	result->session_path = pstrdup(session_path ? session_path : "");
	{
		ListCell   *lc;

		foreach(lc, us->refs)
		{
			SgRef	   *src_ref = (SgRef *) lfirst(lc);
			SgRef	   *ref = palloc(sizeof(SgRef));

			*ref = *src_ref;
			ref->name = src_ref->name ? pstrdup(src_ref->name) : NULL;
			ref->written = src_ref->written ? pstrdup(src_ref->written) : NULL;
			ref->message = src_ref->message ? pstrdup(src_ref->message) : NULL;
			ref->hint = src_ref->hint ? pstrdup(src_ref->hint) : NULL;
			result->refs = lappend(result->refs, ref);
		}
	}
	sg_plpgsql_release(us);
	MemoryContextDelete(unitcxt);
	sg_bound_caches();
	return result;
}

/*
 * What a unit needs to know of a trigger: its table, its function, its
 * transition table names and what its TG_ variables hold (any of the
 * outputs may be NULL).  Returns false if there is no such trigger.
 */
static bool
sg_trigger_lookup(Oid tg, Oid *relid, Oid *fn, char **newtable,
				  char **oldtable, SgTriggerFacts *facts)
{
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	bool		found;

	rel = table_open(TriggerRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_trigger_oid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(tg));
	scan = systable_beginscan(rel, TriggerOidIndexId, true, NULL, 1, &key);
	tup = systable_getnext(scan);
	found = HeapTupleIsValid(tup);
	if (found)
	{
		Form_pg_trigger trig = (Form_pg_trigger) GETSTRUCT(tup);
		Datum		d;
		bool		isnull;

		if (relid)
			*relid = trig->tgrelid;
		if (fn)
			*fn = trig->tgfoid;
		if (newtable)
		{
			d = heap_getattr(tup, Anum_pg_trigger_tgnewtable,
							 RelationGetDescr(rel), &isnull);
			*newtable = isnull ? NULL : pstrdup(NameStr(*DatumGetName(d)));
		}
		if (oldtable)
		{
			d = heap_getattr(tup, Anum_pg_trigger_tgoldtable,
							 RelationGetDescr(rel), &isnull);
			*oldtable = isnull ? NULL : pstrdup(NameStr(*DatumGetName(d)));
		}
		if (facts)
			sg_trigger_facts(trig, tup, RelationGetDescr(rel), facts);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return found;
}

/* The table of a trigger, or InvalidOid. */
Oid
sg_trigger_relation(Oid tg)
{
	Oid			relid = InvalidOid;

	(void) sg_trigger_lookup(tg, &relid, NULL, NULL, NULL, NULL);
	return relid;
}

/* The function a trigger calls, or InvalidOid. */
Oid
sg_trigger_function(Oid tg)
{
	Oid			fn = InvalidOid;

	(void) sg_trigger_lookup(tg, NULL, &fn, NULL, NULL, NULL);
	return fn;
}

/*
 * The values of a trigger's TG_ variables: its events, level and timing
 * (tgtype), its name, its table's name and schema, and its arguments
 * (tgargs holds tgnargs strings, each ending in a null byte).
 */
static void
sg_trigger_facts(Form_pg_trigger trig, HeapTuple tup, TupleDesc desc,
				 SgTriggerFacts *facts)
{
	Datum		d;
	bool		isnull;

	facts->type = trig->tgtype;
	facts->relid = trig->tgrelid;
	facts->name = pstrdup(NameStr(trig->tgname));
	facts->relname = get_rel_name(trig->tgrelid);
	facts->schema = get_namespace_name(get_rel_namespace(trig->tgrelid));
	facts->nargs = trig->tgnargs;
	facts->args = palloc0(sizeof(char *) * Max(trig->tgnargs, 1));
	d = heap_getattr(tup, Anum_pg_trigger_tgargs, desc, &isnull);
	if (!isnull && trig->tgnargs > 0)
	{
		bytea	   *bytes = DatumGetByteaPP(d);
		const char *p = VARDATA_ANY(bytes);
		const char *end = p + VARSIZE_ANY_EXHDR(bytes);
		int			i;

		for (i = 0; i < trig->tgnargs && p < end; i++)
		{
			size_t		len = strnlen(p, end - p);

			facts->args[i] = pnstrdup(p, len);
			p += len + 1;
		}
	}
}

/* Read what a unit needs to know about its trigger. */
static void
sg_unit_setup_trigger(SgUnitState *us)
{
	us->trigger = palloc0(sizeof(SgTriggerFacts));
	if (!sg_trigger_lookup(us->tg, &us->trigrel, NULL, &us->trig_newtable,
						   &us->trig_oldtable, us->trigger))
		us->trigger = NULL;
}

/*
 * The settings of a function (SET clauses) that change how its body
 * compiles and parses; a call applies them before PL/pgSQL compiles it.
 * (search_path is applied on its own.)  Others (timeouts, role, logging)
 * say nothing about what the body uses, and are left alone.
 */
static const char *const sg_body_settings[] = {
	"plpgsql.variable_conflict",
	"standard_conforming_strings",
	"backslash_quote",
	"transform_null_equals",
	"datestyle",
	"intervalstyle",
	"timezone"
};

/*
 * Make names resolve as when the function runs: its search_path, with
 * the session's temporary schema searched last (this session's temporary
 * tables are not the application's), its settings that change how the
 * body compiles, and the function owner as the user.  A setting that
 * cannot be applied is left as the session has it.
 */
static void
sg_enter_unit_environment(SgUnitState *us, const char *path)
{
	Oid			save_userid;
	int			save_sec_context;
	char	   *full_path;
	Datum		config;
	bool		isnull;

	config = SysCacheGetAttr(PROCOID, us->proctup, Anum_pg_proc_proconfig,
							 &isnull);
	if (!isnull)
	{
		Datum	   *items;
		int			nitems;
		int			i;

		deconstruct_array(DatumGetArrayTypeP(config), TEXTOID, -1, false,
						  TYPALIGN_INT, &items, NULL, &nitems);
		for (i = 0; i < nitems; i++)
		{
			char	   *name;
			char	   *value;
			int			j;

			ParseLongOption(TextDatumGetCString(items[i]), &name, &value);
			if (pg_strcasecmp(name, "datestyle") == 0)
				us->pins_datestyle = true;
			for (j = 0; value != NULL && j < lengthof(sg_body_settings); j++)
			{
				if (pg_strcasecmp(name, sg_body_settings[j]) == 0)
				{
					(void) set_config_option(name, value, PGC_SUSET,
											 PGC_S_SESSION, GUC_ACTION_SAVE,
											 true, DEBUG1, false);
					break;
				}
			}
		}
	}

	if (strstr(path, "pg_temp") == NULL)
		full_path = psprintf("%s%spg_temp", path, path[0] ? ", " : "");
	else
		full_path = pstrdup(path);

	(void) set_config_option("search_path", full_path, PGC_USERSET,
							 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);

	/*
	 * What parse analysis says below ERROR is about the body, not for the
	 * client of the statement that had it analysed (sg_analysing keeps it
	 * out of the server log).
	 */
	(void) set_config_option("client_min_messages", "error", PGC_USERSET,
							 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	if (sg_analysis_nowait)
		(void) set_config_option("lock_timeout", "1", PGC_USERSET,
								 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);

	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(us->proc->proowner,
						   save_sec_context | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
}

/*
 * Did PL/pgSQL's validator, compiling a new definition of the function in
 * this command, resolve the names its compile resolves (declared types,
 * %TYPE, %ROWTYPE) as the analysis would?  It ran as the current user,
 * with the function's own settings, its search_path or else the session's,
 * and pg_temp first; the analysis applies the settings that change how a
 * body compiles, but runs as the owner, with pg_temp last.  So: the same
 * path ("session_path" is NULL
 * when the function sets its own), no temporary schema, and no schema that
 * "$user" could name for one but not the other.  Polymorphic types the
 * validator replaces its own way.
 */
static bool
sg_validator_compiled_alike(SgUnitState *us, const char *session_path)
{
	Oid			temp_schema;
	Oid			temp_toast_schema;
	Oid			users[2];
	int			i;

	if (us->polymorphic)
		return false;
	if (session_path != NULL &&
		strcmp(session_path, sg_caller_search_path()) != 0)
		return false;
	GetTempNamespaceState(&temp_schema, &temp_toast_schema);
	if (OidIsValid(temp_schema))
		return false;
	users[0] = us->proc->proowner;
	users[1] = GetOuterUserId();
	for (i = 0; i < lengthof(users); i++)
	{
		char	   *name = GetUserNameFromId(users[i], true);

		if (name == NULL || OidIsValid(get_namespace_oid(name, true)))
			return false;
	}
	return true;
}

/*
 * Errors that say something about the session rather than the body must
 * reach the user: a cancel must stop validate(), not become a report row.
 */
static bool
sg_error_must_propagate(ErrorData *edata)
{
	int			category = ERRCODE_TO_CATEGORY(edata->sqlerrcode);

	return category == ERRCODE_TO_CATEGORY(ERRCODE_OPERATOR_INTERVENTION) ||
		category == ERRCODE_TO_CATEGORY(ERRCODE_INSUFFICIENT_RESOURCES) ||
		category == ERRCODE_TO_CATEGORY(ERRCODE_TRANSACTION_ROLLBACK) ||
		edata->sqlerrcode == ERRCODE_LOCK_NOT_AVAILABLE;
}

/*
 * Parse the text of a point that may hold several statements (the body of
 * a SQL function, a constant EXECUTE string).  A syntax error is recorded
 * as a failure of the point; the result is then NIL.  The returned trees
 * live in the unit's memory.
 */
List *
sg_point_parse(SgUnitState *us, SgPoint *pc)
{
	int			p = ++us->point;
	MemoryContext old;
	List	   *result;

	us->in_point = true;
	us->cur_parsed = false;
	if (p == us->failed_point)
	{
		sg_record_failure(us, pc, NULL, us->failed_error);
		return NIL;
	}

	/*
	 * A pass after a failing point parses the same text again: reuse what
	 * the first pass parsed, so that a body with many failing statements is
	 * parsed once, not once per failure.
	 */
	if (p == us->parsed_point)
		return us->parsed;
	old = MemoryContextSwitchTo(us->cxt);
	result = sg_raw_parse(pc->src);
	MemoryContextSwitchTo(old);
	us->parsed_point = p;
	us->parsed = result;
	return result;
}

/*
 * Analyse one statement at the next analysis point.  "raw" is the parsed
 * statement, or NULL to parse pc->src as one expression of pc->mode.
 *
 * Returns the analysed query, valid until the next point, or NULL when
 * the point was analysed in an earlier pass or failed.
 */
Query *
sg_point_analyze(SgUnitState *us, SgPoint *pc, RawStmt *raw)
{
	MemoryContext old = CurrentMemoryContext;
	SgRawScan	scan;
	Query	   *query;
	const char *saved_uncertain = pc->uncertain;
	ListCell   *lc;

	if (!sg_point_enter(us, pc, raw))
		return NULL;

	old = MemoryContextSwitchTo(us->point_cxt);
	us->cur_parsed = false;
	if (raw == NULL)
		raw = linitial_node(RawStmt, sg_raw_parse_mode(pc->src, pc->mode));
	else
		raw = copyObject(raw);	/* parse analysis may scribble on its input,
								 * and later passes reuse the caller's */
	us->cur_parsed = true;

	memset(&scan, 0, sizeof(scan));
	sg_raw_scan(raw->stmt, &scan);
	scan.stmt_line = sg_line_at(pc, sg_statement_start(pc->src, raw->stmt_location));
	pc->scan = &scan;
	pc->unit = us;
	sg_note_raw_scan(us, pc, &scan);

	/*
	 * A statement using a temporary table the body created is not analysed
	 * against a permanent table of that name; only what else it names is
	 * recorded.
	 */
	foreach(lc, scan.items)
	{
		if (sg_shadowed_by_temp(us, pc, &scan, (SgRawName *) lfirst(lc)))
		{
			sg_fallback_relations(us, pc, &scan, NULL);
			pc->uncertain = saved_uncertain;
			pc->scan = NULL;
			MemoryContextSwitchTo(old);
			return NULL;
		}
	}

	query = sg_transform(pc, raw);
	sg_refuse_temp_relations(pc, &scan, query);
	if (query->commandType == CMD_UTILITY)
		sg_collect_utility(us, pc, &scan, raw->stmt);
	if (IsA(raw->stmt, ViewStmt))
		sg_collect_view_query(us, pc, &scan, (ViewStmt *) raw->stmt);
	sg_collect_query(us, pc, &scan, query);

	us->last_scan = palloc(sizeof(SgRawScan));
	*us->last_scan = scan;
	us->last_point = pc;
	pc->uncertain = saved_uncertain;
	pc->scan = NULL;
	MemoryContextSwitchTo(old);
	return query;
}

/*
 * The query of CREATE VIEW, analysed as the command will: without the
 * body's parameter hooks (a view cannot use the function's variables).
 */
static void
sg_collect_view_query(SgUnitState *us, SgPoint *pc, SgRawScan *scan,
					  ViewStmt *stmt)
{
	SgPoint		view = *pc;
	RawStmt    *raw = makeNode(RawStmt);
	Query	   *query;

	view.setup = NULL;
	view.setup_arg = NULL;
	view.queryenv = NULL;
	raw->stmt = stmt->query;
	raw->stmt_location = -1;
	query = sg_transform(&view, raw);
	sg_refuse_temp_relations(&view, scan, query);
	sg_collect_query(us, &view, scan, query);
}

/*
 * Enter the next analysis point.  Returns true if the caller is to
 * analyse it now; false if it was done in an earlier pass, or if it is the
 * point that failed, whose failure this records.  "raw" is the point's
 * statement if the caller has it parsed already.
 */
bool
sg_point_enter(SgUnitState *us, SgPoint *pc, RawStmt *raw)
{
	int			p = ++us->point;
	MemoryContext old;

	CHECK_FOR_INTERRUPTS();
	if (p < us->resume_from)
		return false;

	MemoryContextReset(us->point_cxt);
	us->in_point = true;
	us->cur_parsed = false;
	us->last_scan = NULL;
	us->last_point = NULL;
	if (p != us->failed_point)
		return true;

	old = MemoryContextSwitchTo(us->point_cxt);
	if (raw == NULL && us->failed_parsed)
		raw = linitial_node(RawStmt, sg_raw_parse_mode(pc->src, pc->mode));
	sg_record_failure(us, pc, raw, us->failed_error);
	MemoryContextSwitchTo(old);
	return false;
}

/* Parse analysis, as PostgreSQL does it before planning; nothing more. */
static Query *
sg_transform(SgPoint *pc, RawStmt *raw)
{
	ParseState *pstate = make_parsestate(NULL);
	Query	   *query;

	pstate->p_sourcetext = pc->src;
	pstate->p_queryEnv = pc->queryenv;
	if (pc->setup)
		pc->setup(pstate, pc->setup_arg);
	query = transformTopLevelStmt(pstate, raw);
	free_parsestate(pstate);
	return query;
}

/*
 * Remember what a statement says about the body as a whole: whether it
 * sets search_path, and what it creates, alters or drops.  A relation it
 * creates is recorded too (access SG_ACCESS_CREATE), by the name it gets
 * where it is created, so that other functions' uses of it are judged
 * knowing that (sg_created_at_run_time()).
 */
static void
sg_note_raw_scan(SgUnitState *us, SgPoint *pc, SgRawScan *scan)
{
	ListCell   *lc;

	if (scan->sets_search_path && !us->changes_search_path)
	{
		us->changes_search_path = true;
		us->search_path_line = pc->base_line;
	}
	foreach(lc, scan->changes)
	{
		SgRawName  *item = (SgRawName *) lfirst(lc);
		MemoryContext old = MemoryContextSwitchTo(us->cxt);
		SgChange   *change = palloc(sizeof(SgChange));
		int			n = list_length(item->names);

		change->category = item->category;
		change->access = item->access;
		change->temp = n >= 2 &&
			strcmp(strVal(list_nth(item->names, n - 2)), "pg_temp") == 0;
		change->name = pstrdup(item->name);
		change->point = us->point;
		change->line = item->location >= 0 ?
			sg_line_at(pc, item->location) : scan->stmt_line;
		us->changes = lappend(us->changes, change);
		MemoryContextSwitchTo(old);
		if (item->category == SG_KIND_RELATION &&
			item->access == SG_ACCESS_CREATE)
			sg_add_ref(us, SG_KIND_RELATION, SG_ACCESS_CREATE, change->line,
					   InvalidOid, InvalidOid, 0, item->name,
					   sg_creation_name(item->names));
	}
}

/*
 * "schema.name" of a relation a statement creates (as NameListToString
 * writes it): an unqualified name goes to the first schema of the path.
 * (The analysing session's temporary schema, which the analysis puts last,
 * is not the function's.)
 */
static char *
sg_creation_name(List *names)
{
	ListCell   *lc;

	if (list_length(names) > 1)
		return NameListToString(names);
	foreach(lc, fetch_search_path(false))
	{
		if (!isAnyTempNamespace(lfirst_oid(lc)))
			return psprintf("%s.%s", get_namespace_name(lfirst_oid(lc)),
							strVal(linitial(names)));
	}
	return NameListToString(names);
}

/*
 * Are the body's statements analysed as they run, each after the ones
 * before it have run?  Then they see what those create or change.  Not so
 * in SQL functions before PostgreSQL 18, which analyse every statement
 * before the first one runs.
 */
static bool
sg_runs_in_order(SgUnitState *us)
{
	return us->proc->prolang != SQLlanguageId || !SG_SQL_ANALYSED_UPFRONT;
}

/* Is an unqualified relation name of a statement a CTE or transition table? */
static bool
sg_local_relation_name(SgPoint *pc, SgRawScan *scan, const char *name)
{
	ListCell   *lc;

	foreach(lc, scan->cte_names)
	{
		if (strcmp((char *) lfirst(lc), name) == 0)
			return true;
	}
	return pc->queryenv != NULL &&
		get_visible_ENR_metadata(pc->queryenv, name) != NULL;
}

/*
 * What an earlier statement of the body changes at run time that this
 * name (a relation, type or function of the statement) names, or NULL.
 */
static SgChange *
sg_changed_before(SgUnitState *us, SgRawName *item)
{
	ListCell   *lc;

	if (item->category == SG_KIND_COLUMN || !sg_runs_in_order(us))
		return NULL;
	foreach(lc, us->changes)
	{
		SgChange   *change = (SgChange *) lfirst(lc);

		if (change->point >= us->point || strcmp(change->name, item->name) != 0)
			continue;
		if (item->category == 's' ||
			(change->category == SG_KIND_FUNCTION) ==
			(item->category == SG_KIND_FUNCTION))
			return change;
	}
	return NULL;
}

static const char *
sg_change_verb(SgChange *change)
{
	switch (change->access)
	{
		case SG_ACCESS_CREATE:
			return "creates";
		case SG_ACCESS_DELETE:
			return "drops";
		case SG_CHANGE_RENAME:
			return "renames or moves";
		default:
			return "alters";
	}
}

/*
 * Is an unqualified relation name of the statement a temporary table an
 * earlier statement of the body created?  That table comes first in the
 * path whenever the statement runs: the statement never uses a permanent
 * relation of that name.
 */
static bool
sg_shadowed_by_temp(SgUnitState *us, SgPoint *pc, SgRawScan *scan,
					SgRawName *item)
{
	ListCell   *lc;

	if (item->category != SG_KIND_RELATION || list_length(item->names) != 1)
		return false;
	foreach(lc, us->changes)
	{
		SgChange   *change = (SgChange *) lfirst(lc);

		if (change->temp && change->access == SG_ACCESS_CREATE &&
			change->point < us->point && strcmp(change->name, item->name) == 0)
			return sg_runs_in_order(us) &&
				!sg_local_relation_name(pc, scan, item->name);
	}
	return false;
}

/*
 * Why failures of a statement are not certain, because of what its names
 * may resolve to when it runs, or NULL: it names something an earlier
 * statement of the body changes; it names a relation without a schema
 * while the body changes its search_path; or, in a SECURITY INVOKER
 * function whose path has "$user", a name the schema of some role (the
 * caller's, at run time) has.
 */
static const char *
sg_statement_uncertainty(SgUnitState *us, SgPoint *pc, SgRawScan *scan)
{
	ListCell   *lc;

	foreach(lc, scan->items)
	{
		SgRawName  *item = (SgRawName *) lfirst(lc);
		SgChange   *change = sg_changed_before(us, item);
		bool		unqualified = list_length(item->names) == 1 &&
			item->category != SG_KIND_COLUMN && item->category != 's' &&
			!(item->category == SG_KIND_RELATION &&
			  sg_local_relation_name(pc, scan, item->name));
		const char *schema;

		if (change != NULL)
			return psprintf("the function %s \"%s\" at line %d",
							sg_change_verb(change), change->name,
							change->line);
		if (unqualified && us->changes_search_path &&
			item->category == SG_KIND_RELATION)
			return "the function changes its search_path at run time";
		if (unqualified && us->caller_schema &&
			(schema = sg_role_schema_with(us, item)) != NULL)
			return psprintf("\"$user\" in its search_path is the calling role, and schema \"%s\" has \"%s\"",
							schema, item->name);
	}
	return NULL;
}

/*
 * The name of a schema named like a role that has an object of the item's
 * name and category, or NULL.
 */
static const char *
sg_role_schema_with(SgUnitState *us, SgRawName *item)
{
	ListCell   *lc;

	if (!us->role_schemas_read)
	{
		MemoryContext old = MemoryContextSwitchTo(us->cxt);
		Relation	rel = table_open(NamespaceRelationId, AccessShareLock);
		SysScanDesc scan = systable_beginscan(rel, InvalidOid, false, NULL,
											  0, NULL);
		HeapTuple	tup;

		while (HeapTupleIsValid(tup = systable_getnext(scan)))
		{
			Form_pg_namespace nsp = (Form_pg_namespace) GETSTRUCT(tup);

			if (SearchSysCacheExists1(AUTHNAME,
									  CStringGetDatum(NameStr(nsp->nspname))))
				us->role_schemas = lappend_oid(us->role_schemas, nsp->oid);
		}
		systable_endscan(scan);
		table_close(rel, AccessShareLock);
		us->role_schemas_read = true;
		MemoryContextSwitchTo(old);
	}
	foreach(lc, us->role_schemas)
	{
		Oid			nsp = lfirst_oid(lc);
		bool		found;

		if (item->category == SG_KIND_FUNCTION)
		{
			CatCList   *procs = SearchSysCacheList1(PROCNAMEARGSNSP,
													CStringGetDatum(item->name));
			int			i;

			found = false;
			for (i = 0; i < procs->n_members; i++)
			{
				if (((Form_pg_proc) GETSTRUCT(&procs->members[i]->tuple))->pronamespace == nsp)
					found = true;
			}
			ReleaseSysCacheList(procs);
		}
		else if (item->category == SG_KIND_TYPE)
			found = OidIsValid(GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
											   CStringGetDatum(item->name),
											   ObjectIdGetDatum(nsp)));
		else
			found = OidIsValid(get_relname_relid(item->name, nsp));
		if (found)
			return get_namespace_name(nsp);
	}
	return NULL;
}

/*
 * Does the body change its own search_path, or DateStyle, at run time?
 * Then its unqualified names (its date literals) cannot be verified.
 */
static void
sg_detect_setting_changes(SgUnitState *us)
{
	bool		sets_config = false;
	const char *p;

	for (p = us->prosrc; (p = strchr(p, '_')) != NULL; p++)
	{
		if (p - us->prosrc >= 3 && pg_strncasecmp(p - 3, "set_config", 10) == 0)
		{
			sets_config = true;
			break;
		}
	}
	us->changes_search_path = sg_body_sets(us->prosrc, sets_config,
										   "search_path",
										   &us->search_path_line);
	us->changes_datestyle = sg_body_sets(us->prosrc, sets_config,
										 "datestyle", NULL);
}

/*
 * Does a body set a setting (lower case)?  This looks at the text, so that
 * "EXECUTE format('SELECT set_config(%L, ...)', 'search_path', ...)" is
 * seen too, before any statement is judged: when the body calls
 * set_config() anywhere ("sets_config"), any mention of the setting
 * counts; else SET [LOCAL | SESSION] before its name.  Reading the setting
 * with current_setting() does not count.  Sets *line, if line is not NULL,
 * to the body line of the first one.
 */
static bool
sg_body_sets(const char *src, bool sets_config, const char *setting,
			 int *line)
{
	size_t		len = strlen(setting);
	char		first[3] = {setting[0], (char) toupper((unsigned char) setting[0]), '\0'};
	const char *p;

	/* only where the name's first letter is */
	for (p = src; (p = strpbrk(p, first)) != NULL; p++)
	{
		const char *q;

		if (pg_strncasecmp(p, setting, len) != 0)
			continue;
		if (!sets_config)
		{
			/* look back for SET [LOCAL | SESSION] */
			q = p;
			while (q > src && isspace((unsigned char) q[-1]))
				q--;
			if (q - src >= 5 && (pg_strncasecmp(q - 5, "local", 5) == 0 ||
								 (q - src >= 7 && pg_strncasecmp(q - 7, "session", 7) == 0)))
			{
				q -= pg_strncasecmp(q - 5, "local", 5) == 0 ? 5 : 7;
				while (q > src && isspace((unsigned char) q[-1]))
					q--;
			}
			if (!(q - src >= 3 && pg_strncasecmp(q - 3, "set", 3) == 0 &&
				  (q - src == 3 || !isalnum((unsigned char) q[-4]))))
				continue;
		}
		if (line != NULL)
		{
			*line = 1;
			for (q = src; q < p; q++)
			{
				if (*q == '\n')
					(*line)++;
			}
		}
		return true;
	}
	return false;
}

/* A trigger function no trigger calls: transition table names are unknown. */
static bool
sg_unattached_trigger_function(SgUnitState *us)
{
	return us->dml_trigger && !OidIsValid(us->tg);
}

/* Does the body create a relation of this name (anywhere in it)? */
bool
sg_name_created_by_body(SgUnitState *us, const char *name)
{
	ListCell   *lc;

	foreach(lc, us->changes)
	{
		SgChange   *change = (SgChange *) lfirst(lc);

		if (change->category == SG_KIND_RELATION &&
			change->access == SG_ACCESS_CREATE &&
			strcmp(change->name, name) == 0)
			return true;
	}
	return false;
}

/*
 * Record the failure of a point, in the light of what its statement ("raw",
 * when its text parsed) names.
 */
static void
sg_record_failure(SgUnitState *us, SgPoint *pc, RawStmt *raw,
				  ErrorData *edata)
{
	SgRawScan	scan;
	const char *saved_uncertain = pc->uncertain;

	memset(&scan, 0, sizeof(scan));
	if (raw != NULL)
	{
		sg_raw_scan(raw->stmt, &scan);
		scan.stmt_line = sg_line_at(pc, sg_statement_start(pc->src,
														   raw->stmt_location));
		pc->scan = &scan;
		pc->unit = us;
	}
	sg_record_statement_failure(us, pc, raw, &scan, edata);
	pc->uncertain = saved_uncertain;
	pc->scan = NULL;
}

/*
 * What a failure is about, where, and how sure we are that it fails at
 * run time.
 */
static void
sg_record_statement_failure(SgUnitState *us, SgPoint *pc, RawStmt *raw,
							SgRawScan *scan, ErrorData *edata)
{
	SgRawName  *at = NULL;
	int			location = -1;
	int			line;
	const char *check = SG_CHECK_INVALID_STATEMENT;
	char		kind = SG_KIND_PROBLEM;
	char		severity = SG_ERROR;
	const char *name = NULL;
	char	   *written = NULL;
	bool		qualified = false;
	char	   *message = edata->message ? pstrdup(edata->message) : pstrdup("statement fails");
	const char *hint;
	char	   *note;
	int			code = edata->sqlerrcode;

	if (edata->cursorpos > 0 && pc->src != NULL)
		location = sg_char_to_byte(pc->src, edata->cursorpos - 1);
	if (location >= 0)
		at = sg_raw_at(scan, location);
	if (location >= 0)
		line = sg_line_at(pc, location);
	else if (raw != NULL)
		line = scan->stmt_line;
	else
		line = pc->base_line;

	if (at != NULL)
	{
		name = at->name;
		written = NameListToString(at->names);
		qualified = list_length(at->names) > 1;
	}

	switch (code)
	{
		case ERRCODE_UNDEFINED_TABLE:
		case ERRCODE_UNDEFINED_SCHEMA:
		case ERRCODE_UNDEFINED_FUNCTION:
		case ERRCODE_UNDEFINED_OBJECT:
		case ERRCODE_UNDEFINED_COLUMN:
			if (at != NULL && (at->category == SG_KIND_RELATION ||
							   at->category == 's'))
			{
				check = SG_CHECK_MISSING_RELATION;
				kind = SG_KIND_RELATION;
			}
			else if (at != NULL && at->category == SG_KIND_FUNCTION)
			{
				check = SG_CHECK_MISSING_FUNCTION;
				kind = SG_KIND_FUNCTION;
			}
			else if (at != NULL && at->category == SG_KIND_TYPE)
			{
				check = SG_CHECK_MISSING_TYPE;
				kind = SG_KIND_TYPE;
			}
			else if (at != NULL && at->category == SG_KIND_COLUMN)
			{
				check = SG_CHECK_MISSING_COLUMN;
				kind = SG_KIND_COLUMN;
			}
			else if (code == ERRCODE_UNDEFINED_COLUMN && at == NULL &&
					 raw != NULL && IsA(raw->stmt, PLAssignStmt) &&
					 sg_plpgsql_target_missing(us, (PLAssignStmt *) raw->stmt))
			{
				/* the target of "NEW.x := ...": reported by the target check */
				return;
			}
			else if (code == ERRCODE_UNDEFINED_COLUMN && us->plpgsql != NULL &&
					 location < 0)
			{
				/* a record field, reported by PL/pgSQL without a position */
				if (!sg_plpgsql_field_failure(us, scan, &check, &kind,
											  &severity, &name, &written,
											  &message))
					check = SG_CHECK_MISSING_COLUMN;
			}
			else if (code == ERRCODE_UNDEFINED_COLUMN)
				check = SG_CHECK_MISSING_COLUMN;
			else if (code == ERRCODE_UNDEFINED_FUNCTION)
				check = SG_CHECK_TYPE_MISMATCH;		/* operator does not exist */
			break;
		case ERRCODE_AMBIGUOUS_COLUMN:
		case ERRCODE_AMBIGUOUS_FUNCTION:
		case ERRCODE_AMBIGUOUS_ALIAS:
		case ERRCODE_AMBIGUOUS_PARAMETER:
			check = SG_CHECK_AMBIGUOUS;
			break;
		case ERRCODE_DATATYPE_MISMATCH:
		case ERRCODE_CANNOT_COERCE:
		case ERRCODE_INDETERMINATE_DATATYPE:
		case ERRCODE_INVALID_FUNCTION_DEFINITION:
			check = SG_CHECK_TYPE_MISMATCH;
			break;
		case ERRCODE_INVALID_TEXT_REPRESENTATION:
		case ERRCODE_INVALID_PARAMETER_VALUE:
			check = SG_CHECK_INVALID_VALUE;
			break;
		case ERRCODE_INVALID_DATETIME_FORMAT:
		case ERRCODE_DATETIME_FIELD_OVERFLOW:
			check = SG_CHECK_INVALID_VALUE;
			if (sg_datestyle_dependent(us, pc, at))
			{
				severity = SG_WARNING;
				message = psprintf("%s (the literal is valid with another DateStyle, and which one applies is known only at run time)",
								   message);
			}
			break;
		case ERRCODE_SYNTAX_ERROR:

			/*
			 * Text that does not parse, in the body itself: PostgreSQL's
			 * validator rejects the function for it (not so in an EXECUTE
			 * string).  Parse analysis uses the same code for some errors
			 * of statements that do parse; those are invalid statements.
			 */
			if (raw == NULL && !pc->dynamic)
				check = SG_CHECK_COMPILE;
			break;
		case ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE:
			/* the rewriter's "cannot insert into view": an invalid statement */
			if (us->failed_rewriting)
				break;
			/* a RECORD variable whose fields cannot be known before run time */
			check = SG_CHECK_RECORD_TYPE;
			severity = SG_INFO;
			if (us->dml_trigger && !OidIsValid(us->tg))
			{
				/*
				 * NEW or OLD of a trigger function no trigger calls yet:
				 * nothing to report, but keep what the statement names.
				 */
				if (raw != NULL)
					sg_fallback_relations(us, pc, scan, NULL);
				return;
			}
			message = psprintf("the fields of a record variable are known only at run time: %s",
							   message);
			break;
		default:
			{
				int			category = ERRCODE_TO_CATEGORY(code);

				if (category != ERRCODE_TO_CATEGORY(ERRCODE_SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION) &&
					category != ERRCODE_TO_CATEGORY(ERRCODE_DATA_EXCEPTION) &&
					category != ERRCODE_TO_CATEGORY(ERRCODE_FEATURE_NOT_SUPPORTED))
				{
					check = SG_CHECK_ANALYSIS_FAILED;
					severity = SG_WARNING;
				}
				if (code == ERRCODE_INSUFFICIENT_PRIVILEGE)
				{
					/* privileges at run time are the caller's */
					check = SG_CHECK_ANALYSIS_FAILED;
					severity = SG_WARNING;
				}
			}
			break;
	}

	/* What would make the failure uncertain. */
	if (severity == SG_ERROR)
	{
		if (us->polymorphic &&
			(strcmp(check, SG_CHECK_TYPE_MISMATCH) == 0 ||
			 strcmp(check, SG_CHECK_MISSING_FUNCTION) == 0 ||
			 strcmp(check, SG_CHECK_AMBIGUOUS) == 0 ||
			 strcmp(check, SG_CHECK_INVALID_STATEMENT) == 0 ||
			 (at != NULL && sg_names_polymorphic_argument(us, at->names))))
		{
			severity = SG_WARNING;
			message = psprintf("%s (with stand-in types for the polymorphic arguments)",
							   message);
		}
		else if (us->changes_search_path && !qualified &&
				 (kind == SG_KIND_RELATION || kind == SG_KIND_FUNCTION ||
				  kind == SG_KIND_TYPE))
		{
			severity = SG_WARNING;
			message = psprintf("%s (the function changes its search_path at run time)",
							   message);
		}
		else if (kind == SG_KIND_RELATION && qualified &&
				 pg_strcasecmp(strVal(linitial(at->names)), "pg_temp") == 0)
		{
			severity = SG_WARNING;
			check = SG_CHECK_TEMP_RELATION;
		}
	}
	/* the rewriter says why in the detail: which column, which view */
	if (us->failed_rewriting && edata->detail != NULL)
		message = psprintf("%s: %s", message, sg_detail_clause(edata->detail));
	severity = sg_point_severity(pc, code, severity, &note);
	message = psprintf("%s%s", message, note);

	hint = edata->hint ? edata->hint : sg_default_hint(check);
	sg_add_finding(us, kind, severity, line, check, name, written, message,
				   hint);

	if (raw != NULL)
		sg_fallback_relations(us, pc, scan, at);
}

/*
 * An error's detail ("Column "g" is a generated column.") as a clause to
 * follow its primary message: lower case first, no final period.
 */
static char *
sg_detail_clause(const char *detail)
{
	char	   *clause = pstrdup(detail);
	size_t		len = strlen(clause);

	if (len > 0 && clause[len - 1] == '.')
		clause[len - 1] = '\0';
	if (isupper((unsigned char) clause[0]) &&
		islower((unsigned char) clause[1]))
		clause[0] = tolower((unsigned char) clause[0]);
	return clause;
}

/*
 * Is a qualified name ("rec.a") a field of an argument of polymorphic
 * type?  With the stand-in type, which is not a row type, it looks like a
 * column of a table named after the argument.
 */
static bool
sg_names_polymorphic_argument(SgUnitState *us, List *names)
{
	Oid		   *types;
	char	  **argnames;
	char	   *modes;
	int			nargs;
	int			i;

	if (list_length(names) < 2)
		return false;
	nargs = get_func_arg_info(us->proctup, &types, &argnames, &modes);
	for (i = 0; argnames != NULL && i < nargs; i++)
	{
		if (IsPolymorphicType(types[i]) && argnames[i] != NULL &&
			strcmp(argnames[i], strVal(linitial(names))) == 0)
			return true;
	}
	return false;
}

/*
 * After a failed point, still record the relations its statement names,
 * so that look-ups by object find this function; and report each that
 * does not exist.  Columns are recorded where the raw text says whose they
 * are: qualified by a relation's name or alias, or unqualified when only
 * one of the statement's relations exists.
 */
static void
sg_fallback_relations(SgUnitState *us, SgPoint *pc, SgRawScan *scan,
					  SgRawName *failed)
{
	ListCell   *lc;
	List	   *found_items = NIL;
	List	   *found_relids = NIL;

	foreach(lc, scan->items)
	{
		SgRawName  *item = (SgRawName *) lfirst(lc);
		Oid			relid;

		if (item == failed || sg_shadowed_by_temp(us, pc, scan, item))
			continue;
		if (item->category == SG_KIND_TYPE || item->category == SG_KIND_FUNCTION)
		{
			sg_fallback_name(us, pc, item);
			continue;
		}
		if (item->category != SG_KIND_RELATION)
			continue;
		relid = sg_resolve_relation(us, pc, scan, item);
		if (OidIsValid(relid))
		{
			found_items = lappend(found_items, item);
			found_relids = lappend_oid(found_relids, relid);
		}
	}

	foreach(lc, scan->items)
	{
		SgRawName  *item = (SgRawName *) lfirst(lc);
		Oid			relid = InvalidOid;
		AttrNumber	attnum;

		if (item->category != SG_KIND_COLUMN || list_length(item->names) > 2)
			continue;
		if (list_length(item->names) == 2)
		{
			const char *qual = strVal(linitial(item->names));
			ListCell   *lc2;
			ListCell   *lc3;

			forboth(lc2, found_items, lc3, found_relids)
			{
				SgRawName  *rel = (SgRawName *) lfirst(lc2);

				if ((rel->alias && strcmp(rel->alias, qual) == 0) ||
					(!rel->alias && strcmp(rel->name, qual) == 0))
					relid = lfirst_oid(lc3);
			}
		}
		else if (list_length(found_relids) == 1)
			relid = linitial_oid(found_relids);
		if (!OidIsValid(relid) ||
			(attnum = get_attnum(relid, item->name)) == InvalidAttrNumber)
			continue;
		sg_add_ref(us, SG_KIND_COLUMN, item->access == SG_ACCESS_INSERT ||
				   item->access == SG_ACCESS_UPDATE ? item->access : SG_ACCESS_READ,
				   sg_line_at(pc, item->location), RelationRelationId, relid,
				   attnum, item->name, NULL);
	}
}

/*
 * A type or function a failing statement names.  A type that exists is
 * recorded as used, so that changing it analyses the function again; for
 * a function (which one is meant depends on argument types the failed
 * analysis did not get to), and a type that does not exist, the name is
 * kept, so that creating one does.
 */
static void
sg_fallback_name(SgUnitState *us, SgPoint *pc, SgRawName *item)
{
	Oid			typid = InvalidOid;

	/* (three-part names can raise errors even with missing_ok) */
	if (item->category == SG_KIND_TYPE && list_length(item->names) <= 2)
		typid = LookupTypeNameOid(NULL, makeTypeNameFromNameList(item->names),
								  true);
	if (OidIsValid(typid))
		sg_type_use(us, typid, sg_line_at(pc, item->location));
	else
		sg_add_ref(us, SG_KIND_NAME, SG_ACCESS_NONE, 0, InvalidOid,
				   InvalidOid, 0, item->name, item->name);
}

/*
 * How sure is the failure of a utility statement whose relation or column
 * is missing?  Not certain when the statement renames or drops it itself:
 * it may simply have run already (a migration), and a command doing what
 * it does breaks nothing.
 */
static char
sg_utility_severity(SgPoint *pc, SgRawName *item, int sqlerrcode, char **note)
{
	if (!item->removes)
		return sg_point_severity(pc, sqlerrcode, SG_ERROR, note);
	*note = " (the statement renames or drops it, and may have run already)";
	return SG_WARNING;
}

/* The body line where a statement names something. */
int
sg_item_line(SgPoint *pc, SgRawScan *scan, SgRawName *item)
{
	return item->location >= 0 ? sg_line_at(pc, item->location) :
		scan->stmt_line;
}

/*
 * Resolve a relation a statement names outside parse analysis (a second
 * one in a failing statement, or one a utility statement names) as it
 * resolves at run time: record it, or report it missing.  Returns its OID,
 * or InvalidOid if it is missing, built in, or a WITH name or transition
 * table of the statement.
 */
Oid
sg_resolve_relation(SgUnitState *us, SgPoint *pc, SgRawScan *scan,
					SgRawName *item)
{
	int			line = sg_item_line(pc, scan, item);
	Oid			relid;
	char		severity;
	char	   *note;

	if (list_length(item->names) == 1 &&
		sg_local_relation_name(pc, scan, item->name))
		return InvalidOid;
	relid = RangeVarGetRelidExtended(makeRangeVarFromNameList(item->names),
									 NoLock, RVR_MISSING_OK, NULL, NULL);
	if (OidIsValid(relid) && sg_relation_is_temp(relid))
		relid = InvalidOid;		/* see sg_refuse_temp_relations() */
	if (OidIsValid(relid))
	{
		if (!sg_user_object(relid))
			return InvalidOid;
		sg_add_ref(us, SG_KIND_RELATION, item->access, line,
				   RelationRelationId, relid, 0, get_rel_name(relid), NULL);
		return relid;
	}
	severity = sg_utility_severity(pc, item, ERRCODE_UNDEFINED_TABLE, &note);
	sg_note_ddl_failure(us,
						sg_add_finding(us, SG_KIND_RELATION, severity, line,
									   SG_CHECK_MISSING_RELATION, item->name,
									   NameListToString(item->names),
									   psprintf("relation \"%s\" does not exist%s",
												NameListToString(item->names), note),
									   sg_default_hint(SG_CHECK_MISSING_RELATION)),
						item->name);
	return InvalidOid;
}

/*
 * A column a utility statement names (which PostgreSQL will look for when
 * it runs) of a relation that exists: record it, or report it missing.
 */
void
sg_resolve_column(SgUnitState *us, SgPoint *pc, SgRawScan *scan,
				  SgRawName *item, Oid relid)
{
	int			line = sg_item_line(pc, scan, item);
	AttrNumber	attnum = get_attnum(relid, item->name);
	char		severity;
	char	   *note;

	if (attnum != InvalidAttrNumber)
	{
		sg_add_ref(us, SG_KIND_COLUMN, item->access, line, RelationRelationId,
				   relid, attnum, item->name, NULL);
		return;
	}
	severity = sg_utility_severity(pc, item, ERRCODE_UNDEFINED_COLUMN, &note);
	sg_note_ddl_failure(us,
						sg_add_finding(us, SG_KIND_COLUMN, severity, line,
									   SG_CHECK_MISSING_COLUMN, item->name,
									   item->name,
									   psprintf("column \"%s\" of relation \"%s\" does not exist%s",
												item->name, get_rel_name(relid), note),
									   sg_default_hint(SG_CHECK_MISSING_COLUMN)),
						get_rel_name(relid));
}

/*
 * Remember a utility statement's failure on a relation: if the body
 * renames, moves or drops that relation anywhere, the body is a migration
 * that may have run already (sg_finish_ddl_failures()).  Only for
 * utility statements: a query on a table the body drops later fails
 * whenever the table is gone.
 */
static void
sg_note_ddl_failure(SgUnitState *us, SgRef *ref, const char *relname)
{
	MemoryContext old;

	if (ref->severity != SG_ERROR || !sg_runs_in_order(us))
		return;
	old = MemoryContextSwitchTo(us->cxt);
	us->ddl_failures = lappend(us->ddl_failures,
							   list_make2(ref, pstrdup(relname)));
	MemoryContextSwitchTo(old);
}

/*
 * Once the whole body is read: a utility statement failing on a relation
 * that the body renames, moves or drops, before or after it, is not
 * certain; the body may have done that already.
 */
static void
sg_finish_ddl_failures(SgUnitState *us)
{
	ListCell   *lc;
	ListCell   *lc2;

	foreach(lc, us->ddl_failures)
	{
		SgRef	   *ref = (SgRef *) linitial((List *) lfirst(lc));
		const char *relname = (const char *) lsecond((List *) lfirst(lc));

		foreach(lc2, us->changes)
		{
			SgChange   *change = (SgChange *) lfirst(lc2);

			if (change->category != SG_KIND_RELATION ||
				(change->access != SG_ACCESS_DELETE &&
				 change->access != SG_CHANGE_RENAME) ||
				strcmp(change->name, relname) != 0)
				continue;
			ref->severity = SG_WARNING;
			ref->message = psprintf("%s (the function %s \"%s\" at line %d, and may have run already)",
									ref->message, sg_change_verb(change),
									change->name, change->line);
			break;
		}
	}
}

/*
 * Is a date/time literal that fails perhaps valid when the function runs?
 * Its fields are read in the order DateStyle says (the caller's, unless
 * the function sets its own and the body leaves it alone), so it is if
 * another order reads it.  "at" is the literal, if the error said where.
 */
static bool
sg_datestyle_dependent(SgUnitState *us, SgPoint *pc, SgRawName *at)
{
	static const int orders[] = {DATEORDER_YMD, DATEORDER_DMY, DATEORDER_MDY};
	char	   *literal = NULL;
	int			save_order = DateOrder;
	volatile bool valid = false;
	int			i;

	if (us->pins_datestyle && !us->changes_datestyle)
		return false;
	if (at != NULL && at->category == 's')
		literal = sg_string_literal_at(pc->src, at->location);
	if (literal == NULL)
		return true;			/* which literal is unknown */

	PG_TRY();
	{
		for (i = 0; i < lengthof(orders) && !valid; i++)
		{
			char		workbuf[MAXDATELEN + MAXDATEFIELDS];
			char	   *field[MAXDATEFIELDS];
			int			ftype[MAXDATEFIELDS];
			int			nf;
			int			dtype;
			struct pg_tm tm;
			fsec_t		fsec;
			int			tz;

			DateOrder = orders[i];
			valid = ParseDateTime(literal, workbuf, sizeof(workbuf), field,
								  ftype, MAXDATEFIELDS, &nf) == 0 &&
				sg_decode_datetime(field, ftype, nf, &dtype, &tm, &fsec,
								   &tz) == 0;
		}
	}
	PG_FINALLY();
	{
		DateOrder = save_order;
	}
	PG_END_TRY();
	return valid;
}

/* The value of the string constant at a location of a text, or NULL. */
static char *
sg_string_literal_at(const char *src, int location)
{
	core_yy_extra_type yyextra;
	core_yyscan_t scanner;
	core_YYSTYPE lval;
	int			loc;
	char	   *result = NULL;

	scanner = scanner_init(src + location, &yyextra, &ScanKeywords,
						   ScanKeywordTokens);
	if (core_yylex(&lval, &loc, scanner) == SCONST)
		result = pstrdup(lval.str);
	scanner_finish(scanner);
	return result;
}

/* A failure outside any point: the body does not compile, as a whole. */
static void
sg_record_unit_failure(SgUnitState *us, ErrorData *edata)
{
	int			line = 0;
	const char *check = SG_CHECK_COMPILE;
	char		severity = SG_ERROR;

	/*
	 * Where: the error's position in the body if it has one (PL/pgSQL
	 * reports it as an internal query), else the line PL/pgSQL puts in its
	 * context ("... near line N"), which may lag behind.
	 */
	if (edata->internalpos > 0 && edata->internalquery != NULL &&
		strcmp(edata->internalquery, us->prosrc) == 0)
	{
		SgPoint		pc;

		memset(&pc, 0, sizeof(pc));
		pc.src = us->prosrc;
		pc.base_line = 1;
		line = sg_line_at(&pc, sg_char_to_byte(us->prosrc, edata->internalpos - 1));
	}
	else if (edata->context != NULL)
	{
		const char *p = strstr(edata->context, "line ");

		if (p != NULL)
			line = atoi(p + 5);
	}
	if (sg_error_must_propagate(edata))
		severity = SG_WARNING;
	if (edata->sqlerrcode == ERRCODE_INTERNAL_ERROR ||
		edata->sqlerrcode == ERRCODE_STATEMENT_TOO_COMPLEX)
	{
		check = SG_CHECK_ANALYSIS_FAILED;
		severity = SG_WARNING;
	}
	sg_add_finding(us, SG_KIND_PROBLEM, severity, line, check, NULL, NULL,
				   edata->message ? edata->message : "function body does not compile",
				   edata->hint ? edata->hint :
				   (severity == SG_ERROR ?
					"Fix the function body; every call of the function fails until then." :
					"The body could not be analysed; run validate() again, or report this as a bug."));

	/*
	 * A PL/pgSQL body can fail to compile because a table or type its
	 * declarations name is missing; creating it must analyse the function
	 * again, so keep every name the body mentions.
	 */
	if (us->proc->prolang != SQLlanguageId)
		sg_add_body_words(us);
}

/*
 * Note every identifier of the body as a name key (kind 'w').  Runs after
 * the analysis subtransaction is gone: a lexical error (the body may be
 * malformed) only stops the scan.  The lexer touches nothing but memory,
 * so catching its errors without a subtransaction is safe.
 */
static void
sg_add_body_words(SgUnitState *us)
{
	MemoryContext cxt = CurrentMemoryContext;
	core_yy_extra_type yyextra;
	core_yyscan_t scanner;
	core_YYSTYPE lval;
	int			loc;
	int			tok;
	List	   *words = NIL;
	ListCell   *lc;

	PG_TRY();
	{
		scanner = scanner_init(us->prosrc, &yyextra, &ScanKeywords,
							   ScanKeywordTokens);
		while ((tok = core_yylex(&lval, &loc, scanner)) != 0 &&
			   list_length(words) < 1000)
		{
			if (tok == IDENT && !list_member(words, makeString(lval.str)))
				words = lappend(words, makeString(pstrdup(lval.str)));
		}
		scanner_finish(scanner);
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(cxt);
		FlushErrorState();
	}
	PG_END_TRY();

	foreach(lc, words)
		sg_add_ref(us, SG_KIND_NAME, SG_ACCESS_NONE, 0, InvalidOid,
				   InvalidOid, 0, strVal(lfirst(lc)), strVal(lfirst(lc)));
}

/*
 * How sure is a failure at this point?  Not certain when an EXCEPTION
 * clause around it catches the error (the code goes on with the handler,
 * unless the handler raises an error again, which an outer clause may
 * catch in turn), when the walk marked the code as uncertain (a branch
 * taken only on some server versions, a statement that falls through
 * into RAISE EXCEPTION), or when what the statement names may be
 * something else when it runs (sg_statement_uncertainty(), asked only
 * now that something fails).  Sets *note to the explanation to append,
 * or "".
 */
char
sg_point_severity(SgPoint *pc, int sqlerrcode, char severity, char **note)
{
	int			code = sqlerrcode;
	ListCell   *lc;

	*note = "";
	if (severity != SG_ERROR)
		return severity;

	foreach(lc, pc->handlers)
	{
		PLpgSQL_exception_block *block = (PLpgSQL_exception_block *) lfirst(lc);
		ListCell   *lc2;

		foreach(lc2, block->exc_list)
		{
			PLpgSQL_exception *exception = (PLpgSQL_exception *) lfirst(lc2);
			int			raised = code;

			if (!sg_handler_matches(exception, code))
				continue;
			if (!sg_plpgsql_handler_reraises(exception, &raised))
			{
				*note = psprintf(" (handled by the EXCEPTION clause at line %d)",
								 exception->lineno);
				return SG_WARNING;
			}
			/* the first handler that matches runs; with the code unknown, any */
			if (code != 0)
			{
				code = raised;
				break;
			}
		}
	}
	if (pc->uncertain == NULL && pc->scan != NULL)
		pc->uncertain = sg_statement_uncertainty(pc->unit, pc, pc->scan);
	if (pc->uncertain != NULL)
	{
		*note = psprintf(" (%s)", pc->uncertain);
		return SG_WARNING;
	}
	return severity;
}

/* Does a handler catch errors of this SQLSTATE (0: not known)? */
static bool
sg_handler_matches(PLpgSQL_exception *exception, int sqlerrcode)
{
	PLpgSQL_condition *cond;

	for (cond = exception->conditions; cond != NULL; cond = cond->next)
	{
		if (sqlerrcode == 0 ||
			cond->sqlerrstate == 0 ||	/* OTHERS */
			cond->sqlerrstate == sqlerrcode ||
			(ERRCODE_IS_CATEGORY(cond->sqlerrstate) &&
			 ERRCODE_TO_CATEGORY(sqlerrcode) == cond->sqlerrstate))
			return true;
	}
	return false;
}

static const char *
sg_default_hint(const char *check)
{
	if (strcmp(check, SG_CHECK_MISSING_RELATION) == 0)
		return "Create the relation, or change the function so that it no longer uses it.";
	if (strcmp(check, SG_CHECK_MISSING_COLUMN) == 0)
		return "Restore the column, or change the function to use the table's current columns.";
	if (strcmp(check, SG_CHECK_MISSING_FUNCTION) == 0)
		return "Create the function with these argument types, or change the call.";
	if (strcmp(check, SG_CHECK_MISSING_TYPE) == 0)
		return "Create the type, or change the function so that it no longer uses it.";
	if (strcmp(check, SG_CHECK_TYPE_MISMATCH) == 0)
		return "Change the function to match the current column and result types.";
	if (strcmp(check, SG_CHECK_AMBIGUOUS) == 0)
		return "Qualify the name with its table alias or block label, or rename the variable.";
	if (strcmp(check, SG_CHECK_INVALID_VALUE) == 0)
		return "Change the literal to a value its type accepts.";
	if (strcmp(check, SG_CHECK_INVALID_STATEMENT) == 0)
		return "Fix the statement; it fails every time this code runs.";
	if (strcmp(check, SG_CHECK_RECORD_TYPE) == 0)
		return "Declare the variable with a row type (table%ROWTYPE) to have its fields checked.";
	if (strcmp(check, SG_CHECK_TEMP_RELATION) == 0)
		return "The relation is temporary; make sure every session creates it before calling the function.";
	if (strcmp(check, SG_CHECK_MISSING_FIELD) == 0)
		return "Add the column to the trigger's table, or change the trigger function.";
	if (strcmp(check, SG_CHECK_RECORD_FIELD) == 0)
		return "Change the query that fills the record, or the field the function reads.";
	if (strcmp(check, SG_CHECK_COMPILE) == 0)
		return "Fix the function body; every call of the function fails until then.";
	if (strcmp(check, SG_CHECK_ANALYSIS_FAILED) == 0)
		return "The statement could not be analysed; check it by hand.";
	return NULL;
}

/* Append a reference that resolves, or a name that does not. */
SgRef *
sg_add_ref(SgUnitState *us, char kind, char access, int line,
		   Oid classid, Oid objid, int32 subid,
		   const char *name, const char *written)
{
	MemoryContext old = MemoryContextSwitchTo(us->cxt);
	SgRef	   *ref = palloc0(sizeof(SgRef));

	ref->kind = kind;
	ref->access = access;
	ref->severity = SG_OK;
	ref->line = line;
	ref->target.classId = classid;
	ref->target.objectId = objid;
	ref->target.objectSubId = subid;
	ref->name = name ? pstrdup(name) : NULL;
	/* the identity of an object found is computed when it is stored */
	ref->written = written ? pstrdup(written) : NULL;
	us->refs = lappend(us->refs, ref);
	MemoryContextSwitchTo(old);
	return ref;
}

/* Append a finding. */
SgRef *
sg_add_finding(SgUnitState *us, char kind, char severity, int line,
			   const char *check, const char *name, const char *written,
			   const char *message, const char *hint)
{
	MemoryContext old = MemoryContextSwitchTo(us->cxt);
	SgRef	   *ref = palloc0(sizeof(SgRef));

	ref->kind = kind;
	ref->access = SG_ACCESS_NONE;
	ref->severity = severity;
	ref->line = line;
	ref->name = name ? pstrdup(name) : NULL;
	ref->written = written ? pstrdup(written) : NULL;
	ref->check = check;
	ref->message = message ? pstrdup(message) : NULL;
	ref->hint = hint ? pstrdup(hint) : NULL;
	us->refs = lappend(us->refs, ref);
	MemoryContextSwitchTo(old);
	return ref;
}

/*
 * Final touches on a unit's list: relations the body creates itself are
 * not missing, search_path changes are reported once, duplicates go, and
 * the order is fixed.
 */
static void
sg_finish_refs(SgUnitState *us)
{
	List	   *kept = NIL;
	ListCell   *lc;
	SgRef	  **array;
	int			n;
	int			i;

	foreach(lc, us->refs)
	{
		SgRef	   *ref = (SgRef *) lfirst(lc);

		/*
		 * A trigger function no trigger calls cannot run, and its NEW, OLD
		 * and transition tables are unknown: nothing about it is certain.
		 * It is analysed again, per trigger, when a trigger is created.
		 */
		if (ref->severity == SG_ERROR && sg_unattached_trigger_function(us))
		{
			ref->severity = SG_WARNING;
			ref->message = psprintf("%s (no trigger calls this trigger function yet)",
									ref->message);
		}

		/*
		 * A relation the body creates before using it is not missing;
		 * except in SQL functions, whose statements are all analysed before
		 * the first one runs.
		 */
		if (ref->severity != SG_OK && ref->kind == SG_KIND_RELATION &&
			ref->name != NULL && sg_name_created_by_body(us, ref->name) &&
			sg_runs_in_order(us))
			continue;
		kept = lappend(kept, ref);
	}
	us->refs = kept;

	if (us->changes_search_path)
		sg_add_finding(us, SG_KIND_PROBLEM, SG_WARNING, us->search_path_line,
					   SG_CHECK_SEARCH_PATH, NULL, NULL,
					   "the function changes search_path at run time, so its unqualified names cannot be verified",
					   "Declare the path with ALTER FUNCTION ... SET search_path instead, or qualify the names.");

	n = list_length(us->refs);
	if (n < 2)
		return;
	array = palloc(n * sizeof(SgRef *));
	i = 0;
	foreach(lc, us->refs)
		array[i++] = (SgRef *) lfirst(lc);
	qsort(array, n, sizeof(SgRef *), sg_ref_cmp);

	kept = NIL;
	for (i = 0; i < n; i++)
	{
		if (i > 0 && sg_ref_cmp(&array[i - 1], &array[i]) == 0)
			continue;
		kept = lappend(kept, array[i]);
	}
	us->refs = kept;
}

static int
sg_strcmp_null(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a == NULL) - (b == NULL);
	return strcmp(a, b);
}

static int
sg_ref_cmp(const void *a, const void *b)
{
	const SgRef *ra = *(const SgRef *const *) a;
	const SgRef *rb = *(const SgRef *const *) b;
	int			c;

	if (ra->line != rb->line)
		return ra->line < rb->line ? -1 : 1;
	if (ra->kind != rb->kind)
		return ra->kind < rb->kind ? -1 : 1;
	if (ra->severity != rb->severity)
		return ra->severity < rb->severity ? -1 : 1;
	if (ra->access != rb->access)
		return ra->access < rb->access ? -1 : 1;
	if (ra->target.classId != rb->target.classId)
		return ra->target.classId < rb->target.classId ? -1 : 1;
	if (ra->target.objectId != rb->target.objectId)
		return ra->target.objectId < rb->target.objectId ? -1 : 1;
	if (ra->target.objectSubId != rb->target.objectSubId)
		return ra->target.objectSubId < rb->target.objectSubId ? -1 : 1;
	if ((c = sg_strcmp_null(ra->name, rb->name)) != 0)
		return c;
	if ((c = sg_strcmp_null(ra->written, rb->written)) != 0)
		return c;
	if ((c = sg_strcmp_null(ra->check, rb->check)) != 0)
		return c;
	return sg_strcmp_null(ra->message, rb->message);
}

/*
 * Lines of a point whose text is the body itself are found in the index of
 * the body's lines (sg_line_at() would count line breaks from the start of
 * the body for every statement).
 */
void
sg_point_use_body_lines(SgUnitState *us, SgPoint *pc)
{
	(void) sg_body_line_start(us, 1);
	pc->body_lines = us->line_starts;
	pc->body_nlines = us->nlines;
	pc->body_offset = 0;
}

/* The offset where a body line starts (1-based), computing the index once. */
int
sg_body_line_start(SgUnitState *us, int line)
{
	if (us->line_starts == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(us->cxt);
		int			n = 1;
		const char *p;

		for (p = us->prosrc; *p; p++)
		{
			if (*p == '\n')
				n++;
		}
		us->line_starts = palloc(sizeof(int) * n);
		us->nlines = 0;
		us->line_starts[us->nlines++] = 0;
		for (p = us->prosrc; *p; p++)
		{
			if (*p == '\n')
				us->line_starts[us->nlines++] = (p - us->prosrc) + 1;
		}
		MemoryContextSwitchTo(old);
	}
	if (line < 1)
		line = 1;
	if (line > us->nlines)
		line = us->nlines;
	return us->line_starts[line - 1];
}

/*
 * Where a statement really starts: its location in a text of several
 * statements is just after the previous semicolon.
 */
int
sg_statement_start(const char *src, int location)
{
	const char *p;

	if (src == NULL || location < 0)
		return location;
	p = src + location;
	for (;;)
	{
		while (*p && isspace((unsigned char) *p))
			p++;
		if (p[0] == '-' && p[1] == '-')
		{
			while (*p && *p != '\n')
				p++;
		}
		else if (p[0] == '/' && p[1] == '*')
		{
			const char *end = strstr(p + 2, "*/");

			if (end == NULL)
				break;
			p = end + 2;
		}
		else
			break;
	}
	return p - src;
}

/* The body line of a byte offset into a point's text. */
int
sg_line_at(SgPoint *pc, int location)
{
	int			line = pc->base_line;
	int			i;

	if (pc->src == NULL || location < 0)
		return pc->base_line;
	if (pc->body_lines != NULL && pc->body_offset >= 0)
	{
		/* the text was cut from the body with its line breaks blanked */
		int			offset = pc->body_offset + location;
		int			lo = 0;
		int			hi = pc->body_nlines - 1;

		while (lo < hi)
		{
			int			mid = (lo + hi + 1) / 2;

			if (pc->body_lines[mid] <= offset)
				lo = mid;
			else
				hi = mid - 1;
		}
		return lo + 1;
	}
	for (i = 0; i < location && pc->src[i] != '\0'; i++)
	{
		if (pc->src[i] == '\n')
			line++;
	}
	return line;
}

/* Error positions count characters; parse locations count bytes. */
static int
sg_char_to_byte(const char *src, int charpos)
{
	int			offset = 0;
	int			i;

	for (i = 0; i < charpos && src[offset] != '\0'; i++)
		offset += pg_mblen(src + offset);
	return offset;
}
