/*-------------------------------------------------------------------------
 *
 * engine_writes.c
 *	  What PostgreSQL checks of a statement that writes, after parse
 *	  analysis and before it reads a row.
 *
 * Parse analysis accepts some INSERT, UPDATE, DELETE and MERGE statements
 * that fail every time they run, whatever the data.  So a statement that
 * writes (or has a data-modifying WITH) is put through PostgreSQL's
 * rewriter, QueryRewrite(), as every execution of it is, on a copy of its
 * analysed tree.  The rewriter raises its own errors, which are failures
 * of the statement: a value for a generated column or a GENERATED ALWAYS
 * identity column, a write to a view that is not automatically updatable
 * and that no INSTEAD OF trigger or unconditional DO INSTEAD rule takes,
 * to a view column that is no column of its base relation, rules a
 * statement cannot be rewritten with.  Rewriting builds query trees and
 * nothing else: it expands views and rules (their actions are not run),
 * and it locks what they reach, as running the statement would; the
 * unit's subtransaction releases those locks.
 *
 * The rewritten statement is then checked as the executor does before it
 * reads a row:
 *
 *	- the relation written is one DML can change (not a sequence, nor a
 *	  materialized view);
 *	- an INSERT gives a value to every NOT NULL column of the table it
 *	  reaches, also through automatically updatable views: the rewriter has
 *	  put the defaults in;
 *
 * and as the planner does: INSERT ... ON CONFLICT has an arbiter, an index
 * that infer_arbiter_indexes() chooses (or the index of the constraint ON
 * CONSTRAINT names).  Only a certain mismatch rules an index out: where
 * the planner's simplification of expressions (eval_const_expressions())
 * or its proof that one predicate implies another could make an index
 * match, it may be the arbiter.
 *
 * What the write relies on is recorded, so that DDL that changes it
 * judges the function: the views and the table that an automatically
 * updatable view writes to, the INSTEAD OF triggers and DO INSTEAD rules
 * that take the write, the indexes that may be its ON CONFLICT arbiters,
 * and the constraint ON CONSTRAINT names.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/relation.h"
#include "access/table.h"
#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_index.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_language.h"
#include "catalog/pg_operator.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_rewrite.h"
#include "catalog/pg_trigger.h"
#include "commands/defrem.h"
#include "commands/trigger.h"
#include "nodes/makefuncs.h"
#include "parser/parsetree.h"
#include "rewrite/prs2lock.h"
#include "rewrite/rewriteDefine.h"
#include "rewrite/rewriteHandler.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/syscache.h"

#include "compat.h"
#include "engine.h"

static bool sg_is_write(Query *query);
static bool sg_explain_runs(ExplainStmt *explain);
static void sg_check_write(SgUnitState *us, SgPoint *pc, SgRawScan *scan,
						   Query *query, Query *rewritten, bool runs);
static char sg_write_access(CmdType command);
static void sg_note_write_through(SgUnitState *us, int line, Query *rewritten,
								  RangeTblEntry *rte, char access);
static void sg_note_instead_rules(SgUnitState *us, int line, Relation rel,
								  CmdType event);
static void sg_note_instead_triggers(SgUnitState *us, int line, Oid relid,
									 CmdType event);
static void sg_check_target_kind(SgUnitState *us, SgPoint *pc, int line,
								 RangeTblEntry *target);
static void sg_check_not_null(SgUnitState *us, SgPoint *pc, int line,
							  RangeTblEntry *named, Query *rewritten,
							  List *targetlist);
static void sg_check_arbiters(SgUnitState *us, SgPoint *pc, int line,
							  Query *rewritten);
static void sg_check_named_arbiter(SgUnitState *us, SgPoint *pc, int line,
								   OnConflictExpr *oc, Oid relid);
static bool sg_may_arbitrate(OnConflictExpr *oc, Oid indexoid,
							 bool may_fold);
static bool sg_stays_call(Node *expr);
static void sg_arbiter_finding(SgUnitState *us, SgPoint *pc, int line,
							   int sqlerrcode, Oid classid, Oid objid,
							   Oid relid, const char *message,
							   const char *hint);
static bool sg_before_insert_trigger(TriggerDesc *trigdesc);
static bool sg_partition_fills_in(Oid relid);
static char *sg_qualified_relation(Relation rel);

/*
 * Check a statement that writes, or whose WITH does ("query", as parse
 * analysis left it): rewrite it, check each write as the executor would,
 * and record what the writes rely on.  EXPLAIN rewrites and plans the
 * statement it explains, and starts the executor; only EXPLAIN ANALYZE
 * runs it, so that rows are written.
 */
void
sg_check_writes(SgUnitState *us, SgPoint *pc, SgRawScan *scan, Query *query)
{
	Query	   *top = NULL;
	bool		runs = true;
	ListCell   *lc;

	if (query->commandType == CMD_UTILITY &&
		IsA(query->utilityStmt, ExplainStmt))
	{
		runs = sg_explain_runs((ExplainStmt *) query->utilityStmt);
		query = castNode(Query, ((ExplainStmt *) query->utilityStmt)->query);
	}
	if (!sg_is_write(query) && !query->hasModifyingCTE)
		return;

	/* its errors are failures of the statement (see sg_analyze_one()) */
	us->rewriting = true;
	foreach(lc, QueryRewrite(copyObject(query)))
	{
		Query	   *rewritten = lfirst_node(Query, lc);

		/* the statement itself, unless a DO INSTEAD rule replaced it */
		if (rewritten->querySource == QSRC_ORIGINAL)
			top = rewritten;
	}
	us->rewriting = false;

	if (sg_is_write(query))
		sg_check_write(us, pc, scan, query, top, runs);

	/* the rewriter rewrote the WITH queries in place, in their order */
	foreach(lc, query->cteList)
	{
		Query	   *cte = castNode(Query, lfirst_node(CommonTableExpr, lc)->ctequery);
		Query	   *rewritten = NULL;

		if (!sg_is_write(cte))
			continue;
		if (top != NULL)
		{
			rewritten = castNode(Query,
								 list_nth_node(CommonTableExpr, top->cteList,
											   foreach_current_index(lc))->ctequery);
			if (rewritten->querySource != QSRC_ORIGINAL)
				rewritten = NULL;
		}
		sg_check_write(us, pc, scan, cte, rewritten, runs);
	}
}

static bool
sg_is_write(Query *query)
{
	return query->commandType == CMD_INSERT ||
		query->commandType == CMD_UPDATE ||
		query->commandType == CMD_DELETE ||
		query->commandType == CMD_MERGE;
}

/* Does EXPLAIN run the statement (ANALYZE)? */
static bool
sg_explain_runs(ExplainStmt *explain)
{
	ListCell   *lc;
	bool		runs = false;

	foreach(lc, explain->options)
	{
		DefElem    *opt = lfirst_node(DefElem, lc);

		if (strcmp(opt->defname, "analyze") == 0)
			runs = defGetBoolean(opt);
	}
	return runs;
}

/*
 * One write: "query" as parse analysis left it, "rewritten" what the
 * rewriter made of it, or NULL when a DO INSTEAD rule replaced it; "runs"
 * unless EXPLAIN only plans it.
 */
static void
sg_check_write(SgUnitState *us, SgPoint *pc, SgRawScan *scan, Query *query,
			   Query *rewritten, bool runs)
{
	RangeTblEntry *named = rt_fetch(query->resultRelation, query->rtable);
	RangeTblEntry *target;
	char		access = sg_write_access(query->commandType);
	Relation	rel;
	SgRawName  *item;
	int			line;
	ListCell   *lc;

	if (named->rtekind != RTE_RELATION || !sg_user_object(named->relid))
		return;
	/* locked by parse analysis */
	rel = relation_open(named->relid, NoLock);
	item = sg_raw_find(scan, SG_KIND_RELATION, RelationGetRelationName(rel));
	line = item != NULL ? sg_line_at(pc, item->location) : scan->stmt_line;
	sg_note_instead_rules(us, line, rel, query->commandType);
	relation_close(rel, NoLock);
	if (rewritten == NULL)
		return;

	/*
	 * The views and the table an automatically updatable view writes to:
	 * the rewriter added each to the range table as the relation written,
	 * with the privileges the write needs.
	 */
	for_each_from(lc, rewritten->rtable, list_length(query->rtable))
	{
		RangeTblEntry *rte = lfirst_node(RangeTblEntry, lc);
		AclMode		perms;
		Bitmapset  *selected;
		Bitmapset  *inserted;
		Bitmapset  *updated;

		sg_rte_columns(rewritten, rte, &perms, &selected, &inserted, &updated);
		if (rte->rtekind != RTE_RELATION ||
			!(perms & (ACL_INSERT | ACL_UPDATE | ACL_DELETE)))
			continue;
		sg_note_write_through(us, line, rewritten, rte, access);
		/* locked by the rewriter */
		rel = relation_open(rte->relid, NoLock);
		sg_note_instead_rules(us, line, rel, query->commandType);
		relation_close(rel, NoLock);
	}

	target = rt_fetch(rewritten->resultRelation, rewritten->rtable);
	if (target->relkind == RELKIND_VIEW)
		sg_note_instead_triggers(us, line, target->relid,
								 query->commandType);
	sg_check_target_kind(us, pc, line, target);
	if (rewritten->commandType == CMD_INSERT)
		sg_check_arbiters(us, pc, line, rewritten);
	if (!runs)
		return;
	if (rewritten->commandType == CMD_INSERT)
		sg_check_not_null(us, pc, line, named, rewritten,
						  rewritten->targetList);
	foreach(lc, sg_merge_actions(rewritten))
	{
		MergeAction *action = lfirst_node(MergeAction, lc);

		if (action->commandType == CMD_INSERT)
			sg_check_not_null(us, pc, line, named, rewritten,
							  action->targetList);
	}
}

/* What a write does to its relation, as references say it. */
static char
sg_write_access(CmdType command)
{
	switch (command)
	{
		case CMD_INSERT:
			return SG_ACCESS_INSERT;
		case CMD_DELETE:
			return SG_ACCESS_DELETE;
		default:
			return SG_ACCESS_UPDATE;
	}
}

/*
 * A relation written through a view: recorded as written, with the
 * columns the write gives it, on the line that names the view.
 */
static void
sg_note_write_through(SgUnitState *us, int line, Query *rewritten,
					  RangeTblEntry *rte, char access)
{
	AclMode		perms;
	Bitmapset  *selected;
	Bitmapset  *inserted;
	Bitmapset  *updated;
	Bitmapset  *written;
	int			x = -1;

	if (!sg_user_object(rte->relid))
		return;
	sg_add_ref(us, SG_KIND_RELATION, access, line, RelationRelationId,
			   rte->relid, 0, get_rel_name(rte->relid), NULL);
	sg_rte_columns(rewritten, rte, &perms, &selected, &inserted, &updated);
	written = access == SG_ACCESS_INSERT ? inserted : updated;
	while ((x = bms_next_member(written, x)) >= 0)
	{
		AttrNumber	attnum = x + FirstLowInvalidHeapAttributeNumber;
		char	   *attname;

		if (attnum <= 0 ||
			(attname = get_attname(rte->relid, attnum, true)) == NULL)
			continue;
		sg_add_ref(us, SG_KIND_COLUMN, access, line, RelationRelationId,
				   rte->relid, attnum, attname, NULL);
	}
}

/*
 * The DO INSTEAD rules that take a write to a relation (the rewriter
 * applied them): dropping one changes what the statement does.
 */
static void
sg_note_instead_rules(SgUnitState *us, int line, Relation rel, CmdType event)
{
	int			i;

	for (i = 0; rel->rd_rules != NULL && i < rel->rd_rules->numLocks; i++)
	{
		RewriteRule *rule = rel->rd_rules->rules[i];

		if (rule->event == event && rule->isInstead &&
			rule->enabled != RULE_DISABLED)
			sg_add_ref(us, SG_KIND_OBJECT, SG_ACCESS_NONE, line,
					   RewriteRelationId, rule->ruleId, 0, NULL, NULL);
	}
}

/*
 * The INSTEAD OF triggers that take a write to a view (the rewriter left
 * the view as the relation written because of them).
 */
static void
sg_note_instead_triggers(SgUnitState *us, int line, Oid relid, CmdType event)
{
	Relation	rel = relation_open(relid, NoLock);
	TriggerDesc *trigdesc = rel->trigdesc;
	int			i;

	for (i = 0; trigdesc != NULL && i < trigdesc->numtriggers; i++)
	{
		Trigger    *trig = &trigdesc->triggers[i];

		if (!TRIGGER_FOR_ROW(trig->tgtype) ||
			!TRIGGER_FOR_INSTEAD(trig->tgtype) ||
			!((event == CMD_INSERT && TRIGGER_FOR_INSERT(trig->tgtype)) ||
			  (event == CMD_UPDATE && TRIGGER_FOR_UPDATE(trig->tgtype)) ||
			  (event == CMD_DELETE && TRIGGER_FOR_DELETE(trig->tgtype))))
			continue;
		sg_add_ref(us, SG_KIND_OBJECT, SG_ACCESS_NONE, line,
				   TriggerRelationId, trig->tgoid, 0, trig->tgname, NULL);
	}
	relation_close(rel, NoLock);
}

/*
 * The executor changes tables, partitioned tables, views that a trigger
 * takes the write of, and foreign tables whose wrapper can; never a
 * sequence or a materialized view.
 */
static void
sg_check_target_kind(SgUnitState *us, SgPoint *pc, int line,
					 RangeTblEntry *target)
{
	char	   *relname = get_rel_name(target->relid);
	char	   *message;
	const char *hint;
	char		severity;
	char	   *note;
	SgRef	   *ref;

	if (relname == NULL)
		return;
	switch (target->relkind)
	{
		case RELKIND_SEQUENCE:
			message = psprintf("cannot change sequence \"%s\"", relname);
			hint = "Change a sequence with nextval(), setval() or ALTER SEQUENCE.";
			break;
		case RELKIND_MATVIEW:
			message = psprintf("cannot change materialized view \"%s\"",
							   relname);
			hint = "Change the tables the materialized view selects from, then run REFRESH MATERIALIZED VIEW.";
			break;
		default:
			return;
	}
	severity = sg_point_severity(pc, ERRCODE_WRONG_OBJECT_TYPE, SG_ERROR,
								 &note);
	ref = sg_add_finding(us, SG_KIND_RELATION, severity, line,
						 SG_CHECK_INVALID_STATEMENT, relname,
						 quote_qualified_identifier(get_namespace_name(get_rel_namespace(target->relid)),
													relname),
						 psprintf("%s%s", message, note), hint);
	ObjectAddressSet(ref->target, RelationRelationId, target->relid);
}

/*
 * An INSERT that gives no value to a NOT NULL column of the table it
 * reaches fails every time it runs; unless a BEFORE trigger of the table
 * (or of a partition, for a partitioned table) may fill the column in, or
 * a conditional DO INSTEAD rule may do something else instead.  The
 * rewriter has given every column with a default (its own, its type's,
 * an identity's, a view's) a value: a column without a target entry has
 * none.  "named" is the relation the statement names: the table, or a
 * view that writes to it.
 */
static void
sg_check_not_null(SgUnitState *us, SgPoint *pc, int line,
				  RangeTblEntry *named, Query *rewritten, List *targetlist)
{
	RangeTblEntry *rte = rt_fetch(rewritten->resultRelation,
								  rewritten->rtable);
	Relation	rel;
	TupleDesc	desc;
	Bitmapset  *supplied = NULL;
	const char *maybe = NULL;
	ListCell   *lc;
	int			i;

	if (rte->rtekind != RTE_RELATION ||
		(rte->relkind != RELKIND_RELATION &&
		 rte->relkind != RELKIND_PARTITIONED_TABLE) ||
		!sg_user_object(rte->relid))
		return;

	foreach(lc, targetlist)
	{
		TargetEntry *tle = lfirst_node(TargetEntry, lc);

		if (!tle->resjunk)
			supplied = bms_add_member(supplied, tle->resno);
	}

	/* locked by parse analysis, or by the rewriter */
	rel = table_open(rte->relid, NoLock);
	desc = RelationGetDescr(rel);
	for (i = 0; rel->rd_rules != NULL && i < rel->rd_rules->numLocks; i++)
	{
		RewriteRule *rule = rel->rd_rules->rules[i];

		/* (an unconditional one would have replaced the INSERT) */
		if (rule->event == CMD_INSERT && rule->isInstead &&
			rule->enabled != RULE_DISABLED)
			maybe = " (a DO INSTEAD rule may rewrite the INSERT)";
	}
	if (sg_before_insert_trigger(rel->trigdesc))
		maybe = " (a BEFORE INSERT trigger may fill it in)";

	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		const char *column = NameStr(att->attname);
		char	   *table;
		char		severity;
		char	   *note;
		char	   *message;
		char	   *hint;
		SgRef	   *ref;

		if (att->attisdropped || !att->attnotnull || att->attgenerated != '\0' ||
			bms_is_member(att->attnum, supplied))
			continue;

		if (maybe == NULL && rte->relkind == RELKIND_PARTITIONED_TABLE &&
			sg_partition_fills_in(rte->relid))
			maybe = " (a BEFORE INSERT trigger of a partition may fill it in)";
		severity = sg_point_severity(pc, ERRCODE_NOT_NULL_VIOLATION,
									 maybe != NULL ? SG_WARNING : SG_ERROR,
									 &note);
		table = sg_qualified_relation(rel);
		if (named->relid == rte->relid)
		{
			message = psprintf("INSERT into table \"%s\" gives no value to column \"%s\", which is NOT NULL and has no default%s%s",
							   RelationGetRelationName(rel), column,
							   maybe ? maybe : "", note);
			hint = psprintf("Add \"%s\" to the INSERT's column list, or give the column a default with ALTER TABLE %s ALTER COLUMN %s SET DEFAULT ...;",
							column, table, quote_identifier(column));
		}
		else
		{
			message = psprintf("INSERT into view \"%s\" gives no value to column \"%s\" of table \"%s\", which is NOT NULL and has no default%s%s",
							   get_rel_name(named->relid), column,
							   RelationGetRelationName(rel),
							   maybe ? maybe : "", note);
			hint = psprintf("Insert a value for \"%s\" through a column of the view, or give the column a default with ALTER TABLE %s ALTER COLUMN %s SET DEFAULT ...;",
							column, table, quote_identifier(column));
		}
		ref = sg_add_finding(us, SG_KIND_COLUMN, severity, line,
							 SG_CHECK_NOT_NULL, column,
							 psprintf("%s.%s", table, quote_identifier(column)),
							 message, hint);
		ObjectAddressSubSet(ref->target, RelationRelationId, rte->relid,
							att->attnum);
	}
	table_close(rel, NoLock);
}

/*
 * INSERT ... ON CONFLICT (columns or expressions) [WHERE ...] needs an
 * arbiter index: a valid unique index whose columns and expressions are
 * those named, and whose predicate (if any) the WHERE clause implies.
 * Every index that may be one is recorded as used; with none, the
 * statement fails.
 */
static void
sg_check_arbiters(SgUnitState *us, SgPoint *pc, int line, Query *rewritten)
{
	OnConflictExpr *oc = rewritten->onConflict;
	RangeTblEntry *rte = rt_fetch(rewritten->resultRelation,
								  rewritten->rtable);
	Relation	rel;
	bool		may_fold = false;
	bool		found = false;
	ListCell   *lc;

	/* DO NOTHING without a conflict target: any index arbitrates */
	if (oc == NULL ||
		(oc->arbiterElems == NIL && !OidIsValid(oc->constraint)) ||
		!sg_user_object(rte->relid))
		return;
	if (OidIsValid(oc->constraint))
	{
		sg_check_named_arbiter(us, pc, line, oc, rte->relid);
		return;
	}

	foreach(lc, oc->arbiterElems)
	{
		Node	   *expr = (Node *) lfirst_node(InferenceElem, lc)->expr;

		if (!IsA(expr, Var) && !sg_stays_call(expr))
			may_fold = true;
	}

	/* locked by parse analysis, or by the rewriter */
	rel = table_open(rte->relid, NoLock);
	foreach(lc, RelationGetIndexList(rel))
	{
		Oid			indexoid = lfirst_oid(lc);

		if (!sg_may_arbitrate(oc, indexoid, may_fold))
			continue;
		sg_add_ref(us, SG_KIND_OBJECT, SG_ACCESS_NONE, line,
				   RelationRelationId, indexoid, 0, get_rel_name(indexoid),
				   NULL);
		found = true;
	}
	if (!found)
		sg_arbiter_finding(us, pc, line, ERRCODE_INVALID_COLUMN_REFERENCE,
						   RelationRelationId, rte->relid, rte->relid,
						   "there is no unique or exclusion constraint matching the ON CONFLICT specification",
						   psprintf("Create a unique index on %s with the columns ON CONFLICT names (and its WHERE clause as the index's predicate), or name a constraint with ON CONFLICT ON CONSTRAINT.",
									sg_qualified_relation(rel)));
	table_close(rel, NoLock);
}

/*
 * ON CONFLICT ON CONSTRAINT (a constraint of the table "relid"): the
 * planner takes the constraint's index, if it has one and it is valid; an
 * exclusion constraint's only for DO NOTHING.
 */
static void
sg_check_named_arbiter(SgUnitState *us, SgPoint *pc, int line,
					   OnConflictExpr *oc, Oid relid)
{
	Oid			indexoid = get_constraint_index(oc->constraint);
	HeapTuple	tup;
	Form_pg_index index;

	sg_add_ref(us, SG_KIND_OBJECT, SG_ACCESS_NONE, line,
			   ConstraintRelationId, oc->constraint, 0,
			   get_constraint_name(oc->constraint), NULL);
	if (!OidIsValid(indexoid))
	{
		sg_arbiter_finding(us, pc, line, ERRCODE_WRONG_OBJECT_TYPE,
						   ConstraintRelationId, oc->constraint, relid,
						   "constraint in ON CONFLICT clause has no associated index",
						   "Name a unique or exclusion constraint, or the columns of a unique index.");
		return;
	}
	sg_add_ref(us, SG_KIND_OBJECT, SG_ACCESS_NONE, line, RelationRelationId,
			   indexoid, 0, get_rel_name(indexoid), NULL);
	tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(indexoid));
	if (!HeapTupleIsValid(tup))
		return;
	index = (Form_pg_index) GETSTRUCT(tup);
	if (!index->indisvalid)
		sg_arbiter_finding(us, pc, line, ERRCODE_INVALID_COLUMN_REFERENCE,
						   ConstraintRelationId, oc->constraint, relid,
						   "there is no unique or exclusion constraint matching the ON CONFLICT specification",
						   psprintf("The index of the constraint is not valid; rebuild it with REINDEX INDEX %s;",
									quote_qualified_identifier(get_namespace_name(get_rel_namespace(indexoid)),
															   get_rel_name(indexoid))));
	else if (!index->indisunique && oc->action == ONCONFLICT_UPDATE)
		sg_arbiter_finding(us, pc, line, ERRCODE_WRONG_OBJECT_TYPE,
						   ConstraintRelationId, oc->constraint, relid,
						   "ON CONFLICT DO UPDATE not supported with exclusion constraints",
						   "Use ON CONFLICT DO NOTHING with an exclusion constraint, or name a unique constraint.");
	ReleaseSysCache(tup);
}

/*
 * May the planner choose this index as an arbiter of ON CONFLICT
 * (columns or expressions)?  Certainly not if it is not valid or not
 * unique; nor, unless an expression named may become a plain column once
 * simplified ("may_fold"), if its columns are not those named, or only one
 * of them has expressions; nor if it is partial and ON CONFLICT has no
 * WHERE clause, unless its predicate may simplify to true.  Anything else
 * needs the planner to tell (its comparison of simplified expressions,
 * its proof that the WHERE clause implies the predicate).
 */
static bool
sg_may_arbitrate(OnConflictExpr *oc, Oid indexoid, bool may_fold)
{
	HeapTuple	tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(indexoid));
	Form_pg_index index;
	Bitmapset  *indexed = NULL;
	Bitmapset  *named = NULL;
	bool		index_exprs = false;
	bool		named_exprs = false;
	bool		result = true;
	ListCell   *lc;
	int			i;

	if (!HeapTupleIsValid(tup))
		return false;
	index = (Form_pg_index) GETSTRUCT(tup);
	if (!index->indisvalid || !index->indisunique)
	{
		ReleaseSysCache(tup);
		return false;
	}
	for (i = 0; i < index->indnkeyatts; i++)
	{
		if (index->indkey.values[i] != 0)
			indexed = bms_add_member(indexed, index->indkey.values[i]);
		else
			index_exprs = true;
	}
	foreach(lc, oc->arbiterElems)
	{
		Node	   *expr = (Node *) lfirst_node(InferenceElem, lc)->expr;

		if (IsA(expr, Var))
			named = bms_add_member(named, ((Var *) expr)->varattno);
		else
			named_exprs = true;
	}
	if (!may_fold &&
		(!bms_equal(indexed, named) || index_exprs != named_exprs))
		result = false;
	else if (oc->arbiterWhere == NULL &&
			 !heap_attisnull(tup, Anum_pg_index_indpred, NULL))
	{
		bool		isnull;
		Datum		pred = SysCacheGetAttr(INDEXRELID, tup,
										   Anum_pg_index_indpred, &isnull);

		/* one clause of it that stays makes the predicate stay */
		foreach(lc, make_ands_implicit((Expr *) stringToNode(TextDatumGetCString(pred))))
		{
			if (sg_stays_call((Node *) lfirst(lc)))
				result = false;
		}
	}
	ReleaseSysCache(tup);
	return result;
}

/*
 * Does the planner's simplification of an expression certainly leave a
 * call, of a column?  It does for a function or operator that is neither
 * inlined (SQL functions) nor simplified by a support function nor the
 * boolean (in)equality it rewrites, with a column among its arguments: it
 * can neither compute it nor make it anything else.
 */
static bool
sg_stays_call(Node *expr)
{
	Oid			funcid;
	List	   *args;
	HeapTuple	tup;
	Form_pg_proc proc;
	bool		result;
	ListCell   *lc;

	if (IsA(expr, FuncExpr))
	{
		funcid = ((FuncExpr *) expr)->funcid;
		args = ((FuncExpr *) expr)->args;
	}
	else if (IsA(expr, OpExpr) &&
			 ((OpExpr *) expr)->opno != BooleanEqualOperator &&
			 ((OpExpr *) expr)->opno != BooleanNotEqualOperator)
	{
		funcid = get_opcode(((OpExpr *) expr)->opno);
		args = ((OpExpr *) expr)->args;
	}
	else
		return false;

	result = false;
	foreach(lc, args)
	{
		if (IsA(lfirst(lc), Var))
			result = true;
	}
	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(funcid));
	if (!HeapTupleIsValid(tup))
		return false;
	proc = (Form_pg_proc) GETSTRUCT(tup);
	if (proc->prolang == SQLlanguageId || OidIsValid(proc->prosupport))
		result = false;
	ReleaseSysCache(tup);
	return result;
}

/*
 * A statement without an arbiter: it fails when it is planned.  It is
 * about the table, or the constraint named (classid, objid).
 */
static void
sg_arbiter_finding(SgUnitState *us, SgPoint *pc, int line, int sqlerrcode,
				   Oid classid, Oid objid, Oid relid, const char *message,
				   const char *hint)
{
	char	   *relname = get_rel_name(relid);
	char		severity;
	char	   *note;
	SgRef	   *ref;

	if (relname == NULL)
		return;
	severity = sg_point_severity(pc, sqlerrcode, SG_ERROR, &note);
	ref = sg_add_finding(us, SG_KIND_RELATION, severity, line,
						 SG_CHECK_INVALID_STATEMENT, relname,
						 quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
													relname),
						 psprintf("%s%s", message, note), hint);
	ObjectAddressSet(ref->target, classid, objid);
}

/* Does a table have an enabled BEFORE INSERT row trigger? */
static bool
sg_before_insert_trigger(TriggerDesc *trigdesc)
{
	int			i;

	for (i = 0; trigdesc != NULL && i < trigdesc->numtriggers; i++)
	{
		Trigger    *trig = &trigdesc->triggers[i];

		if (TRIGGER_FOR_ROW(trig->tgtype) &&
			TRIGGER_FOR_BEFORE(trig->tgtype) &&
			TRIGGER_FOR_INSERT(trig->tgtype) &&
			trig->tgenabled != TRIGGER_DISABLED)
			return true;
	}
	return false;
}

/*
 * Does a partition of a partitioned table have a BEFORE INSERT row
 * trigger?  A row routed to that partition runs it before the NOT NULL
 * check.  Asked only when an INSERT misses a NOT NULL column, so that
 * inserts that give every value read no partitions.
 */
static bool
sg_partition_fills_in(Oid relid)
{
	ListCell   *lc;

	foreach(lc, find_all_inheritors(relid, NoLock, NULL))
	{
		Oid			child = lfirst_oid(lc);
		HeapTuple	tup;
		bool		has_triggers;
		Relation	rel;
		bool		result;

		if (child == relid)
			continue;
		tup = SearchSysCache1(RELOID, ObjectIdGetDatum(child));
		if (!HeapTupleIsValid(tup))
			continue;
		has_triggers = ((Form_pg_class) GETSTRUCT(tup))->relhastriggers;
		ReleaseSysCache(tup);
		if (!has_triggers)
			continue;
		rel = try_relation_open(child, AccessShareLock);
		if (rel == NULL)
			continue;
		result = sg_before_insert_trigger(rel->trigdesc);
		relation_close(rel, AccessShareLock);
		if (result)
			return true;
	}
	return false;
}

/* "schema.table", quoted as needed. */
static char *
sg_qualified_relation(Relation rel)
{
	return quote_qualified_identifier(get_namespace_name(RelationGetNamespace(rel)),
									  RelationGetRelationName(rel));
}
