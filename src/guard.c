/*-------------------------------------------------------------------------
 *
 * guard.c
 *	  Judge DDL: refuse what breaks functions and triggers.
 *
 * Three event triggers, created by the install script:
 *
 *	ddl_command_start	brings the reference catalog up to date, so that it
 *						describes the schema as it is before the command;
 *	sql_drop			notes what the command drops (everything a CASCADE
 *						or DROP OWNED removes);
 *	ddl_command_end		finds the functions whose stored references the
 *						command touched (by object, and by name for new or
 *						renamed objects), analyses them again in the new
 *						state, and compares.
 *
 * A break is a statement that analysed without error before the command,
 * has an error after it, and depends on what the command changed (see
 * SG_CHANGED_* and sg_cause()): problems that were there already, also
 * ones the catalog had missed, never block anything.  A statement the
 * client sent in autocommit is refused at once, and so is DDL in a
 * PL/pgSQL exception block in autocommit (its handler can catch that).
 * In a transaction block, for DDL a DO block or a function runs, and in
 * an extension's script, the statement gets a WARNING and the break is
 * remembered; before COMMIT or PREPARE TRANSACTION the remembered
 * functions are analysed again, and the transaction is refused if any has
 * an error it did not have before the first break: "drop and recreate",
 * or "rename the column and replace the function", in one transaction
 * pass.  ROLLBACK TO SAVEPOINT forgets what it rolled back.
 *
 * New function bodies (CREATE [OR REPLACE] FUNCTION) and new triggers are
 * not breaks: their problems are reported by schema_guard.function_check,
 * a WARNING by default (pg_restore creates functions before tables); with
 * "error", refused at once or, where breaks wait for COMMIT, at COMMIT if
 * they are still there.
 *
 * A new body's references are locked, and it is analysed again if what
 * they name changed before the locks were granted; functions and types a
 * command renames, moves or alters are locked before their users are
 * looked up.  So a body created concurrently with DDL that breaks it is
 * either judged by that DDL or analysed in the state it left.
 *
 * In a session with check_function_bodies = off (pg_dump's scripts set
 * it, so that pg_restore can create and drop objects in any order), DDL
 * is not judged; the functions it affects are marked for analysis before
 * the next judged command.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "catalog/partition.h"
#include "catalog/pg_class.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_operator.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_rewrite.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_ts_config.h"
#include "catalog/pg_ts_dict.h"
#include "catalog/pg_type.h"
#include "commands/event_trigger.h"
#include "commands/extension.h"
#include "executor/executor.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/parsenodes.h"
#include "parser/parse_func.h"
#include "parser/parse_type.h"
#include "storage/lmgr.h"
#include "storage/sinval.h"
#include "tcop/cmdtag.h"
#include "tcop/pquery.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/portal.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "compat.h"
#include "schema_guard.h"

PG_FUNCTION_INFO_V1(sg_ddl_command_start);
PG_FUNCTION_INFO_V1(sg_sql_drop);
PG_FUNCTION_INFO_V1(sg_ddl_command_end);

/* DETAIL lines shown at most; validate() lists everything. */
#define SG_MAX_DETAIL_LINES		50

/*
 * What a command changed of an object, as far as function bodies can tell
 * (SgTouched.changes).  A statement that fails after the command is broken
 * by it only if its unit depends on one of these changes (see sg_cause).
 */
#define SG_CHANGED_OBJECT	0x01	/* dropped, renamed, moved, retyped or
									 * redefined: every use of it */
#define SG_CHANGED_NAME		0x02	/* a name now means it: uses of the name */
#define SG_CHANGED_COLUMNS	0x04	/* a relation's set of columns: uses of
									 * all of them, or of its row type */
#define SG_CHANGED_INSERTS	0x08	/* what an INSERT into the table must
									 * give */
#define SG_CHANGED_WRITES	0x10	/* what writes to a relation do (a
									 * view's query, rules): uses of it
									 * that write */

/* An object the command dropped, created or altered. */
typedef struct SgTouched
{
	ObjectAddress addr;
	char	   *type;			/* "table", "table column", "function", ... */
	char	   *identity;
	bool		dropped;
	bool		created;		/* created, or renamed/moved to a new name */
	char	   *tag;			/* command tag, for created or altered ones */
	Oid			table;			/* a trigger's table, if it stays */
	int			changes;		/* SG_CHANGED_* */
	char	   *name;			/* the name, for SG_CHANGED_NAME */
} SgTouched;

/* An error slot: a statement of a unit that fails. */
typedef struct SgSlot
{
	Oid			tg;
	int			line;
	char		cls;			/* 'n' for NOT NULL inserts, 's' otherwise */
} SgSlot;

/* A break, described for DETAIL. */
typedef struct SgBreak
{
	Oid			fn;
	SgSlot		slot;
	char	   *text;			/* "Function f() line 3 reads table t" */
	int			why;			/* the SG_CHANGED_* that broke it */
	SubTransactionId subid;
} SgBreak;

/* What a command does, for the primary message of a break. */
typedef struct SgMessage
{
	const char *verb;			/* "drop", "rename", ... */
	char	   *object;			/* "table \"t\"", "column \"a\" of table
								 * \"t\"" */
	const char *reason;			/* what functions do with it: "use it"; or
								 * NULL if nothing better than "it would
								 * break functions" is known */
} SgMessage;

/* The breaks found in one function by the current command. */
typedef struct SgFound
{
	Oid			fn;
	List	   *baseline;		/* SgSlot * */
	List	   *breaks;			/* SgBreak * */
} SgFound;

/* A function broken by DDL earlier in this transaction. */
typedef struct SgPendingFn
{
	Oid			fn;
	List	   *baseline;		/* SgSlot *: its errors before the first break */
	List	   *breaks;			/* SgBreak * */
	char	   *message;		/* primary message of the first breaking DDL */
	int64		definition;		/* sg_proc_definition() at the last break */
	bool		new_body;		/* a body or trigger created in the
								 * transaction with problems, which
								 * schema_guard.function_check = error
								 * refuses unless they are gone at commit */
} SgPendingFn;

/* What sql_drop saw, for the ddl_command_end of the same command. */
static List *sg_dropped = NIL;
static MemoryContext sg_dropped_cxt = NULL;

/* Transaction state, in TopTransactionContext. */
static List *sg_pending = NIL;
static bool sg_pending_in_block = false;	/* some remembered in a
											 * transaction block, not all
											 * by a DO block or function
											 * in autocommit */

/*
 * What another extension's running script touched: functions to judge at
 * the end of CREATE or ALTER EXTENSION, and objects (SgTouched), to say
 * what broke.
 */
static List *sg_script_fns = NIL;
static List *sg_script_touched = NIL;

/*
 * A function whose identity (the key of its row in creation_path) the
 * running command may change, noted before the command; in
 * TopTransactionContext.
 */
typedef struct SgRekey
{
	Node	   *parsetree;		/* the command */
	Oid			fn;
	char	   *old_key;		/* its identity before */
} SgRekey;

static List *sg_rekeys = NIL;

static bool sg_should_handle(void);
static bool sg_may_change_identities(Node *parsetree);
static bool sg_drops_itself(Node *parsetree);
static void sg_add_signed_with_type(List **fns, Oid typid);
static void sg_add_signed_with(List **fns, Oid classid, Oid objid);
static ObjectAddress sg_renamed_object(Node *parsetree);
static void sg_note_identities(void *arg);
static void sg_membership_changed(void *arg);
static void sg_rekey_identities(Node *parsetree);
static Oid	sg_type_namespace(Oid typid);
static bool sg_bodies_checked(void);
static bool sg_command_is_statement(Node *parsetree);
static bool sg_fixable_later(Node *parsetree);
static void sg_maintain(void (*job) (void *arg), void *arg);
static void sg_command_start(void *arg);
static void sg_note_dropped(void *arg);
static void sg_command_end(void *arg);
/* Rows of an event trigger function, read directly (sg_event_rows_begin). */
#define SG_EVENT_COLUMNS 8

typedef struct SgEventRows
{
	ReturnSetInfo rsinfo;
	ExprContext *econtext;
	TupleTableSlot *slot;
	int			col[SG_EVENT_COLUMNS];
} SgEventRows;

static void sg_event_rows_begin(SgEventRows *r, Oid fnoid,
								const char *const *names, int ncols);
static bool sg_event_rows_next(SgEventRows *r);
static char *sg_event_text(SgEventRows *r, int i);
static Datum sg_event_value(SgEventRows *r, int i);
static void sg_event_rows_end(SgEventRows *r);
static Oid	sg_dropped_table(Datum address_names, char **third);
static List *sg_read_commands(void);
static SgTouched *sg_new_touched(Oid classid, Oid objid, int32 subid,
								 const char *type);
static char *sg_touched_name(SgTouched *t);
static int	sg_reported_changes(Node *parsetree, SgTouched *t);
static int	sg_alter_table_cmd_changes(AlterTableCmd *cmd, int *column,
									   const char **colname);
static List *sg_tables_reached(Oid relid, bool inh);
static List *sg_alter_table_changes(AlterTableStmt *stmt, const char *tag,
									List *touched);
static List *sg_rename_changes(RenameStmt *stmt, List *touched);
static List *sg_rule_changes(List *touched);
static List *sg_extension_move_changes(Oid extension, List *touched);
static Oid	sg_moved_extension(Node *parsetree, List *touched);
static List *sg_command_changes(Node *parsetree, CommandTag tag,
								List *commands);
static void sg_collect_units(List *touched, List *created_names,
							 List **affected, List **subjects,
							 List **same_definition, List **stored,
							 List **new_triggers);
static SgStoredFunction *sg_stored_of(List *stored, Oid fn);
static List *sg_created_after(List *created_names, List *touched,
							  List *analyses);
static void sg_set_aside_members(Oid extension, List **fns, List **members);
static List *sg_dropped_functions(List *touched);
static void sg_add_fn(List **fns, Oid fn);
static void sg_add_units_fns(List **fns, List *units);
static bool sg_oid_member(List *list, Oid oid);
static char sg_slot_class(SgRef *ref);
static List *sg_error_slots(List *analyses, List *created_names,
							 bool baseline);
static bool sg_slot_member(List *slots, SgSlot *slot);
static SgAnalysis *sg_unit_of(List *analyses, Oid tg);
static char *sg_problem_text(Oid fn, Oid tg, SgRef *ref);
static void sg_new_problems(Oid fn, List *analyses, bool new_body,
							List *before, List *new_triggers,
							List *created_after, List **problems,
							List **lines);
static bool sg_runs_as_owner(Oid fn);
static char *sg_object_name_of(const ObjectAddress *addr);
static bool sg_break_at(List *breaks, Oid tg, SgRef *ref);
static int64 sg_current_definition(Oid fn);
static bool sg_resolved_before(List *before, Oid tg, SgRef *ref);
static SgFound *sg_judge_function(Oid fn, List *before, List *after,
								  List *touched, List *created_names,
								  List *created_after, List **break_lines);
static Oid	sg_object_namespace(const ObjectAddress *addr);
static bool sg_ref_targets(SgRef *ref, SgTouched *t);
static bool sg_unit_uses(SgAnalysis *unit, SgTouched *t, List *created_names);
static bool sg_unit_reads_all_columns(SgAnalysis *unit, Oid relid,
									  List *touched);
static bool sg_unit_reads_new_columns(SgAnalysis *before, SgAnalysis *after,
									  Oid relid);
static bool sg_unit_uses_columns(SgAnalysis *before, SgAnalysis *after,
								 SgTouched *t, List *touched);
static bool sg_unit_names(SgRef *failure, SgAnalysis *before,
						  SgAnalysis *after, SgTouched *t);
static bool sg_misses_not_null(SgRef *failure, SgTouched *t);
static bool sg_unit_writes(SgAnalysis *unit, SgTouched *t);
static SgTouched *sg_cause_in(SgRef *failure, SgAnalysis *before,
							   SgAnalysis *after, List *touched,
							   List *created_names, int *why);
static SgAnalysis *sg_line_of(SgAnalysis *unit, int line);
static bool sg_failure_may_flow(SgRef *failure);
static SgTouched *sg_cause(SgRef *failure, SgAnalysis *before,
						   SgAnalysis *after, List *touched,
						   List *created_names, int *why);
static SgRef *sg_best_reference(SgAnalysis *old_unit, int line,
								List *touched, int changes,
								SgTouched **best_touched);
static char *sg_failure_explanation(SgRef *failure, bool always);
static SgRef *sg_first_reference(SgAnalysis *old_unit, int line,
								 const char *name);
static char *sg_describe_use(SgRef *ref, SgTouched *t);
static char *sg_describe_break(Oid fn, Oid tg, SgRef *failure,
							   SgAnalysis *old_unit, List *touched,
							   SgTouched *cause, int why);
static char *sg_routine_text(Oid fn, SgAnalysis *old_unit);
static char *sg_signature_text(const char *identity);
static char *sg_unit_prefix(Oid fn, int line, SgAnalysis *old_unit);
static char *sg_trigger_suffix(Oid tg);
static const char *sg_reason(int causes);
static char *sg_reported_object(List *touched);
static SgMessage sg_command_message(Node *parsetree, CommandTag tag,
									List *touched, int causes);
static char *sg_refusal(SgMessage *m);
static char *sg_breaking(SgMessage *m);
static char *sg_detail(List *lines, bool kept);
static bool sg_lock_references(List **analyses, Oid fn, uint64 inval_count);
static void sg_lock_changed(List *touched);
static void sg_report_breaks(EventTriggerData *trigdata, List *touched,
							 List *lines, List *found);
static void sg_report_new_problems(Node *parsetree, List *lines,
								   List *problems, const char *what);
static void sg_remember(Oid fn, List *baseline, List *breaks,
						const char *message, bool new_body);
static void sg_verdict(void);
static void sg_script_remember(List *fns, List *touched);
static void sg_xact_callback(XactEvent event, void *arg);
static void sg_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
								SubTransactionId parentSubid, void *arg);

void
sg_guard_init(void)
{
	RegisterXactCallback(sg_xact_callback, NULL);
	RegisterSubXactCallback(sg_subxact_callback, NULL);
}

/*
 * Not during schema_guard's own install or upgrade, and not once the
 * extension is gone.
 */
static bool
sg_should_handle(void)
{
	Oid			ext = sg_catalog_extension_oid();

	if (!OidIsValid(ext))
		return false;
	if (creating_extension && CurrentExtensionObject == ext)
		return false;
	return true;
}

static Oid
sg_type_namespace(Oid typid)
{
	HeapTuple	tup = SearchSysCache1(TYPEOID, ObjectIdGetDatum(typid));
	Oid			result = InvalidOid;

	if (HeapTupleIsValid(tup))
	{
		result = ((Form_pg_type) GETSTRUCT(tup))->typnamespace;
		ReleaseSysCache(tup);
	}
	return result;
}

/* Are function bodies checked in this session?  pg_restore turns it off. */
static bool
sg_bodies_checked(void)
{
	return check_function_bodies;
}

/*
 * Is the command the statement the client sent, rather than one a DO
 * block or a function runs?  The portal running is the client's statement
 * (exec_simple_query() runs one portal per statement of a query string);
 * its parse tree is the command's own, or, when the portal's plan is
 * cached and PostgreSQL ran a copy, an equal one.
 */
static bool
sg_command_is_statement(Node *parsetree)
{
	ListCell   *lc;

	if (ActivePortal == NULL || parsetree == NULL)
		return true;
	foreach(lc, ActivePortal->stmts)
	{
		PlannedStmt *stmt = lfirst_node(PlannedStmt, lc);

		if (stmt->commandType == CMD_UTILITY &&
			(stmt->utilityStmt == parsetree ||
			 equal(stmt->utilityStmt, parsetree)))
			return true;
	}
	return false;
}

/*
 * Can a break still be fixed before the transaction ends?  Yes in a
 * transaction block, and for DDL that a DO block or a function runs: the
 * statement that runs it is judged when it commits.  No for a statement
 * in autocommit, which is refused at once; and none for DDL in a PL/pgSQL
 * exception block in autocommit, so that the handler can catch the
 * refusal.  Such a block runs in a subtransaction, where
 * IsTransactionBlock() is true even in autocommit; there the transaction
 * is taken to be the statement's own when it started with the current
 * client message.
 */
static bool
sg_fixable_later(Node *parsetree)
{
	if (IsSubTransaction())
		return GetCurrentTransactionStartTimestamp() !=
			GetCurrentStatementStartTimestamp();
	return IsTransactionBlock() || !sg_command_is_statement(parsetree);
}

/* ---------------------------------------------------------------------
 * Keys of creation_path that a command changes
 *
 * A row of schema_guard.creation_path is stored under its function's
 * identity, which a command changes when it renames or moves the function,
 * its schema, the type of a parameter (a table's row type included), or
 * the extension such a type belongs to.  Before such a command, the
 * functions concerned that have a row are noted with their identity; after
 * it, their rows take the new identity.  Commands that change no identity
 * cost a look at the statement's node tag.
 * ---------------------------------------------------------------------
 */

/* Might the statement change the identity of functions? */
static bool
sg_may_change_identities(Node *parsetree)
{
	if (parsetree == NULL)
		return false;
	if (IsA(parsetree, RenameStmt))
	{
		switch (((RenameStmt *) parsetree)->renameType)
		{
			case OBJECT_FUNCTION:
			case OBJECT_PROCEDURE:
			case OBJECT_ROUTINE:
			case OBJECT_AGGREGATE:
			case OBJECT_TYPE:
			case OBJECT_DOMAIN:
			case OBJECT_SCHEMA:
			case OBJECT_TABLE:
			case OBJECT_VIEW:
			case OBJECT_MATVIEW:
			case OBJECT_FOREIGN_TABLE:
			case OBJECT_SEQUENCE:
				return true;
			default:
				return false;
		}
	}
	return IsA(parsetree, AlterObjectSchemaStmt);
}

/* Add the functions whose identity names a type (or its array type). */
static void
sg_add_signed_with_type(List **fns, Oid typid)
{
	Oid			types[2];
	int			i;

	types[0] = typid;
	types[1] = get_array_type(typid);
	for (i = 0; i < lengthof(types); i++)
	{
		Relation	depend;
		ScanKeyData keys[2];
		SysScanDesc scan;
		HeapTuple	tup;

		if (!OidIsValid(types[i]))
			continue;
		depend = table_open(DependRelationId, AccessShareLock);
		ScanKeyInit(&keys[0], Anum_pg_depend_refclassid, BTEqualStrategyNumber,
					F_OIDEQ, ObjectIdGetDatum(TypeRelationId));
		ScanKeyInit(&keys[1], Anum_pg_depend_refobjid, BTEqualStrategyNumber,
					F_OIDEQ, ObjectIdGetDatum(types[i]));
		scan = systable_beginscan(depend, DependReferenceIndexId, true, NULL,
								  2, keys);
		while ((tup = systable_getnext(scan)) != NULL)
		{
			Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tup);

			if (dep->classid == ProcedureRelationId)
				*fns = list_append_unique_oid(*fns, dep->objid);
		}
		systable_endscan(scan);
		table_close(depend, AccessShareLock);
	}
}

/*
 * Add the functions whose identity names an object: a function, a type, a
 * relation's row type; for a schema or an extension, whatever of these
 * belongs to it.
 */
static void
sg_add_signed_with(List **fns, Oid classid, Oid objid)
{
	Relation	depend;
	ScanKeyData keys[2];
	SysScanDesc scan;
	HeapTuple	tup;

	if (!OidIsValid(objid))
		return;
	if (classid == ProcedureRelationId)
		*fns = list_append_unique_oid(*fns, objid);
	else if (classid == TypeRelationId)
		sg_add_signed_with_type(fns, objid);
	else if (classid == RelationRelationId)
	{
		Oid			reltype = get_rel_type_id(objid);

		if (OidIsValid(reltype))
			sg_add_signed_with_type(fns, reltype);
	}
	else if (classid == NamespaceRelationId || classid == ExtensionRelationId)
	{
		List	   *contents = NIL;
		ListCell   *lc;

		depend = table_open(DependRelationId, AccessShareLock);
		ScanKeyInit(&keys[0], Anum_pg_depend_refclassid, BTEqualStrategyNumber,
					F_OIDEQ, ObjectIdGetDatum(classid));
		ScanKeyInit(&keys[1], Anum_pg_depend_refobjid, BTEqualStrategyNumber,
					F_OIDEQ, ObjectIdGetDatum(objid));
		scan = systable_beginscan(depend, DependReferenceIndexId, true, NULL,
								  2, keys);
		while ((tup = systable_getnext(scan)) != NULL)
		{
			Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tup);
			ObjectAddress *member;

			if (dep->classid != ProcedureRelationId &&
				dep->classid != TypeRelationId &&
				dep->classid != RelationRelationId)
				continue;
			member = palloc(sizeof(ObjectAddress));
			ObjectAddressSet(*member, dep->classid, dep->objid);
			contents = lappend(contents, member);
		}
		systable_endscan(scan);
		table_close(depend, AccessShareLock);
		foreach(lc, contents)
		{
			ObjectAddress *member = (ObjectAddress *) lfirst(lc);

			sg_add_signed_with(fns, member->classId, member->objectId);
		}
	}
}

/*
 * The object a RENAME or SET SCHEMA names, looked up as the command will
 * look it up (with the caller's search_path, not locked: the command locks
 * it); InvalidOid if there is none.
 */
static ObjectAddress
sg_renamed_object(Node *parsetree)
{
	ObjectAddress addr;
	ObjectType	objtype;
	Node	   *object;
	RangeVar   *relation;

	ObjectAddressSet(addr, InvalidOid, InvalidOid);
	if (IsA(parsetree, RenameStmt))
	{
		RenameStmt *stmt = (RenameStmt *) parsetree;

		if (stmt->renameType == OBJECT_SCHEMA)
		{
			ObjectAddressSet(addr, NamespaceRelationId,
							 get_namespace_oid(stmt->subname, true));
			return addr;
		}
		objtype = stmt->renameType;
		object = stmt->object;
		relation = stmt->relation;
	}
	else
	{
		AlterObjectSchemaStmt *stmt = (AlterObjectSchemaStmt *) parsetree;

		objtype = stmt->objectType;
		object = stmt->object;
		relation = stmt->relation;
	}

	switch (objtype)
	{
		case OBJECT_FUNCTION:
		case OBJECT_PROCEDURE:
		case OBJECT_ROUTINE:
		case OBJECT_AGGREGATE:
			ObjectAddressSet(addr, ProcedureRelationId,
							 LookupFuncWithArgs(objtype,
												castNode(ObjectWithArgs, object),
												true));
			break;
		case OBJECT_TYPE:
		case OBJECT_DOMAIN:
			ObjectAddressSet(addr, TypeRelationId,
							 LookupTypeNameOid(NULL,
											   makeTypeNameFromNameList(castNode(List, object)),
											   true));
			break;
		case OBJECT_EXTENSION:
			ObjectAddressSet(addr, ExtensionRelationId,
							 get_extension_oid(strVal(object), true));
			break;
		case OBJECT_TABLE:
		case OBJECT_VIEW:
		case OBJECT_MATVIEW:
		case OBJECT_FOREIGN_TABLE:
		case OBJECT_SEQUENCE:
			if (relation != NULL)
				ObjectAddressSet(addr, RelationRelationId,
								 RangeVarGetRelid(relation, NoLock, true));
			break;
		default:
			break;
	}
	return addr;
}

/*
 * Before a command that may change identities: note the functions it may
 * change that have a row in creation_path, with their identity now.
 */
static void
sg_note_identities(void *arg)
{
	Node	   *parsetree = (Node *) arg;
	ObjectAddress addr = sg_renamed_object(parsetree);
	List	   *fns = NIL;
	ListCell   *lc;

	sg_add_signed_with(&fns, addr.classId, addr.objectId);
	foreach(lc, fns)
	{
		char	   *key = sg_creation_key(lfirst_oid(lc));
		MemoryContext old;
		SgRekey    *r;

		if (key == NULL || !sg_catalog_path_is_recorded(key))
			continue;
		old = MemoryContextSwitchTo(TopTransactionContext);
		r = palloc(sizeof(SgRekey));
		r->parsetree = parsetree;
		r->fn = lfirst_oid(lc);
		r->old_key = pstrdup(key);
		sg_rekeys = lappend(sg_rekeys, r);
		MemoryContextSwitchTo(old);
	}
}

/*
 * ALTER EXTENSION ... ADD or DROP FUNCTION: an extension's member has no
 * row in creation_path (it resolves with its extension's schemas); a
 * function an extension lets go keeps the path it was analysed with.
 * Looked up with the caller's search_path, as the command did.
 */
static void
sg_membership_changed(void *arg)
{
	AlterExtensionContentsStmt *stmt = (AlterExtensionContentsStmt *) arg;
	Oid			fn;
	char	   *key;
	char	   *path;

	if (stmt->objtype != OBJECT_FUNCTION && stmt->objtype != OBJECT_PROCEDURE &&
		stmt->objtype != OBJECT_ROUTINE && stmt->objtype != OBJECT_AGGREGATE)
		return;
	fn = LookupFuncWithArgs(stmt->objtype, castNode(ObjectWithArgs, stmt->object),
							true);
	if (!OidIsValid(fn) || (key = sg_creation_key(fn)) == NULL)
		return;
	if (stmt->action > 0)
		sg_catalog_forget_path(key);
	else if (sg_function_is_analysable(fn) &&
			 (path = sg_catalog_session_path(fn)) != NULL)
		sg_catalog_record_path(fn, path);
}

/* After the command: the noted rows take their function's new identity. */
static void
sg_rekey_identities(Node *parsetree)
{
	List	   *rest = NIL;
	ListCell   *lc;

	foreach(lc, sg_rekeys)
	{
		SgRekey    *r = (SgRekey *) lfirst(lc);

		if (r->parsetree == parsetree)
			sg_catalog_rekey_path(r->old_key, r->fn);
		else
		{
			MemoryContext old = MemoryContextSwitchTo(TopTransactionContext);

			rest = lappend(rest, r);
			MemoryContextSwitchTo(old);
		}
	}
	sg_rekeys = rest;
}

/*
 * Is the command DROP EXTENSION schema_guard (or DROP SCHEMA schema_guard
 * CASCADE, which takes the extension with it)?  The guard stands aside for
 * it without reading its catalog, so that it can be removed even when that
 * catalog is damaged or comes from another build.
 */
static bool
sg_drops_itself(Node *parsetree)
{
	DropStmt   *stmt;
	ListCell   *lc;

	if (parsetree == NULL || !IsA(parsetree, DropStmt))
		return false;
	stmt = (DropStmt *) parsetree;
	if (stmt->removeType != OBJECT_EXTENSION &&
		stmt->removeType != OBJECT_SCHEMA)
		return false;
	foreach(lc, stmt->objects)
	{
		Node	   *name = (Node *) lfirst(lc);

		if (IsA(name, String) && strcmp(strVal(name), "schema_guard") == 0)
			return true;
	}
	return false;
}

/* ---------------------------------------------------------------------
 * Event trigger entry points
 * ---------------------------------------------------------------------
 */

Datum
sg_ddl_command_start(PG_FUNCTION_ARGS)
{
	Node	   *parsetree;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"%s\" must be fired as an event trigger",
						"schema_guard._ddl_command_start")));

	parsetree = ((EventTriggerData *) fcinfo->context)->parsetree;
	if (sg_drops_itself(parsetree))
		PG_RETURN_VOID();
	if (sg_should_handle() && sg_bodies_checked() && !creating_extension &&
		!XactReadOnly)
		sg_maintain(sg_command_start, NULL);

	/* in every session, restores included: creation_path keys follow */
	if (sg_may_change_identities(parsetree) && sg_should_handle() &&
		!XactReadOnly)
		sg_maintain(sg_note_identities, parsetree);
	PG_RETURN_VOID();
}

/*
 * Is a DDL command in progress, its event triggers running?  A rebuild of
 * the catalog then (from another event trigger) would take the command's
 * own changes for the state before it.  PostgreSQL keeps no public flag;
 * pg_event_trigger_ddl_commands() refuses to run outside a command, which
 * is asked in a subtransaction.
 */
bool
sg_command_in_progress(void)
{
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	ErrorData  *volatile edata = NULL;

	BeginInternalSubTransaction(NULL);
	PG_TRY();
	{
		(void) sg_read_commands();
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
		return true;
	if (edata->sqlerrcode != ERRCODE_E_R_I_E_EVENT_TRIGGER_PROTOCOL_VIOLATED)
		ReThrowError(edata);
	FreeErrorData(edata);
	return false;
}

/* Before a command: bring the catalog up to date, building it if need be. */
static void
sg_command_start(void *arg)
{
	SgEntry		entry;
	bool		ready;

	/* the usual case: nothing to do, so nothing to set up for it */
	if (sg_catalog_clean())
		return;
	ready = sg_catalog_is_ready();

	sg_enter(&entry, NULL);
	if (!ready)
	{
		ereport(NOTICE,
				(errmsg("building the schema_guard reference catalog for this database")));
		(void) sg_catalog_rebuild();
	}
	else
		(void) sg_catalog_catch_up(false, NULL);
	sg_leave(&entry);
}

Datum
sg_sql_drop(PG_FUNCTION_ARGS)
{
	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"%s\" must be fired as an event trigger",
						"schema_guard._sql_drop")));
	if (sg_should_handle() &&
		!sg_drops_itself(((EventTriggerData *) fcinfo->context)->parsetree))
		sg_maintain(sg_note_dropped, NULL);
	PG_RETURN_VOID();
}

/*
 * The table a dropped trigger or column default was on, from its address
 * names (schema, table, ...), and the third name: the column of a default.
 */
static Oid
sg_dropped_table(Datum address_names, char **third)
{
	Datum	   *names;
	bool	   *nulls;
	int			n;
	Oid			table = InvalidOid;

	deconstruct_array(DatumGetArrayTypeP(address_names), TEXTOID, -1, false,
					  TYPALIGN_INT, &names, &nulls, &n);
	if (n >= 2 && !nulls[0] && !nulls[1])
		table = RangeVarGetRelid(makeRangeVar(TextDatumGetCString(names[0]),
											  TextDatumGetCString(names[1]),
											  -1),
								 NoLock, true);
	*third = n >= 3 && !nulls[2] ? TextDatumGetCString(names[2]) : NULL;
	return table;
}

/* Remember what the command dropped, for its ddl_command_end. */
static void
sg_note_dropped(void *arg)
{
	static const char *const names[7] = {
		"classid", "objid", "objsubid", "is_temporary", "object_type",
		"object_identity", "address_names"
	};
	SgEventRows r;
	MemoryContext old;
	SgEntry		entry;
	List	   *dropped_fns = NIL;
	ListCell   *lc;

	if (sg_dropped_cxt == NULL)
		sg_dropped_cxt = AllocSetContextCreate(TopTransactionContext,
											   "schema_guard dropped objects",
											   ALLOCSET_SMALL_SIZES);

	old = MemoryContextSwitchTo(sg_dropped_cxt);
	sg_event_rows_begin(&r, F_PG_EVENT_TRIGGER_DROPPED_OBJECTS, names, 7);
	while (sg_event_rows_next(&r))
	{
		SgTouched  *t;
		char	   *column = NULL;

		if (DatumGetBool(sg_event_value(&r, 3)))
			continue;			/* temporary objects are not guarded */
		t = palloc0(sizeof(SgTouched));
		t->addr.classId = DatumGetObjectId(sg_event_value(&r, 0));
		t->addr.objectId = DatumGetObjectId(sg_event_value(&r, 1));
		t->addr.objectSubId = DatumGetInt32(sg_event_value(&r, 2));
		t->type = sg_event_text(&r, 4);
		t->identity = sg_event_text(&r, 5);
		t->dropped = true;
		t->changes = SG_CHANGED_OBJECT;
		if (t->type == NULL)
			t->type = "object";
		else if (strcmp(t->type, "trigger") == 0)
		{
			/* a BEFORE trigger may have filled what inserts leave out */
			t->table = sg_dropped_table(sg_event_value(&r, 6), &column);
			t->changes |= SG_CHANGED_INSERTS;
		}
		else if (strcmp(t->type, "default value") == 0)
		{
			/*
			 * A column default dropped with what it used (DROP SEQUENCE ...
			 * CASCADE): for inserts, the column has no default any more.
			 * If the table goes too, its own rows say so.
			 */
			AttrNumber	attnum;

			t->table = sg_dropped_table(sg_event_value(&r, 6), &column);
			if (!OidIsValid(t->table) || column == NULL ||
				(attnum = get_attnum(t->table, column)) == InvalidAttrNumber)
				continue;
			ObjectAddressSubSet(t->addr, RelationRelationId, t->table, attnum);
			t->type = "table column";
			t->dropped = false;
			t->changes = SG_CHANGED_INSERTS;
		}
		sg_dropped = lappend(sg_dropped, t);
		if (t->addr.classId == ProcedureRelationId)
			dropped_fns = lappend(dropped_fns, t->identity);
	}
	sg_event_rows_end(&r);
	MemoryContextSwitchTo(old);

	/* the creation paths of dropped functions go, in every session */
	if (dropped_fns != NIL)
	{
		sg_enter(&entry, NULL);
		foreach(lc, dropped_fns)
			sg_catalog_forget_path((char *) lfirst(lc));
		sg_leave(&entry);
	}
}

/*
 * Run one of the event triggers' jobs.  With schema_guard.mode = off the
 * guard must never stand in the way of DDL, not even when it is itself
 * broken: the job runs in a subtransaction, and a failure is rolled back
 * and reported as a WARNING.  The catalog is then marked for a rebuild, so
 * the guard does not go on from a catalog that missed a change; until the
 * guard is on again, nothing is maintained.
 */
static void
sg_maintain(void (*job) (void *arg), void *arg)
{
	MemoryContext caller = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	char	   *entry_state = sg_entry_state();
	ErrorData  *edata = NULL;
	SgSavedUser saved;

	/*
	 * As the extension's owner, as SECURITY DEFINER on the event trigger
	 * functions would have it, at a fraction of its cost per call.
	 */
	sg_run_as_owner(&saved);

	if (sg_mode != SG_MODE_OFF)
	{
		job(arg);
		sg_restore_user(&saved);
		return;
	}

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(caller);
	PG_TRY();
	{
		/* a catalog marked for a rebuild waits for the guard to be on */
		if (sg_catalog_is_ready())
			job(arg);
		ReleaseCurrentSubTransaction();
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(caller);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		sg_restore_entry_state(entry_state);
	}
	PG_END_TRY();
	MemoryContextSwitchTo(caller);
	CurrentResourceOwner = owner;
	if (edata == NULL)
	{
		sg_restore_user(&saved);
		return;
	}

	/* what this command had collected is incomplete now */
	sg_dropped = NIL;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(caller);
	PG_TRY();
	{
		sg_catalog_invalidate();
		ReleaseCurrentSubTransaction();
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(caller);
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
	}
	PG_END_TRY();
	MemoryContextSwitchTo(caller);
	CurrentResourceOwner = owner;
	sg_restore_user(&saved);

	ereport(WARNING,
			(errcode(edata->sqlerrcode),
			 errmsg("schema_guard could not keep its reference catalog up to date: %s",
					edata->message),
			 errhint("schema_guard.mode is \"off\", so the command went on. Once the cause is fixed, run schema_guard.rebuild().")));
	FreeErrorData(edata);
}

/* ---------------------------------------------------------------------
 * What a command changed
 * ---------------------------------------------------------------------
 */

static SgTouched *
sg_new_touched(Oid classid, Oid objid, int32 subid, const char *type)
{
	SgTouched  *t = palloc0(sizeof(SgTouched));

	ObjectAddressSubSet(t->addr, classid, objid, subid);
	t->type = pstrdup(type);
	return t;
}

/* The name an object now has, for SG_CHANGED_NAME. */
static char *
sg_touched_name(SgTouched *t)
{
	Oid			objid = t->addr.objectId;

	switch (t->addr.classId)
	{
		case RelationRelationId:
			if (t->addr.objectSubId != 0)
				return get_attname(objid, t->addr.objectSubId, true);
			return get_rel_name(objid);
		case ProcedureRelationId:
			return get_func_name(objid);
		case TypeRelationId:
			return sg_type_name(objid);
		case NamespaceRelationId:
			return get_namespace_name(objid);
		case TSConfigRelationId:
		case TSDictionaryRelationId:
		case OperatorRelationId:
		case CollationRelationId:
			/* named by reg* constants ('english'::regconfig) */
			return sg_object_name_of(&t->addr);
		default:
			return NULL;
	}
}

/*
 * What an object pg_event_trigger_ddl_commands() reports changed for
 * function bodies.  Only what changes nothing a body can see is left out:
 * comments, privileges, owners, storage, statistics; whatever is not
 * known to change nothing changes every use of the object.
 */
static int
sg_reported_changes(Node *parsetree, SgTouched *t)
{
	const char *tag = t->tag != NULL ? t->tag : "";

	if (strncmp(tag, "CREATE ", 7) == 0)
	{
		/*
		 * New, or replaced: a view may have gained columns, and writes
		 * through it may reach its table differently, or not at all.
		 */
		if (t->addr.classId == RelationRelationId)
			return SG_CHANGED_NAME | SG_CHANGED_COLUMNS | SG_CHANGED_WRITES;
		/* a replaced function may be called differently */
		if (t->addr.classId == ProcedureRelationId)
			return SG_CHANGED_NAME | SG_CHANGED_OBJECT;
		/* a BEFORE trigger may fill in what inserts leave out */
		if (t->addr.classId == TriggerRelationId)
			return SG_CHANGED_INSERTS;
		return SG_CHANGED_NAME;
	}
	if (parsetree != NULL)
	{
		switch (nodeTag(parsetree))
		{
			case T_AlterOwnerStmt:

				/*
				 * A SECURITY DEFINER function runs as its owner, and "$user"
				 * in its path names the owner; any other body runs as its
				 * caller, whoever owns anything.
				 */
				if (t->addr.classId == ProcedureRelationId &&
					sg_runs_as_owner(t->addr.objectId))
					return SG_CHANGED_OBJECT;
				return 0;
			case T_CommentStmt:
			case T_SecLabelStmt:
			case T_GrantStmt:
			case T_AlterDefaultPrivilegesStmt:
			case T_RefreshMatViewStmt:
			case T_AlterStatsStmt:
			case T_AlterEventTrigStmt:
			case T_AlterPolicyStmt:
				return 0;
			case T_AlterEnumStmt:
				/* a new value breaks nothing; a renamed one its uses */
				return ((AlterEnumStmt *) parsetree)->oldVal != NULL ?
					SG_CHANGED_OBJECT : 0;
			case T_AlterTableStmt:
				return 0;		/* see sg_alter_table_changes() */
			case T_RenameStmt:
				switch (((RenameStmt *) parsetree)->renameType)
				{
					case OBJECT_TRIGGER:
					case OBJECT_POLICY:
					case OBJECT_RULE:
						return 0;
					default:
						return SG_CHANGED_OBJECT | SG_CHANGED_NAME;
				}
			case T_AlterObjectSchemaStmt:
				return SG_CHANGED_OBJECT | SG_CHANGED_NAME;
			default:
				break;
		}
	}
	if (strncmp(tag, "ALTER ", 6) == 0)
		return SG_CHANGED_OBJECT;
	return SG_CHANGED_OBJECT | SG_CHANGED_NAME;
}

/*
 * What one ALTER TABLE subcommand changes: of the table (the result), and
 * of the column it names (*column, *colname).
 */
static int
sg_alter_table_cmd_changes(AlterTableCmd *cmd, int *column,
						   const char **colname)
{
	*column = 0;
	*colname = cmd->name;
	switch (cmd->subtype)
	{
		case AT_AddColumn:
		case AT_AddColumnToView:
			/* a new name, maybe one an INSERT must give */
			*colname = castNode(ColumnDef, cmd->def)->colname;
			*column = SG_CHANGED_NAME | SG_CHANGED_INSERTS;
			return SG_CHANGED_COLUMNS;
		case AT_DropColumn:
			return SG_CHANGED_COLUMNS;	/* sql_drop reports the column */
		case AT_AlterColumnType:
			*column = SG_CHANGED_OBJECT;
			return SG_CHANGED_COLUMNS;
		case AT_SetNotNull:
		case AT_DropIdentity:
			*column = SG_CHANGED_INSERTS;
			return 0;
		case AT_ColumnDefault:
			if (cmd->def == NULL)
				*column = SG_CHANGED_INSERTS;
			return 0;
		case AT_AddIdentity:
		case AT_SetIdentity:
		case AT_DropExpression:
			*column = SG_CHANGED_OBJECT | SG_CHANGED_INSERTS;
			return 0;
		case AT_AddConstraint:
			/* a primary key makes its columns NOT NULL */
			return (IsA(cmd->def, Constraint) &&
					((Constraint *) cmd->def)->contype == CONSTR_PRIMARY) ?
				SG_CHANGED_INSERTS : 0;
		case AT_AddIndex:
		case AT_AddIndexConstraint:
			return (IsA(cmd->def, IndexStmt) &&
					((IndexStmt *) cmd->def)->primary) ?
				SG_CHANGED_INSERTS : 0;
		case AT_EnableTrig:
		case AT_EnableAlwaysTrig:
		case AT_EnableReplicaTrig:
		case AT_DisableTrig:
		case AT_EnableTrigAll:
		case AT_DisableTrigAll:
		case AT_EnableTrigUser:
		case AT_DisableTrigUser:
			/* a BEFORE trigger fills in what inserts leave out, or not */
			return SG_CHANGED_INSERTS;
		case AT_EnableRule:
		case AT_EnableAlwaysRule:
		case AT_EnableReplicaRule:
		case AT_DisableRule:
			/* a DO INSTEAD rule takes writes to the table, or not */
			return SG_CHANGED_WRITES | SG_CHANGED_INSERTS;
		case AT_DropNotNull:
		case AT_SetStatistics:
		case AT_SetOptions:
		case AT_ResetOptions:
		case AT_SetStorage:
		case AT_SetCompression:
		case AT_DropConstraint: /* sql_drop reports the constraint */
		case AT_ValidateConstraint:
		case AT_ClusterOn:
		case AT_DropCluster:
		case AT_SetLogged:
		case AT_SetUnLogged:
		case AT_SetAccessMethod:
		case AT_SetTableSpace:
		case AT_SetRelOptions:
		case AT_ResetRelOptions:
		case AT_ReplaceRelOptions:
		case AT_ChangeOwner:
		case AT_EnableRowSecurity:
		case AT_DisableRowSecurity:
		case AT_ForceRowSecurity:
		case AT_NoForceRowSecurity:
		case AT_ReplicaIdentity:
		case AT_GenericOptions:
		case AT_AlterColumnGenericOptions:
		case AT_AddInherit:
		case AT_DropInherit:
		case AT_AddOf:
		case AT_DropOf:
		case AT_AttachPartition:
		case AT_DetachPartition:
		case AT_DetachPartitionFinalize:
			return 0;
		default:
			return SG_CHANGED_OBJECT;
	}
}

/*
 * The tables a command on a table reaches: the table, and unless ONLY
 * ("inh" false) its inheritance children and partitions (which the
 * command has locked).
 */
static List *
sg_tables_reached(Oid relid, bool inh)
{
	if (!inh || !has_subclass(relid))
		return list_make1_oid(relid);
	return find_all_inheritors(relid, NoLock, NULL);
}

/*
 * ALTER TABLE reports the table only: what its subcommands change of the
 * table, and of the columns they name, of it and (unless ONLY) of its
 * inheritance children and partitions, which the subcommands reach too.
 * "tag" is the command's tag.
 */
static List *
sg_alter_table_changes(AlterTableStmt *stmt, const char *tag, List *touched)
{
	SgTouched  *reported = NULL;
	List	   *tables;
	ListCell   *lc;

	/*
	 * The table is the one the command reports (the parse tree's name would
	 * resolve with this function's search_path, not the user's), with the
	 * command's tag: the sequence of an identity column it adds is reported
	 * too, as created or altered by CREATE or ALTER SEQUENCE.
	 */
	foreach(lc, touched)
	{
		SgTouched  *t = (SgTouched *) lfirst(lc);

		if (t->addr.classId == RelationRelationId &&
			t->addr.objectSubId == 0 && !t->dropped &&
			t->tag != NULL && strcmp(t->tag, tag) == 0)
		{
			reported = t;
			break;
		}
	}
	if (reported == NULL)
	{
		/* ALTER TYPE ... ADD ATTRIBUTE reports the type: every use of it */
		foreach(lc, touched)
			((SgTouched *) lfirst(lc))->changes = SG_CHANGED_OBJECT;
		return touched;
	}

	tables = sg_tables_reached(reported->addr.objectId, stmt->relation->inh);
	foreach(lc, tables)
	{
		Oid			relid = lfirst_oid(lc);
		SgTouched  *rel = reported;
		ListCell   *lc2;

		if (relid != reported->addr.objectId)
			rel = sg_new_touched(RelationRelationId, relid, 0, reported->type);
		foreach(lc2, stmt->cmds)
		{
			AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc2);
			const char *colname;
			int			column;
			AttrNumber	attnum;
			SgTouched  *col;

			rel->changes |= sg_alter_table_cmd_changes(cmd, &column, &colname);
			if (column == 0 || colname == NULL ||
				(attnum = get_attnum(relid, colname)) == InvalidAttrNumber)
				continue;
			col = sg_new_touched(RelationRelationId, relid, attnum,
								 "table column");
			col->created = true;
			col->changes = column;
			if (column & SG_CHANGED_NAME)
				col->name = pstrdup(colname);
			touched = lappend(touched, col);
		}
		if (rel != reported)
			touched = lappend(touched, rel);
	}
	return touched;
}

/*
 * RENAME COLUMN reports the column: for bodies, its table has another set
 * of columns; and (unless ONLY) so have its inheritance children and
 * partitions, whose column is renamed too.
 */
static List *
sg_rename_changes(RenameStmt *stmt, List *touched)
{
	SgTouched  *reported = NULL;
	List	   *tables;
	ListCell   *lc;

	if (stmt->renameType != OBJECT_COLUMN &&
		stmt->renameType != OBJECT_ATTRIBUTE)
		return touched;
	foreach(lc, touched)
	{
		SgTouched  *t = (SgTouched *) lfirst(lc);

		if (t->addr.classId == RelationRelationId && t->addr.objectSubId != 0)
			reported = t;
	}
	if (reported == NULL)
		return touched;

	tables = sg_tables_reached(reported->addr.objectId,
							   stmt->relation != NULL && stmt->relation->inh);
	foreach(lc, tables)
	{
		Oid			relid = lfirst_oid(lc);
		SgTouched  *rel;

		if (relid != reported->addr.objectId)
		{
			AttrNumber	attnum = get_attnum(relid, stmt->newname);
			SgTouched  *col;

			if (attnum == InvalidAttrNumber)
				continue;
			col = sg_new_touched(RelationRelationId, relid, attnum,
								 reported->type);
			col->created = true;
			col->changes = reported->changes;
			col->name = pstrdup(stmt->newname);
			touched = lappend(touched, col);
		}
		rel = sg_new_touched(RelationRelationId, relid, 0, "table");
		rel->changes = SG_CHANGED_COLUMNS;
		touched = lappend(touched, rel);
	}
	return touched;
}

/*
 * CREATE RULE reports the rule: it changes what writes to its relation do
 * (a DO INSTEAD rule takes them, and the rows of INSERTs with them; a
 * conditional one keeps a view from being automatically updatable).
 */
static List *
sg_rule_changes(List *touched)
{
	List	   *result = touched;
	ListCell   *lc;

	foreach(lc, touched)
	{
		SgTouched  *t = (SgTouched *) lfirst(lc);
		Relation	rewrite;
		HeapTuple	tup;
		SgTouched  *rel;

		if (t->addr.classId != RewriteRelationId)
			continue;
		rewrite = table_open(RewriteRelationId, AccessShareLock);
		tup = get_catalog_object_by_oid(rewrite, Anum_pg_rewrite_oid,
										t->addr.objectId);
		if (HeapTupleIsValid(tup))
		{
			ObjectAddress addr;

			ObjectAddressSet(addr, RelationRelationId,
							 ((Form_pg_rewrite) GETSTRUCT(tup))->ev_class);
			rel = sg_new_touched(addr.classId, addr.objectId, 0,
								 sg_object_type_name(&addr));
			rel->changes = SG_CHANGED_WRITES | SG_CHANGED_INSERTS;
			result = lappend(result, rel);
		}
		table_close(rewrite, AccessShareLock);
	}
	return result;
}

/*
 * ALTER EXTENSION ... SET SCHEMA reports the extension: its functions,
 * types and relations moved with it, and every use of them by name no
 * longer resolves as it did.
 */
static List *
sg_extension_move_changes(Oid extension, List *touched)
{
	Relation	depend = table_open(DependRelationId, AccessShareLock);
	ScanKeyData keys[2];
	SysScanDesc scan;
	HeapTuple	tup;

	ScanKeyInit(&keys[0], Anum_pg_depend_refclassid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(ExtensionRelationId));
	ScanKeyInit(&keys[1], Anum_pg_depend_refobjid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(extension));
	scan = systable_beginscan(depend, DependReferenceIndexId, true, NULL, 2,
							  keys);
	while ((tup = systable_getnext(scan)) != NULL)
	{
		Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tup);
		ObjectAddress member;
		SgTouched  *t;

		if (dep->deptype != DEPENDENCY_EXTENSION ||
			(dep->classid != RelationRelationId &&
			 dep->classid != ProcedureRelationId &&
			 dep->classid != TypeRelationId))
			continue;
		ObjectAddressSet(member, dep->classid, dep->objid);
		t = sg_new_touched(dep->classid, dep->objid, 0,
						   getObjectTypeDescription(&member, false));
		t->changes = SG_CHANGED_OBJECT | SG_CHANGED_NAME;
		t->name = sg_touched_name(t);
		touched = lappend(touched, t);
	}
	systable_endscan(scan);
	table_close(depend, AccessShareLock);
	return touched;
}

/* The extension an ALTER EXTENSION ... SET SCHEMA moved, or InvalidOid. */
static Oid
sg_moved_extension(Node *parsetree, List *touched)
{
	ListCell   *lc;

	if (parsetree == NULL || !IsA(parsetree, AlterObjectSchemaStmt) ||
		((AlterObjectSchemaStmt *) parsetree)->objectType != OBJECT_EXTENSION)
		return InvalidOid;
	foreach(lc, touched)
	{
		SgTouched  *t = (SgTouched *) lfirst(lc);

		if (t->addr.classId == ExtensionRelationId)
			return t->addr.objectId;
	}
	return InvalidOid;
}

/*
 * What the objects the command reports (commands) changed for function
 * bodies, and the objects it changed without reporting them.  Returns
 * commands with those added.
 */
static List *
sg_command_changes(Node *parsetree, CommandTag tag, List *commands)
{
	Oid			extension;
	ListCell   *lc;

	foreach(lc, commands)
	{
		SgTouched  *t = (SgTouched *) lfirst(lc);

		t->changes = sg_reported_changes(parsetree, t);
		if (t->changes & SG_CHANGED_NAME)
			t->name = sg_touched_name(t);
		if (t->addr.classId == TriggerRelationId)
			t->table = sg_trigger_relation(t->addr.objectId);
	}
	if (parsetree != NULL && IsA(parsetree, AlterTableStmt))
		commands = sg_alter_table_changes((AlterTableStmt *) parsetree,
										  GetCommandTagName(tag), commands);
	else if (parsetree != NULL && IsA(parsetree, RenameStmt))
		commands = sg_rename_changes((RenameStmt *) parsetree, commands);
	else if (OidIsValid(extension = sg_moved_extension(parsetree, commands)))
		commands = sg_extension_move_changes(extension, commands);
	else if (parsetree != NULL && IsA(parsetree, RuleStmt))
		commands = sg_rule_changes(commands);
	return commands;
}

/*
 * The rows of one of PostgreSQL's event trigger functions
 * (pg_event_trigger_ddl_commands(), pg_event_trigger_dropped_objects()),
 * read by calling it directly: no query to plan and run for every DDL
 * command.  The columns wanted are found by name, their order being
 * PostgreSQL's business.
 */

static void
sg_event_rows_begin(SgEventRows *r, Oid fnoid, const char *const *names,
					int ncols)
{
	LOCAL_FCINFO(fcinfo, 0);
	FmgrInfo	flinfo;
	int			i;

	Assert(ncols <= SG_EVENT_COLUMNS);
	r->econtext = CreateStandaloneExprContext();
	r->slot = NULL;
	fmgr_info(fnoid, &flinfo);
	MemSet(&r->rsinfo, 0, sizeof(r->rsinfo));
	r->rsinfo.type = T_ReturnSetInfo;
	r->rsinfo.econtext = r->econtext;
	r->rsinfo.allowedModes = (int) SFRM_Materialize;
	r->rsinfo.returnMode = SFRM_Materialize;
	InitFunctionCallInfoData(*fcinfo, &flinfo, 0, InvalidOid, NULL,
							 (Node *) &r->rsinfo);
	(void) FunctionCallInvoke(fcinfo);
	if (r->rsinfo.setResult == NULL)
		return;

	for (i = 0; i < ncols; i++)
	{
		int			a;

		r->col[i] = -1;
		for (a = 0; a < r->rsinfo.setDesc->natts; a++)
		{
			if (strcmp(NameStr(TupleDescAttr(r->rsinfo.setDesc, a)->attname),
					   names[i]) == 0)
				r->col[i] = a;
		}
		if (r->col[i] < 0)
			elog(ERROR, "function %u has no column \"%s\"", fnoid, names[i]);
	}
	r->slot = MakeSingleTupleTableSlot(r->rsinfo.setDesc, &TTSOpsMinimalTuple);
}

/* The next row, into r->slot; false at the end. */
static bool
sg_event_rows_next(SgEventRows *r)
{
	if (r->slot == NULL ||
		!tuplestore_gettupleslot(r->rsinfo.setResult, true, false, r->slot))
		return false;
	slot_getallattrs(r->slot);
	return true;
}

/* Column i (of the names asked for) of the row: as text, or NULL. */
static char *
sg_event_text(SgEventRows *r, int i)
{
	return r->slot->tts_isnull[r->col[i]] ? NULL :
		TextDatumGetCString(r->slot->tts_values[r->col[i]]);
}

static Datum
sg_event_value(SgEventRows *r, int i)
{
	return r->slot->tts_values[r->col[i]];
}

static void
sg_event_rows_end(SgEventRows *r)
{
	if (r->slot != NULL)
		ExecDropSingleTupleTableSlot(r->slot);
	if (r->rsinfo.setResult != NULL)
		tuplestore_end(r->rsinfo.setResult);
	FreeExprContext(r->econtext, true);
}

/* The objects the command created or altered. */
static List *
sg_read_commands(void)
{
	static const char *const names[6] = {
		"classid", "objid", "objsubid", "object_type", "object_identity",
		"command_tag"
	};
	SgEventRows r;
	List	   *result = NIL;

	sg_event_rows_begin(&r, F_PG_EVENT_TRIGGER_DDL_COMMANDS, names, 6);
	while (sg_event_rows_next(&r))
	{
		SgTouched  *t = palloc0(sizeof(SgTouched));
		char	   *tag = sg_event_text(&r, 5);

		t->addr.classId = DatumGetObjectId(sg_event_value(&r, 0));
		t->addr.objectId = DatumGetObjectId(sg_event_value(&r, 1));
		t->addr.objectSubId = DatumGetInt32(sg_event_value(&r, 2));
		t->type = sg_event_text(&r, 3);
		t->identity = sg_event_text(&r, 4);
		t->tag = tag;
		t->created = tag != NULL &&
			(strncmp(tag, "CREATE ", 7) == 0 || strncmp(tag, "ALTER ", 6) == 0);
		result = lappend(result, t);
	}
	sg_event_rows_end(&r);
	return result;
}

Datum
sg_ddl_command_end(PG_FUNCTION_ARGS)
{
	Node	   *parsetree;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"%s\" must be fired as an event trigger",
						"schema_guard._ddl_command_end")));

	parsetree = ((EventTriggerData *) fcinfo->context)->parsetree;
	if (!sg_should_handle() || sg_drops_itself(parsetree))
	{
		sg_dropped = NIL;
		PG_RETURN_VOID();
	}
	if (parsetree != NULL && IsA(parsetree, AlterExtensionContentsStmt))
		sg_maintain(sg_membership_changed, parsetree);
	sg_maintain(sg_command_end, fcinfo->context);
	PG_RETURN_VOID();
}

/*
 * The end of a command: judge what it broke, report on new bodies, and
 * bring the reference catalog up to date.
 */
static void
sg_command_end(void *arg)
{
	EventTriggerData *trigdata = (EventTriggerData *) arg;
	List	   *touched;
	List	   *affected = NIL;
	List	   *subjects = NIL;
	List	   *members = NIL;
	List	   *new_triggers = NIL;
	List	   *created_names;
	List	   *created_after;
	List	   *befores = NIL;
	List	   *unchanged = NIL;
	List	   *same_definition = NIL;
	List	   *stored = NIL;
	List	   *break_lines = NIL;
	List	   *problem_lines = NIL;
	List	   *problems = NIL;
	List	   *store = NIL;
	List	   *created_with = NIL;
	List	   *remember = NIL;
	ListCell   *lc;
	ListCell   *lc2;
	MemoryContext work;
	MemoryContext old;
	SgEntry		entry;
	Oid			extension;
	bool		judge;

	sg_enter(&entry, NULL);
	work = AllocSetContextCreate(CurrentMemoryContext, "schema_guard command",
								 ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(work);

	/* which functions belong to an extension may have changed */
	if (trigdata->tag == CMDTAG_CREATE_EXTENSION ||
		trigdata->tag == CMDTAG_ALTER_EXTENSION ||
		trigdata->tag == CMDTAG_DROP_EXTENSION)
		sg_catalog_extensions_changed();
	else if (creating_extension)
		sg_forget_extension_members();
	if (sg_rekeys != NIL)
		sg_rekey_identities(trigdata->parsetree);

	touched = list_concat(list_copy(sg_dropped),
						  sg_command_changes(trigdata->parsetree, trigdata->tag,
											 sg_read_commands()));
	sg_dropped = NIL;

	/* what is analysed from now on may use the new value only after commit */
	if (trigdata->parsetree != NULL &&
		IsA(trigdata->parsetree, AlterEnumStmt) &&
		((AlterEnumStmt *) trigdata->parsetree)->oldVal == NULL)
		sg_catalog_enum_value_added();

	if (!creating_extension && sg_bodies_checked())
		sg_lock_changed(touched);
	created_names = sg_catalog_runtime_created_names();
	sg_collect_units(touched, created_names, &affected, &subjects,
					 &same_definition, &stored, &new_triggers);

	/*
	 * Inside another extension's script (which PostgreSQL runs with
	 * check_function_bodies off): remember what it touches, and judge it
	 * all when the CREATE or ALTER EXTENSION command ends.
	 */
	if (creating_extension)
	{
		foreach(lc, sg_dropped_functions(touched))
			sg_catalog_forget_function(lfirst_oid(lc));
		sg_script_remember(list_concat(affected, subjects), touched);
		MemoryContextSwitchTo(old);
		MemoryContextDelete(work);
		sg_leave(&entry);
		return;
	}

	/*
	 * The end of CREATE or ALTER EXTENSION: the functions its script touched.
	 * The extension's own functions are its authors' business: analysed and
	 * stored, never judged.  Other functions are judged like any others.
	 */
	if ((trigdata->tag == CMDTAG_CREATE_EXTENSION ||
		 trigdata->tag == CMDTAG_ALTER_EXTENSION) && sg_script_fns != NIL)
	{
		Oid			extension = InvalidOid;

		foreach(lc, touched)
		{
			SgTouched  *t = (SgTouched *) lfirst(lc);

			if (t->addr.classId == ExtensionRelationId)
				extension = t->addr.objectId;
		}
		affected = list_concat_unique_oid(affected, sg_script_fns);
		if (OidIsValid(extension))
			sg_set_aside_members(extension, &affected, &members);
		touched = list_concat(touched, sg_script_touched);
		sg_script_fns = NIL;
		sg_script_touched = NIL;
	}
	else if (OidIsValid(extension = sg_moved_extension(trigdata->parsetree,
													   touched)))
		sg_set_aside_members(extension, &affected, &members);

	if (!sg_bodies_checked())
	{
		/* restore mode: analyse later, judge nothing */
		foreach(lc, list_concat(list_concat(list_copy(affected), subjects), members))
			sg_catalog_mark_pending(lfirst_oid(lc));
		MemoryContextSwitchTo(old);
		MemoryContextDelete(work);
		sg_leave(&entry);
		return;
	}
	judge = sg_mode != SG_MODE_OFF;

	/*
	 * Analyse first, judge after: which relations other functions create at
	 * run time, once the command is done, depends on the new analyses.
	 */
	foreach(lc, subjects)
	{
		Oid			fn = lfirst_oid(lc);
		uint64		inval_count = SharedInvalidMessageCounter;
		const char *member_path = sg_member_session_path(fn);
		const char *path = member_path ? member_path : sg_caller_search_path();
		List	   *analyses = NIL;

		/*
		 * Replaced by the definition the catalog has analysed, in a session
		 * with the same path: the stored analyses stand, and were judged
		 * by whatever changed what they use.  What a new analysis would
		 * report, and the relations the body creates, are all that is
		 * needed of them.
		 */
		if (list_member_oid(same_definition, fn))
			analyses = sg_stored_findings_if_current(sg_stored_of(stored, fn),
													 sg_function_units(fn),
													 path);
		if (analyses != NIL)
			unchanged = lappend_oid(unchanged, fn);
		else
		{
			analyses = sg_analyze_new_function(fn, path);
			(void) sg_lock_references(&analyses, fn, inval_count);
		}
		store = lappend(store, analyses);

		/* the path a new body was created with is recorded (not a member's) */
		created_with = lappend(created_with,
							   member_path ? NULL : pstrdup(path));
	}
	foreach(lc, members)
		store = lappend(store, sg_analyze_function_nowait(lfirst_oid(lc),
												   sg_default_session_path(lfirst_oid(lc))));
	foreach(lc, affected)
	{
		Oid			fn = lfirst_oid(lc);
		List	   *before = sg_catalog_load_function(fn);

		befores = lappend(befores, before);
		store = lappend(store, sg_analyze_function_nowait(fn, sg_session_path(before, fn)));
	}
	created_after = sg_created_after(created_names, touched, store);

	/* Functions whose bodies are new: their problems. */
	forboth(lc, subjects, lc2, store)
		sg_new_problems(lfirst_oid(lc), (List *) lfirst(lc2), true, NIL,
						new_triggers, created_after, &problems,
						&problem_lines);

	/*
	 * Functions the command may have broken, and the problems of the units
	 * new triggers give them.
	 */
	forboth(lc, affected, lc2, befores)
	{
		List	   *after = (List *) list_nth(store, list_length(subjects) +
											  list_length(members) +
											  foreach_current_index(lc));
		SgFound    *found = sg_judge_function(lfirst_oid(lc), (List *) lfirst(lc2),
											  after, touched, created_names,
											  created_after, &break_lines);

		if (found != NULL)
			remember = lappend(remember, found);
		sg_new_problems(lfirst_oid(lc), after, false, (List *) lfirst(lc2),
						new_triggers, created_after, &problems,
						&problem_lines);
	}

	if (break_lines != NIL && judge)
		sg_report_breaks(trigdata, touched, break_lines, remember);

	if (problem_lines != NIL && judge &&
		sg_function_check != SG_FUNCTION_CHECK_OFF)
		sg_report_new_problems(trigdata->parsetree, problem_lines, problems,
							   subjects == NIL ? "trigger function" :
							   (list_length(subjects) == 1 &&
								get_func_prokind(linitial_oid(subjects)) == PROKIND_PROCEDURE) ?
							   "procedure" : "function");

	/* The catalog follows the schema. */
	foreach(lc, sg_dropped_functions(touched))
		sg_catalog_forget_function(lfirst_oid(lc));
	foreach(lc, store)
	{
		List	   *analyses = (List *) lfirst(lc);

		Oid			fn;

		if (analyses == NIL)
			continue;
		fn = ((SgAnalysis *) linitial(analyses))->fn;
		if (!list_member_oid(unchanged, fn))
			sg_catalog_replace_function(fn, analyses, sg_stored_of(stored, fn));
	}
	forboth(lc, subjects, lc2, created_with)
	{
		if (lfirst(lc2) != NULL && list_nth(store, foreach_current_index(lc)) != NIL)
			sg_catalog_record_path(lfirst_oid(lc), (char *) lfirst(lc2));
	}
	/* analysed functions that no longer exist, or are no longer analysable */
	foreach(lc, list_concat(list_concat(list_copy(affected), subjects), members))
	{
		Oid			fn = lfirst_oid(lc);

		if (!sg_function_is_analysable(fn))
			sg_catalog_forget_function(fn);
	}

	MemoryContextSwitchTo(old);
	MemoryContextDelete(work);
	sg_leave(&entry);
}

/* ---------------------------------------------------------------------
 * Which functions a command concerns
 * ---------------------------------------------------------------------
 */

/*
 * From what the command touched, the functions to analyse again:
 * "affected" ones are judged, "subjects" (new bodies) are reported on,
 * "same_definition" lists the subjects replaced by the definition the
 * catalog has for them, "stored" what the catalog has of the subjects
 * (SgStoredFunction *), "new_triggers" the triggers the command created.
 * created_names are the relations functions create at run time, before
 * the command.
 */
static void
sg_collect_units(List *touched, List *created_names, List **affected,
				 List **subjects, List **same_definition, List **stored,
				 List **new_triggers)
{
	List	   *dropped_fns = sg_dropped_functions(touched);
	ListCell   *lc;
	ListCell   *lc2;

	foreach(lc, touched)
	{
		SgTouched  *t = (SgTouched *) lfirst(lc);
		Oid			classid = t->addr.classId;
		Oid			objid = t->addr.objectId;
		bool		calls_resolve_alike = false;

		if (classid == ProcedureRelationId)
		{
			if (!t->dropped && t->created && t->type != NULL &&
				sg_function_is_analysable(objid) &&
				get_func_namespace(objid) != InvalidOid &&
				!isAnyTempNamespace(get_func_namespace(objid)))
			{
				/* a new or replaced body, or an altered function */
				HeapTuple	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(objid));

				if (HeapTupleIsValid(tup))
				{
					int64		definition = sg_proc_definition(tup);
					int64		interface = sg_proc_interface(tup);

					ReleaseSysCache(tup);
					if (strcmp(t->tag, "CREATE FUNCTION") == 0 ||
						strcmp(t->tag, "CREATE PROCEDURE") == 0)
					{
						SgStoredFunction *s = sg_catalog_read_function(objid);

						sg_add_fn(subjects, objid);
						*stored = lappend(*stored, s);

						/*
						 * Replaced by the definition it had (a migration
						 * tool re-applying every function): nothing changes
						 * for the code that calls it.
						 */
						if (sg_stored_definition_is(s, definition))
						{
							sg_add_fn(same_definition, objid);
							continue;
						}

						/*
						 * Replaced with the same name, parameters and
						 * result (a new body, new settings): calls of it
						 * resolve and type-check as they did.
						 */
						calls_resolve_alike = sg_stored_interface_is(s, interface);
					}
					else
						sg_add_fn(affected, objid);
				}
			}
			if (!calls_resolve_alike)
				sg_add_units_fns(affected,
								 sg_catalog_users_of_object(classid, objid));

			/*
			 * Readers of a relation this function creates at run time: with
			 * the function dropped or changed, nothing may create it.
			 */
			foreach(lc2, created_names)
			{
				SgCreated  *c = (SgCreated *) lfirst(lc2);

				if (c->fn == objid)
					sg_add_units_fns(affected, sg_catalog_users_of_name(c->name));
			}
		}
		else if (classid == RelationRelationId)
		{
			Oid			reltype;
			char		relkind;

			if (!t->dropped && isAnyTempNamespace(get_rel_namespace(objid)))
				continue;
			sg_add_units_fns(affected, sg_catalog_users_of_object(classid, objid));
			if (!t->dropped && (reltype = get_rel_type_id(objid)) != InvalidOid)
				sg_add_units_fns(affected, sg_catalog_users_of_object(TypeRelationId, reltype));
			relkind = t->dropped ? '\0' : get_rel_relkind(objid);
			if (t->addr.objectSubId == 0 &&
				(relkind == RELKIND_INDEX ||
				 relkind == RELKIND_PARTITIONED_INDEX))
			{
				/*
				 * Indexes are named by no body, but a new or altered one
				 * (ATTACH PARTITION makes a partitioned index valid) may
				 * change which indexes the upserts into its table infer as
				 * their ON CONFLICT arbiters.
				 */
				Oid			heap = IndexGetRelation(objid, true);

				if (OidIsValid(heap))
					sg_add_units_fns(affected,
									 sg_catalog_users_of_object(RelationRelationId,
																heap));
				continue;
			}
		}
		else if (classid == TypeRelationId)
		{
			if (!t->dropped && isAnyTempNamespace(sg_type_namespace(objid)))
				continue;
			sg_add_units_fns(affected, sg_catalog_users_of_object(classid, objid));
		}
		else if (classid == NamespaceRelationId ||
				 classid == TSConfigRelationId ||
				 classid == TSDictionaryRelationId ||
				 classid == OperatorRelationId ||
				 classid == CollationRelationId)
		{
			/* named by reg* constants ('english'::regconfig), and schemas */
			sg_add_units_fns(affected, sg_catalog_users_of_object(classid, objid));
			if (classid == NamespaceRelationId && !t->dropped)
				sg_add_units_fns(affected, sg_catalog_users_in_schema(objid));
		}
		else if (classid == RewriteRelationId ||
				 classid == ConstraintRelationId)
		{
			/*
			 * A DO INSTEAD rule that takes the writes of bodies, a constraint
			 * that ON CONFLICT ON CONSTRAINT names.
			 */
			sg_add_units_fns(affected, sg_catalog_users_of_object(classid, objid));
		}
		else if (classid == TriggerRelationId)
		{
			/* the trigger's function gains or loses a unit */
			List	   *units = sg_catalog_users_of_trigger(objid);
			Oid			table = t->dropped ? t->table : sg_trigger_relation(objid);

			sg_add_units_fns(affected, units);

			/*
			 * A BEFORE trigger may fill in columns that inserts into its
			 * table leave out, or into a partitioned table it is a
			 * partition of.
			 */
			if (OidIsValid(table))
			{
				sg_add_units_fns(affected,
								 sg_catalog_users_of_object(RelationRelationId, table));
				if (get_rel_relispartition(table))
				{
					foreach(lc2, get_partition_ancestors(table))
						sg_add_units_fns(affected,
										 sg_catalog_users_of_object(RelationRelationId,
																	lfirst_oid(lc2)));
				}
			}
			if (!t->dropped)
			{
				Oid			fn = sg_trigger_function(objid);

				if (OidIsValid(fn))
					sg_add_fn(affected, fn);
				if (t->tag != NULL && strcmp(t->tag, "CREATE TRIGGER") == 0)
					*new_triggers = lappend_oid(*new_triggers, objid);
			}
		}

		/* new names may make unresolved references resolve, or shadow */
		if ((t->changes & SG_CHANGED_NAME) && t->name != NULL &&
			!calls_resolve_alike)
			sg_add_units_fns(affected, sg_catalog_users_of_name(t->name));
	}

	/* dropped functions are gone, not broken; subjects are reported on */
	foreach(lc, dropped_fns)
		*affected = list_delete_oid(*affected, lfirst_oid(lc));
	foreach(lc, *subjects)
		*affected = list_delete_oid(*affected, lfirst_oid(lc));
	list_sort(*affected, list_oid_cmp);
	list_sort(*subjects, list_oid_cmp);
}

/*
 * An extension's own functions are its authors' business: analysed and
 * stored, never judged.  Moves them from *fns to *members.
 */
static void
sg_set_aside_members(Oid extension, List **fns, List **members)
{
	List	   *rest = NIL;
	ListCell   *lc;

	foreach(lc, *fns)
	{
		Oid			fn = lfirst_oid(lc);

		if (getExtensionOfObject(ProcedureRelationId, fn) == extension)
			*members = list_append_unique_oid(*members, fn);
		else
			rest = lappend_oid(rest, fn);
	}
	*fns = rest;
}

/* The functions the command dropped. */
static List *
sg_dropped_functions(List *touched)
{
	List	   *result = NIL;
	ListCell   *lc;

	foreach(lc, touched)
	{
		SgTouched  *t = (SgTouched *) lfirst(lc);

		if (t->dropped && t->addr.classId == ProcedureRelationId)
			result = lappend_oid(result, t->addr.objectId);
	}
	return result;
}

/*
 * The relations functions create at run time once the command is done:
 * those created_names lists, less those of functions the command dropped
 * or analysed again, plus those the new analyses (lists of SgAnalysis)
 * create.
 */
static List *
sg_created_after(List *created_names, List *touched, List *analyses)
{
	List	   *gone = sg_dropped_functions(touched);
	List	   *result = NIL;
	ListCell   *lc;
	ListCell   *lc2;

	foreach(lc, analyses)
	{
		foreach(lc2, (List *) lfirst(lc))
			gone = list_append_unique_oid(gone, ((SgAnalysis *) lfirst(lc2))->fn);
	}

	foreach(lc, created_names)
	{
		SgCreated  *c = (SgCreated *) lfirst(lc);

		if (!list_member_oid(gone, c->fn))
			result = lappend(result, c);
	}
	foreach(lc, analyses)
	{
		foreach(lc2, (List *) lfirst(lc))
		{
			SgAnalysis *a = (SgAnalysis *) lfirst(lc2);
			ListCell   *lc3;

			foreach(lc3, a->refs)
			{
				SgRef	   *ref = (SgRef *) lfirst(lc3);

				if (ref->access == SG_ACCESS_CREATE && ref->name != NULL)
				{
					SgCreated  *c = palloc(sizeof(SgCreated));

					c->name = ref->name;
					c->written = ref->written;
					c->fn = a->fn;
					result = lappend(result, c);
				}
			}
		}
	}
	return result;
}

/* What sg_collect_units() read of a subject's stored analyses, or NULL. */
static SgStoredFunction *
sg_stored_of(List *stored, Oid fn)
{
	ListCell   *lc;

	foreach(lc, stored)
	{
		SgStoredFunction *s = (SgStoredFunction *) lfirst(lc);

		if (sg_stored_function_oid(s) == fn)
			return s;
	}
	return NULL;
}

static void
sg_add_fn(List **fns, Oid fn)
{
	*fns = list_append_unique_oid(*fns, fn);
}

static void
sg_add_units_fns(List **fns, List *units)
{
	ListCell   *lc;

	foreach(lc, units)
		sg_add_fn(fns, ((SgUnit *) lfirst(lc))->fn);
}

static bool
sg_oid_member(List *list, Oid oid)
{
	return list_member_oid(list, oid);
}

/* ---------------------------------------------------------------------
 * Breaks
 * ---------------------------------------------------------------------
 */

/* The analysis of one unit of a function, or NULL. */
static SgAnalysis *
sg_unit_of(List *analyses, Oid tg)
{
	ListCell   *lc;

	foreach(lc, analyses)
	{
		if (((SgAnalysis *) lfirst(lc))->tg == tg)
			return (SgAnalysis *) lfirst(lc);
	}
	return NULL;
}

/* "Function public.f() line 3: relation "t" does not exist." */
static char *
sg_problem_text(Oid fn, Oid tg, SgRef *ref)
{
	return psprintf("%s: %s%s.", sg_unit_prefix(fn, ref->line, NULL),
					ref->message,
					sg_trigger_suffix(tg));
}

/*
 * The problems of a new body ("new_body"), or of the units that triggers
 * the command created give a function (those not in "before", its stored
 * analyses):
 * their descriptions are added to *lines, and the function, with them as
 * its breaks and the errors of its other units as its baseline, to
 * *problems (SgFound *), for a verdict at commit.
 */
static void
sg_new_problems(Oid fn, List *analyses, bool new_body, List *before,
				List *new_triggers, List *created_after, List **problems,
				List **lines)
{
	SgFound    *found = palloc0(sizeof(SgFound));
	ListCell   *lc;
	ListCell   *lc2;

	found->fn = fn;
	foreach(lc, analyses)
	{
		SgAnalysis *a = (SgAnalysis *) lfirst(lc);
		bool		new_unit = new_body ||
			(sg_unit_of(before, a->tg) == NULL &&
			 sg_oid_member(new_triggers, a->tg));

		foreach(lc2, a->refs)
		{
			SgRef	   *ref = (SgRef *) lfirst(lc2);
			SgBreak    *b;

			if (ref->severity != SG_ERROR ||
				sg_created_at_run_time(ref, a, created_after))
				continue;
			b = palloc0(sizeof(SgBreak));
			b->fn = fn;
			b->slot.tg = a->tg;
			b->slot.line = ref->line;
			b->slot.cls = sg_slot_class(ref);
			if (!new_unit)
			{
				found->baseline = lappend(found->baseline, &b->slot);
				continue;
			}
			b->text = sg_problem_text(fn, a->tg, ref);
			found->breaks = lappend(found->breaks, b);
			*lines = list_append_unique(*lines, makeString(b->text));
		}
	}
	if (found->breaks != NIL)
		*problems = lappend(*problems, found);
}

/* Is the function SECURITY DEFINER? */
static bool
sg_runs_as_owner(Oid fn)
{
	HeapTuple	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(fn));
	bool		definer = false;

	if (HeapTupleIsValid(tup))
	{
		definer = ((Form_pg_proc) GETSTRUCT(tup))->prosecdef;
		ReleaseSysCache(tup);
	}
	return definer;
}

/* The unqualified name of an object, or NULL. */
static char *
sg_object_name_of(const ObjectAddress *addr)
{
	List	   *names = NIL;
	List	   *args = NIL;

	if (getObjectIdentityParts(addr, &names, &args, true) == NULL ||
		names == NIL)
		return NULL;
	return (char *) llast(names);
}


/* Is there a break (SgBreak *) at the statement of a reference? */
static bool
sg_break_at(List *breaks, Oid tg, SgRef *ref)
{
	ListCell   *lc;

	foreach(lc, breaks)
	{
		SgBreak    *b = (SgBreak *) lfirst(lc);

		if (b->slot.tg == tg && b->slot.line == ref->line &&
			b->slot.cls == sg_slot_class(ref))
			return true;
	}
	return false;
}

/*
 * Did the statement of a reference that fails now use an existing table of
 * that name before the command?  Then a relation of that name that some
 * function creates at run time does not excuse the failure: the command
 * took away the table the statement used.
 */
static bool
sg_resolved_before(List *before, Oid tg, SgRef *ref)
{
	ListCell   *lc;

	foreach(lc, before)
	{
		SgAnalysis *a = (SgAnalysis *) lfirst(lc);
		ListCell   *lc2;

		if (a->tg != tg)
			continue;
		foreach(lc2, a->refs)
		{
			SgRef	   *old = (SgRef *) lfirst(lc2);

			if (old->severity == SG_OK && old->kind == SG_KIND_RELATION &&
				old->line == ref->line && OidIsValid(old->target.objectId) &&
				old->name != NULL && ref->name != NULL &&
				strcmp(old->name, ref->name) == 0)
				return true;
		}
	}
	return false;
}

/* sg_proc_definition() of a function now, or 0 if it is gone. */
static int64
sg_current_definition(Oid fn)
{
	HeapTuple	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(fn));
	int64		definition = 0;

	if (HeapTupleIsValid(tup))
	{
		definition = sg_proc_definition(tup);
		ReleaseSysCache(tup);
	}
	return definition;
}


/*
 * Judge a function the command may have broken, by its analyses before
 * (stored) and after the command.  Returns what the command broke, or
 * NULL, and adds the descriptions to *break_lines.
 */
static SgFound *
sg_judge_function(Oid fn, List *before, List *after, List *touched,
				  List *created_names, List *created_after,
				  List **break_lines)
{
	List	   *baseline = sg_error_slots(before, created_names, true);
	List	   *broken_before = NIL;
	List	   *breaks = NIL;
	SgFound    *found;
	ListCell   *lc;
	ListCell   *lc2;

	foreach(lc, after)
	{
		SgAnalysis *a = (SgAnalysis *) lfirst(lc);
		SgAnalysis *old = sg_unit_of(before, a->tg);

		foreach(lc2, a->refs)
		{
			SgRef	   *ref = (SgRef *) lfirst(lc2);
			SgSlot		slot;
			SgTouched  *cause;
			SgBreak    *b;
			int			why;

			/*
			 * A unit new (a trigger created by this command) breaks nothing;
			 * a relation some function creates at run time excuses a
			 * missing one, unless the statement used a table that was there.
			 */
			if (old == NULL || ref->severity != SG_ERROR ||
				(sg_created_at_run_time(ref, a, created_after) &&
				 !sg_resolved_before(before, a->tg, ref)))
				continue;
			slot.tg = a->tg;
			slot.line = ref->line;
			slot.cls = sg_slot_class(ref);
			if (sg_slot_member(baseline, &slot))
				continue;
			cause = sg_cause(ref, old, a, touched, created_names, &why);
			if (cause == NULL)
			{
				SgSlot	   *s = palloc(sizeof(SgSlot));

				*s = slot;
				broken_before = lappend(broken_before, s);
				continue;
			}
			b = palloc0(sizeof(SgBreak));
			b->fn = fn;
			b->slot = slot;
			b->text = sg_describe_break(fn, a->tg, ref, old, touched, cause,
										why);
			b->why = why;
			breaks = lappend(breaks, b);
			*break_lines = list_append_unique(*break_lines,
											  makeString(b->text));
		}
	}

	/*
	 * Statements that fail for no change the command made were broken
	 * before it, by a change the catalog missed: they count as broken
	 * before, unless the command broke them too.
	 */
	foreach(lc, broken_before)
	{
		bool		broke = false;

		foreach(lc2, breaks)
		{
			SgSlot	   *s = &((SgBreak *) lfirst(lc2))->slot;

			if (sg_slot_member(list_make1(s), (SgSlot *) lfirst(lc)))
				broke = true;
		}
		if (!broke)
			baseline = lappend(baseline, lfirst(lc));
	}

	if (breaks == NIL)
		return NULL;
	found = palloc(sizeof(SgFound));
	found->fn = fn;
	found->baseline = baseline;
	found->breaks = breaks;
	return found;
}

static char
sg_slot_class(SgRef *ref)
{
	return (ref->check != NULL && strcmp(ref->check, SG_CHECK_NOT_NULL) == 0) ?
		'n' : 's';
}

/*
 * The error slots of a function's analyses.  For a baseline (what was
 * broken before a command), statements whose record fields could not be
 * verified count too: a record filled by a statement that failed is not
 * typed, and once that statement is repaired, a field error appearing
 * further down was there all along, not made by the command.
 */
static List *
sg_error_slots(List *analyses, List *created_names, bool baseline)
{
	List	   *slots = NIL;
	ListCell   *lc;

	foreach(lc, analyses)
	{
		SgAnalysis *a = (SgAnalysis *) lfirst(lc);
		ListCell   *lc2;

		foreach(lc2, a->refs)
		{
			SgRef	   *ref = (SgRef *) lfirst(lc2);
			SgSlot	   *slot;

			if ((ref->severity != SG_ERROR ||
				 sg_created_at_run_time(ref, a, created_names)) &&
				!(baseline && ref->check != NULL &&
				  (strcmp(ref->check, SG_CHECK_RECORD_TYPE) == 0 ||
				   strcmp(ref->check, SG_CHECK_RECORD_FIELD) == 0)))
				continue;
			slot = palloc(sizeof(SgSlot));
			slot->tg = a->tg;
			slot->line = ref->line;
			slot->cls = sg_slot_class(ref);
			slots = lappend(slots, slot);
		}
	}
	return slots;
}

static bool
sg_slot_member(List *slots, SgSlot *slot)
{
	ListCell   *lc;

	foreach(lc, slots)
	{
		SgSlot	   *s = (SgSlot *) lfirst(lc);

		if (s->tg == slot->tg && s->line == slot->line && s->cls == slot->cls)
			return true;
	}
	return false;
}

/*
 * A routine's signature as PostgreSQL's messages print it: the qualified
 * name, and the argument types as format_type_be() prints them here
 * (built-in types unqualified, others qualified): "public.f(integer,text)".
 * An argument type that old_unit, the routine's stored analysis, knew by
 * another name (the command renamed or moved it) keeps that name, so that
 * the routine is named as it was before the command.
 */
static char *
sg_routine_text(Oid fn, SgAnalysis *old_unit)
{
	HeapTuple	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(fn));
	Form_pg_proc proc;
	StringInfoData buf;
	int			i;

	if (!HeapTupleIsValid(tup))
		return sg_function_identity(fn);
	proc = (Form_pg_proc) GETSTRUCT(tup);
	initStringInfo(&buf);
	appendStringInfo(&buf, "%s(",
					 quote_qualified_identifier(get_namespace_name(proc->pronamespace),
												NameStr(proc->proname)));
	for (i = 0; i < proc->pronargs; i++)
	{
		Oid			argtype = proc->proargtypes.values[i];
		const char *text = NULL;
		ListCell   *lc;

		if (old_unit != NULL)
		{
			foreach(lc, old_unit->refs)
			{
				SgRef	   *ref = (SgRef *) lfirst(lc);

				if (ref->kind == SG_KIND_TYPE && ref->written != NULL &&
					ref->target.classId == TypeRelationId &&
					ref->target.objectId == argtype)
					text = ref->written;
			}
		}
		if (i > 0)
			appendStringInfoChar(&buf, ',');
		appendStringInfoString(&buf, text ? text : format_type_be(argtype));
	}
	appendStringInfoChar(&buf, ')');
	ReleaseSysCache(tup);
	return buf.data;
}

/*
 * A stored function reference ("public.f(pg_catalog.text)", the identity
 * PostgreSQL's pg_identify_object() gives) printed as sg_routine_text()
 * prints: without the pg_catalog qualification of argument types.
 */
static char *
sg_signature_text(const char *identity)
{
	StringInfoData buf;
	const char *p = identity;
	bool		quoted = false;

	if (identity == NULL)
		return "?";
	initStringInfo(&buf);
	while (*p != '\0')
	{
		char		c = *p++;

		appendStringInfoChar(&buf, c);
		if (c == '"')
			quoted = !quoted;
		else if (!quoted && (c == '(' || c == ',') &&
				 strncmp(p, "pg_catalog.", 11) == 0)
			p += 11;
	}
	return buf.data;
}

/* "Function public.f() line 3" */
static char *
sg_unit_prefix(Oid fn, int line, SgAnalysis *old_unit)
{
	char		prokind = get_func_prokind(fn);
	const char *what = prokind == PROKIND_PROCEDURE ? "Procedure" : "Function";

	if (line > 0)
		return psprintf("%s %s line %d", what, sg_routine_text(fn, old_unit),
						line);
	return psprintf("%s %s", what, sg_routine_text(fn, old_unit));
}

/* "; it runs from trigger t on table public.x" */
static char *
sg_trigger_suffix(Oid tg)
{
	char	   *identity;

	if (!OidIsValid(tg))
		return "";
	identity = sg_trigger_identity(tg);
	if (identity == NULL)
		return "";
	return psprintf("; it runs from trigger %s", identity);
}

static const char *
sg_access_verb(char access, char kind)
{
	switch (access)
	{
		case SG_ACCESS_READ:
			return "reads";
		case SG_ACCESS_INSERT:
			return "inserts into";
		case SG_ACCESS_UPDATE:
			return kind == SG_KIND_RELATION ? "writes to" : "updates";
		case SG_ACCESS_DELETE:
			return "deletes from";
		case SG_ACCESS_CALL:
			return "calls";
		case SG_ACCESS_TYPE:
			return "uses the type of";
		case SG_ACCESS_TRIGGER:
			return "is a trigger on";
		default:
			return "uses";
	}
}

/* The namespace of an object a reference can target, or InvalidOid. */
static Oid
sg_object_namespace(const ObjectAddress *addr)
{
	switch (addr->classId)
	{
		case RelationRelationId:
			return get_rel_namespace(addr->objectId);
		case ProcedureRelationId:
			return get_func_namespace(addr->objectId);
		case TypeRelationId:
			return sg_type_namespace(addr->objectId);
		default:
			return InvalidOid;
	}
}

/*
 * Does a reference reach what the command touched: the object; for a
 * column, that column; for a relation, also its columns and row type; for
 * a schema, anything in it?
 */
static bool
sg_ref_targets(SgRef *ref, SgTouched *t)
{
	const ObjectAddress *target = &ref->target;

	if (!OidIsValid(target->objectId) || !OidIsValid(t->addr.objectId))
		return false;
	if (t->addr.classId == NamespaceRelationId)
		return sg_object_namespace(target) == t->addr.objectId ||
			(target->classId == NamespaceRelationId &&
			 target->objectId == t->addr.objectId);
	if (target->classId == t->addr.classId &&
		target->objectId == t->addr.objectId)
		return t->addr.objectSubId == 0 ||
			target->objectSubId == t->addr.objectSubId;
	return t->addr.classId == RelationRelationId &&
		t->addr.objectSubId == 0 && !t->dropped &&
		target->classId == TypeRelationId &&
		target->objectId == get_rel_type_id(t->addr.objectId);
}

/* SG_CHANGED_OBJECT: does the unit use the object? */
static bool
sg_unit_uses(SgAnalysis *unit, SgTouched *t, List *created_names)
{
	ListCell   *lc;
	ListCell   *lc2;

	/* a function whose own definition changed (ALTER FUNCTION ... SET) */
	if (t->addr.classId == ProcedureRelationId &&
		t->addr.objectId == unit->fn)
		return true;
	foreach(lc, unit->refs)
	{
		if (sg_ref_targets((SgRef *) lfirst(lc), t))
			return true;
	}

	/* a relation the function creates at run time, which it may no longer */
	if (t->addr.classId != ProcedureRelationId)
		return false;
	foreach(lc, created_names)
	{
		SgCreated  *c = (SgCreated *) lfirst(lc);

		if (c->fn != t->addr.objectId)
			continue;
		foreach(lc2, unit->refs)
		{
			SgRef	   *ref = (SgRef *) lfirst(lc2);

			if (ref->kind == SG_KIND_RELATION && ref->name != NULL &&
				strcmp(ref->name, c->name) == 0)
				return true;
		}
	}
	return false;
}

/*
 * Does a statement of the unit read every column the relation had before
 * the command (a "*"), on one line?  The columns the command named anew
 * (added, or renamed) are not asked for.
 */
static bool
sg_unit_reads_all_columns(SgAnalysis *unit, Oid relid, List *touched)
{
	List	   *required = NIL;
	Relation	rel;
	ListCell   *lc;
	ListCell   *lc2;
	ListCell   *lc3;
	int			i;

	rel = try_relation_open(relid, AccessShareLock);
	if (rel == NULL)
		return false;
	for (i = 0; i < RelationGetDescr(rel)->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(RelationGetDescr(rel), i);
		bool		named = false;

		if (att->attisdropped)
			continue;
		foreach(lc, touched)
		{
			SgTouched  *t = (SgTouched *) lfirst(lc);

			if ((t->changes & SG_CHANGED_NAME) &&
				t->addr.classId == RelationRelationId &&
				t->addr.objectId == relid &&
				t->addr.objectSubId == att->attnum)
				named = true;
		}
		if (!named)
			required = lappend_int(required, att->attnum);
	}
	relation_close(rel, AccessShareLock);
	if (required == NIL)
		return false;

	foreach(lc, unit->refs)
	{
		SgRef	   *line_ref = (SgRef *) lfirst(lc);
		bool		all = true;

		if (line_ref->kind != SG_KIND_COLUMN ||
			line_ref->access != SG_ACCESS_READ ||
			line_ref->target.objectId != relid)
			continue;
		foreach(lc2, required)
		{
			bool		read = false;

			foreach(lc3, unit->refs)
			{
				SgRef	   *ref = (SgRef *) lfirst(lc3);

				if (ref->kind == SG_KIND_COLUMN &&
					ref->access == SG_ACCESS_READ &&
					ref->line == line_ref->line &&
					ref->target.objectId == relid &&
					ref->target.objectSubId == lfirst_int(lc2))
					read = true;
			}
			if (!read)
			{
				all = false;
				break;
			}
		}
		if (all)
			return true;
	}
	return false;
}

/*
 * Does a line of the unit read, after the command, a column of the
 * relation it did not read before (a "*" that now has another column)?
 */
static bool
sg_unit_reads_new_columns(SgAnalysis *before, SgAnalysis *after, Oid relid)
{
	ListCell   *lc;
	ListCell   *lc2;

	foreach(lc, after->refs)
	{
		SgRef	   *ref = (SgRef *) lfirst(lc);
		bool		line_read = false;
		bool		read_before = false;

		if (ref->kind != SG_KIND_COLUMN || ref->access != SG_ACCESS_READ ||
			ref->target.objectId != relid)
			continue;
		foreach(lc2, before->refs)
		{
			SgRef	   *old = (SgRef *) lfirst(lc2);

			if (old->kind != SG_KIND_COLUMN || old->line != ref->line ||
				old->target.objectId != relid)
				continue;
			line_read = true;
			if (old->target.objectSubId == ref->target.objectSubId)
				read_before = true;
		}
		if (line_read && !read_before)
			return true;
	}
	return false;
}

/*
 * SG_CHANGED_COLUMNS: does the unit use the relation's columns as a whole,
 * through its row type or a "*"?
 */
static bool
sg_unit_uses_columns(SgAnalysis *before, SgAnalysis *after, SgTouched *t,
					 List *touched)
{
	Oid			relid = t->addr.objectId;
	Oid			reltype = get_rel_type_id(relid);
	bool		uses = false;
	ListCell   *lc;

	if (t->addr.classId != RelationRelationId || t->addr.objectSubId != 0)
		return false;
	foreach(lc, before->refs)
	{
		SgRef	   *ref = (SgRef *) lfirst(lc);

		if (ref->target.classId == RelationRelationId &&
			ref->target.objectId == relid)
		{
			if (ref->target.objectSubId == 0 && ref->access == SG_ACCESS_TYPE)
				return true;
			uses = true;
		}
		else if (OidIsValid(reltype) && ref->target.classId == TypeRelationId &&
				 ref->target.objectId == reltype)
			return true;
	}
	return uses && (sg_unit_reads_new_columns(before, after, relid) ||
					sg_unit_reads_all_columns(before, relid, touched));
}

/*
 * SG_CHANGED_NAME: does the name now mean something else to the unit:
 * where the statement fails, by a reference of it to another object (or
 * to none) by that name before the command, or (for other objects than
 * columns) by a reference to the object that has the name now, which it
 * did not reference before?
 */
static bool
sg_unit_names(SgRef *failure, SgAnalysis *before, SgAnalysis *after,
			  SgTouched *t)
{
	bool		targeted = false;
	ListCell   *lc;

	if (t->name == NULL)
		return false;
	if (failure->name != NULL && strcmp(failure->name, t->name) == 0)
		return true;
	foreach(lc, before->refs)
	{
		SgRef	   *ref = (SgRef *) lfirst(lc);

		if (sg_ref_targets(ref, t))
			targeted = true;
		else if (ref->name != NULL && strchr("rftw", ref->kind) != NULL &&
				 strcmp(ref->name, t->name) == 0)
			return true;
	}
	/* a new column that a statement reads now may come through a "*" */
	if (targeted || t->addr.objectSubId != 0)
		return false;
	foreach(lc, after->refs)
	{
		if (sg_ref_targets((SgRef *) lfirst(lc), t))
			return true;
	}
	return false;
}

/*
 * SG_CHANGED_INSERTS: is the failure an INSERT that misses this column?
 * An INSERT into a partitioned table reaches the triggers of its
 * partitions.
 */
static bool
sg_misses_not_null(SgRef *failure, SgTouched *t)
{
	Oid			table = t->addr.classId == RelationRelationId ?
		t->addr.objectId : t->table;

	if (failure->check == NULL ||
		strcmp(failure->check, SG_CHECK_NOT_NULL) != 0 || !OidIsValid(table))
		return false;
	if (failure->target.objectId != table &&
		!(t->addr.classId == TriggerRelationId &&
		  get_rel_relispartition(table) &&
		  list_member_oid(get_partition_ancestors(table),
						  failure->target.objectId)))
		return false;
	return t->addr.classId != RelationRelationId ||
		t->addr.objectSubId == 0 ||
		failure->target.objectSubId == t->addr.objectSubId;
}

/* SG_CHANGED_WRITES: does the unit write to the relation? */
static bool
sg_unit_writes(SgAnalysis *unit, SgTouched *t)
{
	ListCell   *lc;

	foreach(lc, unit->refs)
	{
		SgRef	   *ref = (SgRef *) lfirst(lc);

		if ((ref->access == SG_ACCESS_INSERT ||
			 ref->access == SG_ACCESS_UPDATE ||
			 ref->access == SG_ACCESS_DELETE) &&
			sg_ref_targets(ref, t))
			return true;
	}
	return false;
}

/* sg_cause() within the references of a unit's analyses before and after */
static SgTouched *
sg_cause_in(SgRef *failure, SgAnalysis *before, SgAnalysis *after,
			List *touched, List *created_names, int *why)
{
	ListCell   *lc;

	foreach(lc, touched)
	{
		SgTouched  *t = (SgTouched *) lfirst(lc);

		*why = SG_CHANGED_INSERTS;
		if ((t->changes & SG_CHANGED_INSERTS) && sg_misses_not_null(failure, t))
			return t;
	}
	foreach(lc, touched)
	{
		SgTouched  *t = (SgTouched *) lfirst(lc);

		*why = SG_CHANGED_OBJECT;
		if ((t->changes & SG_CHANGED_OBJECT) &&
			sg_unit_uses(before, t, created_names))
			return t;
	}
	foreach(lc, touched)
	{
		SgTouched  *t = (SgTouched *) lfirst(lc);

		*why = SG_CHANGED_NAME;
		if ((t->changes & SG_CHANGED_NAME) &&
			sg_unit_names(failure, before, after, t))
			return t;
	}
	foreach(lc, touched)
	{
		SgTouched  *t = (SgTouched *) lfirst(lc);

		*why = SG_CHANGED_COLUMNS;
		if ((t->changes & SG_CHANGED_COLUMNS) &&
			sg_unit_uses_columns(before, after, t, touched))
			return t;
	}
	foreach(lc, touched)
	{
		SgTouched  *t = (SgTouched *) lfirst(lc);

		*why = SG_CHANGED_WRITES;
		if ((t->changes & SG_CHANGED_WRITES) && sg_unit_writes(before, t))
			return t;
	}
	*why = 0;
	return NULL;
}

/* An analysis with only the references of one line. */
static SgAnalysis *
sg_line_of(SgAnalysis *unit, int line)
{
	SgAnalysis *result = palloc(sizeof(SgAnalysis));
	ListCell   *lc;

	*result = *unit;
	result->refs = NIL;
	foreach(lc, unit->refs)
	{
		if (((SgRef *) lfirst(lc))->line == line)
			result->refs = lappend(result->refs, lfirst(lc));
	}
	return result;
}

/*
 * Can a failure come from another statement, through a variable (a record
 * filled from a table, a variable declared with a column's %TYPE)?  Not
 * one that says a relation or type the statement names does not exist, or
 * that a name it spells is ambiguous.
 */
static bool
sg_failure_may_flow(SgRef *failure)
{
	return failure->check == NULL ||
		(strcmp(failure->check, SG_CHECK_MISSING_RELATION) != 0 &&
		 strcmp(failure->check, SG_CHECK_MISSING_TYPE) != 0 &&
		 strcmp(failure->check, SG_CHECK_AMBIGUOUS) != 0);
}

/*
 * Why a statement that fails after the command, and did not before by the
 * stored analysis of its unit ("before"), fails: the change the command
 * made that the statement depends on, and in *why which of its changes
 * (SG_CHANGED_*).  NULL if none: the statement was broken already, by a
 * change the catalog missed (the event triggers were disabled, say), and
 * the command did not break it.
 *
 * A statement depends on what its own line references, and, for failures
 * that can come through variables, on what the rest of its unit does.
 */
static SgTouched *
sg_cause(SgRef *failure, SgAnalysis *before, SgAnalysis *after,
		 List *touched, List *created_names, int *why)
{
	SgTouched  *cause;

	cause = sg_cause_in(failure, sg_line_of(before, failure->line),
						sg_line_of(after, failure->line), touched,
						created_names, why);
	if (cause == NULL && sg_failure_may_flow(failure))
		cause = sg_cause_in(failure, before, after, touched, created_names,
							why);
	return cause;
}

/*
 * The reference on the failing line that best says what broke: one to an
 * object the command changed in one of the ways "changes" says.
 */
static SgRef *
sg_best_reference(SgAnalysis *old_unit, int line, List *touched, int changes,
				  SgTouched **best_touched)
{
	SgRef	   *best = NULL;
	int			best_score = -1;
	ListCell   *lc;
	ListCell   *lc2;

	*best_touched = NULL;
	foreach(lc, old_unit->refs)
	{
		SgRef	   *ref = (SgRef *) lfirst(lc);

		if (ref->severity != SG_OK || ref->line != line ||
			!OidIsValid(ref->target.objectId) ||
			ref->access == SG_ACCESS_TRIGGER)
			continue;
		foreach(lc2, touched)
		{
			SgTouched  *t = (SgTouched *) lfirst(lc2);
			int			score;

			if (!(t->changes & changes) || !sg_ref_targets(ref, t))
				continue;

			/*
			 * Prefer a reference at the level the command touched: the
			 * column for a dropped or altered column, the table for a
			 * dropped table, the object itself for a renamed schema; and a
			 * use over a declaration.
			 */
			if (t->addr.objectSubId != 0)
				score = 4;
			else if (ref->target.objectSubId == 0)
				score = 2;
			else
				score = 0;
			if (ref->access != SG_ACCESS_TYPE)
				score++;
			if (score > best_score)
			{
				best = ref;
				best_score = score;
				*best_touched = t;
			}
		}
	}
	return best;
}

/*
 * The error a statement gets now, to say what is wrong with what it uses
 * when that still exists ("operator does not exist: integer = text"), or
 * NULL when the error says only that something is missing or does not
 * compile: what the statement uses says that better, unless "always" (a
 * name that means something else now, which the error is about).
 */
static char *
sg_failure_explanation(SgRef *failure, bool always)
{
	static const char *const explaining[] = {
		SG_CHECK_TYPE_MISMATCH, SG_CHECK_AMBIGUOUS, SG_CHECK_INVALID_VALUE,
		SG_CHECK_INVALID_STATEMENT, SG_CHECK_RECORD_FIELD
	};
	int			i;

	for (i = 0; i < lengthof(explaining) && !always; i++)
	{
		if (failure->check != NULL && strcmp(failure->check, explaining[i]) == 0)
			always = true;
	}
	if (always && failure->message != NULL)
	{
		char	   *text = pstrdup(failure->message);
		size_t		len = strlen(text);

		/* the sentence ends where the caller says */
		while (len > 0 && text[len - 1] == '.')
			text[--len] = '\0';
		return text;
	}
	return NULL;
}

/* The first reference on a line, to name what a statement uses. */
static SgRef *
sg_first_reference(SgAnalysis *old_unit, int line, const char *name)
{
	SgRef	   *best = NULL;
	ListCell   *lc;

	foreach(lc, old_unit->refs)
	{
		SgRef	   *ref = (SgRef *) lfirst(lc);

		if (ref->severity != SG_OK || ref->line != line ||
			!OidIsValid(ref->target.objectId) ||
			ref->access == SG_ACCESS_TRIGGER)
			continue;
		if (name != NULL &&
			(ref->name == NULL || strchr("rftw", ref->kind) == NULL ||
			 strcmp(ref->name, name) != 0))
			continue;
		if (best == NULL ||
			(best->kind == SG_KIND_COLUMN && ref->kind != SG_KIND_COLUMN))
			best = ref;
	}
	return best;
}

/* What a reference does, in words: "reads column public.t.a". */
static char *
sg_describe_use(SgRef *ref, SgTouched *t)
{
	const char *type = (t != NULL && t->addr.objectSubId == 0 &&
						t->addr.classId != NamespaceRelationId && t->type) ?
	t->type : NULL;

	if (ref->kind == SG_KIND_FIELD)
		return psprintf("%s %s",
						ref->access == SG_ACCESS_UPDATE ? "assigns" : "reads",
						ref->written);
	if (ref->kind == SG_KIND_COLUMN)
		return psprintf("%s column %s",
						ref->access == SG_ACCESS_TYPE ? "uses the type of" :
						sg_access_verb(ref->access, ref->kind),
						ref->written);
	if (ref->kind == SG_KIND_FUNCTION)
		return psprintf("calls %s %s", type ? type : "function",
						sg_signature_text(ref->written));
	if (ref->kind == SG_KIND_TYPE)
		return psprintf("uses %s %s", type ? type : "type", ref->written);
	if (ref->kind == SG_KIND_OBJECT)
		return psprintf("uses %s %s",
						t != NULL && t->type ? t->type : "object", ref->written);
	if (ref->access == SG_ACCESS_TYPE)
		return psprintf("uses the row type of %s %s",
						type ? type : "relation", ref->written);
	if (type != NULL && strcmp(type, "sequence") == 0)
		return psprintf("uses sequence %s", ref->written);
	return psprintf("%s %s %s", sg_access_verb(ref->access, ref->kind),
					type ? type : "relation", ref->written);
}

/*
 * Say what a broken statement does with what the command changed:
 * "Function public.f() line 2 inserts into table public.jobs; it runs from
 * trigger t on public.docs."  When what it uses still exists, the error
 * it gets now says what is wrong with it.
 */
static char *
sg_describe_break(Oid fn, Oid tg, SgRef *failure, SgAnalysis *old_unit,
				  List *touched, SgTouched *cause, int why)
{
	SgTouched  *t = NULL;
	SgRef	   *best;
	char	   *what = NULL;
	char	   *explanation;

	switch (why)
	{
		case SG_CHANGED_INSERTS:
			{
				ObjectAddress table = failure->target;
				char	   *identity;

				table.objectSubId = 0;
				identity = sg_object_identity(&table);
				what = psprintf("inserts into table %s without a value for NOT NULL column %s",
								identity ? identity : "?",
								quote_identifier(failure->name ? failure->name : "?"));
			}
			break;
		case SG_CHANGED_COLUMNS:
			best = sg_best_reference(old_unit, failure->line, list_make1(cause),
									 SG_CHANGED_COLUMNS, &t);
			if (best != NULL)
				what = psprintf("%s %s %s",
								best->access == SG_ACCESS_TYPE ?
								"uses the row type of" : "reads all columns of",
								cause->type ? cause->type : "relation",
								sg_object_identity(&cause->addr));
			break;
		case SG_CHANGED_NAME:
			best = sg_first_reference(old_unit, failure->line, cause->name);
			if (best != NULL)
				what = psprintf("%s, and \"%s\" now also names %s",
								sg_describe_use(best, NULL), cause->name,
								getObjectDescription(&cause->addr, false));
			else
				what = psprintf("uses the name \"%s\", which now also names %s",
								cause->name,
								getObjectDescription(&cause->addr, false));
			break;
		default:
			best = sg_best_reference(old_unit, failure->line, touched, why,
									 &t);

			/* a function whose own definition changed: what it uses */
			if (best == NULL && cause->addr.classId == ProcedureRelationId &&
				cause->addr.objectId == fn)
				best = sg_first_reference(old_unit, failure->line, NULL);
			if (best != NULL)
				what = sg_describe_use(best, t);
			break;
	}
	if (what == NULL)
		what = psprintf("fails: %s", failure->message);
	else if ((explanation = sg_failure_explanation(failure,
													why == SG_CHANGED_NAME)) != NULL)
		what = psprintf("%s: %s", what, explanation);

	return psprintf("%s %s%s.", sg_unit_prefix(fn, failure->line, old_unit),
					what,
					sg_trigger_suffix(tg));
}

/*
 * DETAIL text: one sentence a line, at most SG_MAX_DETAIL_LINES.  If the
 * change was made ("kept"), validate() lists the rest; if it was refused,
 * nothing was stored, and dependents() says what uses an object.
 */
static char *
sg_detail(List *lines, bool kept)
{
	StringInfoData buf;
	ListCell   *lc;
	int			n = 0;

	initStringInfo(&buf);
	foreach(lc, lines)
	{
		if (n == SG_MAX_DETAIL_LINES)
		{
			appendStringInfo(&buf, kept ?
							 "\nand %d more (schema_guard.validate() lists them all)." :
							 "\nand %d more (schema_guard.dependents() lists the functions that use an object).",
							 list_length(lines) - n);
			break;
		}
		if (n > 0)
			appendStringInfoChar(&buf, '\n');
		appendStringInfoString(&buf, strVal(lfirst(lc)));
		n++;
	}
	return buf.data;
}

/* The object type a parse tree names, as a word. */
static const char *
sg_object_word(ObjectType type)
{
	switch (type)
	{
		case OBJECT_TABLE:
			return "table";
		case OBJECT_VIEW:
			return "view";
		case OBJECT_MATVIEW:
			return "materialized view";
		case OBJECT_FOREIGN_TABLE:
			return "foreign table";
		case OBJECT_SEQUENCE:
			return "sequence";
		case OBJECT_FUNCTION:
			return "function";
		case OBJECT_PROCEDURE:
			return "procedure";
		case OBJECT_ROUTINE:
			return "routine";
		case OBJECT_AGGREGATE:
			return "aggregate";
		case OBJECT_TYPE:
			return "type";
		case OBJECT_DOMAIN:
			return "domain";
		case OBJECT_SCHEMA:
			return "schema";
		case OBJECT_COLUMN:
			return "column";
		case OBJECT_TRIGGER:
			return "trigger";
		case OBJECT_EXTENSION:
			return "extension";
		case OBJECT_FOREIGN_SERVER:
			return "server";
		case OBJECT_FDW:
			return "foreign-data wrapper";
		case OBJECT_ATTRIBUTE:
			return "attribute";
		case OBJECT_INDEX:
			return "index";
		case OBJECT_OPERATOR:
			return "operator";
		case OBJECT_CAST:
			return "cast";
		case OBJECT_COLLATION:
			return "collation";
		case OBJECT_CONVERSION:
			return "conversion";
		case OBJECT_LANGUAGE:
			return "language";
		case OBJECT_ROLE:
			return "role";
		case OBJECT_TSCONFIGURATION:
			return "text search configuration";
		case OBJECT_TSDICTIONARY:
			return "text search dictionary";
		case OBJECT_RULE:
			return "rule";
		default:
			return "object";
	}
}

/*
 * The last name of an object a DROP, RENAME or SET SCHEMA names.  The
 * parse tree holds a TypeName, an ObjectWithArgs, a list of names or a
 * single name, depending on the statement and object type.
 */
static const char *
sg_object_name(Node *object)
{
	if (object == NULL)
		return "?";
	switch (nodeTag(object))
	{
		case T_ObjectWithArgs:
			return strVal(llast(((ObjectWithArgs *) object)->objname));
		case T_TypeName:
			return strVal(llast(((TypeName *) object)->names));
		case T_String:
			return strVal(object);
		case T_List:
			if (list_length((List *) object) > 0 &&
				IsA(llast((List *) object), String))
				return strVal(llast((List *) object));
			return "?";
		default:
			return "?";
	}
}

/* The plural of an object type word. */
static char *
sg_plural(const char *word)
{
	size_t		len = strlen(word);

	if (len > 0 && (word[len - 1] == 's' || word[len - 1] == 'x'))
		return psprintf("%ses", word);
	return psprintf("%ss", word);
}

/*
 * What functions do that the command breaks, from the changes that broke
 * them (SG_CHANGED_* bits of every break), when the command does not say.
 */
static const char *
sg_reason(int causes)
{
	if (causes == SG_CHANGED_INSERTS)
		return "insert rows without a value for a NOT NULL column";
	if (causes == SG_CHANGED_NAME)
		return "use that name";
	if (causes == SG_CHANGED_COLUMNS)
		return "use all of its columns";
	if (causes == SG_CHANGED_WRITES)
		return "write through it";
	return "use it";
}

/*
 * The object a command reports first (not one it dropped, nor a column),
 * as 'table "t"', for commands whose parse tree does not say it.
 */
static char *
sg_reported_object(List *touched)
{
	ListCell   *lc;

	foreach(lc, touched)
	{
		SgTouched  *t = (SgTouched *) lfirst(lc);
		char	   *name;

		if (t->tag == NULL || t->dropped || t->addr.objectSubId != 0 ||
			t->type == NULL || (name = sg_touched_name(t)) == NULL)
			continue;
		return psprintf("%s \"%s\"", t->type, name);
	}
	return NULL;
}

/*
 * What the command does, in the words of PostgreSQL's own refusal of a
 * drop ("cannot drop table "jobs" because functions use it"): the verb,
 * the object, and what functions do with it.  causes are the SG_CHANGED_*
 * bits of the breaks.
 */
static SgMessage
sg_command_message(Node *parsetree, CommandTag tag, List *touched,
				   int causes)
{
	SgMessage	m;

	m.verb = "alter";
	m.object = NULL;
	m.reason = sg_reason(causes);
	switch (parsetree != NULL ? nodeTag(parsetree) : T_Invalid)
	{
		case T_DropStmt:
			{
				DropStmt   *stmt = (DropStmt *) parsetree;

				m.verb = "drop";
				if (list_length(stmt->objects) == 1)
				{
					m.object = psprintf("%s \"%s\"",
										sg_object_word(stmt->removeType),
										sg_object_name(linitial(stmt->objects)));
					if (causes != SG_CHANGED_INSERTS)
						m.reason = "use it";
				}
				else
				{
					m.object = psprintf("these %s",
										sg_plural(sg_object_word(stmt->removeType)));
					if (causes != SG_CHANGED_INSERTS)
						m.reason = "use them";
				}
				return m;
			}
		case T_DropOwnedStmt:
			m.verb = "drop";
			m.object = pstrdup("the objects owned by these roles");
			m.reason = "use them";
			return m;
		case T_AlterTableStmt:
			{
				AlterTableStmt *stmt = (AlterTableStmt *) parsetree;
				const char *rel = stmt->relation->relname;
				bool		type = stmt->objtype == OBJECT_TYPE;
				const char *col = type ? "attribute" : "column";
				const char *tab = type ? "type" : "table";

				m.object = psprintf("%s \"%s\"", sg_object_word(stmt->objtype),
									rel);
				if (list_length(stmt->cmds) != 1)
					return m;
				{
					AlterTableCmd *cmd = linitial_node(AlterTableCmd, stmt->cmds);

					switch (cmd->subtype)
					{
						case AT_DropColumn:
							m.verb = "drop";
							m.object = psprintf("%s \"%s\" of %s \"%s\"",
												col, cmd->name, tab, rel);
							m.reason = "use it";
							break;
						case AT_AlterColumnType:
							m.verb = "change";
							m.object = psprintf("the type of %s \"%s\" of %s \"%s\"",
												col, cmd->name, tab, rel);
							m.reason = "use it";
							break;
						case AT_AddColumn:
							m.verb = "add";
							m.object = psprintf("%s \"%s\" to %s \"%s\"", col,
												castNode(ColumnDef, cmd->def)->colname,
												tab, rel);
							m.reason = causes == SG_CHANGED_INSERTS ?
								"insert into the table without it" :
								causes == SG_CHANGED_NAME ? "use that name" :
								causes == SG_CHANGED_COLUMNS ?
								"use all of its columns" : "use the table";
							break;
						case AT_SetNotNull:
							m.verb = "make";
							m.object = psprintf("column \"%s\" of table \"%s\" NOT NULL",
												cmd->name, rel);
							m.reason = "insert into the table without it";
							break;
						case AT_DropConstraint:
							m.verb = "drop";
							m.object = psprintf("constraint \"%s\" of %s \"%s\"",
												cmd->name, tab, rel);
							m.reason = "use it";
							break;
						case AT_EnableRule:
						case AT_EnableAlwaysRule:
						case AT_EnableReplicaRule:
						case AT_DisableRule:
							m.verb = cmd->subtype == AT_DisableRule ?
								"disable" : "enable";
							m.object = psprintf("rule \"%s\" of table \"%s\"",
												cmd->name, rel);
							m.reason = "write to the table";
							break;
						case AT_AddIdentity:
							m.verb = "make";
							m.object = psprintf("column \"%s\" of table \"%s\" an identity column",
												cmd->name, rel);
							m.reason = "give it a value";
							break;
						case AT_SetIdentity:
							m.verb = "change";
							m.object = psprintf("the identity column \"%s\" of table \"%s\"",
												cmd->name, rel);
							m.reason = "give it a value";
							break;
						case AT_ColumnDefault:
							if (cmd->def != NULL)
								break;
							m.verb = "drop";
							m.object = psprintf("the default of column \"%s\" of table \"%s\"",
												cmd->name, rel);
							m.reason = "insert into the table without it";
							break;
						default:
							break;
					}
				}
				return m;
			}
		case T_RenameStmt:
			{
				RenameStmt *stmt = (RenameStmt *) parsetree;

				m.verb = "rename";
				m.reason = "use it";
				if (stmt->renameType == OBJECT_COLUMN && stmt->relation)
					m.object = psprintf("column \"%s\" of %s \"%s\"",
										stmt->subname,
										sg_object_word(stmt->relationType),
										stmt->relation->relname);
				else if (stmt->renameType == OBJECT_ATTRIBUTE && stmt->relation)
					m.object = psprintf("attribute \"%s\" of type \"%s\"",
										stmt->subname, stmt->relation->relname);
				else if (stmt->renameType == OBJECT_TABCONSTRAINT && stmt->relation)
					m.object = psprintf("constraint \"%s\" of table \"%s\"",
										stmt->subname, stmt->relation->relname);
				else if (stmt->relation != NULL)
					m.object = psprintf("%s \"%s\"",
										sg_object_word(stmt->renameType),
										stmt->relation->relname);
				else if (stmt->renameType == OBJECT_SCHEMA)
				{
					m.object = psprintf("schema \"%s\"", stmt->subname);
					m.reason = "use objects in it";
				}
				else
					m.object = psprintf("%s \"%s\"",
										sg_object_word(stmt->renameType),
										sg_object_name(stmt->object));
				return m;
			}
		case T_CreateFunctionStmt:
			{
				CreateFunctionStmt *stmt = (CreateFunctionStmt *) parsetree;

				m.verb = stmt->replace && causes != SG_CHANGED_NAME ?
					"replace" : "create";
				m.object = psprintf("%s \"%s\"",
									stmt->is_procedure ? "procedure" : "function",
									strVal(llast(stmt->funcname)));
				if (causes == SG_CHANGED_NAME)
					m.reason = "call another function of that name";
				return m;
			}
		case T_AlterEnumStmt:
			{
				AlterEnumStmt *stmt = (AlterEnumStmt *) parsetree;

				if (stmt->oldVal == NULL)
					break;
				m.verb = "rename";
				m.object = psprintf("value \"%s\" of type \"%s\"",
									stmt->oldVal, strVal(llast(stmt->typeName)));
				m.reason = "use it";
				return m;
			}
		case T_AlterObjectSchemaStmt:
			{
				AlterObjectSchemaStmt *stmt = (AlterObjectSchemaStmt *) parsetree;

				m.verb = "move";
				m.object = psprintf("%s \"%s\" to schema \"%s\"",
									sg_object_word(stmt->objectType),
									stmt->relation ? stmt->relation->relname :
									sg_object_name(stmt->object),
									stmt->newschema);
				m.reason = "use it";
				return m;
			}
		case T_AlterExtensionStmt:
			m.verb = "update";
			m.object = psprintf("extension \"%s\"",
								((AlterExtensionStmt *) parsetree)->extname);
			m.reason = "use what the update changes";
			return m;
		case T_ViewStmt:
			/* a new view, or one replaced by a view with more columns */
			m.verb = ((ViewStmt *) parsetree)->replace &&
				causes != SG_CHANGED_NAME ? "replace" : "create";
			break;
		case T_RuleStmt:
			{
				RuleStmt   *stmt = (RuleStmt *) parsetree;

				m.verb = "create";
				m.object = psprintf("rule \"%s\" on \"%s\"", stmt->rulename,
									stmt->relation->relname);
				m.reason = "write to it";
				return m;
			}
		case T_CommentStmt:
			m.verb = "comment on";
			break;
		case T_AlterFunctionStmt:
			/* its own body, as likely as its callers */
			m.reason = NULL;
			break;
		default:
			if (strncmp(GetCommandTagName(tag), "CREATE ", 7) == 0)
				m.verb = "create";
			break;
	}
	m.object = sg_reported_object(touched);
	if (m.object == NULL)
	{
		m.verb = "execute";
		m.object = pstrdup(GetCommandTagName(tag));
		m.reason = NULL;
	}
	return m;
}

/* "cannot drop table "t" because functions use it" */
static char *
sg_refusal(SgMessage *m)
{
	if (m->reason == NULL)
		return psprintf("cannot %s %s because it would break functions",
						m->verb, m->object);
	return psprintf("cannot %s %s because functions %s", m->verb, m->object,
					m->reason);
}

/*
 * "dropping table "t" breaks functions that use it": the command went on
 * (schema_guard.mode = warn, or a transaction that may fix them).
 */
static char *
sg_breaking(SgMessage *m)
{
	static const char *const gerunds[][2] = {
		{"drop", "dropping"}, {"rename", "renaming"}, {"move", "moving"},
		{"create", "creating"}, {"replace", "replacing"},
		{"alter", "altering"}, {"add", "adding"}, {"change", "changing"},
		{"make", "making"}, {"update", "updating"},
		{"disable", "disabling"}, {"enable", "enabling"},
		{"comment on", "commenting on"}, {"execute", "executing"}
	};
	const char *gerund = m->verb;
	int			i;

	for (i = 0; i < lengthof(gerunds); i++)
	{
		if (strcmp(gerunds[i][0], m->verb) == 0)
			gerund = gerunds[i][1];
	}
	if (m->reason == NULL)
		return psprintf("%s %s breaks functions", gerund, m->object);
	return psprintf("%s %s breaks functions that %s", gerund, m->object,
					m->reason);
}

/*
 * Lock what a new body references, so that concurrent DDL that drops,
 * renames or moves it either waits for this transaction (and then finds
 * the new function in the catalog) or has committed before the lock is
 * granted: then its invalidation messages arrived (as RangeVarGetRelid()
 * relies on too), and the body, which may have resolved a name that now
 * means something else, is analysed again, until nothing changed while it
 * was being analysed and locked.  inval_count is SharedInvalidMessageCounter
 * before the analysis.  Returns whether the body was analysed again.
 */
static bool
sg_lock_references(List **analyses, Oid fn, uint64 inval_count)
{
	bool		again = false;

	for (;;)
	{
		ListCell   *lc;
		ListCell   *lc2;

		foreach(lc, *analyses)
		{
			foreach(lc2, ((SgAnalysis *) lfirst(lc))->refs)
			{
				SgRef	   *ref = (SgRef *) lfirst(lc2);
				Oid			objid = ref->target.objectId;

				if (ref->severity != SG_OK || !OidIsValid(objid) ||
					ref->access == SG_ACCESS_CREATE)
					continue;
				if (ref->target.classId == RelationRelationId)
					LockRelationOid(objid, AccessShareLock);
				else if (ref->target.classId == ProcedureRelationId ||
						 ref->target.classId == TypeRelationId)
					LockDatabaseObject(ref->target.classId, objid, 0,
									   AccessShareLock);
			}
		}
		if (inval_count == SharedInvalidMessageCounter)
			return again;
		inval_count = SharedInvalidMessageCounter;
		*analyses = sg_analyze_function(fn, sg_default_session_path(fn));
		again = true;
	}
}

/*
 * The other side of sg_lock_references(): functions and types the command
 * renames, moves or alters, which PostgreSQL itself does not always lock
 * (ALTER TYPE ... RENAME does not), are locked against the creators of
 * bodies that use them before their users are looked up.  Dropped objects
 * are locked by the DROP already; created and replaced ones are not
 * locked, or a restore or migration that creates many functions in one
 * transaction would hold a lock for each.
 */
static void
sg_lock_changed(List *touched)
{
	ListCell   *lc;

	foreach(lc, touched)
	{
		SgTouched  *t = (SgTouched *) lfirst(lc);

		if (!t->dropped && (t->changes & SG_CHANGED_OBJECT) &&
			(t->addr.classId == ProcedureRelationId ||
			 t->addr.classId == TypeRelationId) &&
			(t->tag == NULL || strncmp(t->tag, "CREATE ", 7) != 0))
			LockDatabaseObject(t->addr.classId, t->addr.objectId, 0,
							   AccessExclusiveLock);
	}
}

/*
 * What the command broke: refused at once, or (in a transaction block, or
 * run by a DO block or a function) a WARNING now and the verdict when the
 * transaction commits; a WARNING only with schema_guard.mode = warn.
 */
static void
sg_report_breaks(EventTriggerData *trigdata, List *touched, List *lines,
				 List *found)
{
	SgMessage	m;
	char	   *message;
	int			causes = 0;
	ListCell   *lc;
	ListCell   *lc2;

	foreach(lc, found)
	{
		foreach(lc2, ((SgFound *) lfirst(lc))->breaks)
			causes |= ((SgBreak *) lfirst(lc2))->why;
	}
	m = sg_command_message(trigdata->parsetree, trigdata->tag, touched,
						   causes);
	message = sg_refusal(&m);

	if (sg_mode == SG_MODE_WARN)
		ereport(WARNING,
				(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
				 errmsg("%s", sg_breaking(&m)),
				 errdetail("%s", sg_detail(lines, true)),
				 errhint("schema_guard.mode is \"warn\", so the change was made; schema_guard.validate() lists what is broken.")));
	else if (!sg_fixable_later(trigdata->parsetree))
		ereport(ERROR,
				(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
				 errmsg("%s", message),
				 errdetail("%s", sg_detail(lines, false)),
				 errhint("Change or drop these functions first, or make the change and fix them in one transaction. To break them on purpose, a superuser can SET schema_guard.mode = warn.")));
	else
	{
		ereport(WARNING,
				(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
				 errmsg("%s", sg_breaking(&m)),
				 errdetail("%s", sg_detail(lines, true)),
				 IsTransactionBlock() ?
				 errhint("The transaction will be refused at COMMIT unless these functions are fixed before then.") :
				 errhint("The statement will be refused when it ends unless these functions are fixed before then.")));
		foreach(lc, found)
		{
			SgFound    *f = (SgFound *) lfirst(lc);

			sg_remember(f->fn, f->baseline, f->breaks, message, false);
		}
	}
}

/*
 * A new body or trigger with problems: a WARNING, or with
 * schema_guard.function_check = error, refused; in a transaction block
 * (or run by a DO block or a function), refused when it commits if the
 * problems are still there, for the objects may be created later in it.
 */
static void
sg_report_new_problems(Node *parsetree, List *lines, List *problems,
					   const char *what)
{
	char	   *message = psprintf("%s body will fail when it runs", what);
	ListCell   *lc;

	if (sg_function_check != SG_FUNCTION_CHECK_ERROR)
		ereport(WARNING,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("%s", message),
				 errdetail("%s", sg_detail(lines, true)),
				 errhint("Create the objects it uses, or fix the body; schema_guard.validate() keeps reporting it until then.")));
	else if (!sg_fixable_later(parsetree))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("%s", message),
				 errdetail("%s", sg_detail(lines, false)),
				 errhint("Create the objects it uses first, or set schema_guard.function_check to warning.")));
	else
	{
		ereport(WARNING,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("%s", message),
				 errdetail("%s", sg_detail(lines, true)),
				 IsTransactionBlock() ?
				 errhint("The transaction will be refused at COMMIT unless the objects it uses exist by then.") :
				 errhint("The statement will be refused when it ends unless the objects it uses exist by then.")));
		foreach(lc, problems)
		{
			SgFound    *f = (SgFound *) lfirst(lc);

			sg_remember(f->fn, f->baseline, f->breaks, message, true);
		}
	}
}

/* ---------------------------------------------------------------------
 * Transactions
 * ---------------------------------------------------------------------
 */

/*
 * Remember a function broken in a transaction (or with a new body whose
 * problems function_check refuses, "new_body"), for the verdict at commit.
 * A new body replaces what was remembered of the old one.
 */
static void
sg_remember(Oid fn, List *baseline, List *breaks, const char *message,
			bool new_body)
{
	MemoryContext old = MemoryContextSwitchTo(TopTransactionContext);
	SgPendingFn *p = NULL;
	ListCell   *lc;

	if (IsTransactionBlock())
		sg_pending_in_block = true;
	foreach(lc, sg_pending)
	{
		if (((SgPendingFn *) lfirst(lc))->fn == fn)
			p = (SgPendingFn *) lfirst(lc);
	}
	if (p == NULL)
	{
		p = palloc0(sizeof(SgPendingFn));
		p->fn = fn;
		sg_pending = lappend(sg_pending, p);
	}
	if (p->message == NULL || (new_body && !p->new_body))
	{
		p->baseline = NIL;
		foreach(lc, baseline)
		{
			SgSlot	   *s = palloc(sizeof(SgSlot));

			*s = *(SgSlot *) lfirst(lc);
			p->baseline = lappend(p->baseline, s);
		}
		p->message = pstrdup(message);
		p->new_body = new_body;
	}
	p->definition = sg_current_definition(fn);
	foreach(lc, breaks)
	{
		SgBreak    *b = palloc(sizeof(SgBreak));

		*b = *(SgBreak *) lfirst(lc);
		b->text = pstrdup(b->text);
		b->subid = GetCurrentSubTransactionId();
		p->breaks = lappend(p->breaks, b);
	}
	MemoryContextSwitchTo(old);
}

/* Note what an extension's script touched. */
static void
sg_script_remember(List *fns, List *touched)
{
	MemoryContext old = MemoryContextSwitchTo(TopTransactionContext);
	ListCell   *lc;

	foreach(lc, fns)
		sg_script_fns = list_append_unique_oid(sg_script_fns, lfirst_oid(lc));
	foreach(lc, touched)
	{
		SgTouched  *t = palloc(sizeof(SgTouched));

		*t = *(SgTouched *) lfirst(lc);
		t->type = t->type ? pstrdup(t->type) : NULL;
		t->identity = t->identity ? pstrdup(t->identity) : NULL;
		t->tag = t->tag ? pstrdup(t->tag) : NULL;
		t->name = t->name ? pstrdup(t->name) : NULL;
		sg_script_touched = lappend(sg_script_touched, t);
	}
	MemoryContextSwitchTo(old);
}

/*
 * Before COMMIT or PREPARE: refuse the transaction if a function broken
 * earlier in it now has an error it did not have before its first break,
 * or (with schema_guard.function_check = error) a body or trigger created
 * in it still has problems.
 */
static void
sg_verdict(void)
{
	List	   *lines = NIL;
	SgPendingFn *first = NULL;
	List	   *created_names;
	ListCell   *lc;

	PushActiveSnapshot(GetTransactionSnapshot());
	created_names = sg_catalog_runtime_created_names();
	foreach(lc, sg_pending)
	{
		SgPendingFn *p = (SgPendingFn *) lfirst(lc);
		List	   *now;
		bool		unchanged;
		ListCell   *lc2;

		if (p->new_body ? sg_function_check != SG_FUNCTION_CHECK_ERROR :
			sg_mode != SG_MODE_ENFORCE)
			continue;
		if (!sg_function_is_analysable(p->fn))
			continue;			/* dropped since: gone, not broken */
		now = sg_analyze_function_nowait(p->fn,
								  sg_session_path(sg_catalog_load_function(p->fn),
												  p->fn));

		/*
		 * Where a statement broke, a relation created at run time is no
		 * excuse: it used a table that was there.  Unless the function was
		 * replaced since, by a body that means to use the created one.
		 */
		unchanged = sg_current_definition(p->fn) == p->definition;

		foreach(lc2, now)
		{
			SgAnalysis *a = (SgAnalysis *) lfirst(lc2);
			ListCell   *lc3;

			/*
			 * Statements left out for a table another session holds cannot
			 * be shown fixed: the breaks found in this unit stand.
			 */
			if (a->incomplete && !p->new_body)
			{
				foreach(lc3, p->breaks)
				{
					SgBreak    *b = (SgBreak *) lfirst(lc3);

					if (b->slot.tg != a->tg)
						continue;
					lines = list_append_unique(lines, makeString(b->text));
					if (first == NULL)
						first = p;
				}
			}

			foreach(lc3, a->refs)
			{
				SgRef	   *ref = (SgRef *) lfirst(lc3);
				char	   *text = NULL;
				SgSlot		slot;
				ListCell   *lc4;

				if (ref->severity != SG_ERROR ||
					(sg_created_at_run_time(ref, a, created_names) &&
					 !(unchanged && sg_break_at(p->breaks, a->tg, ref))))
					continue;
				slot.tg = a->tg;
				slot.line = ref->line;
				slot.cls = sg_slot_class(ref);
				if (sg_slot_member(p->baseline, &slot))
					continue;
				if (p->new_body)
					text = sg_problem_text(p->fn, a->tg, ref);
				foreach(lc4, p->breaks)
				{
					SgBreak    *b = (SgBreak *) lfirst(lc4);

					if (text == NULL && sg_slot_member(list_make1(&b->slot), &slot))
						text = b->text;
				}
				if (text == NULL)
					text = psprintf("%s fails%s.",
									sg_unit_prefix(p->fn, slot.line, NULL),
									sg_trigger_suffix(slot.tg));
				lines = list_append_unique(lines, makeString(text));
				if (first == NULL)
					first = p;
			}
		}
	}
	PopActiveSnapshot();

	sg_pending = NIL;
	if (lines == NIL)
		return;
	if (first->new_body)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("%s", first->message),
				 errdetail("%s", sg_detail(lines, false)),
				 sg_pending_in_block ?
				 errhint("The transaction was rolled back. Create the objects these functions use before COMMIT, or set schema_guard.function_check to warning.") :
				 errhint("The statement was rolled back. Create the objects these functions use in the same statement, or set schema_guard.function_check to warning.")));
	ereport(ERROR,
			(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
			 errmsg("%s", first->message),
			 errdetail("%s", sg_detail(lines, false)),
			 sg_pending_in_block ?
			 errhint("The transaction was rolled back. Fix these functions in the same transaction before COMMIT; to break them on purpose, a superuser can SET schema_guard.mode = warn.") :
			 errhint("The statement was rolled back. Fix these functions in the same statement; to break them on purpose, a superuser can SET schema_guard.mode = warn.")));
}

static void
sg_xact_callback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_PRE_COMMIT:
		case XACT_EVENT_PRE_PREPARE:
			/* with schema_guard dropped in the transaction, nothing is judged */
			if (sg_pending != NIL && sg_mode != SG_MODE_OFF &&
				OidIsValid(sg_catalog_extension_oid()))
			{
				SgSavedUser saved;

				sg_run_as_owner(&saved);
				sg_verdict();
				sg_restore_user(&saved);
			}
			sg_pending = NIL;
			sg_catalog_before_commit();
			break;
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PREPARE:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_PARALLEL_ABORT:
			sg_forget_caller();
			sg_pending = NIL;
			sg_pending_in_block = false;
			sg_script_fns = NIL;
			sg_script_touched = NIL;
			sg_dropped = NIL;
			sg_dropped_cxt = NULL;
			sg_catalog_transaction_ended();
			sg_rekeys = NIL;
			break;
		default:
			break;
	}
}

/* Savepoints: a rolled-back subtransaction's breaks never happened. */
static void
sg_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
					SubTransactionId parentSubid, void *arg)
{
	ListCell   *lc;
	MemoryContext old;

	if (sg_pending == NIL)
		return;
	old = MemoryContextSwitchTo(TopTransactionContext);

	if (event == SUBXACT_EVENT_COMMIT_SUB)
	{
		foreach(lc, sg_pending)
		{
			SgPendingFn *p = (SgPendingFn *) lfirst(lc);
			ListCell   *lc2;

			foreach(lc2, p->breaks)
			{
				SgBreak    *b = (SgBreak *) lfirst(lc2);

				if (b->subid == mySubid)
					b->subid = parentSubid;
			}
		}
	}
	else if (event == SUBXACT_EVENT_ABORT_SUB)
	{
		List	   *keep = NIL;

		foreach(lc, sg_pending)
		{
			SgPendingFn *p = (SgPendingFn *) lfirst(lc);
			List	   *breaks = NIL;
			ListCell   *lc2;

			foreach(lc2, p->breaks)
			{
				SgBreak    *b = (SgBreak *) lfirst(lc2);

				if (b->subid != mySubid)
					breaks = lappend(breaks, b);
			}
			p->breaks = breaks;
			if (breaks != NIL)
				keep = lappend(keep, p);
		}
		sg_pending = keep;
	}
	MemoryContextSwitchTo(old);
}
