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
 * The walk follows control flow: it does not enter code that never runs
 * for the unit (after RETURN, a branch whose condition the unit's trigger
 * rules out: see engine_branches.c), and it knows which code runs only
 * under conditions it cannot know (tests of the server version, of
 * whether objects exist), where failures are not certain.
 *
 * The hooks look up variables in an execution state.  We give them a fake
 * one whose record variables are private copies: NEW and OLD get the row
 * type of the trigger's table; a RECORD variable gets the row type of the
 * query that filled it last on the path walked (FOR ... IN query,
 * SELECT ... INTO, FETCH), which is certain where every path to the
 * statement gives it the same; the hidden variable of a simple CASE gets
 * the type of its test expression.  The compiled function itself is never
 * changed, and it is pinned while we use it.
 *
 * A failing statement makes the analysis start again (see engine.h); what
 * the walk learnt from the statements it then skips (the outcomes of
 * conditions, the row types of queries) is kept per analysis point, so
 * that every pass takes the same paths.
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
#include "parser/parse_coerce.h"
#include "parser/parse_param.h"
#include "parser/scanner.h"
#include "parser/scansup.h"
#include "parser/gram.h"
#include "utils/expandedrecord.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/queryenvironment.h"
#include "utils/syscache.h"

#include "compat.h"
#include "engine.h"

/*
 * What an analysis point yielded that every pass of the walk needs: later
 * passes skip the points done, but must take the same branches.
 */
typedef struct SgMemo
{
	bool		have_cond;
	SgCondition cond;			/* a condition's outcomes for the unit */
	TupleDesc	desc;			/* the row type its query returns, or NULL */
} SgMemo;

/*
 * The row types the RECORD variables have at a point of the walk, and
 * whether each is certain there (every path to it gives the same).
 */
typedef struct SgShapes
{
	ExpandedRecordHeader **erh; /* per record variable (SgPlpgsql.records) */
	bool	   *known;
} SgShapes;

/* An expanded record of a row type, shared by the variables given it. */
typedef struct SgRecordType
{
	TupleDesc	desc;
	ExpandedRecordHeader *erh;
} SgRecordType;

/* How the statement after a statement (or after a list) is reached. */
typedef struct SgFlow
{
	bool		falls_through;	/* it runs after this one */
	bool		labeled_exit;	/* this may be left by EXIT label */
	uint8		why;			/* SG_WHY_*: it runs only if something the
								 * analysis cannot know holds */
} SgFlow;

static const SgFlow sg_flow_next = {true, false, 0};
static const SgFlow sg_flow_leaves = {false, false, 0};

/* The branches of an IF or a CASE, walked in order. */
typedef struct SgBranches
{
	bool		reach[SG_MAX_WORLDS];	/* no earlier test held, maybe */
	uint8		why;			/* of the undecided tests so far */
	uint8		leave_why;		/* of those before branches that leave */
	SgFlow		flow;			/* of the code after the statement */
	SgShapes	entry;			/* the records' row types before it */
	SgShapes	joined;			/* and after the branches that fall through */
	bool		joined_any;
} SgBranches;

typedef struct SgPlpgsql
{
	PLpgSQL_function *func;
	PLpgSQL_execstate *estate;	/* the fake execution state */
	PLpgSQL_execstate *saved_estate;	/* func->cur_estate before us */
	bool		pinned;			/* we raised the use count */
	bool		fresh;			/* PL/pgSQL made func for this analysis */
	List	   *handlers;		/* exception blocks protecting the walk */
	const char *uncertain;		/* why failures here are not certain */
	SgCondEnv	cond_env;		/* what conditions are evaluated with */
	SgMemo	   *memo;			/* per analysis point, for later passes */
	int			nmemo;
	bool		blanked_into;	/* the statement walked had its INTO blanked */
	QueryEnvironment *queryenv; /* transition tables of the trigger */
	int		   *assignments;	/* per datum: statements assigning it */
	List	  **shapes;			/* per datum: row types assigned to it */
	TupleDesc  *cursor_desc;	/* per datum: row type of a cursor */
	int		   *records;		/* the datums of the RECORD variables */
	int			nrecords;
	bool	   *shape_known;	/* per datum: its row type is certain here */
	List	   *record_types;	/* SgRecordType *: expanded records made */
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
static void sg_prewalk(List *stmts, int *counts, Bitmapset **assigned);
static void sg_count_assigned(int dno, int *counts, Bitmapset **assigned);
static SgFlow sg_walk_stmts(SgUnitState *us, SgPlpgsql *ps, List *stmts);
static SgFlow sg_walk_stmt(SgUnitState *us, SgPlpgsql *ps,
						   PLpgSQL_stmt *stmt);
static SgFlow sg_walk_block(SgUnitState *us, SgPlpgsql *ps,
							PLpgSQL_stmt_block *block);
static SgFlow sg_walk_if(SgUnitState *us, SgPlpgsql *ps, PLpgSQL_stmt_if *s);
static SgFlow sg_walk_case(SgUnitState *us, SgPlpgsql *ps,
						   PLpgSQL_stmt_case *s);
static SgFlow sg_walk_exit(SgUnitState *us, SgPlpgsql *ps,
						   PLpgSQL_stmt_exit *s);
static void sg_walk_loop_body(SgUnitState *us, SgPlpgsql *ps, List *body,
							  uint8 why, int target);
static void sg_flow_join(SgFlow *flow, const SgFlow *other);
static void sg_condition(SgUnitState *us, SgPlpgsql *ps, PLpgSQL_expr *cond,
						 int line, SgCondition *result);
static SgMemo *sg_memo(SgUnitState *us, SgPlpgsql *ps);
static void sg_branches_start(SgPlpgsql *ps, SgBranches *br);
static bool sg_branches_reached(SgPlpgsql *ps, SgBranches *br);
static void sg_branch(SgUnitState *us, SgPlpgsql *ps, SgBranches *br,
					  PLpgSQL_expr *cond, int line, List *stmts);
static void sg_branch_walk(SgUnitState *us, SgPlpgsql *ps, SgBranches *br,
						   List *stmts);
static SgFlow sg_branches_end(SgUnitState *us, SgPlpgsql *ps, SgBranches *br,
							  List *else_stmts, bool have_else);
static uint8 sg_value_why(SgUnitState *us, SgPlpgsql *ps, Query *query);
static void sg_note_assigned(SgUnitState *us, SgPlpgsql *ps, int dno,
							 Query *query);
static void sg_note_into(SgUnitState *us, SgPlpgsql *ps,
						 PLpgSQL_variable *target, Query *query);
static void sg_walk_declaration(SgUnitState *us, SgPlpgsql *ps, int dno);
static void sg_check_default(SgUnitState *us, SgPlpgsql *ps,
							 PLpgSQL_var *var, Query *query);
static void sg_check_into_constants(SgUnitState *us, SgPlpgsql *ps,
									PLpgSQL_stmt_execsql *stmt, Query *query,
									int line);
static void sg_check_constants(SgUnitState *us, PLpgSQL_expr *expr,
							   Query *query, const Oid *types,
							   const int32 *typmods, int ntypes, int line);
static char sg_walk_severity(SgPlpgsql *ps, int sqlerrcode, char **note);
static void sg_transaction_control(SgUnitState *us, SgPlpgsql *ps,
								   PLpgSQL_stmt *stmt);
static void sg_check_call_targets(SgUnitState *us, SgPlpgsql *ps,
								  Query *query, int line);
static const char *sg_call_target_problem(SgPlpgsql *ps, Node *arg);
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
					  PLpgSQL_variable *target, TupleDesc desc, int line);
static void sg_target_datum(SgUnitState *us, SgPlpgsql *ps, int dno, int line);
static void sg_type_record(SgUnitState *us, SgPlpgsql *ps, int dno,
						   TupleDesc desc);
static ExpandedRecordHeader *sg_record_header(SgUnitState *us,
											  SgPlpgsql *ps, TupleDesc desc);
static TupleDesc sg_point_desc(SgUnitState *us, SgPlpgsql *ps, Query *query);
static void sg_shapes_save(SgPlpgsql *ps, SgShapes *shapes);
static void sg_shapes_restore(SgPlpgsql *ps, const SgShapes *shapes);
static void sg_shapes_join(SgPlpgsql *ps, SgShapes *joined, bool *any);
static void sg_shapes_free(SgShapes *shapes);
static void sg_shapes_forget(SgPlpgsql *ps, List *stmts);
static TupleDesc sg_query_desc(SgUnitState *us, Query *query);
static void sg_check_return_query(SgUnitState *us, SgPlpgsql *ps,
								  Query *query, int line);
static bool sg_may_declare_type_of(const char *src);
static void sg_type_refs(SgUnitState *us, SgPlpgsql *ps);
static bool sg_is_datum_name(SgPlpgsql *ps, const char *name);
static bool sg_is_keyword_token(int tok);
static bool sg_falls_through(PLpgSQL_stmt *stmt);
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
	int			i;

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
		sg_prewalk(list_make1(func->action), ps->assignments, NULL);
		MemoryContextSwitchTo(old);
	}

	/* a pass may start after a failure left these set: start clean */
	ps->func->cur_estate = ps->estate;
	ps->handlers = NIL;
	ps->uncertain = NULL;
	ps->blanked_into = false;
	for (i = 0; i < ps->nrecords; i++)
	{
		((PLpgSQL_rec *) ps->estate->datums[ps->records[i]])->erh = NULL;
		ps->shape_known[ps->records[i]] = false;
	}

	if (OidIsValid(us->trigrel))
		sg_add_ref(us, SG_KIND_RELATION, SG_ACCESS_TRIGGER, 0,
				   RelationRelationId, us->trigrel, 0,
				   get_rel_name(us->trigrel), NULL);
	sg_type_refs(us, ps);
	(void) sg_walk_stmt(us, ps, (PLpgSQL_stmt *) ps->func->action);
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
	ps->shape_known = palloc0(sizeof(bool) * func->ndatums);
	ps->records = palloc(sizeof(int) * func->ndatums);
	for (i = 0; i < func->ndatums; i++)
	{
		PLpgSQL_rec *rec = (PLpgSQL_rec *) estate->datums[i];

		if (rec->dtype == PLPGSQL_DTYPE_REC && rec->rectypeid == RECORDOID &&
			!sg_is_trigger_record(ps, i))
			ps->records[ps->nrecords++] = i;
	}

	sg_condition_env_init(&ps->cond_env, us->trigger);
	ps->cond_env.datums = estate->datums;
	ps->cond_env.ndatums = func->ndatums;
	ps->cond_env.new_varno = -1;
	ps->cond_env.old_varno = -1;
	if (func->fn_is_trigger == PLPGSQL_DML_TRIGGER)
	{
		ps->cond_env.new_varno = func->new_varno;
		ps->cond_env.old_varno = func->old_varno;
	}
	ps->cond_env.datum_why = palloc0(sizeof(uint8) * func->ndatums);
	ps->cond_env.case_values = palloc0(sizeof(Node *) * func->ndatums);

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
 * evaluated.  Do the same, in a private copy of the variable; and keep the
 * test expression, which the WHEN conditions see through the variable.
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
	ps->cond_env.case_values[dno] = copyObject(expr);
	MemoryContextSwitchTo(old);
}

/*
 * The variables statements assign: counted per variable in counts (a
 * record typed by the query last assigned to it is certain if it has one),
 * or collected in *assigned (those a loop body may have assigned when its
 * next iteration starts).  Either may be NULL.
 */
static void
sg_prewalk(List *stmts, int *counts, Bitmapset **assigned)
{
	ListCell   *lc;

	foreach(lc, stmts)
	{
		PLpgSQL_stmt *stmt = (PLpgSQL_stmt *) lfirst(lc);
		PLpgSQL_variable *target = NULL;
		ListCell   *lc2;

		switch (stmt->cmd_type)
		{
			case PLPGSQL_STMT_BLOCK:
				{
					PLpgSQL_stmt_block *block = (PLpgSQL_stmt_block *) stmt;

					sg_prewalk(block->body, counts, assigned);
					if (block->exceptions)
					{
						foreach(lc2, block->exceptions->exc_list)
							sg_prewalk(((PLpgSQL_exception *) lfirst(lc2))->action,
									   counts, assigned);
					}
				}
				break;
			case PLPGSQL_STMT_ASSIGN:
				sg_count_assigned(((PLpgSQL_stmt_assign *) stmt)->varno,
								  counts, assigned);
				break;
			case PLPGSQL_STMT_IF:
				{
					PLpgSQL_stmt_if *s = (PLpgSQL_stmt_if *) stmt;

					sg_prewalk(s->then_body, counts, assigned);
					foreach(lc2, s->elsif_list)
						sg_prewalk(((PLpgSQL_if_elsif *) lfirst(lc2))->stmts,
								   counts, assigned);
					sg_prewalk(s->else_body, counts, assigned);
				}
				break;
			case PLPGSQL_STMT_CASE:
				{
					PLpgSQL_stmt_case *s = (PLpgSQL_stmt_case *) stmt;

					foreach(lc2, s->case_when_list)
						sg_prewalk(((PLpgSQL_case_when *) lfirst(lc2))->stmts,
								   counts, assigned);
					sg_prewalk(s->else_stmts, counts, assigned);
				}
				break;
			case PLPGSQL_STMT_LOOP:
				sg_prewalk(((PLpgSQL_stmt_loop *) stmt)->body, counts, assigned);
				break;
			case PLPGSQL_STMT_WHILE:
				sg_prewalk(((PLpgSQL_stmt_while *) stmt)->body, counts, assigned);
				break;
			case PLPGSQL_STMT_FORI:
				sg_prewalk(((PLpgSQL_stmt_fori *) stmt)->body, counts, assigned);
				break;
			case PLPGSQL_STMT_FORS:
			case PLPGSQL_STMT_FORC:
			case PLPGSQL_STMT_DYNFORS:
				target = ((PLpgSQL_stmt_forq *) stmt)->var;
				sg_prewalk(((PLpgSQL_stmt_forq *) stmt)->body, counts, assigned);
				break;
			case PLPGSQL_STMT_FOREACH_A:
				sg_prewalk(((PLpgSQL_stmt_foreach_a *) stmt)->body, counts,
						   assigned);
				break;
			case PLPGSQL_STMT_EXECSQL:
				if (((PLpgSQL_stmt_execsql *) stmt)->into)
					target = ((PLpgSQL_stmt_execsql *) stmt)->target;
				break;
			case PLPGSQL_STMT_DYNEXECUTE:
				if (((PLpgSQL_stmt_dynexecute *) stmt)->into)
					target = ((PLpgSQL_stmt_dynexecute *) stmt)->target;
				break;
			case PLPGSQL_STMT_FETCH:
				target = ((PLpgSQL_stmt_fetch *) stmt)->target;
				break;
			default:
				break;
		}
		if (target != NULL)
			sg_count_assigned(target->dno, counts, assigned);
	}
}

static void
sg_count_assigned(int dno, int *counts, Bitmapset **assigned)
{
	if (counts != NULL)
		counts[dno]++;
	if (assigned != NULL)
		*assigned = bms_add_member(*assigned, dno);
}

/*
 * Walk a statement list, up to the first statement after which the next
 * one never runs: the rest is dead code, not walked.  Code after a
 * statement that lets it run only under an uncertain condition (after
 * "IF to_regclass(...) IS NULL THEN RETURN; END IF") is uncertain.
 *
 * Simple statements that always fall through into an unconditional RAISE
 * EXCEPTION are an error path: whatever they do is rolled back, and if
 * they fail the call fails anyway, with another message; so their
 * failures are not certain breaks.
 */
static SgFlow
sg_walk_stmts(SgUnitState *us, SgPlpgsql *ps, List *stmts)
{
	SgFlow		flow = sg_flow_next;
	const char *save = ps->uncertain;
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

	for (i = 0; i < n && flow.falls_through; i++)
	{
		const char *before = ps->uncertain;
		SgFlow		next;

		if (raise_at >= 0 && i >= error_path_from && i < raise_at &&
			before == NULL)
			ps->uncertain = "on a path that raises an exception anyway";
		next = sg_walk_stmt(us, ps, (PLpgSQL_stmt *) list_nth(stmts, i));
		ps->uncertain = before;

		flow.falls_through = next.falls_through;
		flow.labeled_exit |= next.labeled_exit;
		flow.why |= next.why;
		if (next.why != 0 && ps->uncertain == NULL)
			ps->uncertain = sg_why_text(next.why);
	}
	ps->uncertain = save;
	return flow;
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
 * The code after two alternatives (two branches, a block and its
 * handler) runs if either falls through into it.
 */
static void
sg_flow_join(SgFlow *flow, const SgFlow *other)
{
	if (other->falls_through)
	{
		flow->why = flow->falls_through ? flow->why | other->why : other->why;
		flow->falls_through = true;
	}
	flow->labeled_exit |= other->labeled_exit;
}

/*
 * A condition: analysed (an analysis point), and evaluated for the unit
 * the first time; later passes, which skip the point, take what it said
 * then.
 */
static void
sg_condition(SgUnitState *us, SgPlpgsql *ps, PLpgSQL_expr *cond, int line,
			 SgCondition *result)
{
	Query	   *query = sg_expr(us, ps, cond, line);
	SgMemo	   *memo;

	sg_condition_unknown(&ps->cond_env, result);
	if (cond == NULL)
		return;
	memo = sg_memo(us, ps);
	if (query != NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(us->point_cxt);

		sg_condition_eval(&ps->cond_env, query, &memo->cond);
		MemoryContextSwitchTo(old);
		memo->have_cond = true;
	}
	if (memo->have_cond)
		*result = memo->cond;
}

/* What the walk keeps of the point being analysed, for later passes. */
static SgMemo *
sg_memo(SgUnitState *us, SgPlpgsql *ps)
{
	if (us->point >= ps->nmemo)
	{
		int			n = Max(64, ps->nmemo);

		while (n <= us->point)
			n *= 2;
		if (ps->memo == NULL)
			ps->memo = MemoryContextAllocZero(us->cxt, sizeof(SgMemo) * n);
		else
		{
			ps->memo = repalloc(ps->memo, sizeof(SgMemo) * n);
			memset(ps->memo + ps->nmemo, 0, sizeof(SgMemo) * (n - ps->nmemo));
		}
		ps->nmemo = n;
	}
	return &ps->memo[us->point];
}

/* Before the first test of an IF or a CASE: every world reaches it. */
static void
sg_branches_start(SgPlpgsql *ps, SgBranches *br)
{
	int			w;

	memset(br, 0, sizeof(SgBranches));
	for (w = 0; w < ps->cond_env.nworlds; w++)
		br->reach[w] = true;
	br->flow = sg_flow_leaves;
	sg_shapes_save(ps, &br->entry);
}

/* Does some world reach the next test (no earlier one held)? */
static bool
sg_branches_reached(SgPlpgsql *ps, SgBranches *br)
{
	int			w;

	for (w = 0; w < ps->cond_env.nworlds; w++)
	{
		if (br->reach[w])
			return true;
	}
	return false;
}

/*
 * The next test of an IF or a CASE and its branch.  A test no world
 * reaches is not made; a branch whose test holds in no world that reaches
 * it is dead.  A branch is uncertain for the reasons of the undecided
 * tests up to its own.
 */
static void
sg_branch(SgUnitState *us, SgPlpgsql *ps, SgBranches *br, PLpgSQL_expr *cond,
		  int line, List *stmts)
{
	SgCondition c;
	bool		taken = false;
	int			w;

	if (!sg_branches_reached(ps, br))
		return;
	sg_shapes_restore(ps, &br->entry);
	sg_condition(us, ps, cond, line, &c);
	br->why |= c.why;
	for (w = 0; w < ps->cond_env.nworlds; w++)
	{
		if (br->reach[w] && (c.outcomes[w] & SG_OUT_TRUE))
			taken = true;
		br->reach[w] = br->reach[w] &&
			(c.outcomes[w] & (SG_OUT_FALSE | SG_OUT_NULL)) != 0;
	}
	if (taken)
		sg_branch_walk(us, ps, br, stmts);
}

static void
sg_branch_walk(SgUnitState *us, SgPlpgsql *ps, SgBranches *br, List *stmts)
{
	const char *save = ps->uncertain;
	SgFlow		flow;

	if (br->why != 0 && save == NULL)
		ps->uncertain = sg_why_text(br->why);
	flow = sg_walk_stmts(us, ps, stmts);
	ps->uncertain = save;

	/* the code after the statement runs only if this branch is not taken */
	if (!flow.falls_through)
		br->leave_why |= br->why;
	else
		sg_shapes_join(ps, &br->joined, &br->joined_any);
	sg_flow_join(&br->flow, &flow);
}

/*
 * The ELSE branch, if some world reaches it: statements, or (a CASE
 * without ELSE) the error CASE_NOT_FOUND.  Returns how the code after the
 * statement is reached.
 */
static SgFlow
sg_branches_end(SgUnitState *us, SgPlpgsql *ps, SgBranches *br,
				List *else_stmts, bool have_else)
{
	SgFlow		flow;

	if (sg_branches_reached(ps, br))
	{
		sg_shapes_restore(ps, &br->entry);
		if (have_else)
			sg_branch_walk(us, ps, br, else_stmts);
		else
			br->leave_why |= br->why;
	}
	sg_shapes_restore(ps, br->joined_any ? &br->joined : &br->entry);
	sg_shapes_free(&br->entry);
	sg_shapes_free(&br->joined);

	flow = br->flow;
	if (flow.falls_through)
		flow.why |= br->leave_why;
	return flow;
}

static SgFlow
sg_walk_if(SgUnitState *us, SgPlpgsql *ps, PLpgSQL_stmt_if *s)
{
	SgBranches	br;
	ListCell   *lc;

	sg_branches_start(ps, &br);
	sg_branch(us, ps, &br, s->cond, s->lineno, s->then_body);
	foreach(lc, s->elsif_list)
	{
		PLpgSQL_if_elsif *elif = (PLpgSQL_if_elsif *) lfirst(lc);

		sg_branch(us, ps, &br, elif->cond, elif->lineno, elif->stmts);
	}
	return sg_branches_end(us, ps, &br, s->else_body, true);
}

/*
 * CASE.  A simple CASE ("CASE x WHEN a, b THEN") tests "var IN (a, b)" for
 * a hidden variable given the value of x: the tests see x through it.
 */
static SgFlow
sg_walk_case(SgUnitState *us, SgPlpgsql *ps, PLpgSQL_stmt_case *s)
{
	SgBranches	br;
	ListCell   *lc;
	Query	   *query;

	query = sg_expr(us, ps, s->t_expr, s->lineno);
	if (query != NULL)
		sg_case_variable(ps, s->t_varno, query);

	sg_branches_start(ps, &br);
	foreach(lc, s->case_when_list)
	{
		PLpgSQL_case_when *cw = (PLpgSQL_case_when *) lfirst(lc);

		sg_branch(us, ps, &br, cw->expr, cw->lineno, cw->stmts);
	}
	return sg_branches_end(us, ps, &br, s->else_stmts, s->have_else);
}

/*
 * A block: its declarations, its body, and its handlers, each of which
 * may run after a failure anywhere in the body.  EXIT with the block's
 * label leaves it for the statement after it.
 */
static SgFlow
sg_walk_block(SgUnitState *us, SgPlpgsql *ps, PLpgSQL_stmt_block *block)
{
	SgFlow		flow;
	ListCell   *lc;
	int			i;

	for (i = 0; i < block->n_initvars; i++)
		sg_walk_declaration(us, ps, block->initvarnos[i]);
	if (block->exceptions == NULL)
		flow = sg_walk_stmts(us, ps, block->body);
	else
	{
		List	   *save = ps->handlers;
		SgShapes	entry;
		SgShapes	joined;
		bool		joined_any = false;

		sg_shapes_save(ps, &entry);
		ps->handlers = lcons(block->exceptions, list_copy(save));
		flow = sg_walk_stmts(us, ps, block->body);
		ps->handlers = save;
		if (flow.falls_through)
			sg_shapes_join(ps, &joined, &joined_any);

		/* a handler runs after a failure anywhere in the body */
		foreach(lc, block->exceptions->exc_list)
		{
			SgFlow		handler;

			sg_shapes_restore(ps, &entry);
			sg_shapes_forget(ps, block->body);
			handler = sg_walk_stmts(us, ps,
									((PLpgSQL_exception *) lfirst(lc))->action);
			if (handler.falls_through)
				sg_shapes_join(ps, &joined, &joined_any);
			sg_flow_join(&flow, &handler);
		}
		sg_shapes_restore(ps, joined_any ? &joined : &entry);
		sg_shapes_free(&entry);
		if (joined_any)
			sg_shapes_free(&joined);
	}
	if (block->label != NULL && flow.labeled_exit)
	{
		/* left from anywhere in the body, by EXIT */
		flow.falls_through = true;
		sg_shapes_forget(ps, block->body);
	}
	return flow;
}

/*
 * EXIT and CONTINUE leave the statement list (for the end of a loop, or of
 * a labelled block); with WHEN, only if the condition holds.
 */
static SgFlow
sg_walk_exit(SgUnitState *us, SgPlpgsql *ps, PLpgSQL_stmt_exit *s)
{
	SgFlow		flow = sg_flow_leaves;
	SgCondition c;

	flow.labeled_exit = s->label != NULL;
	if (s->cond == NULL)
		return flow;
	sg_condition(us, ps, s->cond, s->lineno, &c);
	if (!sg_condition_may_hold(&ps->cond_env, &c))
		return sg_flow_next;
	if (!sg_condition_always_holds(&ps->cond_env, &c))
	{
		flow.falls_through = true;
		flow.why = c.why;
	}
	return flow;
}

/*
 * The body of a loop.  The statement after a loop is taken to run (a loop
 * may end, or be left by EXIT, in ways not followed here).  A record the
 * body fills may have the row type of the previous iteration when the
 * body starts (except the loop's own target, filled at each iteration
 * start: "target" if any, else -1), and that of any iteration, or none,
 * after the loop.
 */
static void
sg_walk_loop_body(SgUnitState *us, SgPlpgsql *ps, List *body, uint8 why,
				  int target)
{
	const char *save = ps->uncertain;
	bool		target_known = target >= 0 && ps->shape_known[target];

	sg_shapes_forget(ps, body);
	if (target_known)
		ps->shape_known[target] = true;
	if (why != 0 && save == NULL)
		ps->uncertain = sg_why_text(why);
	(void) sg_walk_stmts(us, ps, body);
	ps->uncertain = save;
	sg_shapes_forget(ps, body);
}

/*
 * What a value owes to tests of whether objects exist, of the server
 * version or of the trigger: conditions on a variable it is assigned to
 * are as uncertain.
 */
static uint8
sg_value_why(SgUnitState *us, SgPlpgsql *ps, Query *query)
{
	MemoryContext old = MemoryContextSwitchTo(us->point_cxt);
	uint8		why = sg_query_why(&ps->cond_env, query);

	MemoryContextSwitchTo(old);
	return why;
}

static void
sg_note_assigned(SgUnitState *us, SgPlpgsql *ps, int dno, Query *query)
{
	if (query != NULL && dno >= 0)
		ps->cond_env.datum_why[dno] |= sg_value_why(us, ps, query);
}

/* The same for the targets of INTO (if any), and for FOUND. */
static void
sg_note_into(SgUnitState *us, SgPlpgsql *ps, PLpgSQL_variable *target,
			 Query *query)
{
	uint8	   *datum_why = ps->cond_env.datum_why;
	uint8		why;
	int			i;

	if (query == NULL || (why = sg_value_why(us, ps, query)) == 0)
		return;
	datum_why[ps->func->found_varno] |= why;
	if (target == NULL)
		return;
	if (target->dtype == PLPGSQL_DTYPE_ROW)
	{
		PLpgSQL_row *row = (PLpgSQL_row *) target;

		for (i = 0; i < row->nfields; i++)
		{
			if (row->varnos[i] >= 0)
				datum_why[row->varnos[i]] |= why;
		}
	}
	else
		datum_why[target->dno] |= why;
}

static SgFlow
sg_walk_stmt(SgUnitState *us, SgPlpgsql *ps, PLpgSQL_stmt *stmt)
{
	int			line = stmt->lineno;
	ListCell   *lc;
	Query	   *query;
	SgCondition c;

	check_stack_depth();

	switch (stmt->cmd_type)
	{
		case PLPGSQL_STMT_BLOCK:
			return sg_walk_block(us, ps, (PLpgSQL_stmt_block *) stmt);
		case PLPGSQL_STMT_ASSIGN:
			{
				PLpgSQL_stmt_assign *s = (PLpgSQL_stmt_assign *) stmt;

				query = sg_expr_target(us, ps, s->expr, line, s->varno);
				sg_note_assigned(us, ps, s->varno, query);
				sg_target_datum(us, ps, s->varno, line);
			}
			break;
		case PLPGSQL_STMT_IF:
			return sg_walk_if(us, ps, (PLpgSQL_stmt_if *) stmt);
		case PLPGSQL_STMT_CASE:
			return sg_walk_case(us, ps, (PLpgSQL_stmt_case *) stmt);
		case PLPGSQL_STMT_LOOP:
			sg_walk_loop_body(us, ps, ((PLpgSQL_stmt_loop *) stmt)->body, 0, -1);
			break;
		case PLPGSQL_STMT_WHILE:
			sg_condition(us, ps, ((PLpgSQL_stmt_while *) stmt)->cond, line, &c);
			if (sg_condition_may_hold(&ps->cond_env, &c))
				sg_walk_loop_body(us, ps, ((PLpgSQL_stmt_while *) stmt)->body,
								  c.why, -1);
			break;
		case PLPGSQL_STMT_FORI:
			{
				PLpgSQL_stmt_fori *s = (PLpgSQL_stmt_fori *) stmt;

				(void) sg_expr(us, ps, s->lower, line);
				(void) sg_expr(us, ps, s->upper, line);
				(void) sg_expr(us, ps, s->step, line);
				sg_walk_loop_body(us, ps, s->body, 0, -1);
			}
			break;
		case PLPGSQL_STMT_FORS:
			{
				PLpgSQL_stmt_fors *s = (PLpgSQL_stmt_fors *) stmt;

				query = sg_expr(us, ps, s->query, line);
				sg_target(us, ps, s->var, sg_point_desc(us, ps, query), line);
				sg_walk_loop_body(us, ps, s->body, 0, s->var->dno);
			}
			break;
		case PLPGSQL_STMT_FORC:
			{
				PLpgSQL_stmt_forc *s = (PLpgSQL_stmt_forc *) stmt;

				(void) sg_expr(us, ps, s->argquery, line);
				sg_target(us, ps, s->var, ps->cursor_desc[s->curvar], line);
				sg_walk_loop_body(us, ps, s->body, 0,
								  s->var != NULL ? s->var->dno : -1);
			}
			break;
		case PLPGSQL_STMT_FOREACH_A:
			(void) sg_expr(us, ps, ((PLpgSQL_stmt_foreach_a *) stmt)->expr, line);
			sg_target_datum(us, ps, ((PLpgSQL_stmt_foreach_a *) stmt)->varno, line);
			sg_walk_loop_body(us, ps, ((PLpgSQL_stmt_foreach_a *) stmt)->body,
							  0, -1);
			break;
		case PLPGSQL_STMT_EXIT:
			return sg_walk_exit(us, ps, (PLpgSQL_stmt_exit *) stmt);
		case PLPGSQL_STMT_RETURN:
			{
				PLpgSQL_stmt_return *s = (PLpgSQL_stmt_return *) stmt;

				query = sg_expr(us, ps, s->expr, line);
				if (query != NULL && !us->polymorphic)
					sg_check_constants(us, s->expr, query, &us->proc->prorettype,
									   NULL, 1, line);
			}
			return sg_flow_leaves;
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
				if (s->elog_level >= ERROR)
					return sg_flow_leaves;
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
				sg_note_into(us, ps, s->into ? s->target : NULL, query);
				if (s->into)
				{
					if (query != NULL)
						sg_check_into_constants(us, ps, s, query, line);
					sg_target(us, ps, s->target, sg_point_desc(us, ps, query),
							  line);
				}
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
				sg_walk_loop_body(us, ps, s->body, 0, -1);
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
				if (!s->is_move)
					sg_target(us, ps, s->target, ps->cursor_desc[s->curvar],
							  line);
			}
			break;
		case PLPGSQL_STMT_PERFORM:
			query = sg_expr(us, ps, ((PLpgSQL_stmt_perform *) stmt)->expr, line);
			sg_note_into(us, ps, NULL, query);
			break;
		case PLPGSQL_STMT_CALL:
			query = sg_expr(us, ps, ((PLpgSQL_stmt_call *) stmt)->expr, line);
			sg_check_call_targets(us, ps, query, line);
			break;
		case PLPGSQL_STMT_COMMIT:
		case PLPGSQL_STMT_ROLLBACK:
			sg_transaction_control(us, ps, stmt);
			break;
		case PLPGSQL_STMT_GETDIAG:
		case PLPGSQL_STMT_CLOSE:
			break;
	}
	return sg_flow_next;
}

/*
 * COMMIT and ROLLBACK end the transaction only in a procedure called
 * where it may: never in a function, nor in a procedure with a SET clause
 * or SECURITY DEFINER (a call of which is always atomic), nor inside a
 * block with an EXCEPTION clause (a subtransaction).  Whether the call
 * itself may end the transaction (CALL outside a transaction block) is
 * the caller's business.
 */
static void
sg_transaction_control(SgUnitState *us, SgPlpgsql *ps, PLpgSQL_stmt *stmt)
{
	const char *where;
	char	   *note;
	char		severity;
	bool		no_config;

	(void) SysCacheGetAttr(PROCOID, us->proctup, Anum_pg_proc_proconfig,
						   &no_config);
	if (us->proc->prokind != PROKIND_PROCEDURE)
		where = "a function";
	else if (!no_config)
		where = "a procedure with a SET clause";
	else if (us->proc->prosecdef)
		where = "a SECURITY DEFINER procedure";
	else if (ps->handlers != NIL)
		where = "a block with an EXCEPTION clause";
	else
		return;

	severity = sg_walk_severity(ps, ERRCODE_INVALID_TRANSACTION_TERMINATION,
								&note);
	sg_add_finding(us, SG_KIND_PROBLEM, severity, stmt->lineno,
				   SG_CHECK_INVALID_STATEMENT, NULL, NULL,
				   psprintf("%s is not allowed in %s%s",
							stmt->cmd_type == PLPGSQL_STMT_COMMIT ? "COMMIT" : "ROLLBACK",
							where, note),
				   "End transactions in a procedure without SET clauses or SECURITY DEFINER, outside blocks with an EXCEPTION clause.");
}

/*
 * CALL of a procedure with OUT or INOUT parameters: PL/pgSQL assigns each
 * of them back to its argument, which must be a variable it may assign;
 * otherwise every call fails, as PL/pgSQL finds out when it runs the CALL.
 */
static void
sg_check_call_targets(SgUnitState *us, SgPlpgsql *ps, Query *query, int line)
{
	CallStmt   *call;
	HeapTuple	tup;
	Oid		   *types;
	char	  **names;
	char	   *modes;
	int			nargs;
	int			i;
	ListCell   *lc;

	if (query == NULL || query->utilityStmt == NULL ||
		!IsA(query->utilityStmt, CallStmt))
		return;
	call = (CallStmt *) query->utilityStmt;
	if (call->outargs == NIL)
		return;
	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(call->funcexpr->funcid));
	if (!HeapTupleIsValid(tup))
		return;
	nargs = get_func_arg_info(tup, &types, &names, &modes);
	ReleaseSysCache(tup);

	/* the output arguments, in the order of the parameters */
	lc = list_head(call->outargs);
	for (i = 0; modes != NULL && i < nargs && lc != NULL; i++)
	{
		const char *problem;
		char	   *note;
		char		severity;

		if (modes[i] != PROARGMODE_OUT && modes[i] != PROARGMODE_INOUT)
			continue;
		problem = sg_call_target_problem(ps, (Node *) lfirst(lc));
		lc = lnext(call->outargs, lc);
		if (problem == NULL)
			continue;
		severity = sg_walk_severity(ps, ERRCODE_SYNTAX_ERROR, &note);
		sg_add_finding(us, SG_KIND_PROBLEM, severity, line,
					   SG_CHECK_INVALID_STATEMENT, NULL, NULL,
					   names != NULL && names[i] != NULL && names[i][0] != '\0' ?
					   psprintf("procedure parameter \"%s\" is an output parameter but %s%s",
								names[i], problem, note) :
					   psprintf("procedure parameter %d is an output parameter but %s%s",
								i + 1, problem, note),
					   "Give each OUT and INOUT parameter a variable of its type that is not CONSTANT; PL/pgSQL assigns the procedure's value to it.");
	}
}

/*
 * What keeps PL/pgSQL from assigning an output argument of CALL, or NULL:
 * it must be a variable, a row or a record field (a parameter of the
 * hooks, not an expression or a cast), and not CONSTANT.
 */
static const char *
sg_call_target_problem(SgPlpgsql *ps, Node *arg)
{
	PLpgSQL_datum *datum;
	int			dno;

	if (!IsA(arg, Param))
		return "corresponding argument is not writable";
	/* paramid is the datum number plus one (see make_datum_param()) */
	dno = ((Param *) arg)->paramid - 1;
	if (dno < 0 || dno >= ps->func->ndatums)
		return NULL;
	datum = ps->func->datums[dno];
	if (datum->dtype == PLPGSQL_DTYPE_RECFIELD)
		datum = ps->func->datums[((PLpgSQL_recfield *) datum)->recparentno];
	if ((datum->dtype == PLPGSQL_DTYPE_VAR ||
		 datum->dtype == PLPGSQL_DTYPE_PROMISE ||
		 datum->dtype == PLPGSQL_DTYPE_REC) &&
		((PLpgSQL_variable *) datum)->isconst)
		return psprintf("variable \"%s\" is declared CONSTANT",
						((PLpgSQL_variable *) datum)->refname);
	return NULL;
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
		query = sg_expr(us, ps, var->default_val, var->lineno);
		sg_note_assigned(us, ps, dno, query);
		if (query != NULL && var->datatype != NULL)
			sg_check_default(us, ps, var, query);
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

/*
 * The default of a variable, converted to its type when the block is
 * entered: a constant it does not accept, or a null for a NOT NULL
 * variable, fails every time.
 */
static void
sg_check_default(SgUnitState *us, SgPlpgsql *ps, PLpgSQL_var *var,
				 Query *query)
{
	List	   *values = sg_one_row_values(query);
	Node	   *value = list_length(values) == 1 ? linitial(values) : NULL;

	if (value != NULL && var->notnull && IsA(value, Const) &&
		((Const *) value)->constisnull)
	{
		char	   *note;
		char		severity = sg_walk_severity(ps, ERRCODE_NULL_VALUE_NOT_ALLOWED,
												&note);

		sg_add_finding(us, SG_KIND_PROBLEM, severity, var->lineno,
					   SG_CHECK_INVALID_VALUE, var->refname, var->refname,
					   psprintf("null value cannot be assigned to variable \"%s\" declared NOT NULL%s",
								var->refname, note),
					   "Give the variable a default that is not null.");
		return;
	}
	sg_check_constants(us, var->default_val, query, &var->datatype->typoid,
					   &var->datatype->atttypmod, 1, var->lineno);
}

/* SELECT 'label' INTO v: the constants, converted to the variables' types. */
static void
sg_check_into_constants(SgUnitState *us, SgPlpgsql *ps,
						PLpgSQL_stmt_execsql *stmt, Query *query, int line)
{
	PLpgSQL_row *row = (PLpgSQL_row *) stmt->target;
	Oid		   *types;
	int32	   *typmods;
	int			i;

	if (row->dtype != PLPGSQL_DTYPE_ROW || row->nfields == 0)
		return;
	types = palloc0(sizeof(Oid) * row->nfields);
	typmods = palloc0(sizeof(int32) * row->nfields);
	for (i = 0; i < row->nfields; i++)
	{
		PLpgSQL_var *var = (PLpgSQL_var *) ps->estate->datums[row->varnos[i]];

		typmods[i] = -1;
		if (var->dtype == PLPGSQL_DTYPE_VAR && var->datatype != NULL)
		{
			types[i] = var->datatype->typoid;
			typmods[i] = var->datatype->atttypmod;
		}
	}
	sg_check_constants(us, stmt->sqlstmt, query, types, typmods,
					   row->nfields, line);
	pfree(types);
	pfree(typmods);
}

/*
 * The constants of a query that yields one row of them (a DECLARE default,
 * SELECT ... INTO, RETURN), which PL/pgSQL converts to the types of their
 * targets when the code runs (NULL typmods: none).  Converted now, as the
 * parser converts the constant of an assignment statement: a value the
 * type does not accept fails here, as the failure of the point just
 * analysed, at the constant.  A label converted to a user's type (an enum)
 * is a use of the type, at this line.
 */
static void
sg_check_constants(SgUnitState *us, PLpgSQL_expr *expr, Query *query,
				   const Oid *types, const int32 *typmods, int ntypes,
				   int line)
{
	MemoryContext old = MemoryContextSwitchTo(us->point_cxt);
	ListCell   *lc;

	foreach(lc, sg_one_row_values(query))
	{
		int			i = foreach_current_index(lc);
		Const	   *con = (Const *) lfirst(lc);
		char	   *str;
		Const	   *literal;
		ParseState *pstate;

		if (i >= ntypes || !OidIsValid(types[i]) || !IsA(con, Const) ||
			con->constisnull ||
			(con->consttype != TEXTOID && con->consttype != UNKNOWNOID) ||
			types[i] == con->consttype || type_is_rowtype(types[i]) ||
			get_typtype(types[i]) == TYPTYPE_PSEUDO)
			continue;

		str = con->consttype == UNKNOWNOID ?
			DatumGetCString(con->constvalue) : TextDatumGetCString(con->constvalue);
		literal = makeConst(UNKNOWNOID, -1, InvalidOid, -2,
							CStringGetDatum(str), false, false);
		literal->location = con->location;
		pstate = make_parsestate(NULL);
		pstate->p_sourcetext = expr->query;
		(void) coerce_to_target_type(pstate, (Node *) literal, UNKNOWNOID,
									 types[i], typmods ? typmods[i] : -1,
									 COERCION_ASSIGNMENT, COERCE_IMPLICIT_CAST,
									 con->location);
		free_parsestate(pstate);
		sg_type_use(us, types[i], line);
	}
	MemoryContextSwitchTo(old);
}

/* How sure a failure of the code being walked is (sg_point_severity). */
static char
sg_walk_severity(SgPlpgsql *ps, int sqlerrcode, char **note)
{
	SgPoint		pc;

	memset(&pc, 0, sizeof(pc));
	pc.handlers = ps->handlers;
	pc.uncertain = ps->uncertain;
	return sg_point_severity(&pc, sqlerrcode, SG_ERROR, note);
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
		ps->shape_known[field->recparentno] ||
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
 * trigger's table; a field of a record declared with a table's (or a
 * composite type's) row type is a column of that table.  A field assigned
 * that the row type lacks fails.
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
			char	   *note;
			char		severity = sg_walk_severity(ps, ERRCODE_UNDEFINED_COLUMN,
													&note);

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
			else if (access == SG_ACCESS_UPDATE)
			{
				/* a read of it fails parse analysis; "r.f := ..." not so */
				char	   *note;
				char		severity = sg_walk_severity(ps, ERRCODE_UNDEFINED_COLUMN,
														&note);

				sg_add_finding(us, SG_KIND_PROBLEM, severity, line,
							   SG_CHECK_RECORD_FIELD, field->fieldname,
							   psprintf("%s.%s", rec->refname, field->fieldname),
							   psprintf("record \"%s\" has no field \"%s\"%s",
										rec->refname, field->fieldname, note),
							   "Restore the column of the variable's type, or change the field the function assigns.");
			}
		}
	}
}

/*
 * The targets of INTO, of FOR loops, of FETCH, filled with rows of type
 * desc (NULL if not known here).
 */
static void
sg_target(SgUnitState *us, SgPlpgsql *ps, PLpgSQL_variable *target,
		  TupleDesc desc, int line)
{
	if (target == NULL)
		return;
	if (target->dtype == PLPGSQL_DTYPE_REC)
		sg_type_record(us, ps, target->dno, desc);
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

/*
 * A datum assigned to: a record field says what it is a column of; a
 * RECORD variable assigned a value as a whole gets a row type not known
 * here.
 */
static void
sg_target_datum(SgUnitState *us, SgPlpgsql *ps, int dno, int line)
{
	PLpgSQL_datum *datum = ps->estate->datums[dno];

	if (datum->dtype == PLPGSQL_DTYPE_RECFIELD)
		sg_field_ref(us, ps, (PLpgSQL_recfield *) datum, SG_ACCESS_UPDATE,
					 line);
	else if (datum->dtype == PLPGSQL_DTYPE_REC)
		sg_type_record(us, ps, dno, NULL);
}

/*
 * Give a RECORD variable the row type of the rows it is filled with
 * (desc), which it then certainly has; or, with desc NULL, note that its
 * row type is not known here.
 */
static void
sg_type_record(SgUnitState *us, SgPlpgsql *ps, int dno, TupleDesc desc)
{
	PLpgSQL_rec *rec = (PLpgSQL_rec *) ps->estate->datums[dno];
	MemoryContext old;

	if (rec->dtype != PLPGSQL_DTYPE_REC || rec->rectypeid != RECORDOID ||
		sg_is_trigger_record(ps, dno))
		return;
	ps->shape_known[dno] = desc != NULL;
	if (desc == NULL)
		return;
	rec->erh = sg_record_header(us, ps, desc);
	old = MemoryContextSwitchTo(us->cxt);
	ps->shapes[dno] = list_append_unique_ptr(ps->shapes[dno], desc);
	MemoryContextSwitchTo(old);
}

/*
 * The expanded record of a row type: made once per unit, as every pass of
 * the walk gives the variables the same row types again.
 */
static ExpandedRecordHeader *
sg_record_header(SgUnitState *us, SgPlpgsql *ps, TupleDesc desc)
{
	SgRecordType *type;
	MemoryContext old;
	ListCell   *lc;

	foreach(lc, ps->record_types)
	{
		type = (SgRecordType *) lfirst(lc);
		if (type->desc == desc)
			return type->erh;
	}
	old = MemoryContextSwitchTo(us->cxt);
	type = palloc(sizeof(SgRecordType));
	type->desc = desc;
	type->erh = make_expanded_record_from_tupdesc(desc, us->cxt);
	ps->record_types = lappend(ps->record_types, type);
	MemoryContextSwitchTo(old);
	return type->erh;
}

/*
 * The row type the query of the point just analysed returns, on every
 * pass: later passes skip the point, but must fill the same records.
 */
static TupleDesc
sg_point_desc(SgUnitState *us, SgPlpgsql *ps, Query *query)
{
	SgMemo	   *memo = sg_memo(us, ps);

	if (query != NULL)
		memo->desc = sg_query_desc(us, query);
	return memo->desc;
}

/* Keep the records' row types (before the paths through a statement). */
static void
sg_shapes_save(SgPlpgsql *ps, SgShapes *shapes)
{
	int			i;

	shapes->erh = NULL;
	shapes->known = NULL;
	if (ps->nrecords == 0)
		return;
	shapes->erh = palloc(sizeof(ExpandedRecordHeader *) * ps->nrecords);
	shapes->known = palloc(sizeof(bool) * ps->nrecords);
	for (i = 0; i < ps->nrecords; i++)
	{
		int			dno = ps->records[i];

		shapes->erh[i] = ((PLpgSQL_rec *) ps->estate->datums[dno])->erh;
		shapes->known[i] = ps->shape_known[dno];
	}
}

static void
sg_shapes_restore(SgPlpgsql *ps, const SgShapes *shapes)
{
	int			i;

	for (i = 0; i < ps->nrecords; i++)
	{
		int			dno = ps->records[i];

		((PLpgSQL_rec *) ps->estate->datums[dno])->erh = shapes->erh[i];
		ps->shape_known[dno] = shapes->known[i];
	}
}

/*
 * Add the records' row types at the end of one path to those of the other
 * paths to the same statement (*any: there were some): a record certainly
 * has a row type there if every path gives it the same.
 */
static void
sg_shapes_join(SgPlpgsql *ps, SgShapes *joined, bool *any)
{
	int			i;

	if (!*any)
	{
		sg_shapes_save(ps, joined);
		*any = true;
		return;
	}
	for (i = 0; i < ps->nrecords; i++)
	{
		int			dno = ps->records[i];
		ExpandedRecordHeader *erh = ((PLpgSQL_rec *) ps->estate->datums[dno])->erh;

		if (joined->erh[i] != erh &&
			(joined->erh[i] == NULL || erh == NULL ||
			 !equalTupleDescs(expanded_record_get_tupdesc(joined->erh[i]),
							  expanded_record_get_tupdesc(erh))))
			joined->known[i] = false;
		joined->known[i] = joined->known[i] && ps->shape_known[dno];
		joined->erh[i] = erh;
	}
}

static void
sg_shapes_free(SgShapes *shapes)
{
	if (shapes->erh != NULL)
	{
		pfree(shapes->erh);
		pfree(shapes->known);
		shapes->erh = NULL;
	}
}

/* The records statements fill: their row types are no longer certain. */
static void
sg_shapes_forget(SgPlpgsql *ps, List *stmts)
{
	Bitmapset  *assigned = NULL;
	int			dno = -1;

	if (ps->nrecords == 0)
		return;
	sg_prewalk(stmts, NULL, &assigned);
	while ((dno = bms_next_member(assigned, dno)) >= 0)
		ps->shape_known[dno] = false;
	bms_free(assigned);
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

/*
 * Does an exception handler raise an error again whatever happens (its
 * statements fall through into RAISE)?  Then the failure it caught still
 * fails the call, with *sqlerrcode: unchanged for a bare RAISE, which
 * raises the caught error again, raise_exception for RAISE EXCEPTION
 * 'message', and 0 (not known here) for another condition.
 */
bool
sg_plpgsql_handler_reraises(PLpgSQL_exception *handler, int *sqlerrcode)
{
	ListCell   *lc;

	foreach(lc, handler->action)
	{
		PLpgSQL_stmt *stmt = (PLpgSQL_stmt *) lfirst(lc);
		PLpgSQL_stmt_raise *raise = (PLpgSQL_stmt_raise *) stmt;
		ListCell   *lc2;

		if (sg_falls_through(stmt))
			continue;
		if (stmt->cmd_type != PLPGSQL_STMT_RAISE)
			return false;
		if (raise->condname == NULL && raise->message == NULL &&
			raise->options == NIL)
			return true;
		*sqlerrcode = raise->condname == NULL ? ERRCODE_RAISE_EXCEPTION : 0;
		foreach(lc2, raise->options)
		{
			if (((PLpgSQL_raise_option *) lfirst(lc2))->opt_type ==
				PLPGSQL_RAISEOPTION_ERRCODE)
				*sqlerrcode = 0;
		}
		return true;
	}
	return false;
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
							 ps->assignments[dno] <= 1 ||
							 ps->shape_known[dno]) ? SG_ERROR : SG_WARNING;
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
 * Might the source have a %TYPE or %ROWTYPE?  A quick look for a '%'
 * followed by TYPE or ROWTYPE, with white space or comments in between;
 * the lexer then finds which ones are code.  Most bodies have a '%' only
 * in RAISE formats.
 */
static bool
sg_may_declare_type_of(const char *src)
{
	const char *p = src;

	while ((p = strchr(p, '%')) != NULL)
	{
		p++;
		for (;;)
		{
			if (scanner_isspace(*p))
				p++;
			else if (p[0] == '-' && p[1] == '-')
				p += strcspn(p, "\n");
			else if (p[0] == '/' && p[1] == '*')
			{
				const char *end = strstr(p + 2, "*/");

				if (end == NULL)
					return true;	/* the lexer reports it, if code */
				p = end + 2;
			}
			else
				break;
		}
		if (pg_strncasecmp(p, "type", 4) == 0 ||
			pg_strncasecmp(p, "rowtype", 7) == 0)
			return true;
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

	if (!sg_may_declare_type_of(us->prosrc))
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
