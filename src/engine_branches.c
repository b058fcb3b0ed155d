/*-------------------------------------------------------------------------
 *
 * engine_branches.c
 *	  What the condition of a PL/pgSQL branch says for one unit.
 *
 * A trigger function is analysed once per trigger, and for that unit the
 * TG_ variables hold constants: the trigger's name, table, schema, level,
 * timing and arguments, and TG_OP one of its events.  A condition's
 * analysed expression is evaluated with them in SQL's three-valued logic,
 * once per value TG_OP can have (a "world"): comparisons of these
 * variables and of constants with constants by built-in = and <> (and
 * the order of integers and OIDs), IN and NOT IN lists, AND, OR, NOT and
 * IS NULL.
 * The result is the set of outcomes (true, false, null) the condition can
 * have in each world.
 *
 * A part the evaluation cannot decide is either a test of the data (code
 * behind it is as certain to fail as any other code, whenever it runs) or
 * one of the tests that make the code behind them uncertain: whether an
 * object or a column exists (to_regclass() and its kin, the system
 * catalogs and information_schema, the keys of NEW or OLD made into json,
 * jsonb or hstore), the server version, or the trigger in a way not
 * evaluated (LIKE, a variable set from TG_ variables).  Those
 * reasons reach through the variables assigned from such tests.
 *
 * Nothing is executed: the values compared are constants of the parse
 * tree and of the trigger, compared as the built-in operators compare them
 * (strings only under a deterministic collation).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_collation.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"

#include "engine.h"

typedef enum SgValueKind
{
	SG_VALUE_UNKNOWN,
	SG_VALUE_NULL,
	SG_VALUE_STRING,
	SG_VALUE_INTEGER
} SgValueKind;

/* The value of an expression, when the unit knows it. */
typedef struct SgValue
{
	SgValueKind kind;
	const char *str;
	int64		num;
} SgValue;

typedef struct SgWhyContext
{
	const SgCondEnv *env;
	uint8		why;
} SgWhyContext;

static Node *sg_condition_expr(Query *query);
static uint8 sg_truth(const SgCondEnv *env, Node *node, int world, uint8 *why);
static uint8 sg_truth_bool(const SgCondEnv *env, BoolExpr *expr, int world,
						   uint8 *why);
static uint8 sg_truth_array(const SgCondEnv *env, ScalarArrayOpExpr *expr,
							int world);
static uint8 sg_compare(const SgCondEnv *env, Oid opno, Oid collid,
						Node *left, Node *right, int world);
static uint8 sg_and(uint8 a, uint8 b);
static uint8 sg_or(uint8 a, uint8 b);
static uint8 sg_not(uint8 a);
static void sg_value(const SgCondEnv *env, Node *node, int world,
					 SgValue *value);
static void sg_const_value(Const *con, SgValue *value);
static void sg_param_value(const SgCondEnv *env, Param *param, int world,
						   SgValue *value);
static void sg_argv_value(const SgCondEnv *env, SubscriptingRef *ref,
						  int world, SgValue *value);
static bool sg_is_string_type(Oid typid);
static int	sg_param_dno(const SgCondEnv *env, Node *node);
static uint8 sg_node_why(const SgCondEnv *env, Node *node);
static bool sg_why_walker(Node *node, SgWhyContext *cxt);
static uint8 sg_param_why(const SgCondEnv *env, Param *param);
static bool sg_is_key_test(const SgCondEnv *env, Oid opno, List *args);
static bool sg_is_row_conversion(const SgCondEnv *env, Node *node);
static bool sg_is_version_function(Oid funcid);
static bool sg_mentions_server_version(Const *con);

/*
 * Set up what conditions are evaluated with: the trigger of the unit (or
 * NULL), and the values TG_OP can have.  The caller fills in the rest.
 */
void
sg_condition_env_init(SgCondEnv *env, const SgTriggerFacts *trigger)
{
	static const struct
	{
		int16		event;
		const char *op;
	}			events[] =
	{
		{TRIGGER_TYPE_INSERT, "INSERT"},
		{TRIGGER_TYPE_UPDATE, "UPDATE"},
		{TRIGGER_TYPE_DELETE, "DELETE"},
		{TRIGGER_TYPE_TRUNCATE, "TRUNCATE"}
	};
	int			i;

	StaticAssertStmt(lengthof(events) <= SG_MAX_WORLDS, "too few worlds");
	env->trigger = trigger;
	env->nworlds = 0;
	for (i = 0; trigger != NULL && i < lengthof(events); i++)
	{
		if (trigger->type & events[i].event)
			env->ops[env->nworlds++] = events[i].op;
	}
	if (env->nworlds == 0)
	{
		/* not a trigger unit: one world, in which TG_OP is unknown */
		env->nworlds = 1;
		env->ops[0] = NULL;
	}
}

/* A condition of which nothing is known. */
void
sg_condition_unknown(const SgCondEnv *env, SgCondition *cond)
{
	int			w;

	memset(cond, 0, sizeof(SgCondition));
	for (w = 0; w < env->nworlds; w++)
		cond->outcomes[w] = SG_OUT_ANY;
}

/* Evaluate a condition (the analysed query of a PL/pgSQL expression). */
void
sg_condition_eval(const SgCondEnv *env, Query *query, SgCondition *cond)
{
	Node	   *expr = sg_condition_expr(query);
	int			w;

	sg_condition_unknown(env, cond);
	if (expr == NULL)
	{
		cond->why = sg_query_why(env, query);
		return;
	}
	for (w = 0; w < env->nworlds; w++)
	{
		uint8		why;

		cond->outcomes[w] = sg_truth(env, expr, w, &why);
		cond->why |= why;
	}
}

/* Can the condition be true, in some world? */
bool
sg_condition_may_hold(const SgCondEnv *env, const SgCondition *cond)
{
	int			w;

	for (w = 0; w < env->nworlds; w++)
	{
		if (cond->outcomes[w] & SG_OUT_TRUE)
			return true;
	}
	return false;
}

/* Is the condition true, in every world? */
bool
sg_condition_always_holds(const SgCondEnv *env, const SgCondition *cond)
{
	int			w;

	for (w = 0; w < env->nworlds; w++)
	{
		if (cond->outcomes[w] != SG_OUT_TRUE)
			return false;
	}
	return true;
}

/*
 * Why code that depends on the value of this query is uncertain: the
 * SG_WHY_* reasons of what it reads (0 for plain data).
 */
uint8
sg_query_why(const SgCondEnv *env, Query *query)
{
	return sg_node_why(env, (Node *) query);
}

/* The note that says why a failure is uncertain, for a set of reasons. */
const char *
sg_why_text(uint8 why)
{
	if (why & SG_WHY_VERSION)
		return "in a branch taken only on some server versions";
	if (why & SG_WHY_EXISTS)
		return "in code guarded by a test of whether an object or column exists";
	if (why & SG_WHY_TRIGGER)
		return "in a branch taken only for some triggers of the function";
	return NULL;
}

/*
 * The expression of a condition, when the query is nothing else: PL/pgSQL
 * accepts "IF count(*) > 0 FROM t", whose value depends on the data.
 */
static Node *
sg_condition_expr(Query *query)
{
	List	   *values = sg_one_row_values(query);

	return list_length(values) == 1 ? (Node *) linitial(values) : NULL;
}

/*
 * The expressions of a query that yields one row of them and nothing else
 * (no FROM, WHERE, LIMIT...), or NIL.
 */
List *
sg_one_row_values(Query *query)
{
	List	   *values = NIL;
	ListCell   *lc;

	if (query->commandType != CMD_SELECT || query->rtable != NIL ||
		query->setOperations != NULL || query->hasAggs ||
		query->hasWindowFuncs || query->hasTargetSRFs ||
		query->jointree == NULL || query->jointree->quals != NULL ||
		query->havingQual != NULL || query->limitCount != NULL ||
		query->limitOffset != NULL)
		return NIL;
	foreach(lc, query->targetList)
	{
		TargetEntry *tle = lfirst_node(TargetEntry, lc);

		if (!tle->resjunk)
			values = lappend(values, tle->expr);
	}
	return values;
}

/*
 * The outcomes an expression can have in a world; *why is set to the
 * reasons of the undecided parts when the outcome is not decided.
 */
static uint8
sg_truth(const SgCondEnv *env, Node *node, int world, uint8 *why)
{
	uint8		result = 0;

	check_stack_depth();
	*why = 0;
	if (node == NULL)
		return SG_OUT_ANY;

	switch (nodeTag(node))
	{
		case T_Const:
			{
				Const	   *con = (Const *) node;

				if (con->consttype != BOOLOID)
					break;
				if (con->constisnull)
					return SG_OUT_NULL;
				return DatumGetBool(con->constvalue) ? SG_OUT_TRUE : SG_OUT_FALSE;
			}
		case T_BoolExpr:
			return sg_truth_bool(env, (BoolExpr *) node, world, why);
		case T_OpExpr:
			{
				OpExpr	   *op = (OpExpr *) node;

				if (list_length(op->args) == 2)
					result = sg_compare(env, op->opno, op->inputcollid,
										linitial(op->args), lsecond(op->args),
										world);
				break;
			}
		case T_ScalarArrayOpExpr:
			result = sg_truth_array(env, (ScalarArrayOpExpr *) node, world);
			break;
		case T_NullTest:
			{
				NullTest   *test = (NullTest *) node;
				SgValue		value;

				if (test->argisrow)
					break;
				sg_value(env, (Node *) test->arg, world, &value);
				if (value.kind == SG_VALUE_UNKNOWN)
					break;
				return ((value.kind == SG_VALUE_NULL) ==
						(test->nulltesttype == IS_NULL)) ?
					SG_OUT_TRUE : SG_OUT_FALSE;
			}
		default:
			break;
	}
	if (result != 0)
		return result;

	*why = sg_node_why(env, node);
	return SG_OUT_ANY;
}

static uint8
sg_truth_bool(const SgCondEnv *env, BoolExpr *expr, int world, uint8 *why)
{
	uint8		result = expr->boolop == AND_EXPR ? SG_OUT_TRUE : SG_OUT_FALSE;
	uint8		whys = 0;
	ListCell   *lc;

	foreach(lc, expr->args)
	{
		uint8		arg_why;
		uint8		arg = sg_truth(env, (Node *) lfirst(lc), world, &arg_why);

		whys |= arg_why;
		if (expr->boolop == AND_EXPR)
			result = sg_and(result, arg);
		else if (expr->boolop == OR_EXPR)
			result = sg_or(result, arg);
		else
			result = sg_not(arg);
	}
	/* a decided outcome owes nothing to the undecided parts */
	*why = (result & (result - 1)) == 0 ? 0 : whys;
	return result;
}

/* x IN (...), x NOT IN (...), x = ANY (ARRAY[...]): 0 if not decided. */
static uint8
sg_truth_array(const SgCondEnv *env, ScalarArrayOpExpr *expr, int world)
{
	Node	   *array = lsecond(expr->args);
	uint8		result = expr->useOr ? SG_OUT_FALSE : SG_OUT_TRUE;
	ListCell   *lc;

	if (!IsA(array, ArrayExpr) || ((ArrayExpr *) array)->multidims)
		return 0;
	foreach(lc, ((ArrayExpr *) array)->elements)
	{
		uint8		one = sg_compare(env, expr->opno, expr->inputcollid,
									 linitial(expr->args), (Node *) lfirst(lc),
									 world);

		if (one == 0)
			return 0;
		result = expr->useOr ? sg_or(result, one) : sg_and(result, one);
	}
	return result;
}

/*
 * A comparison by a built-in operator of two values the unit knows: its
 * outcome, or 0 if it is not decided.
 */
static uint8
sg_compare(const SgCondEnv *env, Oid opno, Oid collid, Node *left,
		   Node *right, int world)
{
	SgValue		a;
	SgValue		b;
	char	   *name;
	int			cmp;
	bool		holds;

	if (sg_user_object(opno))
		return 0;
	sg_value(env, left, world, &a);
	if (a.kind == SG_VALUE_UNKNOWN)
		return 0;
	sg_value(env, right, world, &b);
	if (b.kind == SG_VALUE_UNKNOWN)
		return 0;
	if ((name = get_opname(opno)) == NULL)
		return 0;
	if (strcmp(name, "=") != 0 && strcmp(name, "<>") != 0 &&
		strcmp(name, "<") != 0 && strcmp(name, "<=") != 0 &&
		strcmp(name, ">") != 0 && strcmp(name, ">=") != 0)
		return 0;
	/* the built-in comparisons are strict */
	if (a.kind == SG_VALUE_NULL || b.kind == SG_VALUE_NULL)
		return SG_OUT_NULL;

	if (a.kind == SG_VALUE_STRING && b.kind == SG_VALUE_STRING)
	{
		/* equal strings are equal bytes only in a deterministic collation */
		if (OidIsValid(collid) && collid != DEFAULT_COLLATION_OID &&
			collid != C_COLLATION_OID && !get_collation_isdeterministic(collid))
			return 0;
		if (strcmp(name, "=") != 0 && strcmp(name, "<>") != 0)
			return 0;			/* order depends on the collation */
		cmp = strcmp(a.str, b.str);
	}
	else if (a.kind == SG_VALUE_INTEGER && b.kind == SG_VALUE_INTEGER)
		cmp = (a.num > b.num) - (a.num < b.num);
	else
		return 0;

	if (strcmp(name, "=") == 0)
		holds = cmp == 0;
	else if (strcmp(name, "<>") == 0)
		holds = cmp != 0;
	else if (strcmp(name, "<") == 0)
		holds = cmp < 0;
	else if (strcmp(name, "<=") == 0)
		holds = cmp <= 0;
	else if (strcmp(name, ">") == 0)
		holds = cmp > 0;
	else
		holds = cmp >= 0;
	return holds ? SG_OUT_TRUE : SG_OUT_FALSE;
}

/* The outcomes of AND, OR and NOT of operands with these outcomes. */
static uint8
sg_and(uint8 a, uint8 b)
{
	uint8		result = 0;

	if ((a & SG_OUT_TRUE) && (b & SG_OUT_TRUE))
		result |= SG_OUT_TRUE;
	if ((a & SG_OUT_FALSE) || (b & SG_OUT_FALSE))
		result |= SG_OUT_FALSE;
	if (((a & SG_OUT_NULL) && (b & (SG_OUT_NULL | SG_OUT_TRUE))) ||
		((a & SG_OUT_TRUE) && (b & SG_OUT_NULL)))
		result |= SG_OUT_NULL;
	return result;
}

static uint8
sg_or(uint8 a, uint8 b)
{
	return sg_not(sg_and(sg_not(a), sg_not(b)));
}

static uint8
sg_not(uint8 a)
{
	return (a & SG_OUT_NULL) |
		((a & SG_OUT_TRUE) ? SG_OUT_FALSE : 0) |
		((a & SG_OUT_FALSE) ? SG_OUT_TRUE : 0);
}

/* The value of an expression in a world, if the unit knows it. */
static void
sg_value(const SgCondEnv *env, Node *node, int world, SgValue *value)
{
	value->kind = SG_VALUE_UNKNOWN;
	if (node == NULL)
		return;

	switch (nodeTag(node))
	{
		case T_Const:
			sg_const_value((Const *) node, value);
			break;
		case T_Param:
			sg_param_value(env, (Param *) node, world, value);
			break;
		case T_RelabelType:
			sg_value(env, (Node *) ((RelabelType *) node)->arg, world, value);
			break;
		case T_FuncExpr:
			{
				/* a cast between text, varchar and name keeps the string */
				FuncExpr   *func = (FuncExpr *) node;

				if ((func->funcformat == COERCE_IMPLICIT_CAST ||
					 func->funcformat == COERCE_EXPLICIT_CAST) &&
					list_length(func->args) == 1 &&
					sg_is_string_type(func->funcresulttype) &&
					sg_is_string_type(exprType(linitial(func->args))))
				{
					sg_value(env, linitial(func->args), world, value);
					/* unless a name cuts it short */
					if (value->kind == SG_VALUE_STRING &&
						func->funcresulttype == NAMEOID &&
						strlen(value->str) >= NAMEDATALEN)
						value->kind = SG_VALUE_UNKNOWN;
				}
			}
			break;
		case T_SubscriptingRef:
			sg_argv_value(env, (SubscriptingRef *) node, world, value);
			break;
		default:
			break;
	}
}

static void
sg_const_value(Const *con, SgValue *value)
{
	if (con->constisnull)
	{
		value->kind = SG_VALUE_NULL;
		return;
	}
	switch (con->consttype)
	{
		case TEXTOID:
		case VARCHAROID:
			value->kind = SG_VALUE_STRING;
			value->str = TextDatumGetCString(con->constvalue);
			break;
		case NAMEOID:
			value->kind = SG_VALUE_STRING;
			value->str = NameStr(*DatumGetName(con->constvalue));
			break;
		case INT2OID:
			value->kind = SG_VALUE_INTEGER;
			value->num = DatumGetInt16(con->constvalue);
			break;
		case INT4OID:
			value->kind = SG_VALUE_INTEGER;
			value->num = DatumGetInt32(con->constvalue);
			break;
		case INT8OID:
			value->kind = SG_VALUE_INTEGER;
			value->num = DatumGetInt64(con->constvalue);
			break;
		case OIDOID:
		case REGCLASSOID:
			value->kind = SG_VALUE_INTEGER;
			value->num = DatumGetObjectId(con->constvalue);
			break;
		default:
			break;
	}
}

/* A TG_ variable, or the variable of a simple CASE over one. */
static void
sg_param_value(const SgCondEnv *env, Param *param, int world, SgValue *value)
{
	int			dno = sg_param_dno(env, (Node *) param);
	const SgTriggerFacts *trigger = env->trigger;
	PLpgSQL_var *var;

	if (dno < 0)
		return;
	if (env->case_values[dno] != NULL)
	{
		sg_value(env, env->case_values[dno], world, value);
		return;
	}
	var = (PLpgSQL_var *) env->datums[dno];
	if (var->dtype != PLPGSQL_DTYPE_PROMISE || trigger == NULL)
		return;

	value->kind = SG_VALUE_STRING;
	switch (var->promise)
	{
		case PLPGSQL_PROMISE_TG_NAME:
			value->str = trigger->name;
			break;
		case PLPGSQL_PROMISE_TG_WHEN:
			value->str = TRIGGER_FOR_BEFORE(trigger->type) ? "BEFORE" :
				TRIGGER_FOR_INSTEAD(trigger->type) ? "INSTEAD OF" : "AFTER";
			break;
		case PLPGSQL_PROMISE_TG_LEVEL:
			value->str = TRIGGER_FOR_ROW(trigger->type) ? "ROW" : "STATEMENT";
			break;
		case PLPGSQL_PROMISE_TG_OP:
			value->str = env->ops[world];
			break;
		case PLPGSQL_PROMISE_TG_TABLE_NAME:
			value->str = trigger->relname;
			break;
		case PLPGSQL_PROMISE_TG_TABLE_SCHEMA:
			value->str = trigger->schema;
			break;
		case PLPGSQL_PROMISE_TG_NARGS:
			value->kind = SG_VALUE_INTEGER;
			value->num = trigger->nargs;
			return;
		case PLPGSQL_PROMISE_TG_RELID:
			value->kind = SG_VALUE_INTEGER;
			value->num = trigger->relid;
			return;
		default:
			value->str = NULL;
			break;
	}
	if (value->str == NULL)
		value->kind = SG_VALUE_UNKNOWN;
}

/* TG_ARGV[n]: the argument, or null when there is none (as at run time). */
static void
sg_argv_value(const SgCondEnv *env, SubscriptingRef *ref, int world,
			  SgValue *value)
{
	int			dno = sg_param_dno(env, (Node *) ref->refexpr);
	SgValue		index;

	if (dno < 0 || env->trigger == NULL || ref->refassgnexpr != NULL ||
		ref->reflowerindexpr != NIL || list_length(ref->refupperindexpr) != 1 ||
		env->datums[dno]->dtype != PLPGSQL_DTYPE_PROMISE ||
		((PLpgSQL_var *) env->datums[dno])->promise != PLPGSQL_PROMISE_TG_ARGV)
		return;
	sg_value(env, linitial(ref->refupperindexpr), world, &index);
	if (index.kind == SG_VALUE_INTEGER && index.num >= 0 &&
		index.num < env->trigger->nargs &&
		env->trigger->args[index.num] != NULL)
	{
		value->kind = SG_VALUE_STRING;
		value->str = env->trigger->args[index.num];
	}
	else if (index.kind == SG_VALUE_INTEGER || index.kind == SG_VALUE_NULL)
		value->kind = SG_VALUE_NULL;
}

static bool
sg_is_string_type(Oid typid)
{
	return typid == TEXTOID || typid == VARCHAROID || typid == NAMEOID;
}

/* The variable a node is a reference to, or -1. */
static int
sg_param_dno(const SgCondEnv *env, Node *node)
{
	Param	   *param = (Param *) node;

	if (node == NULL || !IsA(node, Param) || param->paramkind != PARAM_EXTERN ||
		param->paramid < 1 || param->paramid > env->ndatums)
		return -1;
	return param->paramid - 1;
}

/*
 * The reasons that make code depending on an expression or a query
 * uncertain (see the file's header).
 */
static uint8
sg_node_why(const SgCondEnv *env, Node *node)
{
	SgWhyContext cxt;

	cxt.env = env;
	cxt.why = 0;
	(void) sg_why_walker(node, &cxt);
	return cxt.why;
}

static bool
sg_why_walker(Node *node, SgWhyContext *cxt)
{
	if (node == NULL)
		return false;

	switch (nodeTag(node))
	{
		case T_Query:
			{
				Query	   *query = (Query *) node;
				ListCell   *lc;

				/* a system catalog or an information_schema view */
				foreach(lc, query->rtable)
				{
					RangeTblEntry *rte = (RangeTblEntry *) lfirst(lc);

					if (rte->rtekind == RTE_RELATION && !sg_user_object(rte->relid))
						cxt->why |= SG_WHY_EXISTS;
				}
				return query_tree_walker(query, sg_why_walker, cxt, 0);
			}
		case T_Param:
			cxt->why |= sg_param_why(cxt->env, (Param *) node);
			break;
		case T_Const:
			if (sg_mentions_server_version((Const *) node))
				cxt->why |= SG_WHY_VERSION;
			break;
		case T_FuncExpr:
			{
				FuncExpr   *func = (FuncExpr *) node;

				switch (func->funcid)
				{
					case F_VERSION:
						cxt->why |= SG_WHY_VERSION;
						break;
					case F_TO_REGCLASS:
					case F_TO_REGPROC:
					case F_TO_REGPROCEDURE:
					case F_TO_REGTYPE:
					case F_TO_REGNAMESPACE:
					case F_TO_REGOPER:
					case F_TO_REGOPERATOR:
					case F_TO_REGROLE:
					case F_TO_REGCOLLATION:
						cxt->why |= SG_WHY_EXISTS;
						break;
					default:
						if (sg_is_version_function(func->funcid))
							cxt->why |= SG_WHY_VERSION;
						else if (func->funcformat == COERCE_EXPLICIT_CALL &&
								 sg_is_key_test(cxt->env, InvalidOid, func->args))
							cxt->why |= SG_WHY_EXISTS;
						break;
				}
			}
			break;
		case T_OpExpr:
			if (sg_is_key_test(cxt->env, ((OpExpr *) node)->opno,
							   ((OpExpr *) node)->args))
				cxt->why |= SG_WHY_EXISTS;
			break;
		default:
			break;
	}
	return expression_tree_walker(node, sg_why_walker, cxt);
}

/* What a variable's value owes to tests that make code uncertain. */
static uint8
sg_param_why(const SgCondEnv *env, Param *param)
{
	int			dno = sg_param_dno(env, (Node *) param);
	PLpgSQL_datum *datum;
	uint8		why;

	if (dno < 0)
		return 0;
	if (env->case_values[dno] != NULL)
		return sg_node_why(env, env->case_values[dno]);
	datum = env->datums[dno];
	why = env->datum_why[dno];
	if (datum->dtype == PLPGSQL_DTYPE_RECFIELD)
		why |= env->datum_why[((PLpgSQL_recfield *) datum)->recparentno];
	else if (datum->dtype == PLPGSQL_DTYPE_PROMISE &&
			 ((PLpgSQL_var *) datum)->promise != PLPGSQL_PROMISE_TG_EVENT &&
			 ((PLpgSQL_var *) datum)->promise != PLPGSQL_PROMISE_TG_TAG)
		why |= SG_WHY_TRIGGER;
	return why;
}

/*
 * Does an operator (opno) or a function call look up a key of NEW or OLD
 * made into json, jsonb or hstore: "to_jsonb(NEW) ? 'col'",
 * "hstore(NEW) -> 'col'", "jsonb_exists(to_jsonb(NEW), 'col')"?  Comparing
 * or combining the rows as a whole does not.
 */
static bool
sg_is_key_test(const SgCondEnv *env, Oid opno, List *args)
{
	static const char *const key_operators[] = {
		"?", "?|", "?&", "->", "->>", "#>", "#>>", "@>"
	};
	char	   *name;
	int			i;

	if (list_length(args) < 2 || !sg_is_row_conversion(env, linitial(args)))
		return false;
	if (!OidIsValid(opno))
		return true;
	if ((name = get_opname(opno)) == NULL)
		return false;
	for (i = 0; i < lengthof(key_operators); i++)
	{
		if (strcmp(name, key_operators[i]) == 0)
			return true;
	}
	return false;
}

/* A function of NEW or OLD as a whole (to_jsonb(NEW)), maybe cast. */
static bool
sg_is_row_conversion(const SgCondEnv *env, Node *node)
{
	ListCell   *lc;

	for (;;)
	{
		if (IsA(node, RelabelType))
			node = (Node *) ((RelabelType *) node)->arg;
		else if (IsA(node, CoerceViaIO))
			node = (Node *) ((CoerceViaIO *) node)->arg;
		else if (IsA(node, FuncExpr) &&
				 ((FuncExpr *) node)->funcformat != COERCE_EXPLICIT_CALL &&
				 list_length(((FuncExpr *) node)->args) == 1)
			node = linitial(((FuncExpr *) node)->args);
		else
			break;
	}
	if (!IsA(node, FuncExpr))
		return false;
	foreach(lc, ((FuncExpr *) node)->args)
	{
		int			dno = sg_param_dno(env, (Node *) lfirst(lc));

		if (dno >= 0 && (dno == env->new_varno || dno == env->old_varno))
			return true;
	}
	return false;
}

/*
 * A function of an extension or of the application that says the server
 * version, by its name: pgTAP's pg_version_num(), say.
 */
static bool
sg_is_version_function(Oid funcid)
{
	char	   *name;

	if (!sg_user_object(funcid) || (name = get_func_name(funcid)) == NULL)
		return false;
	return strcmp(name, "version") == 0 || strstr(name, "pg_version") != NULL ||
		strstr(name, "server_version") != NULL;
}

/* A string constant naming the server_version settings. */
static bool
sg_mentions_server_version(Const *con)
{
	static const char needle[] = "server_version";
	text	   *value;
	const char *p;
	int			len;
	int			i;

	if (con->constisnull || (con->consttype != TEXTOID &&
							 con->consttype != VARCHAROID))
		return false;
	value = DatumGetTextPP(con->constvalue);
	p = VARDATA_ANY(value);
	len = VARSIZE_ANY_EXHDR(value);
	for (i = 0; i + (int) sizeof(needle) - 1 <= len; i++)
	{
		if (pg_strncasecmp(p + i, needle, sizeof(needle) - 1) == 0)
			return true;
	}
	return false;
}
