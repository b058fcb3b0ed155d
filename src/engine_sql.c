/*-------------------------------------------------------------------------
 *
 * engine_sql.c
 *	  References of a SQL-language body.
 *
 * A string body is parsed and each statement analysed with the parameter
 * hooks PostgreSQL uses for SQL functions, then the result of the last
 * statement is checked against the declared result as the executor will.
 * A BEGIN ATOMIC body is stored already analysed; its queries are read
 * directly (PostgreSQL also records its dependencies in pg_depend), each
 * as an analysis point, once what it uses is locked as running it does.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/functions.h"
#include "funcapi.h"
#include "parser/parser.h"
#include "rewrite/rewriteHandler.h"
#include "utils/syscache.h"

#include "compat.h"
#include "engine.h"

void
sg_sql_analyze(SgUnitState *us)
{
	List	   *atomic = sg_proc_atomic_body(us->proctup);
	SQLFunctionParseInfoPtr pinfo;
	SgPoint		pc;
	List	   *raws;
	Query	   *last = NULL;
	ListCell   *lc;
	int			last_line = 1;
	int			i;

	memset(&pc, 0, sizeof(pc));

	if (atomic != NIL)
	{
		SgRawScan	scan;

		memset(&scan, 0, sizeof(scan));
		foreach(lc, atomic)
		{
			MemoryContext old;
			Query	   *query;

			if (!sg_point_enter(us, &pc, NULL))
				continue;

			/*
			 * Nothing has locked the relations of a stored query (parse
			 * analysis does that for a string body's): lock them as the
			 * executor of SQL functions does before it rewrites a copy.
			 */
			old = MemoryContextSwitchTo(us->point_cxt);
			query = copyObject(lfirst_node(Query, lc));
			AcquireRewriteLocks(query, true, false);
			sg_collect_query(us, &pc, &scan, query);
			MemoryContextSwitchTo(old);
		}
		return;
	}
	pc.base_line = 1;

	/*
	 * The parameter hooks' information, as prepare_sql_fn_parse_info builds
	 * it, except that polymorphic arguments get the stand-in types PL/pgSQL's
	 * validator uses (there is no call to take actual types from).
	 */
	pinfo = palloc0(sizeof(SQLFunctionParseInfo));
	pinfo->fname = pstrdup(NameStr(us->proc->proname));
	pinfo->nargs = us->proc->pronargs;
	pinfo->collation = InvalidOid;
	pinfo->argtypes = palloc(sizeof(Oid) * Max(pinfo->nargs, 1));
	for (i = 0; i < pinfo->nargs; i++)
		pinfo->argtypes[i] = sg_polymorphic_stand_in(us->proc->proargtypes.values[i]);
	{
		bool		names_null;
		bool		modes_null;
		Datum		names = SysCacheGetAttr(PROCOID, us->proctup,
											Anum_pg_proc_proargnames, &names_null);
		Datum		modes = SysCacheGetAttr(PROCOID, us->proctup,
											Anum_pg_proc_proargmodes, &modes_null);

		if (!names_null &&
			get_func_input_arg_names(names, modes_null ? PointerGetDatum(NULL) : modes,
									 &pinfo->argnames) != pinfo->nargs)
			pinfo->argnames = NULL;
	}

	pc.src = us->prosrc;
	sg_point_use_body_lines(us, &pc);
	pc.mode = SG_PARSE_DEFAULT;
	pc.setup = (ParserSetupHook) sql_fn_parser_setup;
	pc.setup_arg = pinfo;

	raws = sg_point_parse(us, &pc);
	foreach(lc, raws)
	{
		RawStmt    *raw = lfirst_node(RawStmt, lc);
		Query	   *query = sg_point_analyze(us, &pc, raw);

		if (lnext(raws, lc) == NULL)
		{
			last_line = sg_line_at(&pc, sg_statement_start(pc.src,
														   raw->stmt_location));
			if (query != NULL)
				last = copyObject(query);
		}
	}

	/*
	 * The result, as the executor checks it: the last statement's result
	 * against the declared one (even if an earlier statement fails, so
	 * that both problems are reported).
	 */
	if (raws == NIL || us->proc->prokind == PROKIND_PROCEDURE ||
		us->polymorphic)
		return;
	pc.base_line = last_line;
	pc.src = NULL;
	if (sg_point_enter(us, &pc, NULL) && last != NULL)
	{
		Oid			rettype;
		TupleDesc	rettupdesc;

		(void) get_func_result_type(us->fn, &rettype, &rettupdesc);
		sg_check_sql_fn_retval(list_make1(list_make1(last)), rettype,
							   rettupdesc);
	}
}

