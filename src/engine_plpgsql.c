/*-------------------------------------------------------------------------
 *
 * engine_plpgsql.c
 *	  References of a PL/pgSQL body.
 *
 * The function is compiled by PL/pgSQL itself (plpgsql_compile, reached
 * with load_external_function) as for a call, freshly (a cached compile
 * can be stale) unless its validator has just compiled it, and the
 * compiled code is freed afterwards, with PL/pgSQL's cache entry when the
 * analysis made it.  The walk then
 * visits every statement in order and puts each embedded SQL expression
 * through parse analysis with PL/pgSQL's parser hooks, so that variables,
 * parameters and record fields resolve exactly as they do at run time.
 *
 * The hooks look up variables in an execution state.  We give them a fake
 * one whose record variables are private copies: NEW and OLD get the row
 * type of the trigger's table; a RECORD variable gets the row type of the
 * query last assigned to it (FOR ... IN query, SELECT ... INTO, FETCH);
 * the hidden variable of a simple CASE gets the type of its test
 * expression.  The compiled function itself is never changed, and it is
 * pinned while we use it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>

#include "access/tupdesc.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "parser/parse_param.h"
#include "parser/scanner.h"
#include "parser/gram.h"
#include "utils/expandedrecord.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/queryenvironment.h"
#include "utils/syscache.h"

#include "compat.h"
#include "engine.h"

typedef struct SgPlpgsql
{
	PLpgSQL_function *func;
	PLpgSQL_execstate *estate;	/* the fake execution state */
	PLpgSQL_execstate *saved_estate;	/* func->cur_estate before us */
	bool		pinned;			/* we raised the use count */
	bool		fresh;			/* PL/pgSQL made func for this analysis */
	List	   *handlers;		/* exception blocks protecting the walk */
	const char *uncertain;		/* why failures here are not certain */
	bool		blanked_into;	/* the statement walked had its INTO blanked */
	QueryEnvironment *queryenv; /* transition tables of the trigger */
	int		   *assignments;	/* per datum: statements assigning it */
	List	  **shapes;			/* per datum: row types assigned to it */
	TupleDesc  *cursor_desc;	/* per datum: row type of a cursor */
} SgPlpgsql;

/* Parameters of a constant EXECUTE ... USING: types inferred from use. */
typedef struct SgVarParams
{
	Oid		   *types;
	int			ntypes;
} SgVarParams;

static sg_plpgsql_compile_fn sg_compile_p = NULL;
static sg_plpgsql_parser_setup_fn sg_parser_setup_p = NULL;
static sg_plpgsql_build_datatype_fn sg_build_datatype_p = NULL;
sg_plpgsql_free_fn sg_free_function_memory_p = NULL;
static PLpgSQL_function **sg_curr_compile_p = NULL;

static PLpgSQL_function *sg_compile(SgUnitState *us, bool *fresh);
static void sg_forget_compiled(PLpgSQL_function *func);
static void sg_setup_estate(SgUnitState *us, SgPlpgsql *ps);
static void sg_prewalk(SgPlpgsql *ps, List *stmts);
static void sg_count_target(SgPlpgsql *ps, PLpgSQL_variable *target);
static void sg_walk_stmts(SgUnitState *us, SgPlpgsql *ps, List *stmts);
static void sg_walk_stmt(SgUnitState *us, SgPlpgsql *ps, PLpgSQL_stmt *stmt);
static void sg_walk_declaration(SgUnitState *us, SgPlpgsql *ps, int dno);
static void sg_case_variable(SgPlpgsql *ps, int dno, Query *query);
static Query *sg_expr(SgUnitState *us, SgPlpgsql *ps, PLpgSQL_expr *expr,
					  int line);
static Query *sg_expr_target(SgUnitState *us, SgPlpgsql *ps,
							 PLpgSQL_expr *expr, int line, int target_dno);
static int	sg_body_offset(SgUnitState *us, int line, const char *query);
static int	sg_field_line(SgUnitState *us, SgPlpgsql *ps,
						  PLpgSQL_recfield *field, int line);
static void sg_check_record_shapes(SgUnitState *us, SgPlpgsql *ps,
								   PLpgSQL_recfield *field, int line);
static void sg_expr_list(SgUnitState *us, SgPlpgsql *ps, List *exprs,
						 int line);
static void sg_dynamic(SgUnitState *us, SgPlpgsql *ps, PLpgSQL_expr *query,
					   List *params, int line);
static const char *sg_constant_string(PLpgSQL_expr *expr);
static void sg_field_ref(SgUnitState *us, SgPlpgsql *ps,
						 PLpgSQL_recfield *field, char access, int line);
static void sg_target(SgUnitState *us, SgPlpgsql *ps,
					  PLpgSQL_variable *target, Query *query, int line);
static void sg_target_datum(SgUnitState *us, SgPlpgsql *ps, int dno, int line);
static void sg_type_record(SgUnitState *us, SgPlpgsql *ps, int dno,
						   TupleDesc desc);
static TupleDesc sg_query_desc(SgUnitState *us, Query *query);
static void sg_check_return_query(SgUnitState *us, SgPlpgsql *ps,
								  Query *query, int line);
static void sg_type_refs(SgUnitState *us, SgPlpgsql *ps);
static bool sg_is_datum_name(SgPlpgsql *ps, const char *name);
static bool sg_is_keyword_token(int tok);
static bool sg_falls_through(PLpgSQL_stmt *stmt);
static bool sg_tests_version(PLpgSQL_expr *cond);
static bool sg_tests_trigger_table(PLpgSQL_expr *cond);
static const char *sg_branch_uncertainty(PLpgSQL_expr *cond);
static bool sg_is_trigger_record(SgPlpgsql *ps, int dno);
static void sg_varparams_setup(ParseState *pstate, void *arg);

void
sg_plpgsql_init(void)
{
	sg_compile_p = (sg_plpgsql_compile_fn)
		load_external_function("$libdir/plpgsql", "plpgsql_compile", true, NULL);
	sg_parser_setup_p = (sg_plpgsql_parser_setup_fn)
		load_external_function("$libdir/plpgsql", "plpgsql_parser_setup", true, NULL);
	sg_build_datatype_p = (sg_plpgsql_build_datatype_fn)
		load_external_function("$libdir/plpgsql", "plpgsql_build_datatype", true, NULL);
	sg_free_function_memory_p = (sg_plpgsql_free_fn)
		load_external_function("$libdir/plpgsql", "plpgsql_free_function_memory", true, NULL);
	sg_curr_compile_p = (PLpgSQL_function **)
		load_external_function("$libdir/plpgsql", "plpgsql_curr_compile", true, NULL);
}

/*
 * Analyse a PL/pgSQL unit.  Called once per pass; the first pass compiles
 * the function and sets up the fake execution state, which later passes
 * reuse.
 */
void
sg_plpgsql_analyze(SgUnitState *us)
{
	SgPlpgsql  *ps = (SgPlpgsql *) us->plpgsql;

	if (ps == NULL)
	{
		bool		fresh;
		PLpgSQL_function *func = sg_compile(us, &fresh);
		MemoryContext old = MemoryContextSwitchTo(us->cxt);

		ps = palloc0(sizeof(SgPlpgsql));
		ps->func = func;
		ps->fresh = fresh;
		ps->saved_estate = func->cur_estate;
		SG_PLPGSQL_USE_COUNT(func)++;
		ps->pinned = true;
		us->plpgsql = ps;
		sg_setup_estate(us, ps);
		sg_prewalk(ps, list_make1(func->action));
		MemoryContextSwitchTo(old);
	}

	/* a pass may start after a failure left these set: start clean */
	ps->func->cur_estate = ps->estate;
	ps->handlers = NIL;
	ps->uncertain = NULL;
	ps->blanked_into = false;

	if (OidIsValid(us->trigrel))
		sg_add_ref(us, SG_KIND_RELATION, SG_ACCESS_TRIGGER, 0,
				   RelationRelationId, us->trigrel, 0,
				   get_rel_name(us->trigrel), NULL);
	sg_type_refs(us, ps);
	sg_walk_stmt(us, ps, (PLpgSQL_stmt *) ps->func->action);
}

/* Undo what analysis did to the compiled function.  Safe to call twice. */
void
sg_plpgsql_finish(SgUnitState *us)
{
	SgPlpgsql  *ps = (SgPlpgsql *) us->plpgsql;

	if (ps != NULL && ps->pinned)
	{
		ps->func->cur_estate = ps->saved_estate;
		SG_PLPGSQL_USE_COUNT(ps->func)--;
		ps->pinned = false;
	}
}

/*
 * Free what PL/pgSQL compiled for the analysis, once it is over: PL/pgSQL
 * keeps every compiled function for the life of the backend (tens of kB
 * each), and analysing thousands of functions must not grow the backend
 * by that much.  A cache entry that was there before (a call or the
 * validator made it) is kept, marked out of date, so a later call
 * compiles the function again; one the analysis made is removed.  Not
 * while the function runs in this backend.
 */
void
sg_plpgsql_release(SgUnitState *us)
{
	SgPlpgsql  *ps = (SgPlpgsql *) us->plpgsql;

	if (ps == NULL || ps->pinned || SG_PLPGSQL_USE_COUNT(ps->func) != 0)
		return;
	sg_release_compiled(ps->func);
	if (ps->fresh && SG_PLPGSQL_CAN_FORGET)
		sg_forget_compiled(ps->func);
	us->plpgsql = NULL;
}

/*
 * Take a compile the analysis made out of PL/pgSQL's cache, and free it,
 * so that analysing every function of a database leaves no cache entry
 * (about 1.5 kB) behind for each.  Only the analysis ever saw the struct:
 * nothing ran the function in between.
 *
 * PL/pgSQL removes a cache entry only when plpgsql_compile is handed a
 * struct that is out of date (as the released one is), before it
 * compiles the function it was asked for into that struct.  So it is
 * handed the struct as the cached compile of a call of array_dims(anyarray)
 * that has no call expression: after removing the entry, it fails to
 * resolve the polymorphic argument type, before it compiles or caches
 * anything.  That error is expected; any other is not ours to swallow.
 * The subtransaction releases what the failed call held.
 */
static void
sg_forget_compiled(PLpgSQL_function *func)
{
	LOCAL_FCINFO(fcinfo, 0);
	FmgrInfo	flinfo;
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	ErrorData  *volatile edata = NULL;

	MemSet(&flinfo, 0, sizeof(flinfo));
	flinfo.fn_oid = F_ARRAY_DIMS;
	flinfo.fn_mcxt = cxt;
	flinfo.fn_extra = func;
	InitFunctionCallInfoData(*fcinfo, &flinfo, 0, InvalidOid, NULL, NULL);

	BeginInternalSubTransaction(NULL);
	PG_TRY();
	{
		(void) sg_compile_p(fcinfo, false);
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		FlushErrorState();
	}
	PG_END_TRY();
	RollbackAndReleaseCurrentSubTransaction();
	MemoryContextSwitchTo(cxt);
	CurrentResourceOwner = owner;

	if (edata == NULL)
		return;					/* compiled after all: PL/pgSQL keeps it */
	if (edata->sqlerrcode != ERRCODE_FEATURE_NOT_SUPPORTED)
		ReThrowError(edata);
	FreeErrorData(edata);

	/* out of the cache, and nothing compiled into it: nobody else has it */
	if (SG_PLPGSQL_HASHKEY(func) == NULL && func->action == NULL)
	{
		if (*sg_curr_compile_p == func)
			*sg_curr_compile_p = NULL;
		pfree(func);
	}
}

/*
 * Compile the function as a call of it would: PL/pgSQL's normal mode, not
 * the validator's (whose compile errors point into the CREATE FUNCTION
 * text instead of saying the line), with a synthetic call expression that
 * gives polymorphic arguments the validator's stand-in types, and for a
 * trigger function the trigger being analysed.  *fresh says whether
 * PL/pgSQL made a new cache entry for it.
 *
 * PL/pgSQL caches compiled functions and only notices a redefinition of the
 * function itself, not of what its declarations name (a %TYPE whose column
 * is gone); a cached compile, from a call of the function or from its
 * validator, can be stale.  PL/pgSQL notes the function it compiles last in
 * plpgsql_curr_compile; when it did not compile this one now, it is made to
 * compile it again, the way it does when a function is redefined.  (Unless
 * the function is running in this backend.)
 */
static PLpgSQL_function *
sg_compile(SgUnitState *us, bool *fresh)
{
	LOCAL_FCINFO(fcinfo, 0);
	FmgrInfo	flinfo;
	TriggerData trigdata;
	Trigger		trigger;
	EventTriggerData etrigdata;
	FuncExpr   *call = makeNode(FuncExpr);
	PLpgSQL_function *func;
	void	   *probe;
	int			i;

	MemSet(fcinfo, 0, SizeForFunctionCallInfo(0));
	MemSet(&flinfo, 0, sizeof(flinfo));
	fcinfo->flinfo = &flinfo;
	flinfo.fn_oid = us->fn;
	flinfo.fn_mcxt = CurrentMemoryContext;

	call->funcid = us->fn;
	call->funcresulttype = sg_polymorphic_stand_in(us->proc->prorettype);
	call->location = -1;
	for (i = 0; i < us->proc->pronargs; i++)
		call->args = lappend(call->args,
							 makeNullConst(sg_polymorphic_stand_in(us->proc->proargtypes.values[i]),
										   -1, InvalidOid));
	flinfo.fn_expr = (Node *) call;

	if (us->proc->prorettype == TRIGGEROID)
	{
		MemSet(&trigdata, 0, sizeof(trigdata));
		MemSet(&trigger, 0, sizeof(trigger));
		trigdata.type = T_TriggerData;
		trigdata.tg_trigger = &trigger;
		trigger.tgoid = us->tg;
		fcinfo->context = (Node *) &trigdata;
	}
	else if (us->proc->prorettype == EVENT_TRIGGEROID)
	{
		MemSet(&etrigdata, 0, sizeof(etrigdata));
		etrigdata.type = T_EventTriggerData;
		fcinfo->context = (Node *) &etrigdata;
	}

	/*
	 * A new cache entry's struct is the first allocation of its size in
	 * TopMemoryContext that PL/pgSQL makes, and the allocator hands out the
	 * chunk of that size freed last: one freed just before is where a new
	 * struct would be, and an existing one cannot be.  (If something else
	 * took the chunk first, a new entry is taken for an old one and kept.)
	 */
	probe = MemoryContextAlloc(TopMemoryContext, sizeof(PLpgSQL_function));
	pfree(probe);

	*sg_curr_compile_p = NULL;
	func = sg_compile_p(fcinfo, false);
	*fresh = (func == probe);
	if (*sg_curr_compile_p != func && SG_PLPGSQL_USE_COUNT(func) == 0 &&
		!us->cached_compile_current)
	{
		/*
		 * A cached compile: make PL/pgSQL compile the function again (what
		 * it resolved then, %TYPE for one, may have changed since).
		 */
		SG_PLPGSQL_FN_XMIN(func) = InvalidTransactionId;
		flinfo.fn_extra = NULL;
		func = sg_compile_p(fcinfo, false);
	}
	return func;
}

/*
 * The fake execution state: the function's datums, with private copies of
 * its record variables, NEW and OLD typed as the trigger's table, and the
 * trigger's transition tables as ephemeral named relations.
 */
static void
sg_setup_estate(SgUnitState *us, SgPlpgsql *ps)
{
	PLpgSQL_function *func = ps->func;
	PLpgSQL_execstate *estate = palloc0(sizeof(PLpgSQL_execstate));
	int			i;

	estate->func = func;
	estate->ndatums = func->ndatums;
	estate->datums = palloc(sizeof(PLpgSQL_datum *) * func->ndatums);
	estate->datum_context = us->cxt;
	estate->found_varno = func->found_varno;
	estate->readonly_func = func->fn_readonly;
	estate->atomic = true;

	for (i = 0; i < func->ndatums; i++)
	{
		PLpgSQL_datum *datum = func->datums[i];

		if (datum->dtype == PLPGSQL_DTYPE_REC)
		{
			PLpgSQL_rec *rec = palloc(sizeof(PLpgSQL_rec));

			memcpy(rec, datum, sizeof(PLpgSQL_rec));
			rec->erh = NULL;
			estate->datums[i] = (PLpgSQL_datum *) rec;
		}
		else
			estate->datums[i] = datum;
	}
	ps->estate = estate;
	ps->assignments = palloc0(sizeof(int) * func->ndatums);
	ps->cursor_desc = palloc0(sizeof(TupleDesc) * func->ndatums);
	ps->shapes = palloc0(sizeof(List *) * func->ndatums);

	if (func->fn_is_trigger == PLPGSQL_DML_TRIGGER && OidIsValid(us->trigrel))
	{
		Oid			reltype = get_rel_type_id(us->trigrel);

		((PLpgSQL_rec *) estate->datums[func->new_varno])->erh =
			make_expanded_record_from_typeid(reltype, -1, us->cxt);
		((PLpgSQL_rec *) estate->datums[func->old_varno])->erh =
			make_expanded_record_from_typeid(reltype, -1, us->cxt);

		if (us->trig_newtable != NULL || us->trig_oldtable != NULL)
		{
			char	   *names[2];

			names[0] = us->trig_newtable;
			names[1] = us->trig_oldtable;
			ps->queryenv = create_queryEnv();
			for (i = 0; i < 2; i++)
			{
				EphemeralNamedRelation enr;

				if (names[i] == NULL)
					continue;
				enr = palloc0(sizeof(EphemeralNamedRelationData));
				enr->md.name = names[i];
				enr->md.reliddesc = us->trigrel;
				enr->md.enrtype = ENR_NAMED_TUPLESTORE;
				register_ENR(ps->queryenv, enr);
			}
		}
	}
}

/*
 * The hidden variable of a simple CASE ("CASE x WHEN ..."): PL/pgSQL
 * declares it as integer and gives it the type of the test expression when
 * the statement runs, before the WHEN expressions, which compare it, are
 * evaluated.  Do the same, in a private copy of the variable.
 */
static void
sg_case_variable(SgPlpgsql *ps, int dno, Query *query)
{
	PLpgSQL_var *var;
	TargetEntry *tle;
	Node	   *expr;
	MemoryContext old;

	if (query->targetList == NIL || dno < 0 || dno >= ps->estate->ndatums ||
		ps->estate->datums[dno]->dtype != PLPGSQL_DTYPE_VAR)
		return;
	tle = (TargetEntry *) linitial(query->targetList);
	expr = (Node *) tle->expr;

	/* it must last as long as the execution state: later passes reuse it */
	old = MemoryContextSwitchTo(ps->estate->datum_context);
	var = palloc(sizeof(PLpgSQL_var));
	memcpy(var, ps->estate->datums[dno], sizeof(PLpgSQL_var));
	var->datatype = sg_build_datatype_p(exprType(expr), exprTypmod(expr),
										ps->func->fn_input_collation, NULL);
	ps->estate->datums[dno] = (PLpgSQL_datum *) var;
	MemoryContextSwitchTo(old);
}

/*
 * Count the statements that assign each record variable.  A record typed
 * by the query last assigned to it is certain only if it has one.
 */
static void
sg_prewalk(SgPlpgsql *ps, List *stmts)
{
	ListCell   *lc;

	foreach(lc, stmts)
	{
		PLpgSQL_stmt *stmt = (PLpgSQL_stmt *) lfirst(lc);
		ListCell   *lc2;

		switch (stmt->cmd_type)
		{
			case PLPGSQL_STMT_BLOCK:
				{
					PLpgSQL_stmt_block *block = (PLpgSQL_stmt_block *) stmt;

					sg_prewalk(ps, block->body);
					if (block->exceptions)
					{
						foreach(lc2, block->exceptions->exc_list)
							sg_prewalk(ps, ((PLpgSQL_exception *) lfirst(lc2))->action);
					}
				}
				break;
			case PLPGSQL_STMT_ASSIGN:
				ps->assignments[((PLpgSQL_stmt_assign *) stmt)->varno]++;
				break;
			case PLPGSQL_STMT_IF:
				{
					PLpgSQL_stmt_if *s = (PLpgSQL_stmt_if *) stmt;

					sg_prewalk(ps, s->then_body);
					foreach(lc2, s->elsif_list)
						sg_prewalk(ps, ((PLpgSQL_if_elsif *) lfirst(lc2))->stmts);
					sg_prewalk(ps, s->else_body);
				}
				break;
			case PLPGSQL_STMT_CASE:
				{
					PLpgSQL_stmt_case *s = (PLpgSQL_stmt_case *) stmt;

					foreach(lc2, s->case_when_list)
						sg_prewalk(ps, ((PLpgSQL_case_when *) lfirst(lc2))->stmts);
					sg_prewalk(ps, s->else_stmts);
				}
				break;
			case PLPGSQL_STMT_LOOP:
				sg_prewalk(ps, ((PLpgSQL_stmt_loop *) stmt)->body);
				break;
			case PLPGSQL_STMT_WHILE:
				sg_prewalk(ps, ((PLpgSQL_stmt_while *) stmt)->body);
				break;
			case PLPGSQL_STMT_FORI:
				sg_prewalk(ps, ((PLpgSQL_stmt_fori *) stmt)->body);
				break;
			case PLPGSQL_STMT_FORS:
			case PLPGSQL_STMT_FORC:
			case PLPGSQL_STMT_DYNFORS:
				sg_count_target(ps, ((PLpgSQL_stmt_forq *) stmt)->var);
				sg_prewalk(ps, ((PLpgSQL_stmt_forq *) stmt)->body);
				break;
			case PLPGSQL_STMT_FOREACH_A:
				sg_prewalk(ps, ((PLpgSQL_stmt_foreach_a *) stmt)->body);
				break;
			case PLPGSQL_STMT_EXECSQL:
				if (((PLpgSQL_stmt_execsql *) stmt)->into)
					sg_count_target(ps, ((PLpgSQL_stmt_execsql *) stmt)->target);
				break;
			case PLPGSQL_STMT_DYNEXECUTE:
				if (((PLpgSQL_stmt_dynexecute *) stmt)->into)
					sg_count_target(ps, ((PLpgSQL_stmt_dynexecute *) stmt)->target);
				break;
			case PLPGSQL_STMT_FETCH:
				sg_count_target(ps, ((PLpgSQL_stmt_fetch *) stmt)->target);
				break;
			default:
				break;
		}
	}
}

static void
sg_count_target(SgPlpgsql *ps, PLpgSQL_variable *target)
{
	if (target != NULL)
		ps->assignments[target->dno]++;
}

/*
 * Walk a statement list.  Simple statements that always fall through into
 * an unconditional RAISE EXCEPTION are an error path: whatever they do is
 * rolled back, and if they fail the call fails anyway, with another
 * message; so their failures are not certain breaks.
 */
static void
sg_walk_stmts(SgUnitState *us, SgPlpgsql *ps, List *stmts)
{
	int			n = list_length(stmts);
	int			raise_at = -1;
	int			error_path_from;
	int			i;

	for (i = 0; i < n; i++)
	{
		PLpgSQL_stmt *stmt = (PLpgSQL_stmt *) list_nth(stmts, i);

		if (stmt->cmd_type == PLPGSQL_STMT_RAISE &&
			((PLpgSQL_stmt_raise *) stmt)->elog_level >= ERROR)
		{
			raise_at = i;
			break;
		}
	}
	error_path_from = raise_at;
	while (error_path_from > 0)
	{
		PLpgSQL_stmt *prev = (PLpgSQL_stmt *) list_nth(stmts, error_path_from - 1);

		if (!sg_falls_through(prev))
			break;
		error_path_from--;
	}

	for (i = 0; i < n; i++)
	{
		const char *save = ps->uncertain;

		if (raise_at >= 0 && i >= error_path_from && i < raise_at &&
			save == NULL)
			ps->uncertain = "on a path that raises an exception anyway";
		sg_walk_stmt(us, ps, (PLpgSQL_stmt *) list_nth(stmts, i));
		ps->uncertain = save;
	}
}

/* A statement that cannot leave its list other than by the next one. */
static bool
sg_falls_through(PLpgSQL_stmt *stmt)
{
	switch (stmt->cmd_type)
	{
		case PLPGSQL_STMT_ASSIGN:
		case PLPGSQL_STMT_EXECSQL:
		case PLPGSQL_STMT_DYNEXECUTE:
		case PLPGSQL_STMT_PERFORM:
		case PLPGSQL_STMT_CALL:
		case PLPGSQL_STMT_GETDIAG:
		case PLPGSQL_STMT_CLOSE:
			return true;
		case PLPGSQL_STMT_RAISE:
			return ((PLpgSQL_stmt_raise *) stmt)->elog_level < ERROR;
		default:
			return false;
	}
}

/*
 * Does a condition test the server version?  Then its branches hold code
 * for other versions, which may name catalog columns and functions this
 * server lacks.
 */
static bool
sg_tests_version(PLpgSQL_expr *cond)
{
	const char *p;

	if (cond == NULL)
		return false;
	for (p = cond->query; *p; p++)
	{
		if (pg_strncasecmp(p, "server_version", 14) == 0 ||
			pg_strncasecmp(p, "pg_version", 10) == 0 ||
			(pg_strncasecmp(p, "version", 7) == 0 &&
			 (p == cond->query || !(isalnum((unsigned char) p[-1]) || p[-1] == '_')) &&
			 p[7] == '('))
			return true;
	}
	return false;
}

/*
 * Does a condition test which table's trigger runs the function?  Then a
 * trigger function shared by several tables uses some NEW fields only for
 * some of them.
 */
static bool
sg_tests_trigger_table(PLpgSQL_expr *cond)
{
	static const char *const names[] = {
		"tg_table_name", "tg_relname", "tg_relid", "tg_table_schema",
		"tg_name", "tg_argv"
	};
	const char *p;
	int			i;

	if (cond == NULL)
		return false;
	for (p = cond->query; *p; p++)
	{
		for (i = 0; i < lengthof(names); i++)
		{
			if (pg_strncasecmp(p, names[i], strlen(names[i])) == 0)
				return true;
		}
	}
	return false;
}

/* Why failures in the branches of a condition are uncertain, or NULL. */
static const char *
sg_branch_uncertainty(PLpgSQL_expr *cond)
{
	if (sg_tests_version(cond))
		return "in a branch taken only on some server versions";
	if (sg_tests_trigger_table(cond))
		return "in a branch taken only for some of the trigger's tables";
	return NULL;
}

static void
sg_walk_stmt(SgUnitState *us, SgPlpgsql *ps, PLpgSQL_stmt *stmt)
{
	int			line = stmt->lineno;
	ListCell   *lc;
	Query	   *query;

	check_stack_depth();

	switch (stmt->cmd_type)
	{
		case PLPGSQL_STMT_BLOCK:
			{
				PLpgSQL_stmt_block *block = (PLpgSQL_stmt_block *) stmt;
				int			i;

				for (i = 0; i < block->n_initvars; i++)
					sg_walk_declaration(us, ps, block->initvarnos[i]);
				if (block->exceptions)
				{
					List	   *save = ps->handlers;

					ps->handlers = lcons(block->exceptions, list_copy(save));
					sg_walk_stmts(us, ps, block->body);
					ps->handlers = save;
					foreach(lc, block->exceptions->exc_list)
						sg_walk_stmts(us, ps,
									  ((PLpgSQL_exception *) lfirst(lc))->action);
				}
				else
					sg_walk_stmts(us, ps, block->body);
			}
			break;
		case PLPGSQL_STMT_ASSIGN:
			{
				PLpgSQL_stmt_assign *s = (PLpgSQL_stmt_assign *) stmt;

				(void) sg_expr_target(us, ps, s->expr, line, s->varno);
				sg_target_datum(us, ps, s->varno, line);
			}
			break;
		case PLPGSQL_STMT_IF:
			{
				PLpgSQL_stmt_if *s = (PLpgSQL_stmt_if *) stmt;
				const char *save = ps->uncertain;
				const char *why = sg_branch_uncertainty(s->cond);

				foreach(lc, s->elsif_list)
				{
					if (why == NULL)
						why = sg_branch_uncertainty(((PLpgSQL_if_elsif *) lfirst(lc))->cond);
				}

				(void) sg_expr(us, ps, s->cond, line);
				if (why != NULL && save == NULL)
					ps->uncertain = why;
				sg_walk_stmts(us, ps, s->then_body);
				foreach(lc, s->elsif_list)
				{
					PLpgSQL_if_elsif *elif = (PLpgSQL_if_elsif *) lfirst(lc);

					(void) sg_expr(us, ps, elif->cond, elif->lineno);
					sg_walk_stmts(us, ps, elif->stmts);
				}
				sg_walk_stmts(us, ps, s->else_body);
				ps->uncertain = save;
			}
			break;
		case PLPGSQL_STMT_CASE:
			{
				PLpgSQL_stmt_case *s = (PLpgSQL_stmt_case *) stmt;
				const char *save = ps->uncertain;
				const char *why = sg_branch_uncertainty(s->t_expr);

				foreach(lc, s->case_when_list)
				{
					if (why == NULL)
						why = sg_branch_uncertainty(((PLpgSQL_case_when *) lfirst(lc))->expr);
				}

				query = sg_expr(us, ps, s->t_expr, line);
				if (query != NULL)
					sg_case_variable(ps, s->t_varno, query);
				if (why != NULL && save == NULL)
					ps->uncertain = why;
				foreach(lc, s->case_when_list)
				{
					PLpgSQL_case_when *cw = (PLpgSQL_case_when *) lfirst(lc);

					(void) sg_expr(us, ps, cw->expr, cw->lineno);
					sg_walk_stmts(us, ps, cw->stmts);
				}
				if (s->have_else)
					sg_walk_stmts(us, ps, s->else_stmts);
				ps->uncertain = save;
			}
			break;
		case PLPGSQL_STMT_LOOP:
			sg_walk_stmts(us, ps, ((PLpgSQL_stmt_loop *) stmt)->body);
			break;
		case PLPGSQL_STMT_WHILE:
			(void) sg_expr(us, ps, ((PLpgSQL_stmt_while *) stmt)->cond, line);
			sg_walk_stmts(us, ps, ((PLpgSQL_stmt_while *) stmt)->body);
			break;
		case PLPGSQL_STMT_FORI:
			{
				PLpgSQL_stmt_fori *s = (PLpgSQL_stmt_fori *) stmt;

				(void) sg_expr(us, ps, s->lower, line);
				(void) sg_expr(us, ps, s->upper, line);
				(void) sg_expr(us, ps, s->step, line);
				sg_walk_stmts(us, ps, s->body);
			}
			break;
		case PLPGSQL_STMT_FORS:
			{
				PLpgSQL_stmt_fors *s = (PLpgSQL_stmt_fors *) stmt;

				query = sg_expr(us, ps, s->query, line);
				sg_target(us, ps, s->var, query, line);
				sg_walk_stmts(us, ps, s->body);
			}
			break;
		case PLPGSQL_STMT_FORC:
			{
				PLpgSQL_stmt_forc *s = (PLpgSQL_stmt_forc *) stmt;

				(void) sg_expr(us, ps, s->argquery, line);
				if (s->var != NULL && ps->cursor_desc[s->curvar] != NULL)
					sg_type_record(us, ps, s->var->dno,
								   ps->cursor_desc[s->curvar]);
				sg_walk_stmts(us, ps, s->body);
			}
			break;
		case PLPGSQL_STMT_FOREACH_A:
			(void) sg_expr(us, ps, ((PLpgSQL_stmt_foreach_a *) stmt)->expr, line);
			sg_target_datum(us, ps, ((PLpgSQL_stmt_foreach_a *) stmt)->varno, line);
			sg_walk_stmts(us, ps, ((PLpgSQL_stmt_foreach_a *) stmt)->body);
			break;
		case PLPGSQL_STMT_EXIT:
			(void) sg_expr(us, ps, ((PLpgSQL_stmt_exit *) stmt)->cond, line);
			break;
		case PLPGSQL_STMT_RETURN:
			(void) sg_expr(us, ps, ((PLpgSQL_stmt_return *) stmt)->expr, line);
			break;
		case PLPGSQL_STMT_RETURN_NEXT:
			(void) sg_expr(us, ps, ((PLpgSQL_stmt_return_next *) stmt)->expr, line);
			break;
		case PLPGSQL_STMT_RETURN_QUERY:
			{
				PLpgSQL_stmt_return_query *s = (PLpgSQL_stmt_return_query *) stmt;

				if (s->query != NULL)
				{
					query = sg_expr(us, ps, s->query, line);
					if (query != NULL)
						sg_check_return_query(us, ps, query, line);
				}
				if (s->dynquery != NULL)
					sg_dynamic(us, ps, s->dynquery, s->params, line);
			}
			break;
		case PLPGSQL_STMT_RAISE:
			{
				PLpgSQL_stmt_raise *s = (PLpgSQL_stmt_raise *) stmt;

				sg_expr_list(us, ps, s->params, line);
				foreach(lc, s->options)
					(void) sg_expr(us, ps,
								   ((PLpgSQL_raise_option *) lfirst(lc))->expr,
								   line);
			}
			break;
		case PLPGSQL_STMT_ASSERT:
			(void) sg_expr(us, ps, ((PLpgSQL_stmt_assert *) stmt)->cond, line);
			(void) sg_expr(us, ps, ((PLpgSQL_stmt_assert *) stmt)->message, line);
			break;
		case PLPGSQL_STMT_EXECSQL:
			{
				PLpgSQL_stmt_execsql *s = (PLpgSQL_stmt_execsql *) stmt;

				ps->blanked_into = s->into;
				query = sg_expr(us, ps, s->sqlstmt, line);
				ps->blanked_into = false;
				if (s->into)
					sg_target(us, ps, s->target, query, line);
			}
			break;
		case PLPGSQL_STMT_DYNEXECUTE:
			{
				PLpgSQL_stmt_dynexecute *s = (PLpgSQL_stmt_dynexecute *) stmt;

				sg_dynamic(us, ps, s->query, s->params, line);
				if (s->into)
					sg_target(us, ps, s->target, NULL, line);
			}
			break;
		case PLPGSQL_STMT_DYNFORS:
			{
				PLpgSQL_stmt_dynfors *s = (PLpgSQL_stmt_dynfors *) stmt;

				sg_dynamic(us, ps, s->query, s->params, line);
				sg_target(us, ps, s->var, NULL, line);
				sg_walk_stmts(us, ps, s->body);
			}
			break;
		case PLPGSQL_STMT_OPEN:
			{
				PLpgSQL_stmt_open *s = (PLpgSQL_stmt_open *) stmt;

				(void) sg_expr(us, ps, s->argquery, line);
				if (s->query != NULL)
				{
					query = sg_expr(us, ps, s->query, line);
					if (query != NULL)
						ps->cursor_desc[s->curvar] = sg_query_desc(us, query);
				}
				if (s->dynquery != NULL)
					sg_dynamic(us, ps, s->dynquery, s->params, line);
			}
			break;
		case PLPGSQL_STMT_FETCH:
			{
				PLpgSQL_stmt_fetch *s = (PLpgSQL_stmt_fetch *) stmt;

				(void) sg_expr(us, ps, s->expr, line);
				if (s->target != NULL && !s->is_move &&
					s->target->dtype == PLPGSQL_DTYPE_REC &&
					ps->cursor_desc[s->curvar] != NULL)
					sg_type_record(us, ps, s->target->dno,
								   ps->cursor_desc[s->curvar]);
				else
					sg_target(us, ps, s->target, NULL, line);
			}
			break;
		case PLPGSQL_STMT_PERFORM:
			(void) sg_expr(us, ps, ((PLpgSQL_stmt_perform *) stmt)->expr, line);
			break;
		case PLPGSQL_STMT_CALL:
			(void) sg_expr(us, ps, ((PLpgSQL_stmt_call *) stmt)->expr, line);
			break;
		case PLPGSQL_STMT_GETDIAG:
		case PLPGSQL_STMT_CLOSE:
		case PLPGSQL_STMT_COMMIT:
		case PLPGSQL_STMT_ROLLBACK:
			break;
	}
}

/* A variable declared in a block: its type, default, cursor query. */
static void
sg_walk_declaration(SgUnitState *us, SgPlpgsql *ps, int dno)
{
	PLpgSQL_datum *datum = ps->func->datums[dno];

	if (datum->dtype == PLPGSQL_DTYPE_VAR ||
		datum->dtype == PLPGSQL_DTYPE_PROMISE)
	{
		PLpgSQL_var *var = (PLpgSQL_var *) datum;
		Query	   *query;

		if (var->datatype != NULL)
			sg_type_use(us, var->datatype->typoid, var->lineno);
		(void) sg_expr(us, ps, var->default_val, var->lineno);
		if (var->cursor_explicit_expr != NULL)
		{
			query = sg_expr(us, ps, var->cursor_explicit_expr, var->lineno);
			if (query != NULL)
				ps->cursor_desc[dno] = sg_query_desc(us, query);
		}
	}
	else if (datum->dtype == PLPGSQL_DTYPE_REC)
	{
		PLpgSQL_rec *rec = (PLpgSQL_rec *) datum;

		if (rec->rectypeid != RECORDOID && sg_user_object(rec->rectypeid))
		{
			Oid			relid = get_typ_typrelid(rec->rectypeid);

			if (OidIsValid(relid))
				sg_add_ref(us, SG_KIND_RELATION, SG_ACCESS_TYPE, rec->lineno,
						   RelationRelationId, relid, 0, get_rel_name(relid),
						   NULL);
			else
				sg_add_ref(us, SG_KIND_TYPE, SG_ACCESS_TYPE, rec->lineno,
						   TypeRelationId, rec->rectypeid, 0,
						   sg_type_name(rec->rectypeid), NULL);
		}
		(void) sg_expr(us, ps, rec->default_val, rec->lineno);
	}
}

/* One embedded SQL expression or statement: an analysis point. */
static Query *
sg_expr(SgUnitState *us, SgPlpgsql *ps, PLpgSQL_expr *expr, int line)
{
	return sg_expr_target(us, ps, expr, line, -1);
}

/*
 * The same, for the expression of an assignment to target_dno: the target
 * appears among the expression's parameters, but is written, not read.
 */
static Query *
sg_expr_target(SgUnitState *us, SgPlpgsql *ps, PLpgSQL_expr *expr, int line,
			   int target_dno)
{
	SgPoint		pc;
	Query	   *query;
	int			dno;

	if (expr == NULL)
		return NULL;

	/* The parser hooks find the function, and our state, through this. */
	expr->func = ps->func;

	memset(&pc, 0, sizeof(pc));
	pc.src = expr->query;
	pc.base_line = line;
	pc.mode = sg_expr_parse_mode(expr);
	pc.setup = (ParserSetupHook) sg_parser_setup_p;
	pc.setup_arg = expr;
	pc.queryenv = ps->queryenv;
	pc.handlers = ps->handlers;
	pc.uncertain = ps->uncertain;
	pc.body_offset = -1;
	if (ps->blanked_into)
	{
		/* PL/pgSQL blanked the INTO clause, line breaks included */
		pc.body_offset = sg_body_offset(us, line, expr->query);
		pc.body_lines = us->line_starts;
		pc.body_nlines = us->nlines;
	}

	query = sg_point_analyze(us, &pc, NULL);
	if (query == NULL)
		return NULL;

	/* The record fields the expression read, now that hooks listed them. */
	dno = -1;
	while ((dno = bms_next_member(expr->paramnos, dno)) >= 0)
	{
		PLpgSQL_datum *datum = ps->estate->datums[dno];

		if (datum->dtype != PLPGSQL_DTYPE_RECFIELD)
			continue;
		/* the target of rec.f := ... is written; read only if named again */
		if (dno == target_dno &&
			sg_field_line(us, ps, (PLpgSQL_recfield *) datum, -1) < 0)
			continue;
		sg_field_ref(us, ps, (PLpgSQL_recfield *) datum, SG_ACCESS_READ,
					 sg_field_line(us, ps, (PLpgSQL_recfield *) datum, line));
		sg_check_record_shapes(us, ps, (PLpgSQL_recfield *) datum, line);
	}
	return query;
}

/*
 * Where a statement's text starts in the body: PL/pgSQL keeps the text as
 * written, except that it blanks an INTO clause (same length, line breaks
 * included).  Blanks of the query match anything.  -1 if not found.
 */
static int
sg_body_offset(SgUnitState *us, int line, const char *query)
{
	const char *body = us->prosrc;
	const char *p = body + sg_body_line_start(us, line);
	size_t		qlen = strlen(query);

	for (; *p; p++)
	{
		size_t		i;

		for (i = 0; i < qlen && p[i] != '\0'; i++)
		{
			if (query[i] != ' ' && query[i] != p[i])
				break;
		}
		if (i == qlen)
			return p - body;
	}
	return -1;
}

/* The line where the point just analysed names a record field. */
static int
sg_field_line(SgUnitState *us, SgPlpgsql *ps, PLpgSQL_recfield *field,
			  int line)
{
	PLpgSQL_rec *rec = (PLpgSQL_rec *) ps->estate->datums[field->recparentno];
	ListCell   *lc;

	if (us->last_scan == NULL || us->last_point == NULL)
		return line;
	foreach(lc, us->last_scan->items)
	{
		SgRawName  *item = (SgRawName *) lfirst(lc);

		if (item->category == SG_KIND_COLUMN &&
			list_length(item->names) == 2 &&
			strcmp(strVal(linitial(item->names)), rec->refname) == 0 &&
			strcmp(strVal(lsecond(item->names)), field->fieldname) == 0)
			return sg_line_at(us->last_point, item->location);
	}
	return line;
}

/*
 * A RECORD variable filled in several places with rows of different
 * shapes: a field some of them lack fails when the code runs after one of
 * those, which the analysis cannot rule out.
 */
static void
sg_check_record_shapes(SgUnitState *us, SgPlpgsql *ps, PLpgSQL_recfield *field,
					   int line)
{
	PLpgSQL_rec *rec = (PLpgSQL_rec *) ps->estate->datums[field->recparentno];
	List	   *shapes = ps->shapes[field->recparentno];
	ListCell   *lc;

	if (list_length(shapes) < 2 || rec->rectypeid != RECORDOID ||
		sg_is_trigger_record(ps, field->recparentno))
		return;
	foreach(lc, shapes)
	{
		TupleDesc	desc = (TupleDesc) lfirst(lc);
		int			i;
		bool		found = false;

		for (i = 0; i < desc->natts; i++)
		{
			if (!TupleDescAttr(desc, i)->attisdropped &&
				strcmp(NameStr(TupleDescAttr(desc, i)->attname), field->fieldname) == 0)
				found = true;
		}
		if (!found)
		{
			sg_add_finding(us, SG_KIND_PROBLEM, SG_WARNING, line,
						   SG_CHECK_RECORD_FIELD, field->fieldname,
						   psprintf("%s.%s", rec->refname, field->fieldname),
						   psprintf("record \"%s\" is filled with rows of different columns, and some have no field \"%s\"",
									rec->refname, field->fieldname),
						   "Give every query that fills the record the same columns, or declare the record with a row type.");
			return;
		}
	}
}

static void
sg_expr_list(SgUnitState *us, SgPlpgsql *ps, List *exprs, int line)
{
	ListCell   *lc;

	foreach(lc, exprs)
		(void) sg_expr(us, ps, (PLpgSQL_expr *) lfirst(lc), line);
}

/*
 * EXECUTE.  A constant string is SQL like any other and is analysed as
 * such (each of its statements a point); a string built at run time
 * cannot be checked, which is reported, never guessed at.
 */
static void
sg_dynamic(SgUnitState *us, SgPlpgsql *ps, PLpgSQL_expr *query, List *params,
		   int line)
{
	const char *constant;
	SgPoint		pc;
	SgVarParams vp;
	List	   *raws;
	ListCell   *lc;

	(void) sg_expr(us, ps, query, line);
	sg_expr_list(us, ps, params, line);

	constant = sg_constant_string(query);
	if (constant == NULL)
	{
		sg_add_finding(us, SG_KIND_PROBLEM, SG_INFO, line,
					   SG_CHECK_DYNAMIC_SQL, NULL, NULL,
					   "EXECUTE runs a string built at run time, which cannot be checked",
					   NULL);
		return;
	}

	memset(&pc, 0, sizeof(pc));
	memset(&vp, 0, sizeof(vp));
	pc.src = constant;
	pc.base_line = line;
	pc.mode = SG_PARSE_DEFAULT;
	pc.handlers = ps->handlers;
	pc.uncertain = ps->uncertain;
	pc.dynamic = true;
	if (params != NIL)
	{
		pc.setup = sg_varparams_setup;
		pc.setup_arg = &vp;
	}
	raws = sg_point_parse(us, &pc);
	foreach(lc, raws)
		(void) sg_point_analyze(us, &pc, lfirst_node(RawStmt, lc));
}

static void
sg_varparams_setup(ParseState *pstate, void *arg)
{
	SgVarParams *vp = (SgVarParams *) arg;

	vp->types = NULL;
	vp->ntypes = 0;
	sg_setup_variable_parameters(pstate, &vp->types, &vp->ntypes);
}

/* The string an EXECUTE runs, if it is a plain literal; else NULL. */
static const char *
sg_constant_string(PLpgSQL_expr *expr)
{
	List	   *raws = sg_raw_parse_mode(expr->query, sg_expr_parse_mode(expr));
	Node	   *stmt;
	Node	   *val;

	if (list_length(raws) != 1)
		return NULL;
	stmt = linitial_node(RawStmt, raws)->stmt;
	if (!IsA(stmt, SelectStmt) ||
		list_length(((SelectStmt *) stmt)->targetList) != 1 ||
		((SelectStmt *) stmt)->fromClause != NIL)
		return NULL;
	val = linitial_node(ResTarget, ((SelectStmt *) stmt)->targetList)->val;
	if (val != NULL && IsA(val, TypeCast))
		val = ((TypeCast *) val)->arg;
	if (val == NULL || !IsA(val, A_Const))
		return NULL;
	return sg_aconst_string((A_Const *) val);
}

static bool
sg_is_trigger_record(SgPlpgsql *ps, int dno)
{
	return ps->func->fn_is_trigger == PLPGSQL_DML_TRIGGER &&
		(dno == ps->func->new_varno || dno == ps->func->old_varno);
}

/*
 * A field of a record variable.  NEW.x and OLD.x are columns of the
 * trigger's table; a field of a record declared with a table's row type is
 * a column of that table.
 */
static void
sg_field_ref(SgUnitState *us, SgPlpgsql *ps, PLpgSQL_recfield *field,
			 char access, int line)
{
	PLpgSQL_rec *rec = (PLpgSQL_rec *) ps->estate->datums[field->recparentno];
	AttrNumber	attnum;

	if (sg_is_trigger_record(ps, field->recparentno))
	{
		const char *recname = field->recparentno == ps->func->new_varno ?
		"NEW" : "OLD";

		if (!OidIsValid(us->trigrel))
			return;
		attnum = get_attnum(us->trigrel, field->fieldname);
		if (attnum != InvalidAttrNumber)
			sg_add_ref(us, SG_KIND_FIELD, access, line, RelationRelationId,
					   us->trigrel, attnum, field->fieldname,
					   psprintf("%s.%s", recname, field->fieldname));
		else
		{
			char		severity;
			char	   *note;
			SgPoint		pc;

			memset(&pc, 0, sizeof(pc));
			pc.handlers = ps->handlers;
			pc.uncertain = ps->uncertain;
			severity = sg_point_severity(&pc, ERRCODE_UNDEFINED_COLUMN,
										 SG_ERROR, &note);
			sg_add_finding(us, SG_KIND_FIELD, severity, line,
						   SG_CHECK_MISSING_FIELD, field->fieldname,
						   psprintf("%s.%s", recname, field->fieldname),
						   psprintf("record \"%s\" has no field \"%s\": table \"%s\" has no such column%s",
									rec->refname, field->fieldname,
									get_rel_name(us->trigrel), note),
						   "Add the column to the trigger's table, or change the trigger function.");
		}
		return;
	}

	if (rec->rectypeid != RECORDOID)
	{
		Oid			relid = get_typ_typrelid(rec->rectypeid);

		if (OidIsValid(relid) && sg_user_object(relid))
		{
			attnum = get_attnum(relid, field->fieldname);
			if (attnum != InvalidAttrNumber)
				sg_add_ref(us, SG_KIND_COLUMN, access, line,
						   RelationRelationId, relid, attnum,
						   field->fieldname, NULL);
		}
	}
}

/* The targets of INTO, of FOR loops, of FOREACH. */
static void
sg_target(SgUnitState *us, SgPlpgsql *ps, PLpgSQL_variable *target,
		  Query *query, int line)
{
	if (target == NULL)
		return;
	if (target->dtype == PLPGSQL_DTYPE_REC)
	{
		if (query != NULL)
			sg_type_record(us, ps, target->dno, sg_query_desc(us, query));
	}
	else if (target->dtype == PLPGSQL_DTYPE_ROW)
	{
		PLpgSQL_row *row = (PLpgSQL_row *) target;
		int			i;

		for (i = 0; i < row->nfields; i++)
		{
			if (row->varnos[i] >= 0)
				sg_target_datum(us, ps, row->varnos[i], line);
		}
	}
}

/* A datum assigned to: only record fields say anything. */
static void
sg_target_datum(SgUnitState *us, SgPlpgsql *ps, int dno, int line)
{
	PLpgSQL_datum *datum = ps->estate->datums[dno];

	if (datum->dtype == PLPGSQL_DTYPE_RECFIELD)
		sg_field_ref(us, ps, (PLpgSQL_recfield *) datum, SG_ACCESS_UPDATE,
					 line);
}

/* Give a RECORD variable the row type of the query assigned to it. */
static void
sg_type_record(SgUnitState *us, SgPlpgsql *ps, int dno, TupleDesc desc)
{
	PLpgSQL_rec *rec = (PLpgSQL_rec *) ps->estate->datums[dno];

	MemoryContext old;

	if (desc == NULL || rec->dtype != PLPGSQL_DTYPE_REC ||
		rec->rectypeid != RECORDOID || sg_is_trigger_record(ps, dno))
		return;
	rec->erh = make_expanded_record_from_tupdesc(desc, us->cxt);
	old = MemoryContextSwitchTo(us->cxt);
	ps->shapes[dno] = lappend(ps->shapes[dno], desc);
	MemoryContextSwitchTo(old);
}

/* The row type a query returns, kept for the life of the unit. */
static TupleDesc
sg_query_desc(SgUnitState *us, Query *query)
{
	MemoryContext old = MemoryContextSwitchTo(us->cxt);
	List	   *tlist = query->returningList ? query->returningList : query->targetList;
	TupleDesc	desc;

	if (query->commandType != CMD_SELECT && query->returningList == NIL)
	{
		MemoryContextSwitchTo(old);
		return NULL;
	}
	desc = BlessTupleDesc(ExecCleanTypeFromTL(tlist));
	MemoryContextSwitchTo(old);
	return desc;
}

/*
 * RETURN QUERY fails at run time unless the query's columns have exactly
 * the types of the function's result columns.
 */
static void
sg_check_return_query(SgUnitState *us, SgPlpgsql *ps, Query *query, int line)
{
	Oid			rettype;
	TupleDesc	expected = NULL;
	TypeFuncClass tfc;
	List	   *tlist;
	ListCell   *lc;
	int			natts = 0;
	int			i;
	char	   *problem = NULL;

	if (us->polymorphic)
		return;
	tfc = get_func_result_type(us->fn, &rettype, &expected);
	tlist = query->returningList ? query->returningList : query->targetList;

	if (tfc == TYPEFUNC_SCALAR)
	{
		foreach(lc, tlist)
		{
			TargetEntry *tle = lfirst_node(TargetEntry, lc);

			if (tle->resjunk)
				continue;
			natts++;
			if (natts == 1 && exprType((Node *) tle->expr) != rettype)
				problem = psprintf("Returned type %s does not match expected type %s in column 1.",
								   format_type_be(exprType((Node *) tle->expr)),
								   format_type_be(rettype));
		}
		if (problem == NULL && natts != 1)
			problem = psprintf("Number of returned columns (%d) does not match expected column count (1).",
							   natts);
	}
	else if ((tfc == TYPEFUNC_COMPOSITE || tfc == TYPEFUNC_COMPOSITE_DOMAIN) &&
			 expected != NULL)
	{
		int			nexpected = 0;

		for (i = 0; i < expected->natts; i++)
		{
			if (!TupleDescAttr(expected, i)->attisdropped)
				nexpected++;
		}
		i = 0;
		foreach(lc, tlist)
		{
			TargetEntry *tle = lfirst_node(TargetEntry, lc);
			Form_pg_attribute att;

			if (tle->resjunk)
				continue;
			natts++;
			while (i < expected->natts && TupleDescAttr(expected, i)->attisdropped)
				i++;
			if (i >= expected->natts)
				continue;
			att = TupleDescAttr(expected, i++);
			if (problem == NULL &&
				(exprType((Node *) tle->expr) != att->atttypid ||
				 (att->atttypmod >= 0 &&
				  exprTypmod((Node *) tle->expr) != att->atttypmod)))
				problem = psprintf("Returned type %s does not match expected type %s in column %d.",
								   format_type_with_typemod(exprType((Node *) tle->expr),
															exprTypmod((Node *) tle->expr)),
								   format_type_with_typemod(att->atttypid,
															att->atttypmod),
								   natts);
		}
		if (natts != nexpected)
			problem = psprintf("Number of returned columns (%d) does not match expected column count (%d).",
							   natts, nexpected);
	}
	else
		return;

	if (problem != NULL)
	{
		SgPoint		pc;
		char	   *note;
		char		severity;

		memset(&pc, 0, sizeof(pc));
		pc.handlers = ps->handlers;
		pc.uncertain = ps->uncertain;
		pc.queryenv = ps->queryenv;
		pc.scan = us->last_scan;	/* the query's statement */
		pc.unit = us;
		severity = sg_point_severity(&pc, ERRCODE_DATATYPE_MISMATCH,
									 SG_ERROR, &note);
		sg_add_finding(us, SG_KIND_PROBLEM, severity, line,
					   SG_CHECK_TYPE_MISMATCH, NULL, NULL,
					   psprintf("structure of query does not match function result type: %s%s",
								problem, note),
					   "Cast the query's columns to the function's result types, or change the function's result.");
	}
}

/* Is the target of an assignment "rec.field := ..." a missing field? */
bool
sg_plpgsql_target_missing(SgUnitState *us, PLAssignStmt *stmt)
{
	SgPlpgsql  *ps = (SgPlpgsql *) us->plpgsql;
	const char *field;
	int			dno;

	if (ps == NULL || stmt->nnames < 2 || stmt->indirection == NIL ||
		!IsA(linitial(stmt->indirection), String))
		return false;
	field = strVal(linitial(stmt->indirection));
	for (dno = 0; dno < ps->estate->ndatums; dno++)
	{
		PLpgSQL_rec *rec = (PLpgSQL_rec *) ps->estate->datums[dno];
		ExpandedRecordFieldInfo finfo;

		if (rec->dtype == PLPGSQL_DTYPE_REC && rec->erh != NULL &&
			strcmp(rec->refname, stmt->name) == 0)
			return !expanded_record_lookup_field(rec->erh, field, &finfo);
	}
	return false;
}

/*
 * A failure reported by PL/pgSQL without a position: a field missing from
 * a record.  Find which, among the qualified names the statement uses.
 */
bool
sg_plpgsql_field_failure(SgUnitState *us, SgRawScan *scan,
						 const char **check, char *kind, char *severity,
						 const char **name, char **written, char **message)
{
	SgPlpgsql  *ps = (SgPlpgsql *) us->plpgsql;
	ListCell   *lc;

	if (ps == NULL)
		return false;

	foreach(lc, scan->items)
	{
		SgRawName  *item = (SgRawName *) lfirst(lc);
		const char *recname;
		const char *fieldname;
		int			dno;

		if (item->category != SG_KIND_COLUMN || list_length(item->names) != 2)
			continue;
		recname = strVal(linitial(item->names));
		fieldname = strVal(lsecond(item->names));

		for (dno = 0; dno < ps->estate->ndatums; dno++)
		{
			PLpgSQL_rec *rec = (PLpgSQL_rec *) ps->estate->datums[dno];
			ExpandedRecordFieldInfo finfo;

			if (rec->dtype != PLPGSQL_DTYPE_REC ||
				strcmp(rec->refname, recname) != 0 || rec->erh == NULL)
				continue;
			if (expanded_record_lookup_field(rec->erh, fieldname, &finfo))
				continue;

			*name = fieldname;
			if (sg_is_trigger_record(ps, dno))
			{
				*check = SG_CHECK_MISSING_FIELD;
				*kind = SG_KIND_FIELD;
				*severity = SG_ERROR;
				*written = psprintf("%s.%s", dno == ps->func->new_varno ? "NEW" : "OLD",
									fieldname);
			}
			else
			{
				*check = SG_CHECK_RECORD_FIELD;
				*kind = SG_KIND_PROBLEM;
				*severity = (rec->rectypeid != RECORDOID ||
							 ps->assignments[dno] <= 1) ? SG_ERROR : SG_WARNING;
				*written = psprintf("%s.%s", recname, fieldname);
				if (*severity == SG_WARNING)
					*message = psprintf("record \"%s\" is filled with rows of different columns, and some have no field \"%s\"",
										recname, fieldname);
			}
			return true;
		}
	}
	return false;
}

/*
 * Declarations with %TYPE and %ROWTYPE name a column or a table that
 * PL/pgSQL resolves at compile time and then forgets.  Find them in the
 * source with the SQL lexer (which knows comments and quoting) and record
 * what they name.
 */
static void
sg_type_refs(SgUnitState *us, SgPlpgsql *ps)
{
	core_yy_extra_type yyextra;
	core_yyscan_t scanner;
	core_YYSTYPE lval;
	int			loc;
	int			tok;
	List	   *names = NIL;
	int			start = -1;
	bool		want_name = true;
	bool		after_percent = false;
	SgPoint		pc;

	if (strchr(us->prosrc, '%') == NULL)
		return;

	memset(&pc, 0, sizeof(pc));
	pc.src = us->prosrc;
	pc.base_line = 1;

	scanner = scanner_init(us->prosrc, &yyextra, &ScanKeywords,
						   ScanKeywordTokens);
	while ((tok = core_yylex(&lval, &loc, scanner)) != 0)
	{
		bool		is_name = false;
		const char *word = NULL;

		if (tok == IDENT)
		{
			is_name = true;
			word = lval.str;
		}
		else if (sg_is_keyword_token(tok))
		{
			/* unreserved keywords are names too, and TYPE is one */
			is_name = true;
			word = lval.keyword;
		}

		if (after_percent)
		{
			if (word != NULL && list_length(names) >= 1 &&
				(pg_strcasecmp(word, "type") == 0 ||
				 pg_strcasecmp(word, "rowtype") == 0))
			{
				bool		rowtype = pg_strcasecmp(word, "rowtype") == 0;
				int			line = sg_line_at(&pc, start);
				int			nnames = list_length(names);

				if (rowtype && nnames <= 3)
				{
					RangeVar   *rv = makeRangeVarFromNameList(names);
					Oid			relid = RangeVarGetRelidExtended(rv, NoLock, RVR_MISSING_OK, NULL, NULL);

					if (OidIsValid(relid) && sg_user_object(relid))
						sg_add_ref(us, SG_KIND_RELATION, SG_ACCESS_TYPE, line,
								   RelationRelationId, relid, 0,
								   get_rel_name(relid), NULL);
				}
				else if (!rowtype && (nnames == 2 || nnames == 3) &&
						 !sg_is_datum_name(ps, strVal(linitial(names))))
				{
					RangeVar   *rv = makeRangeVarFromNameList(list_truncate(list_copy(names),
																			  nnames - 1));
					Oid			relid = RangeVarGetRelidExtended(rv, NoLock, RVR_MISSING_OK, NULL, NULL);
					AttrNumber	attnum;

					if (OidIsValid(relid) && sg_user_object(relid) &&
						(attnum = get_attnum(relid, strVal(llast(names)))) != InvalidAttrNumber)
						sg_add_ref(us, SG_KIND_COLUMN, SG_ACCESS_TYPE, line,
								   RelationRelationId, relid, attnum,
								   strVal(llast(names)), NULL);
				}
			}
			names = NIL;
			want_name = true;
			after_percent = false;
			if (!is_name)
				continue;
		}

		if (is_name && want_name)
		{
			if (names == NIL)
				start = loc;
			names = lappend(names, makeString(pstrdup(word)));
			want_name = false;
		}
		else if (tok == '.' && names != NIL && !want_name)
			want_name = true;
		else if (tok == '%' && names != NIL && !want_name)
			after_percent = true;
		else if (is_name)
		{
			names = list_make1(makeString(pstrdup(word)));
			start = loc;
			want_name = false;
		}
		else
		{
			names = NIL;
			want_name = true;
		}
	}
	scanner_finish(scanner);
}

/* Is this lexer token a keyword (whose value is then the keyword)? */
static bool
sg_is_keyword_token(int tok)
{
	static Bitmapset *keyword_tokens = NULL;

	if (keyword_tokens == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);
		Bitmapset  *set = NULL;
		int			i;

		for (i = 0; i < ScanKeywords.num_keywords; i++)
			set = bms_add_member(set, ScanKeywordTokens[i]);
		MemoryContextSwitchTo(old);
		keyword_tokens = set;
	}
	return tok > 0 && bms_is_member(tok, keyword_tokens);
}

/* Is this the name of one of the function's variables? */
static bool
sg_is_datum_name(SgPlpgsql *ps, const char *name)
{
	int			i;

	for (i = 0; i < ps->func->ndatums; i++)
	{
		PLpgSQL_datum *datum = ps->func->datums[i];

		if ((datum->dtype == PLPGSQL_DTYPE_VAR ||
			 datum->dtype == PLPGSQL_DTYPE_REC ||
			 datum->dtype == PLPGSQL_DTYPE_ROW ||
			 datum->dtype == PLPGSQL_DTYPE_PROMISE) &&
			((PLpgSQL_variable *) datum)->refname != NULL &&
			strcmp(((PLpgSQL_variable *) datum)->refname, name) == 0)
			return true;
	}
	return false;
}
