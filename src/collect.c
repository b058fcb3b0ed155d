/*-------------------------------------------------------------------------
 *
 * collect.c
 *	  What one statement references, read from its parse trees.
 *
 * Two trees are read.  The raw parse tree says what the text names and
 * where: it places references on body lines, tells which WITH names are
 * not tables, what the statement creates, alters or drops when it runs,
 * and whether it sets search_path; for utility statements, which parse
 * analysis does not look into, it is all there is (their relations and
 * columns are resolved here as they will be when they run).  The analysed
 * Query says what the names resolved to: relations from the range tables
 * (the columns read, inserted and updated come from the permission
 * bitmaps parse analysis fills in), functions from function calls, types
 * from casts and constants, sequences, text search configurations and
 * other objects from reg* constants such as nextval('seq').
 *
 * Built-in objects are not recorded: they cannot be dropped.  What a
 * statement that writes must pass after parse analysis (the rewriter,
 * the executor's checks) is checked by engine_writes.c.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/sysattr.h"
#include "catalog/namespace.h"
#include "catalog/objectaddress.h"
#include "catalog/pg_class.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_operator.h"
#include "catalog/pg_ts_config.h"
#include "catalog/pg_ts_dict.h"
#include "catalog/pg_type.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "parser/parsetree.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"
#include "utils/varlena.h"

#include "compat.h"
#include "engine.h"

typedef struct SgRawWalk
{
	SgRawScan  *scan;
	char		access;			/* access of the relation being named */
} SgRawWalk;

typedef struct SgCollect
{
	SgUnitState *us;
	SgPoint    *pc;
	SgRawScan  *scan;
	bool		sequence_arg;	/* inside nextval() or setval() */
	List	   *queries;		/* the queries being walked, innermost first */
	List	   *relnames;		/* access and name of each relation use met
								 * so far, so each use finds its own place */
	List	   *placed;			/* columns read placed by a Var */
} SgCollect;

static bool sg_raw_walker(Node *node, void *context);
static void sg_raw_add(SgRawScan *scan, char category, List *names,
					   int location, char access);
static void sg_raw_add_relation(SgRawScan *scan, RangeVar *rv, char access,
								bool created);
static List *sg_rangevar_names(RangeVar *rv);
static void sg_raw_change(SgRawScan *scan, char category, List *names,
						  int location, char access);
static void sg_raw_add_columns(SgRawScan *scan, List *relnames, List *columns,
							   int location, bool removes);
static void sg_raw_add_removed(SgRawScan *scan, RangeVar *rv);
static void sg_raw_ddl(Node *stmt, SgRawScan *scan);
static void sg_raw_alter_table(AlterTableStmt *stmt, SgRawScan *scan);
static void sg_raw_rename(RenameStmt *stmt, SgRawScan *scan);
static void sg_raw_set_schema(AlterObjectSchemaStmt *stmt, SgRawScan *scan);
static void sg_raw_drop(DropStmt *stmt, SgRawScan *scan);
static void sg_raw_grant(GrantStmt *stmt, SgRawScan *scan);
static void sg_raw_index(IndexStmt *stmt, SgRawScan *scan);
static void sg_raw_comment(CommentStmt *stmt, SgRawScan *scan);
static char sg_object_category(ObjectType objtype);
static List *sg_object_names(ObjectType objtype, Node *object);
static void sg_raw_dml(Node *node, SgRawWalk *w);
static List *sg_string_names(const char *str);
static void sg_raw_targets(SgRawWalk *w, List *targets, char access);
static bool sg_collect_walker(Node *node, SgCollect *c);
static void sg_collect_rtable(SgCollect *c, Query *query);
static void sg_collect_var(SgCollect *c, Var *var);
static char *sg_column_name(Oid relid, AttrNumber attnum);
static void sg_collect_columns(SgCollect *c, Oid relid, Bitmapset *cols,
							   char access, int line);
static void sg_collect_function(SgCollect *c, Oid funcid, int location);
static void sg_collect_type(SgCollect *c, Oid typid, int location);
static void sg_collect_object(SgCollect *c, Oid classid, Oid objid,
							  int location);
static bool sg_type_target(Oid typid, Oid *classid, Oid *objid, char **name);
static int	sg_collect_line(SgCollect *c, char category, const char *name,
							int location);

/* ---------------------------------------------------------------------
 * Raw parse trees
 * ---------------------------------------------------------------------
 */

/* Scan one raw statement. */
void
sg_raw_scan(Node *stmt, SgRawScan *scan)
{
	SgRawWalk	w;

	w.scan = scan;
	w.access = SG_ACCESS_READ;

	if (stmt == NULL)
		return;

	switch (nodeTag(stmt))
	{
		case T_InsertStmt:
		case T_UpdateStmt:
		case T_DeleteStmt:
		case T_MergeStmt:
		case T_SelectStmt:
		case T_PLAssignStmt:
			(void) sg_raw_walker(stmt, &w);
			break;
		case T_CallStmt:
			(void) sg_raw_walker((Node *) ((CallStmt *) stmt)->funccall, &w);
			break;
		case T_VariableSetStmt:
			{
				VariableSetStmt *vs = (VariableSetStmt *) stmt;

				scan->utility = true;
				if (vs->name != NULL &&
					pg_strcasecmp(vs->name, "search_path") == 0)
					scan->sets_search_path = true;
			}
			break;
		case T_CreateStmt:
			scan->utility = true;
			sg_raw_add_relation(scan, ((CreateStmt *) stmt)->relation,
								SG_ACCESS_CREATE, true);
			break;
		case T_CreateTableAsStmt:
			{
				CreateTableAsStmt *ctas = (CreateTableAsStmt *) stmt;

				sg_raw_add_relation(scan, ctas->into->rel, SG_ACCESS_CREATE,
									true);
				(void) sg_raw_walker(ctas->query, &w);
			}
			break;
		case T_ViewStmt:
			scan->utility = true;
			sg_raw_add_relation(scan, ((ViewStmt *) stmt)->view,
								SG_ACCESS_CREATE, true);
			(void) sg_raw_walker(((ViewStmt *) stmt)->query, &w);
			break;
		case T_CreateSeqStmt:
			scan->utility = true;
			sg_raw_add_relation(scan, ((CreateSeqStmt *) stmt)->sequence,
								SG_ACCESS_CREATE, true);
			break;
		case T_TruncateStmt:
			{
				ListCell   *lc;

				scan->utility = true;
				foreach(lc, ((TruncateStmt *) stmt)->relations)
					sg_raw_add_relation(scan, lfirst_node(RangeVar, lc),
										SG_ACCESS_DELETE, false);
			}
			break;
		case T_LockStmt:
			{
				ListCell   *lc;

				scan->utility = true;
				foreach(lc, ((LockStmt *) stmt)->relations)
					sg_raw_add_relation(scan, lfirst_node(RangeVar, lc),
										SG_ACCESS_READ, false);
			}
			break;
		case T_RefreshMatViewStmt:
			scan->utility = true;
			sg_raw_add_relation(scan, ((RefreshMatViewStmt *) stmt)->relation,
								SG_ACCESS_UPDATE, false);
			break;
		case T_ExplainStmt:
			sg_raw_scan(((ExplainStmt *) stmt)->query, scan);
			break;
		case T_DeclareCursorStmt:
			sg_raw_scan(((DeclareCursorStmt *) stmt)->query, scan);
			break;
		default:
			scan->utility = true;
			sg_raw_ddl(stmt, scan);
			break;
	}
}

static void
sg_raw_add(SgRawScan *scan, char category, List *names, int location,
		   char access)
{
	SgRawName  *item = palloc0(sizeof(SgRawName));

	item->category = category;
	item->names = names;
	item->name = strVal(llast(names));
	item->location = location;
	item->access = access;
	scan->items = lappend(scan->items, item);
}

/*
 * A relation the statement names ("access" says what it does with it), or
 * creates.  A temporary relation created without a schema is pg_temp's.
 */
static void
sg_raw_add_relation(SgRawScan *scan, RangeVar *rv, char access, bool created)
{
	List	   *names;

	if (rv == NULL)
		return;
	names = sg_rangevar_names(rv);
	if (created)
	{
		if (rv->relpersistence == RELPERSISTENCE_TEMP && rv->schemaname == NULL)
			names = lcons(makeString("pg_temp"), names);
		sg_raw_change(scan, SG_KIND_RELATION, names, rv->location,
					  SG_ACCESS_CREATE);
	}
	else
	{
		sg_raw_add(scan, SG_KIND_RELATION, names, rv->location, access);
		if (rv->alias != NULL)
			((SgRawName *) llast(scan->items))->alias = rv->alias->aliasname;
	}
}

static List *
sg_rangevar_names(RangeVar *rv)
{
	List	   *names = NIL;

	if (rv->catalogname)
		names = lappend(names, makeString(rv->catalogname));
	if (rv->schemaname)
		names = lappend(names, makeString(rv->schemaname));
	return lappend(names, makeString(rv->relname));
}

/* Something the statement creates, alters or drops when it runs. */
static void
sg_raw_change(SgRawScan *scan, char category, List *names, int location,
			  char access)
{
	SgRawName  *item;

	if (names == NIL)
		return;
	item = palloc0(sizeof(SgRawName));
	item->category = category;
	item->names = names;
	item->name = strVal(llast(names));
	item->location = location;
	item->access = access;
	scan->changes = lappend(scan->changes, item);
}

/*
 * Columns (String nodes) a utility statement names, which must exist when
 * it runs: of the relation named by relnames, or when that is NIL, of the
 * one relation the statement names.  "removes": the statement renames or
 * drops them.
 */
static void
sg_raw_add_columns(SgRawScan *scan, List *relnames, List *columns,
				   int location, bool removes)
{
	ListCell   *lc;

	foreach(lc, columns)
	{
		sg_raw_add(scan, SG_KIND_COLUMN,
				   lappend(list_copy(relnames), lfirst(lc)), location,
				   SG_ACCESS_NONE);
		((SgRawName *) llast(scan->items))->removes = removes;
	}
}

/* A relation a utility statement renames or moves, which must exist. */
static void
sg_raw_add_removed(SgRawScan *scan, RangeVar *rv)
{
	sg_raw_add_relation(scan, rv, SG_ACCESS_NONE, false);
	((SgRawName *) llast(scan->items))->removes = true;
}

/*
 * Utility statements: the relations and columns they name that must exist
 * when they run (as items), and the relations, types and functions they
 * create, alter or drop (as changes).  What an IF EXISTS clause makes
 * optional is no item.
 */
static void
sg_raw_ddl(Node *stmt, SgRawScan *scan)
{
	switch (nodeTag(stmt))
	{
		case T_AlterTableStmt:
			sg_raw_alter_table((AlterTableStmt *) stmt, scan);
			break;
		case T_RenameStmt:
			sg_raw_rename((RenameStmt *) stmt, scan);
			break;
		case T_AlterObjectSchemaStmt:
			sg_raw_set_schema((AlterObjectSchemaStmt *) stmt, scan);
			break;
		case T_DropStmt:
			sg_raw_drop((DropStmt *) stmt, scan);
			break;
		case T_GrantStmt:
			sg_raw_grant((GrantStmt *) stmt, scan);
			break;
		case T_IndexStmt:
			sg_raw_index((IndexStmt *) stmt, scan);
			break;
		case T_CommentStmt:
			sg_raw_comment((CommentStmt *) stmt, scan);
			break;
		case T_VacuumStmt:
			{
				ListCell   *lc;

				foreach(lc, ((VacuumStmt *) stmt)->rels)
				{
					VacuumRelation *vr = lfirst_node(VacuumRelation, lc);

					if (vr->relation == NULL)
						continue;
					sg_raw_add_relation(scan, vr->relation, SG_ACCESS_NONE,
										false);
					sg_raw_add_columns(scan, sg_rangevar_names(vr->relation),
									   vr->va_cols, vr->relation->location,
									   false);
				}
			}
			break;
		case T_CopyStmt:
			{
				CopyStmt   *copy = (CopyStmt *) stmt;

				if (copy->relation == NULL)
					break;
				sg_raw_add_relation(scan, copy->relation,
									copy->is_from ? SG_ACCESS_INSERT : SG_ACCESS_READ,
									false);
				sg_raw_add_columns(scan, NIL, copy->attlist,
								   copy->relation->location, false);
			}
			break;
		case T_CompositeTypeStmt:
			sg_raw_change(scan, SG_KIND_TYPE,
						  sg_rangevar_names(((CompositeTypeStmt *) stmt)->typevar),
						  ((CompositeTypeStmt *) stmt)->typevar->location,
						  SG_ACCESS_CREATE);
			break;
		case T_CreateEnumStmt:
			sg_raw_change(scan, SG_KIND_TYPE, ((CreateEnumStmt *) stmt)->typeName,
						  -1, SG_ACCESS_CREATE);
			break;
		case T_CreateRangeStmt:
			sg_raw_change(scan, SG_KIND_TYPE, ((CreateRangeStmt *) stmt)->typeName,
						  -1, SG_ACCESS_CREATE);
			break;
		case T_CreateDomainStmt:
			sg_raw_change(scan, SG_KIND_TYPE, ((CreateDomainStmt *) stmt)->domainname,
						  -1, SG_ACCESS_CREATE);
			break;
		case T_DefineStmt:
			if (((DefineStmt *) stmt)->kind == OBJECT_TYPE)
				sg_raw_change(scan, SG_KIND_TYPE, ((DefineStmt *) stmt)->defnames,
							  -1, SG_ACCESS_CREATE);
			break;
		case T_AlterEnumStmt:
			sg_raw_change(scan, SG_KIND_TYPE, ((AlterEnumStmt *) stmt)->typeName,
						  -1, SG_ACCESS_UPDATE);
			break;
		case T_AlterDomainStmt:
			sg_raw_change(scan, SG_KIND_TYPE, ((AlterDomainStmt *) stmt)->typeName,
						  -1, SG_ACCESS_UPDATE);
			break;
		case T_AlterTypeStmt:
			sg_raw_change(scan, SG_KIND_TYPE, ((AlterTypeStmt *) stmt)->typeName,
						  -1, SG_ACCESS_UPDATE);
			break;
		case T_CreateFunctionStmt:
			sg_raw_change(scan, SG_KIND_FUNCTION,
						  ((CreateFunctionStmt *) stmt)->funcname, -1,
						  SG_ACCESS_CREATE);
			break;
		case T_AlterFunctionStmt:
			sg_raw_change(scan, SG_KIND_FUNCTION,
						  ((AlterFunctionStmt *) stmt)->func->objname, -1,
						  SG_ACCESS_UPDATE);
			break;
		default:
			break;
	}
}

/*
 * ALTER TABLE: the table, and the columns its subcommands change, must
 * exist (ALTER TYPE ... ATTRIBUTE uses the same statement for a type).
 */
static void
sg_raw_alter_table(AlterTableStmt *stmt, SgRawScan *scan)
{
	List	   *columns = NIL;
	List	   *dropped = NIL;
	ListCell   *lc;

	sg_raw_change(scan, stmt->objtype == OBJECT_TYPE ? SG_KIND_TYPE :
				  SG_KIND_RELATION, sg_rangevar_names(stmt->relation),
				  stmt->relation->location, SG_ACCESS_UPDATE);
	if (stmt->missing_ok || sg_object_category(stmt->objtype) != SG_KIND_RELATION)
		return;
	sg_raw_add_relation(scan, stmt->relation, SG_ACCESS_NONE, false);
	foreach(lc, stmt->cmds)
	{
		AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);

		if (cmd->name == NULL || cmd->missing_ok)
			continue;
		switch (cmd->subtype)
		{
			case AT_ColumnDefault:
			case AT_DropNotNull:
			case AT_SetNotNull:
			case AT_DropExpression:
			case AT_SetStatistics:
			case AT_SetOptions:
			case AT_ResetOptions:
			case AT_SetStorage:
			case AT_SetCompression:
			case AT_AlterColumnType:
			case AT_AlterColumnGenericOptions:
			case AT_AddIdentity:
			case AT_SetIdentity:
			case AT_DropIdentity:
				columns = lappend(columns, makeString(cmd->name));
				break;
			case AT_DropColumn:
				dropped = lappend(dropped, makeString(cmd->name));
				break;
			default:
				break;
		}
	}
	sg_raw_add_columns(scan, NIL, columns, stmt->relation->location, false);
	sg_raw_add_columns(scan, NIL, dropped, stmt->relation->location, true);
}

/*
 * ALTER ... RENAME: the object, and a column renamed, must exist; it is
 * changed under its old name and created under the new one.
 */
static void
sg_raw_rename(RenameStmt *stmt, SgRawScan *scan)
{
	char		category = sg_object_category(stmt->renameType);
	List	   *names;

	if (stmt->renameType == OBJECT_COLUMN ||
		stmt->renameType == OBJECT_ATTRIBUTE)
	{
		sg_raw_change(scan, stmt->relationType == OBJECT_TYPE ?
					  SG_KIND_TYPE : SG_KIND_RELATION,
					  sg_rangevar_names(stmt->relation),
					  stmt->relation->location, SG_ACCESS_UPDATE);
		if (stmt->missing_ok || stmt->renameType != OBJECT_COLUMN)
			return;
		sg_raw_add_relation(scan, stmt->relation, SG_ACCESS_NONE, false);
		sg_raw_add_columns(scan, NIL, list_make1(makeString(stmt->subname)),
						   stmt->relation->location, true);
		return;
	}
	if (category == 0)
		return;
	names = stmt->relation != NULL ? sg_rangevar_names(stmt->relation) :
		sg_object_names(stmt->renameType, stmt->object);
	sg_raw_change(scan, category, names,
				  stmt->relation ? stmt->relation->location : -1,
				  SG_CHANGE_RENAME);
	sg_raw_change(scan, category,
				  lappend(list_truncate(list_copy(names), list_length(names) - 1),
						  makeString(stmt->newname)),
				  stmt->relation ? stmt->relation->location : -1,
				  SG_ACCESS_CREATE);
	if (category == SG_KIND_RELATION && !stmt->missing_ok)
		sg_raw_add_removed(scan, stmt->relation);
}

/* ALTER ... SET SCHEMA: changed where it was, created in its new schema. */
static void
sg_raw_set_schema(AlterObjectSchemaStmt *stmt, SgRawScan *scan)
{
	char		category = sg_object_category(stmt->objectType);
	List	   *names;
	int			location = stmt->relation ? stmt->relation->location : -1;

	if (category == 0)
		return;
	names = stmt->relation != NULL ? sg_rangevar_names(stmt->relation) :
		sg_object_names(stmt->objectType, stmt->object);
	sg_raw_change(scan, category, names, location, SG_CHANGE_RENAME);
	sg_raw_change(scan, category,
				  list_make2(makeString(stmt->newschema), llast(names)),
				  location, SG_ACCESS_CREATE);
	if (category == SG_KIND_RELATION && !stmt->missing_ok)
		sg_raw_add_removed(scan, stmt->relation);
}

static void
sg_raw_drop(DropStmt *stmt, SgRawScan *scan)
{
	char		category = sg_object_category(stmt->removeType);
	ListCell   *lc;

	if (category == 0)
		return;
	foreach(lc, stmt->objects)
		sg_raw_change(scan, category,
					  sg_object_names(stmt->removeType, lfirst(lc)), -1,
					  SG_ACCESS_DELETE);
}

/* GRANT and REVOKE on tables and sequences, and on their columns. */
static void
sg_raw_grant(GrantStmt *stmt, SgRawScan *scan)
{
	ListCell   *lc;
	ListCell   *lc2;

	if (stmt->targtype != ACL_TARGET_OBJECT ||
		(stmt->objtype != OBJECT_TABLE && stmt->objtype != OBJECT_SEQUENCE))
		return;
	foreach(lc, stmt->objects)
	{
		RangeVar   *rv = lfirst_node(RangeVar, lc);

		sg_raw_add_relation(scan, rv, SG_ACCESS_NONE, false);
		foreach(lc2, stmt->privileges)
			sg_raw_add_columns(scan, sg_rangevar_names(rv),
							   lfirst_node(AccessPriv, lc2)->cols,
							   rv->location, false);
	}
}

/* CREATE INDEX: its table, and the columns and expressions it indexes. */
static void
sg_raw_index(IndexStmt *stmt, SgRawScan *scan)
{
	SgRawWalk	w;
	ListCell   *lc;

	w.scan = scan;
	w.access = SG_ACCESS_READ;
	sg_raw_add_relation(scan, stmt->relation, SG_ACCESS_NONE, false);
	foreach(lc, list_concat_copy(stmt->indexParams,
								 stmt->indexIncludingParams))
	{
		IndexElem  *elem = lfirst_node(IndexElem, lc);

		if (elem->name != NULL)
			sg_raw_add_columns(scan, NIL, list_make1(makeString(elem->name)),
							   stmt->relation->location, false);
		else
			(void) sg_raw_walker(elem->expr, &w);
	}
	(void) sg_raw_walker(stmt->whereClause, &w);
}

/* COMMENT ON TABLE, VIEW, ... and COLUMN. */
static void
sg_raw_comment(CommentStmt *stmt, SgRawScan *scan)
{
	List	   *names;

	if (stmt->objtype == OBJECT_COLUMN)
	{
		names = (List *) stmt->object;
		if (list_length(names) < 2)
			return;
		sg_raw_add(scan, SG_KIND_RELATION,
				   list_truncate(list_copy(names), list_length(names) - 1),
				   -1, SG_ACCESS_NONE);
		sg_raw_add(scan, SG_KIND_COLUMN, names, -1, SG_ACCESS_NONE);
	}
	else if (sg_object_category(stmt->objtype) == SG_KIND_RELATION)
		sg_raw_add(scan, SG_KIND_RELATION, (List *) stmt->object, -1,
				   SG_ACCESS_NONE);
}

/* Which changes of an object type bodies care about: its category, or 0. */
static char
sg_object_category(ObjectType objtype)
{
	switch (objtype)
	{
		case OBJECT_TABLE:
		case OBJECT_VIEW:
		case OBJECT_MATVIEW:
		case OBJECT_SEQUENCE:
		case OBJECT_FOREIGN_TABLE:
			return SG_KIND_RELATION;
		case OBJECT_TYPE:
		case OBJECT_DOMAIN:
			return SG_KIND_TYPE;
		case OBJECT_FUNCTION:
		case OBJECT_PROCEDURE:
		case OBJECT_ROUTINE:
		case OBJECT_AGGREGATE:
			return SG_KIND_FUNCTION;
		default:
			return 0;
	}
}

/* The name (String nodes) of an object a DROP, RENAME or SET SCHEMA names. */
static List *
sg_object_names(ObjectType objtype, Node *object)
{
	if (object == NULL)
		return NIL;
	if (sg_object_category(objtype) == SG_KIND_FUNCTION)
		return castNode(ObjectWithArgs, object)->objname;
	if (IsA(object, TypeName))
		return ((TypeName *) object)->names;
	return (List *) object;
}

/* Note the columns a list of ResTargets assigns, and walk their values. */
static void
sg_raw_targets(SgRawWalk *w, List *targets, char access)
{
	ListCell   *lc;

	foreach(lc, targets)
	{
		ResTarget  *rt = lfirst_node(ResTarget, lc);

		if (rt->name != NULL)
			sg_raw_add(w->scan, SG_KIND_COLUMN,
					   list_make1(makeString(rt->name)), rt->location, access);
		(void) sg_raw_walker(rt->val, w);
	}
}

/*
 * The statements that name a target relation: note what they do to it and
 * to which columns, in the order the text has them.
 */
static void
sg_raw_dml(Node *node, SgRawWalk *w)
{
	char		save = w->access;
	ListCell   *lc;

	switch (nodeTag(node))
	{
		case T_InsertStmt:
			{
				InsertStmt *stmt = (InsertStmt *) node;

				(void) sg_raw_walker((Node *) stmt->withClause, w);
				sg_raw_add_relation(w->scan, stmt->relation, SG_ACCESS_INSERT,
									false);
				sg_raw_targets(w, stmt->cols, SG_ACCESS_INSERT);
				(void) sg_raw_walker(stmt->selectStmt, w);
				if (stmt->onConflictClause != NULL)
				{
					OnConflictClause *oc = stmt->onConflictClause;

					if (oc->infer != NULL)
					{
						/* ON CONFLICT (col, ...): the conflict target */
						foreach(lc, oc->infer->indexElems)
						{
							IndexElem  *elem = lfirst_node(IndexElem, lc);

							if (elem->name != NULL)
								sg_raw_add(w->scan, SG_KIND_COLUMN,
										   list_make1(makeString(elem->name)),
										   oc->infer->location, SG_ACCESS_READ);
							else
								(void) sg_raw_walker(elem->expr, w);
						}
						(void) sg_raw_walker(oc->infer->whereClause, w);
					}
					sg_raw_targets(w, oc->targetList, SG_ACCESS_UPDATE);
					(void) sg_raw_walker(oc->whereClause, w);
				}
				(void) sg_raw_walker((Node *) stmt->returningList, w);
			}
			break;
		case T_UpdateStmt:
			{
				UpdateStmt *stmt = (UpdateStmt *) node;

				(void) sg_raw_walker((Node *) stmt->withClause, w);
				sg_raw_add_relation(w->scan, stmt->relation, SG_ACCESS_UPDATE,
									false);
				sg_raw_targets(w, stmt->targetList, SG_ACCESS_UPDATE);
				(void) sg_raw_walker((Node *) stmt->fromClause, w);
				(void) sg_raw_walker(stmt->whereClause, w);
				(void) sg_raw_walker((Node *) stmt->returningList, w);
			}
			break;
		case T_DeleteStmt:
			{
				DeleteStmt *stmt = (DeleteStmt *) node;

				(void) sg_raw_walker((Node *) stmt->withClause, w);
				sg_raw_add_relation(w->scan, stmt->relation, SG_ACCESS_DELETE,
									false);
				(void) sg_raw_walker((Node *) stmt->usingClause, w);
				(void) sg_raw_walker(stmt->whereClause, w);
				(void) sg_raw_walker((Node *) stmt->returningList, w);
			}
			break;
		case T_MergeStmt:
			{
				MergeStmt  *stmt = (MergeStmt *) node;

				(void) sg_raw_walker((Node *) stmt->withClause, w);
				sg_raw_add_relation(w->scan, stmt->relation, SG_ACCESS_UPDATE,
									false);
				(void) sg_raw_walker(stmt->sourceRelation, w);
				(void) sg_raw_walker(stmt->joinCondition, w);
				foreach(lc, stmt->mergeWhenClauses)
				{
					MergeWhenClause *mwc = lfirst_node(MergeWhenClause, lc);

					(void) sg_raw_walker(mwc->condition, w);
					sg_raw_targets(w, mwc->targetList,
								   mwc->commandType == CMD_INSERT ?
								   SG_ACCESS_INSERT : SG_ACCESS_UPDATE);
					(void) sg_raw_walker((Node *) mwc->values, w);
				}
			}
			break;
		default:
			break;
	}
	w->access = save;
}

static bool
sg_raw_walker(Node *node, void *context)
{
	SgRawWalk  *w = (SgRawWalk *) context;

	if (node == NULL)
		return false;
	check_stack_depth();

	switch (nodeTag(node))
	{
		case T_InsertStmt:
		case T_UpdateStmt:
		case T_DeleteStmt:
		case T_MergeStmt:
			sg_raw_dml(node, w);
			return false;
		case T_RangeVar:
			sg_raw_add_relation(w->scan, (RangeVar *) node, w->access, false);
			return false;
		case T_ColumnRef:
			{
				ColumnRef  *cref = (ColumnRef *) node;
				List	   *names = NIL;
				ListCell   *lc;

				foreach(lc, cref->fields)
				{
					if (IsA(lfirst(lc), String))
						names = lappend(names, lfirst(lc));
				}
				if (names != NIL)
					sg_raw_add(w->scan, SG_KIND_COLUMN, names, cref->location,
							   SG_ACCESS_READ);
			}
			return false;
		case T_FuncCall:
			{
				FuncCall   *fc = (FuncCall *) node;

				sg_raw_add(w->scan, SG_KIND_FUNCTION, fc->funcname,
						   fc->location, SG_ACCESS_CALL);
				if (pg_strcasecmp(strVal(llast(fc->funcname)), "set_config") == 0)
				{
					Node	   *arg = fc->args ? linitial(fc->args) : NULL;
					const char *setting = NULL;

					if (arg != NULL && IsA(arg, A_Const))
						setting = sg_aconst_string((A_Const *) arg);
					if (setting == NULL ||
						pg_strcasecmp(setting, "search_path") == 0)
						w->scan->sets_search_path = true;
				}
			}
			break;
		case T_TypeName:
			{
				TypeName   *tn = (TypeName *) node;

				if (tn->names != NIL)
					sg_raw_add(w->scan, SG_KIND_TYPE, tn->names, tn->location,
							   SG_ACCESS_TYPE);
			}
			return false;
		case T_A_Const:
			{
				A_Const    *c = (A_Const *) node;
				const char *str = sg_aconst_string(c);

				if (str != NULL)
					sg_raw_add(w->scan, 's', sg_string_names(str),
							   c->location, SG_ACCESS_READ);
			}
			return false;
		case T_CommonTableExpr:
			w->scan->cte_names = lappend(w->scan->cte_names,
										 ((CommonTableExpr *) node)->ctename);
			break;
		case T_IntoClause:
			/* SELECT ... INTO in a SQL text creates a table */
			sg_raw_add_relation(w->scan, ((IntoClause *) node)->rel,
								SG_ACCESS_CREATE, true);
			return false;
		default:
			break;
	}
	return raw_expression_tree_walker(node, sg_raw_walker, context);
}

/*
 * The names a string literal would stand for as a regclass or regproc
 * ('app.jobs_id_seq' in nextval()): its dot-separated parts, or the whole
 * string when it is no qualified name.
 */
static List *
sg_string_names(const char *str)
{
	char	   *copy = pstrdup(str);
	List	   *parts;
	List	   *result = NIL;
	ListCell   *lc;

	if (!SplitIdentifierString(copy, '.', &parts) || parts == NIL ||
		list_length(parts) > 3)
		return list_make1(makeString(pstrdup(str)));
	foreach(lc, parts)
		result = lappend(result, makeString((char *) lfirst(lc)));
	return result;
}

/* The first item of a category with this name, or NULL. */
SgRawName *
sg_raw_find(SgRawScan *scan, char category, const char *name)
{
	ListCell   *lc;

	if (scan == NULL || name == NULL)
		return NULL;
	foreach(lc, scan->items)
	{
		SgRawName  *item = (SgRawName *) lfirst(lc);

		if (item->category == category && strcmp(item->name, name) == 0)
			return item;
	}
	return NULL;
}

/*
 * The n-th item (0-based) of a category with this name, preferring those
 * noted with this access; NULL if there are not that many.
 */
static SgRawName *
sg_raw_find_nth(SgRawScan *scan, char category, const char *name,
				char access, int n)
{
	ListCell   *lc;
	int			pass;

	if (scan == NULL || name == NULL)
		return NULL;
	for (pass = 0; pass < 2; pass++)
	{
		int			seen = 0;

		foreach(lc, scan->items)
		{
			SgRawName  *item = (SgRawName *) lfirst(lc);

			if (item->category != category || strcmp(item->name, name) != 0)
				continue;
			if (pass == 0 && item->access != access)
				continue;
			if (seen++ == n)
				return item;
		}
	}
	return NULL;
}

/* The item at a byte offset, or NULL. */
SgRawName *
sg_raw_at(SgRawScan *scan, int location)
{
	ListCell   *lc;

	foreach(lc, scan->items)
	{
		SgRawName  *item = (SgRawName *) lfirst(lc);

		if (item->location == location)
			return item;
	}
	return NULL;
}

/* ---------------------------------------------------------------------
 * Analysed queries
 * ---------------------------------------------------------------------
 */

void
sg_collect_query(SgUnitState *us, SgPoint *pc, SgRawScan *scan, Query *query)
{
	SgCollect	c;

	c.us = us;
	c.pc = pc;
	c.scan = scan;
	c.sequence_arg = false;
	c.queries = NIL;
	c.relnames = NIL;
	c.placed = NIL;
	(void) sg_collect_walker((Node *) query, &c);
	sg_check_writes(us, pc, scan, query);
}

/*
 * A relation that resolves to a temporary table of the analysing session
 * does not exist for the sessions that will run the function, nor for the
 * one that rebuilds the catalog.  So it fails the statement, as it would
 * in a session without that table: results never depend on which session
 * analysed the function.
 */
static bool
sg_temp_relation_walker(Node *node, Oid *found)
{
	if (node == NULL)
		return false;
	if (IsA(node, RangeTblEntry))
	{
		RangeTblEntry *rte = (RangeTblEntry *) node;

		if (rte->rtekind == RTE_RELATION &&
			get_rel_persistence(rte->relid) == RELPERSISTENCE_TEMP)
		{
			*found = rte->relid;
			return true;
		}
		return false;
	}
	if (IsA(node, Query))
	{
		Query	   *query = (Query *) node;
		Node	   *utility = query->utilityStmt;

		if (utility != NULL && IsA(utility, CreateTableAsStmt) &&
			sg_temp_relation_walker(((CreateTableAsStmt *) utility)->query, found))
			return true;
		if (utility != NULL && IsA(utility, DeclareCursorStmt) &&
			sg_temp_relation_walker(((DeclareCursorStmt *) utility)->query, found))
			return true;
		if (utility != NULL && IsA(utility, ExplainStmt) &&
			sg_temp_relation_walker(((ExplainStmt *) utility)->query, found))
			return true;
		return query_tree_walker(query, sg_temp_relation_walker, (void *) found,
								 QTW_EXAMINE_RTES_BEFORE);
	}
	return expression_tree_walker(node, sg_temp_relation_walker, (void *) found);
}

void
sg_refuse_temp_relations(SgPoint *pc, SgRawScan *scan, Query *query)
{
	Oid			relid = InvalidOid;
	char	   *relname;
	ListCell   *lc;

	if (!sg_temp_relation_walker((Node *) query, &relid))
		return;
	relname = get_rel_name(relid);
	foreach(lc, scan->items)
	{
		SgRawName  *item = (SgRawName *) lfirst(lc);

		if (item->category == SG_KIND_RELATION && relname != NULL &&
			strcmp(item->name, relname) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_TABLE),
					 errmsg("relation \"%s\" does not exist",
							NameListToString(item->names)),
					 errposition(pg_mbstrlen_with_len(pc->src, item->location) + 1)));
	}
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_TABLE),
			 errmsg("relation \"%s\" does not exist",
					relname ? relname : "?")));
}

/*
 * Utility statements are not analysed by PostgreSQL; resolve the
 * relations and columns the ones that use relations name, as they will at
 * run time.  A column without a relation's name is one of the statement's
 * one relation.
 */
void
sg_collect_utility(SgUnitState *us, SgPoint *pc, SgRawScan *scan, Node *stmt)
{
	List	   *relids = NIL;
	ListCell   *lc;

	switch (nodeTag(stmt))
	{
		case T_TruncateStmt:
		case T_LockStmt:
		case T_RefreshMatViewStmt:
		case T_AlterTableStmt:
		case T_RenameStmt:
		case T_AlterObjectSchemaStmt:
		case T_GrantStmt:
		case T_VacuumStmt:
		case T_IndexStmt:
		case T_CommentStmt:
		case T_CopyStmt:
			break;
		default:
			return;
	}

	foreach(lc, scan->items)
	{
		SgRawName  *item = (SgRawName *) lfirst(lc);

		if (item->category == SG_KIND_RELATION)
			relids = lappend_oid(relids, sg_resolve_relation(us, pc, scan, item));
	}
	foreach(lc, scan->items)
	{
		SgRawName  *item = (SgRawName *) lfirst(lc);
		int			n = list_length(item->names);
		Oid			relid = InvalidOid;

		if (item->category != SG_KIND_COLUMN)
			continue;
		if (n == 1 && list_length(relids) == 1)
			relid = linitial_oid(relids);
		else if (n > 1 && n <= 4)
			relid = RangeVarGetRelidExtended(makeRangeVarFromNameList(list_truncate(list_copy(item->names),
																				   n - 1)),
											 NoLock, RVR_MISSING_OK, NULL, NULL);
		if (OidIsValid(relid) && list_member_oid(relids, relid))
			sg_resolve_column(us, pc, scan, item, relid);
	}
}

static bool
sg_collect_walker(Node *node, SgCollect *c)
{
	if (node == NULL)
		return false;
	check_stack_depth();

	if (IsA(node, Query))
	{
		Query	   *query = (Query *) node;
		bool		result;

		c->queries = lcons(query, c->queries);
		if (query->utilityStmt != NULL)
		{
			Node	   *utility = query->utilityStmt;

			if (IsA(utility, CallStmt))
				(void) sg_collect_walker((Node *) ((CallStmt *) utility)->funcexpr, c);
			else if (IsA(utility, CreateTableAsStmt))
				(void) sg_collect_walker(((CreateTableAsStmt *) utility)->query, c);
			else if (IsA(utility, DeclareCursorStmt))
				(void) sg_collect_walker(((DeclareCursorStmt *) utility)->query, c);
			else if (IsA(utility, ExplainStmt))
				(void) sg_collect_walker(((ExplainStmt *) utility)->query, c);
		}
		result = query_tree_walker(query, sg_collect_walker, (void *) c,
								   QTW_IGNORE_JOINALIASES);

		/*
		 * The relations after the expressions: columns read are recorded
		 * where each Var names them; the rest of what the permission
		 * bitmaps list is placed by the range table entry.
		 */
		sg_collect_rtable(c, query);
		c->queries = list_delete_first(c->queries);
		return result;
	}

	switch (nodeTag(node))
	{
		case T_FuncExpr:
			{
				FuncExpr   *f = (FuncExpr *) node;

				sg_collect_function(c, f->funcid, f->location);
				if (f->funcformat == COERCE_EXPLICIT_CAST)
					sg_collect_type(c, f->funcresulttype, f->location);
				if (f->funcid == F_NEXTVAL ||
					f->funcid == F_SETVAL_REGCLASS_INT8 ||
					f->funcid == F_SETVAL_REGCLASS_INT8_BOOL)
				{
					bool		save = c->sequence_arg;
					bool		result;

					/* nextval() and setval() change the sequence */
					c->sequence_arg = true;
					result = expression_tree_walker((Node *) f->args,
													sg_collect_walker,
													(void *) c);
					c->sequence_arg = save;
					return result;
				}
			}
			break;
		case T_Aggref:
			sg_collect_function(c, ((Aggref *) node)->aggfnoid,
								((Aggref *) node)->location);
			break;
		case T_WindowFunc:
			sg_collect_function(c, ((WindowFunc *) node)->winfnoid,
								((WindowFunc *) node)->location);
			break;
		case T_Const:
			{
				Const	   *k = (Const *) node;

				if (k->constisnull)
				{
					/* NULL::mood still needs type mood */
					sg_collect_type(c, k->consttype, k->location);
					break;
				}
				switch (k->consttype)
				{
					case REGCLASSOID:
						{
							Oid			relid = DatumGetObjectId(k->constvalue);

							if (sg_user_object(relid) &&
								!sg_relation_is_temp(relid))
							{
								char	   *relname = get_rel_name(relid);

								sg_add_ref(c->us, SG_KIND_RELATION,
										   c->sequence_arg ? SG_ACCESS_UPDATE : SG_ACCESS_READ,
										   sg_collect_line(c, 0, NULL, k->location),
										   RelationRelationId, relid, 0,
										   relname, NULL);
							}
						}
						break;
					case REGPROCOID:
					case REGPROCEDUREOID:
						sg_collect_function(c, DatumGetObjectId(k->constvalue),
											k->location);
						break;
					case REGTYPEOID:
						sg_collect_type(c, DatumGetObjectId(k->constvalue),
										k->location);
						break;
					case REGCONFIGOID:
						sg_collect_object(c, TSConfigRelationId,
										  DatumGetObjectId(k->constvalue),
										  k->location);
						break;
					case REGDICTIONARYOID:
						sg_collect_object(c, TSDictionaryRelationId,
										  DatumGetObjectId(k->constvalue),
										  k->location);
						break;
					case REGOPEROID:
					case REGOPERATOROID:
						sg_collect_object(c, OperatorRelationId,
										  DatumGetObjectId(k->constvalue),
										  k->location);
						break;
					case REGNAMESPACEOID:
						sg_collect_object(c, NamespaceRelationId,
										  DatumGetObjectId(k->constvalue),
										  k->location);
						break;
					case REGCOLLATIONOID:
						sg_collect_object(c, CollationRelationId,
										  DatumGetObjectId(k->constvalue),
										  k->location);
						break;
					default:
						sg_collect_type(c, k->consttype, k->location);
						break;
				}
			}
			break;
		case T_CoerceToDomain:
			sg_collect_type(c, ((CoerceToDomain *) node)->resulttype,
							((CoerceToDomain *) node)->location);
			break;
		case T_RelabelType:
			if (((RelabelType *) node)->relabelformat == COERCE_EXPLICIT_CAST)
				sg_collect_type(c, ((RelabelType *) node)->resulttype,
								((RelabelType *) node)->location);
			break;
		case T_CoerceViaIO:
			sg_collect_type(c, ((CoerceViaIO *) node)->resulttype,
							((CoerceViaIO *) node)->location);
			break;
		case T_ArrayCoerceExpr:
			sg_collect_type(c, ((ArrayCoerceExpr *) node)->resulttype,
							((ArrayCoerceExpr *) node)->location);
			break;
		case T_RowExpr:
			if (((RowExpr *) node)->row_format == COERCE_EXPLICIT_CAST)
				sg_collect_type(c, ((RowExpr *) node)->row_typeid,
								((RowExpr *) node)->location);
			break;
		case T_FieldSelect:
			{
				/* (p).b of a composite value: an attribute of its type */
				FieldSelect *fs = (FieldSelect *) node;
				Oid			relid = get_typ_typrelid(exprType((Node *) fs->arg));

				if (OidIsValid(relid) && sg_user_object(relid) &&
					!sg_relation_is_temp(relid))
				{
					char	   *attname = get_attname(relid, fs->fieldnum, true);

					if (attname != NULL)
						sg_add_ref(c->us, SG_KIND_COLUMN, SG_ACCESS_READ,
								   sg_collect_line(c, SG_KIND_COLUMN, attname, -1),
								   RelationRelationId, relid, fs->fieldnum,
								   attname, NULL);
				}
			}
			break;
		case T_Var:
			sg_collect_var(c, (Var *) node);
			break;
		default:
			break;
	}
	return expression_tree_walker(node, sg_collect_walker, (void *) c);
}

/*
 * A column a query reads, where it reads it.  A column read through a
 * trigger's transition table is a column of the trigger's table.
 */
static void
sg_collect_var(SgCollect *c, Var *var)
{
	Query	   *query;
	RangeTblEntry *rte;
	char	   *attname;

	if (var->varattno <= 0 || var->varlevelsup >= list_length(c->queries))
		return;
	query = (Query *) list_nth(c->queries, var->varlevelsup);
	if (var->varno <= 0 || var->varno > list_length(query->rtable))
		return;
	rte = rt_fetch(var->varno, query->rtable);
	if (rte->rtekind == RTE_RELATION)
	{
		if (!sg_user_object(rte->relid) ||
			sg_relation_is_temp(rte->relid) ||
			var->location < 0 ||
			(query->onConflict != NULL &&
			 (int) var->varno == query->onConflict->exclRelIndex))
			return;				/* placed by the range table entry */
		attname = sg_column_name(rte->relid, var->varattno);
		if (attname != NULL)
		{
			sg_add_ref(c->us, SG_KIND_COLUMN, SG_ACCESS_READ,
					   sg_line_at(c->pc, var->location), RelationRelationId,
					   rte->relid, var->varattno, attname, NULL);
			c->placed = lappend(c->placed, list_make3_int((int) rte->relid,
														  var->varattno,
														  (int) var->varlevelsup));
		}
		return;
	}
	if (!OidIsValid(c->us->trigrel) ||
		rte->rtekind != RTE_NAMEDTUPLESTORE || rte->enrname == NULL ||
		!((c->us->trig_newtable && strcmp(rte->enrname, c->us->trig_newtable) == 0) ||
		  (c->us->trig_oldtable && strcmp(rte->enrname, c->us->trig_oldtable) == 0)))
		return;
	attname = get_attname(c->us->trigrel, var->varattno, true);
	if (attname != NULL)
		sg_add_ref(c->us, SG_KIND_COLUMN, SG_ACCESS_READ,
				   sg_collect_line(c, SG_KIND_COLUMN, attname, var->location),
				   RelationRelationId, c->us->trigrel, var->varattno,
				   attname, NULL);
}

/* Relations of a range table, and the columns each statement uses. */
static void
sg_collect_rtable(SgCollect *c, Query *query)
{
	ListCell   *lc;
	int			rti = 0;

	foreach(lc, query->rtable)
	{
		RangeTblEntry *rte = (RangeTblEntry *) lfirst(lc);
		AclMode		perms;
		Bitmapset  *selected;
		Bitmapset  *inserted;
		Bitmapset  *updated;
		char		access = SG_ACCESS_READ;
		char	   *relname;
		int			line;

		rti++;
		if (rte->rtekind != RTE_RELATION || !sg_user_object(rte->relid))
			continue;

		relname = get_rel_name(rte->relid);
		if (relname == NULL)
			continue;
		if (sg_relation_is_temp(rte->relid))
		{
			sg_add_finding(c->us, SG_KIND_RELATION, SG_INFO,
						   sg_collect_line(c, SG_KIND_RELATION, relname, -1),
						   SG_CHECK_TEMP_RELATION, relname, relname,
						   psprintf("\"%s\" is a temporary table of this session; it is not checked",
									relname),
						   NULL);
			continue;
		}

		if (rti == query->resultRelation)
		{
			switch (query->commandType)
			{
				case CMD_INSERT:
					access = SG_ACCESS_INSERT;
					break;
				case CMD_UPDATE:
					access = SG_ACCESS_UPDATE;
					break;
				case CMD_DELETE:
					access = SG_ACCESS_DELETE;
					break;
				default:
					access = SG_ACCESS_UPDATE;
					break;
			}
		}
		{
			/* the n-th use of a name in the statement is its n-th mention */
			int			n = 0;
			ListCell   *lc2;
			SgRawName  *item;
			bool		excluded = query->onConflict != NULL &&
				rti == query->onConflict->exclRelIndex;

			char	   *key = psprintf("%c%s", access, relname);

			foreach(lc2, c->relnames)
			{
				if (strcmp((char *) lfirst(lc2), key) == 0)
					n++;
			}
			if (!excluded)
				c->relnames = lappend(c->relnames, key);
			item = sg_raw_find_nth(c->scan, SG_KIND_RELATION, relname, access,
								   excluded ? 0 : n);
			if (item == NULL)
				item = sg_raw_find(c->scan, SG_KIND_RELATION, relname);
			line = item ? sg_line_at(c->pc, item->location) :
				(c->scan ? c->scan->stmt_line : c->pc->base_line);
		}
		sg_add_ref(c->us, SG_KIND_RELATION, access, line, RelationRelationId,
				   rte->relid, 0, relname, NULL);

		sg_rte_columns(query, rte, &perms, &selected, &inserted, &updated);
		sg_collect_columns(c, rte->relid, selected, SG_ACCESS_READ, line);
		sg_collect_columns(c, rte->relid, inserted, SG_ACCESS_INSERT, line);
		sg_collect_columns(c, rte->relid, updated, SG_ACCESS_UPDATE, line);
	}
}

/*
 * The name of a column of a relation a query uses.  Parse analysis opened
 * and locked the relation, so its relation cache entry is at hand: no
 * catalog look-up per column.
 */
static char *
sg_column_name(Oid relid, AttrNumber attnum)
{
	Relation	rel = RelationIdGetRelation(relid);
	char	   *result = NULL;

	if (!RelationIsValid(rel))
		return get_attname(relid, attnum, true);
	if (attnum > 0 && attnum <= RelationGetNumberOfAttributes(rel))
	{
		Form_pg_attribute att = TupleDescAttr(RelationGetDescr(rel), attnum - 1);

		if (!att->attisdropped)
			result = pstrdup(NameStr(att->attname));
	}
	RelationClose(rel);
	return result;
}

/*
 * The columns a range table entry uses, as its permission bitmaps list
 * them.  Reads a Var already placed are skipped; targets of INSERT and
 * UPDATE are placed where the statement names them; anything else on the
 * relation's line.
 */
static void
sg_collect_columns(SgCollect *c, Oid relid, Bitmapset *cols, char access,
				   int line)
{
	int			x = -1;

	while ((x = bms_next_member(cols, x)) >= 0)
	{
		AttrNumber	attnum = x + FirstLowInvalidHeapAttributeNumber;
		char	   *attname;
		SgRawName  *item;

		if (attnum <= 0)
			continue;			/* whole-row or system column */
		attname = sg_column_name(relid, attnum);
		if (attname == NULL)
			continue;
		if (access == SG_ACCESS_READ)
		{
			bool		placed = false;
			ListCell   *lc;

			foreach(lc, c->placed)
			{
				List	   *p = (List *) lfirst(lc);

				if ((Oid) linitial_int(p) == relid && lsecond_int(p) == attnum)
					placed = true;
			}
			if (placed)
				continue;		/* a Var said where */
		}
		item = sg_raw_find_nth(c->scan, SG_KIND_COLUMN, attname, access, 0);
		sg_add_ref(c->us, SG_KIND_COLUMN, access,
				   item ? sg_line_at(c->pc, item->location) : line,
				   RelationRelationId, relid, attnum, attname, NULL);
	}
}

static void
sg_collect_function(SgCollect *c, Oid funcid, int location)
{
	char	   *name;

	if (!sg_user_object(funcid))
		return;
	name = get_func_name(funcid);
	if (name == NULL)
		return;
	sg_add_ref(c->us, SG_KIND_FUNCTION, SG_ACCESS_CALL,
			   sg_collect_line(c, SG_KIND_FUNCTION, name, location),
			   ProcedureRelationId, funcid, 0, name, NULL);
}

/*
 * An object a constant of a reg* type other than regclass, regproc and
 * regtype names: parse analysis looked it up, so the statement fails once
 * it is gone or renamed.
 */
static void
sg_collect_object(SgCollect *c, Oid classid, Oid objid, int location)
{
	ObjectAddress addr;
	List	   *names = NIL;
	List	   *args = NIL;

	if (!sg_user_object(objid))
		return;
	ObjectAddressSet(addr, classid, objid);
	if (getObjectIdentityParts(&addr, &names, &args, true) == NULL ||
		names == NIL)
		return;
	sg_add_ref(c->us, SG_KIND_OBJECT, SG_ACCESS_NONE,
			   sg_collect_line(c, 's', NULL, location), classid, objid, 0,
			   (char *) llast(names), NULL);
}

/*
 * What a use of a type refers to: the table for a table's row type, the
 * element type for an array, else the type itself.  False when that is
 * not a user object (or is a temporary table).
 */
static bool
sg_type_target(Oid typid, Oid *classid, Oid *objid, char **name)
{
	Oid			elem = get_element_type(typid);
	Oid			relid;

	if (OidIsValid(elem))
		typid = elem;
	if (!sg_user_object(typid))
		return false;
	relid = get_typ_typrelid(typid);
	if (OidIsValid(relid))
	{
		*classid = RelationRelationId;
		*objid = relid;
		*name = get_rel_name(relid);
		return *name != NULL && !sg_relation_is_temp(relid);
	}
	*classid = TypeRelationId;
	*objid = typid;
	*name = sg_type_name(typid);
	return *name != NULL;
}

/* A type a statement uses, placed where the statement names it. */
static void
sg_collect_type(SgCollect *c, Oid typid, int location)
{
	Oid			classid;
	Oid			objid;
	char	   *name;

	if (sg_type_target(typid, &classid, &objid, &name))
		sg_add_ref(c->us,
				   classid == RelationRelationId ? SG_KIND_RELATION : SG_KIND_TYPE,
				   SG_ACCESS_TYPE, sg_collect_line(c, SG_KIND_TYPE, name, location),
				   classid, objid, 0, name, NULL);
}

/* A type a declaration or signature uses, on that line. */
void
sg_type_use(SgUnitState *us, Oid typid, int line)
{
	Oid			classid;
	Oid			objid;
	char	   *name;

	if (sg_type_target(typid, &classid, &objid, &name))
		sg_add_ref(us,
				   classid == RelationRelationId ? SG_KIND_RELATION : SG_KIND_TYPE,
				   SG_ACCESS_TYPE, line, classid, objid, 0, name, NULL);
}

/* A type's own name (not formatted), or NULL if it is gone. */
char *
sg_type_name(Oid typid)
{
	HeapTuple	tup;
	char	   *result;

	tup = SearchSysCache1(TYPEOID, ObjectIdGetDatum(typid));
	if (!HeapTupleIsValid(tup))
		return NULL;
	result = pstrdup(NameStr(((Form_pg_type) GETSTRUCT(tup))->typname));
	ReleaseSysCache(tup);
	return result;
}

/*
 * The body line of a reference: where the statement names it, or the
 * statement's own line.
 */
static int
sg_collect_line(SgCollect *c, char category, const char *name, int location)
{
	SgRawName  *item;

	if (location >= 0)
		return sg_line_at(c->pc, location);
	if (category != 0 && name != NULL &&
		(item = sg_raw_find(c->scan, category, name)) != NULL)
		return sg_line_at(c->pc, item->location);
	return c->scan ? c->scan->stmt_line : c->pc->base_line;
}
