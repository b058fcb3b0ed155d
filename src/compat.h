/*-------------------------------------------------------------------------
 *
 * compat.h
 *	  PostgreSQL version differences, kept in one place.
 *
 * schema_guard is built and tested on PostgreSQL 15.  The shims below keep
 * every other file free of version conditionals, so that a port to another
 * major version (13 to 18) touches only this header.  Only 15 is claimed.
 *
 *-------------------------------------------------------------------------
 */
#ifndef SG_COMPAT_H
#define SG_COMPAT_H

#include "postgres.h"

#include "access/heapam.h"
#include "access/htup_details.h"
#include "catalog/index.h"
#include "catalog/objectaddress.h"
#include "executor/functions.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/tuplestore.h"
#include "nodes/parsenodes.h"
#include "parser/parse_param.h"
#include "parser/parse_relation.h"
#include "parser/parser.h"
#include "utils/guc.h"
#include "utils/builtins.h"
#include "utils/regproc.h"
#include "utils/syscache.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"

#include "plpgsql.h"

#if PG_VERSION_NUM < 130000
#error "schema_guard needs PostgreSQL 13 or later"
#endif

/* Object identities and descriptions: "missing_ok" arrived in 14. */
#if PG_VERSION_NUM >= 140000
#define sg_object_identity(addr)		getObjectIdentity((addr), true)
#define sg_object_type_name(addr)		getObjectTypeDescription((addr), true)
#else
#define sg_object_identity(addr)		getObjectIdentity(addr)
#define sg_object_type_name(addr)		getObjectTypeDescription(addr)
#endif

/* Index entries for a new tuple: the signature changed in 14 and 16. */
#if PG_VERSION_NUM >= 160000
#define sg_insert_index_tuples(rri, slot, estate) \
	ExecInsertIndexTuples((rri), (slot), (estate), false, false, NULL, NIL, false)
#elif PG_VERSION_NUM >= 140000
#define sg_insert_index_tuples(rri, slot, estate) \
	ExecInsertIndexTuples((rri), (slot), (estate), false, false, NULL, NIL)
#else
#define sg_insert_index_tuples(rri, slot, estate) \
	((estate)->es_result_relation_info = (rri), \
	 ExecInsertIndexTuples((slot), (estate), false, NULL, NIL))
#endif

/*
 * Update a tuple in place; returns whether the new version needs index
 * entries (it does not when the update was HOT).  The signature changed
 * in 16.
 */
static inline bool
sg_simple_heap_update(Relation rel, ItemPointer otid, HeapTuple tup)
{
#if PG_VERSION_NUM >= 160000
	TU_UpdateIndexes update_indexes;

	simple_heap_update(rel, otid, tup, &update_indexes);
	return update_indexes != TU_None;
#else
	simple_heap_update(rel, otid, tup);
	return !HeapTupleIsHeapOnly(tup);
#endif
}

/*
 * Rebuilding every index of a table: the options became a struct in 14,
 * and a statement (for progress reporting, may be NULL) came first in 17.
 */
static inline void
sg_reindex_relation(Oid relid)
{
#if PG_VERSION_NUM >= 170000
	ReindexParams params = {0};

	reindex_relation(NULL, relid, 0, &params);
#elif PG_VERSION_NUM >= 140000
	ReindexParams params = {0};

	reindex_relation(relid, 0, &params);
#else
	reindex_relation(relid, 0, 0);
#endif
}

/* SQL-standard function bodies (pg_proc.prosqlbody) arrived in 14. */
#if PG_VERSION_NUM >= 140000
#define SG_ANUM_PG_PROC_PROSQLBODY		Anum_pg_proc_prosqlbody
#else
#define SG_ANUM_PG_PROC_PROSQLBODY		InvalidAttrNumber
#endif

/* Reserving the GUC prefix: MarkGUCPrefixReserved arrived in 15. */
#if PG_VERSION_NUM < 150000
#define MarkGUCPrefixReserved(prefix)	EmitWarningsOnPlaceholders(prefix)
#endif

/* Parsing a qualified name from a string: soft error argument in 16. */
#if PG_VERSION_NUM >= 160000
#define sg_qualified_name_list(str)		stringToQualifiedNameList((str), NULL)
#else
#define sg_qualified_name_list(str)		stringToQualifiedNameList(str)
#endif

/*
 * Raw parser entry points.  Modes (used for PL/pgSQL expressions) arrived in
 * 14; before that PL/pgSQL expressions were complete "SELECT ..." strings.
 */
#if PG_VERSION_NUM >= 140000
#define SG_PARSE_DEFAULT				RAW_PARSE_DEFAULT
#define sg_raw_parse(str)				raw_parser((str), RAW_PARSE_DEFAULT)
#define sg_raw_parse_mode(str, mode)	raw_parser((str), (RawParseMode) (mode))
#define sg_expr_parse_mode(expr)		((int) (expr)->parseMode)
#define sg_is_assignment_mode(mode) \
	((mode) == RAW_PARSE_PLPGSQL_ASSIGN1 || (mode) == RAW_PARSE_PLPGSQL_ASSIGN2 || \
	 (mode) == RAW_PARSE_PLPGSQL_ASSIGN3)
#else
#define SG_PARSE_DEFAULT				0
#define sg_raw_parse(str)				raw_parser(str)
#define sg_raw_parse_mode(str, mode)	raw_parser(str)
#define sg_expr_parse_mode(expr)		0
#define sg_is_assignment_mode(mode)		false
#endif

/* Decoding a date/time string: an argument for error details came in 16. */
#if PG_VERSION_NUM >= 160000
#define sg_decode_datetime(field, ftype, nf, dtype, tm, fsec, tzp) \
	DecodeDateTime((field), (ftype), (nf), (dtype), (tm), (fsec), (tzp), NULL)
#else
#define sg_decode_datetime(field, ftype, nf, dtype, tm, fsec, tzp) \
	DecodeDateTime((field), (ftype), (nf), (dtype), (tm), (fsec), (tzp))
#endif

/* Parameters whose types parse analysis infers: renamed in 15. */
#if PG_VERSION_NUM >= 150000
#define sg_setup_variable_parameters(pstate, types, n) \
	setup_parse_variable_parameters((pstate), (types), (n))
#else
#define sg_setup_variable_parameters(pstate, types, n) \
	parse_variable_parameters((pstate), (types), (n))
#endif

/*
 * The columns a range table entry reads, inserts and updates.  They moved
 * from the RTE to RTEPermissionInfo in 16.
 */
static inline void
sg_rte_columns(Query *query, RangeTblEntry *rte, AclMode *perms,
			   Bitmapset **selected, Bitmapset **inserted, Bitmapset **updated)
{
#if PG_VERSION_NUM >= 160000
	if (rte->perminfoindex != 0)
	{
		RTEPermissionInfo *pi = getRTEPermissionInfo(query->rteperminfos, rte);

		*perms = pi->requiredPerms;
		*selected = pi->selectedCols;
		*inserted = pi->insertedCols;
		*updated = pi->updatedCols;
		return;
	}
	*perms = 0;
	*selected = *inserted = *updated = NULL;
#else
	(void) query;
	*perms = rte->requiredPerms;
	*selected = rte->selectedCols;
	*inserted = rte->insertedCols;
	*updated = rte->updatedCols;
#endif
}

/* The string held by an A_Const, or NULL.  The node changed in 15. */
static inline const char *
sg_aconst_string(A_Const *c)
{
#if PG_VERSION_NUM >= 150000
	if (!c->isnull && IsA(&c->val, String))
		return strVal(&c->val);
#else
	if (IsA(&c->val, String))
		return strVal(&c->val);
#endif
	return NULL;
}

/*
 * Check the result of a string-bodied SQL function the way the executor
 * will.  Raises an error on a mismatch.
 */
static inline void
sg_check_sql_fn_retval(List *query_lists, Oid rettype, TupleDesc rettupdesc)
{
#if PG_VERSION_NUM >= 180000
	(void) check_sql_fn_retval(query_lists, rettype, rettupdesc,
							   PROKIND_FUNCTION, false);
#elif PG_VERSION_NUM >= 140000
	(void) check_sql_fn_retval(query_lists, rettype, rettupdesc, false, NULL);
#else
	(void) query_lists;
	(void) rettype;
	(void) rettupdesc;
#endif
}

/*
 * SQL functions: before 18 every statement of the body is analysed before
 * the first one runs, so a statement cannot use a table an earlier one
 * creates.  The stored body of BEGIN ATOMIC functions arrived in 14.
 */
#define SG_SQL_ANALYSED_UPFRONT			(PG_VERSION_NUM < 180000)

static inline List *
sg_proc_atomic_body(HeapTuple proctup)
{
#if PG_VERSION_NUM >= 140000
	bool		isnull;
	Datum		body = SysCacheGetAttr(PROCOID, proctup,
									   Anum_pg_proc_prosqlbody, &isnull);
	Node	   *n;

	if (isnull)
		return NIL;
	n = stringToNode(TextDatumGetCString(body));
	if (IsA(n, List))
		return linitial_node(List, (List *) n);
	return list_make1(n);
#else
	(void) proctup;
	return NIL;
#endif
}

/*
 * A concrete type to analyse a polymorphic argument with, as PL/pgSQL's
 * validator does (the multirange types arrived in 14).
 */
static inline Oid
sg_polymorphic_stand_in(Oid type)
{
	switch (type)
	{
		case ANYELEMENTOID:
		case ANYNONARRAYOID:
		case ANYENUMOID:
		case ANYCOMPATIBLEOID:
		case ANYCOMPATIBLENONARRAYOID:
			return INT4OID;
		case ANYARRAYOID:
		case ANYCOMPATIBLEARRAYOID:
			return INT4ARRAYOID;
		case ANYRANGEOID:
		case ANYCOMPATIBLERANGEOID:
			return INT4RANGEOID;
#if PG_VERSION_NUM >= 140000
		case ANYMULTIRANGEOID:
		case ANYCOMPATIBLEMULTIRANGEOID:
			return INT4MULTIRANGEOID;
#endif
		default:
			return type;
	}
}

/* The actions of a MERGE (15 and later); NIL for any other query. */
static inline List *
sg_merge_actions(Query *query)
{
#if PG_VERSION_NUM >= 150000
	if (query->commandType == CMD_MERGE)
		return query->mergeActionList;
#else
	(void) query;
#endif
	return NIL;
}

/* Set up a set-returning function in materialize mode. */
static inline void
sg_init_materialized_srf(FunctionCallInfo fcinfo)
{
#if PG_VERSION_NUM >= 150000
	InitMaterializedSRF(fcinfo, 0);
#else
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext old;
	TupleDesc	tupdesc;

	if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo) ||
		!(rsinfo->allowedModes & SFRM_Materialize))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("set-valued function called in context that cannot accept a set")));
	old = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	rsinfo->returnMode = SFRM_Materialize;
	rsinfo->setResult = tuplestore_begin_heap(true, false, work_mem);
	rsinfo->setDesc = CreateTupleDescCopy(tupdesc);
	MemoryContextSwitchTo(old);
#endif
}

/* A compiled PL/pgSQL function's use count moved into CachedFunction in 18. */
#if PG_VERSION_NUM >= 180000
#define SG_PLPGSQL_USE_COUNT(func)		((func)->cfunc.use_count)
#define SG_PLPGSQL_FN_XMIN(func)		((func)->cfunc.fn_xmin)
#define SG_PLPGSQL_HASHKEY(func)		((func)->cfunc.fn_hashkey)
#else
#define SG_PLPGSQL_USE_COUNT(func)		((func)->use_count)
#define SG_PLPGSQL_FN_XMIN(func)		((func)->fn_xmin)
#define SG_PLPGSQL_HASHKEY(func)		((func)->fn_hashkey)
#endif

/*
 * Whether a compile made only for an analysis can be taken out of
 * PL/pgSQL's function cache again (engine_plpgsql.c, sg_forget_compiled).
 * That relies on plpgsql_compile of 13 to 17; 18 moved the cache into
 * funccache.c, where compiled functions are kept as for a call.
 */
#if PG_VERSION_NUM >= 180000
#define SG_PLPGSQL_CAN_FORGET			false
#else
#define SG_PLPGSQL_CAN_FORGET			true
#endif

/* Entry points of the PL/pgSQL library, reached with load_external_function. */
typedef PLpgSQL_function *(*sg_plpgsql_compile_fn) (FunctionCallInfo fcinfo,
													bool forValidator);
typedef void (*sg_plpgsql_parser_setup_fn) (struct ParseState *pstate,
											PLpgSQL_expr *expr);
typedef PLpgSQL_type *(*sg_plpgsql_build_datatype_fn) (Oid typeOid,
													   int32 typmod,
													   Oid collation,
													   TypeName *origtypname);


/*
 * Releasing a compiled PL/pgSQL function: free its memory and mark its
 * cache entry out of date.  PL/pgSQL frees the memory again when it finds
 * the entry out of date, so what was freed is made to look empty.  (18
 * moved the cache into funccache.c; there nothing is released.)
 */
typedef void (*sg_plpgsql_free_fn) (PLpgSQL_function *func);
extern sg_plpgsql_free_fn sg_free_function_memory_p;

#if PG_VERSION_NUM < 180000
static inline void
sg_release_compiled(PLpgSQL_function *func)
{
	SG_PLPGSQL_FN_XMIN(func) = InvalidTransactionId;
	sg_free_function_memory_p(func);
	func->ndatums = 0;
	func->datums = NULL;
}
#else
static inline void
sg_release_compiled(PLpgSQL_function *func)
{
}
#endif

#endif							/* SG_COMPAT_H */
