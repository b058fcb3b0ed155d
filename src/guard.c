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
 * A break is a statement that analysed without error before the command
 * and has an error after it.  Problems that were there already never block
 * anything.  In autocommit the command is refused at once.  In a
 * transaction block (and in an extension's script) the statement gets a
 * WARNING and the break is remembered; before COMMIT or PREPARE
 * TRANSACTION the remembered functions are analysed again, and the
 * transaction is refused if any has an error it did not have before the
 * first break: "drop and recreate", or "rename the column and replace the
 * function", in one transaction pass.  ROLLBACK TO SAVEPOINT forgets what
 * it rolled back.
 *
 * New function bodies (CREATE [OR REPLACE] FUNCTION) and new triggers are
 * not breaks: their problems are reported by schema_guard.function_check,
 * a WARNING by default (pg_restore creates functions before tables).
 *
 * In a session with check_function_bodies = off (pg_dump's scripts set
 * it, so that pg_restore can create and drop objects in any order), DDL
 * is not judged; the functions it affects are marked for analysis before
 * the next judged command.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "catalog/partition.h"
#include "catalog/pg_class.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_operator.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_ts_config.h"
#include "catalog/pg_ts_dict.h"
#include "catalog/pg_type.h"
#include "commands/event_trigger.h"
#include "commands/extension.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "storage/lmgr.h"
#include "tcop/cmdtag.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "compat.h"
#include "schema_guard.h"

PG_FUNCTION_INFO_V1(sg_ddl_command_start);
PG_FUNCTION_INFO_V1(sg_sql_drop);
PG_FUNCTION_INFO_V1(sg_ddl_command_end);

/* DETAIL lines shown at most; validate() lists everything. */
#define SG_MAX_DETAIL_LINES		50

/* An object the command dropped, created or altered. */
typedef struct SgTouched
{
	ObjectAddress addr;
	char	   *type;			/* "table", "table column", "function", ... */
	char	   *identity;
	bool		dropped;
	bool		created;		/* created, or renamed/moved to a new name */
	char	   *tag;			/* command tag, for created or altered ones */
	Oid			table;			/* a dropped trigger's table, if it stays */
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
	SubTransactionId subid;
} SgBreak;

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
} SgPendingFn;

/* What sql_drop saw, for the ddl_command_end of the same command. */
static List *sg_dropped = NIL;
static MemoryContext sg_dropped_cxt = NULL;

/* Transaction state, in TopTransactionContext. */
static List *sg_pending = NIL;

/*
 * What another extension's running script touched: functions to judge at
 * the end of CREATE or ALTER EXTENSION, and objects (SgTouched), to say
 * what broke.
 */
static List *sg_script_fns = NIL;
static List *sg_script_touched = NIL;

static bool sg_should_handle(void);
static Oid	sg_type_namespace(Oid typid);
static bool sg_bodies_checked(void);
static void sg_select(SPIPlanPtr *plan, const char *sql);
static bool sg_fixable_later(void);
static void sg_maintain(void (*job) (void *arg), void *arg);
static void sg_command_start(void *arg);
static void sg_note_dropped(void *arg);
static void sg_command_end(void *arg);
static List *sg_read_commands(void);
static List *sg_altered_columns(Node *parsetree, List *commands);
static void sg_collect_units(List *touched, List *created_names,
							 List **affected, List **subjects,
							 List **same_definition, List **stored,
							 List **new_triggers);
static SgStoredFunction *sg_stored_of(List *stored, Oid fn);
static List *sg_created_after(List *created_names, List *touched,
							  List *analyses);
static List *sg_stored_if_current(Oid fn, const char *session_path);
static List *sg_dropped_functions(List *touched);
static bool sg_owner_irrelevant(Node *parsetree, List *touched, Oid fn);
static char *sg_object_name_of(const ObjectAddress *addr);
static void sg_add_fn(List **fns, Oid fn);
static void sg_add_units_fns(List **fns, List *units);
static bool sg_oid_member(List *list, Oid oid);
static char sg_slot_class(SgRef *ref);
static List *sg_error_slots(List *analyses, List *created_names,
							 bool baseline, List *breaks);
static bool sg_break_at(List *breaks, Oid tg, SgRef *ref);
static int64 sg_current_definition(Oid fn);
static bool sg_resolved_before(List *before, Oid tg, SgRef *ref);
static bool sg_slot_member(List *slots, SgSlot *slot);
static char *sg_describe_break(Oid fn, Oid tg, SgRef *failure,
							   List *old_analyses, List *touched);
static char *sg_unit_prefix(Oid fn, int line);
static char *sg_trigger_suffix(Oid tg);
static char *sg_command_message(Node *parsetree, CommandTag tag,
								List *touched);
static char *sg_detail(List *lines);
static void sg_lock_references(List *analyses, Oid fn, List **analyses_out);
static void sg_report_new_problems(List *lines, const char *what);
static void sg_remember(Oid fn, List *baseline, List *breaks,
						const char *message);
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

/*
 * Run a query without parameters, prepared once per backend (inside an
 * entry, so under the safe search_path).  The caller is connected to SPI.
 */
static void
sg_select(SPIPlanPtr *plan, const char *sql)
{
	if (*plan == NULL)
	{
		SPIPlanPtr	p = SPI_prepare(sql, 0, NULL);

		if (p == NULL)
			elog(ERROR, "SPI_prepare failed for \"%s\": %s", sql,
				 SPI_result_code_string(SPI_result));
		SPI_keepplan(p);
		*plan = p;
	}
	if (SPI_execute_plan(*plan, NULL, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not run \"%s\"", sql);
}

/* Are function bodies checked in this session?  pg_restore turns it off. */
static bool
sg_bodies_checked(void)
{
	return check_function_bodies;
}

/*
 * Can a break still be fixed before the transaction ends?  Yes in a
 * transaction block; no for a statement in autocommit, which is refused at
 * once.  A statement inside a PL/pgSQL exception block runs in a
 * subtransaction, where IsTransactionBlock() is true even in autocommit;
 * there the transaction is taken to be the statement's own when it started
 * with the current client message.
 */
static bool
sg_fixable_later(void)
{
	if (!IsSubTransaction())
		return IsTransactionBlock();
	return GetCurrentTransactionStartTimestamp() !=
		GetCurrentStatementStartTimestamp();
}

/* ---------------------------------------------------------------------
 * Event trigger entry points
 * ---------------------------------------------------------------------
 */

Datum
sg_ddl_command_start(PG_FUNCTION_ARGS)
{
	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"%s\" must be fired as an event trigger",
						"schema_guard._ddl_command_start")));

	if (sg_should_handle() && sg_bodies_checked() && !creating_extension &&
		!XactReadOnly)
		sg_maintain(sg_command_start, NULL);
	PG_RETURN_VOID();
}

/* Before a command: bring the catalog up to date, building it if need be. */
static void
sg_command_start(void *arg)
{
	SgEntry		entry;
	bool		ready = sg_catalog_is_ready();

	/* the usual case: nothing to do, so nothing to set up for it */
	if (ready && !sg_catalog_any_pending())
		return;

	sg_enter(&entry, NULL);
	if (!ready)
	{
		ereport(NOTICE,
				(errmsg("building the schema_guard reference catalog for this database")));
		(void) sg_catalog_rebuild();
	}
	else
		(void) sg_catalog_catch_up(false);
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
	if (sg_should_handle())
		sg_maintain(sg_note_dropped, NULL);
	PG_RETURN_VOID();
}

/* Remember what the command dropped, for its ddl_command_end. */
static void
sg_note_dropped(void *arg)
{
	static SPIPlanPtr plan = NULL;
	MemoryContext old;
	SgEntry		entry;
	uint64		i;

	if (sg_dropped_cxt == NULL)
		sg_dropped_cxt = AllocSetContextCreate(TopTransactionContext,
											   "schema_guard dropped objects",
											   ALLOCSET_SMALL_SIZES);

	sg_enter(&entry, NULL);
	SPI_connect();
	sg_select(&plan,
			  "SELECT classid, objid, objsubid, is_temporary, object_type,"
			  " object_identity,"
			  " CASE WHEN object_type OPERATOR(pg_catalog.=) 'trigger' THEN"
			  " pg_catalog.to_regclass(pg_catalog.quote_ident(address_names[1])"
			  " OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||)"
			  " pg_catalog.quote_ident(address_names[2])) END"
			  " FROM pg_catalog.pg_event_trigger_dropped_objects()");
	old = MemoryContextSwitchTo(sg_dropped_cxt);
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		SgTouched  *t;

		if (DatumGetBool(SPI_getbinval(tup, desc, 4, &isnull)))
			continue;			/* temporary objects are not guarded */
		t = palloc0(sizeof(SgTouched));
		t->addr.classId = DatumGetObjectId(SPI_getbinval(tup, desc, 1, &isnull));
		t->addr.objectId = DatumGetObjectId(SPI_getbinval(tup, desc, 2, &isnull));
		t->addr.objectSubId = DatumGetInt32(SPI_getbinval(tup, desc, 3, &isnull));
		t->type = SPI_getvalue(tup, desc, 5);
		t->identity = SPI_getvalue(tup, desc, 6);
		t->table = DatumGetObjectId(SPI_getbinval(tup, desc, 7, &isnull));
		if (isnull)
			t->table = InvalidOid;
		t->dropped = true;
		sg_dropped = lappend(sg_dropped, t);
	}
	MemoryContextSwitchTo(old);
	SPI_finish();
	sg_leave(&entry);
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

	if (sg_mode != SG_MODE_OFF)
	{
		job(arg);
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
		return;

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

	ereport(WARNING,
			(errcode(edata->sqlerrcode),
			 errmsg("schema_guard could not keep its reference catalog up to date: %s",
					edata->message),
			 errhint("schema_guard.mode is \"off\", so the command went on. Once the cause is fixed, run schema_guard.rebuild().")));
	FreeErrorData(edata);
}

/*
 * The columns an ALTER TABLE names, so that messages can say which column
 * a broken statement uses (the command itself reports only the table).
 */
static List *
sg_altered_columns(Node *parsetree, List *commands)
{
	AlterTableStmt *stmt;
	List	   *result = NIL;
	Oid			relid = InvalidOid;
	ListCell   *lc;

	if (parsetree == NULL || !IsA(parsetree, AlterTableStmt))
		return NIL;
	stmt = (AlterTableStmt *) parsetree;

	/*
	 * The table is the one the command reports (the parse tree's name would
	 * resolve with this function's search_path, not the user's).
	 */
	foreach(lc, commands)
	{
		SgTouched  *t = (SgTouched *) lfirst(lc);

		if (t->addr.classId == RelationRelationId && t->addr.objectSubId == 0 &&
			!t->dropped)
		{
			relid = t->addr.objectId;
			break;
		}
	}
	if (!OidIsValid(relid))
		return NIL;
	foreach(lc, stmt->cmds)
	{
		AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);
		const char *colname = cmd->name;
		AttrNumber	attnum;
		SgTouched  *t;

		if (cmd->subtype == AT_AddColumn && cmd->def != NULL &&
			IsA(cmd->def, ColumnDef))
			colname = ((ColumnDef *) cmd->def)->colname;
		if (colname == NULL ||
			(attnum = get_attnum(relid, colname)) == InvalidAttrNumber)
			continue;
		t = palloc0(sizeof(SgTouched));
		ObjectAddressSubSet(t->addr, RelationRelationId, relid, attnum);
		t->type = "table column";
		t->created = true;
		result = lappend(result, t);
	}
	return result;
}

/*
 * The objects the command created or altered: the rows of
 * pg_event_trigger_ddl_commands(), read by calling it directly (no query
 * to plan and run for every DDL command).
 */
static List *
sg_read_commands(void)
{
	LOCAL_FCINFO(fcinfo, 0);
	FmgrInfo	flinfo;
	ReturnSetInfo rsinfo;
	ExprContext *econtext = CreateStandaloneExprContext();
	TupleTableSlot *slot;
	List	   *result = NIL;
	int			col[6];
	int			i;
	static const char *const names[6] = {
		"classid", "objid", "objsubid", "object_type", "object_identity",
		"command_tag"
	};

	fmgr_info(F_PG_EVENT_TRIGGER_DDL_COMMANDS, &flinfo);
	MemSet(&rsinfo, 0, sizeof(rsinfo));
	rsinfo.type = T_ReturnSetInfo;
	rsinfo.econtext = econtext;
	rsinfo.allowedModes = (int) SFRM_Materialize;
	rsinfo.returnMode = SFRM_Materialize;
	InitFunctionCallInfoData(*fcinfo, &flinfo, 0, InvalidOid, NULL,
							 (Node *) &rsinfo);
	(void) FunctionCallInvoke(fcinfo);
	if (rsinfo.setResult == NULL)
	{
		FreeExprContext(econtext, true);
		return NIL;
	}

	/* the columns by name: their order is PostgreSQL's business */
	for (i = 0; i < lengthof(names); i++)
	{
		int			a;

		col[i] = -1;
		for (a = 0; a < rsinfo.setDesc->natts; a++)
		{
			if (strcmp(NameStr(TupleDescAttr(rsinfo.setDesc, a)->attname),
					   names[i]) == 0)
				col[i] = a;
		}
		if (col[i] < 0)
			elog(ERROR, "pg_event_trigger_ddl_commands() has no column \"%s\"",
				 names[i]);
	}

	slot = MakeSingleTupleTableSlot(rsinfo.setDesc, &TTSOpsMinimalTuple);
	while (tuplestore_gettupleslot(rsinfo.setResult, true, false, slot))
	{
		SgTouched  *t = palloc0(sizeof(SgTouched));
		char	   *tag;

		slot_getallattrs(slot);
		t->addr.classId = DatumGetObjectId(slot->tts_values[col[0]]);
		t->addr.objectId = DatumGetObjectId(slot->tts_values[col[1]]);
		t->addr.objectSubId = DatumGetInt32(slot->tts_values[col[2]]);
		t->type = slot->tts_isnull[col[3]] ? NULL :
			TextDatumGetCString(slot->tts_values[col[3]]);
		t->identity = slot->tts_isnull[col[4]] ? NULL :
			TextDatumGetCString(slot->tts_values[col[4]]);
		tag = slot->tts_isnull[col[5]] ? NULL :
			TextDatumGetCString(slot->tts_values[col[5]]);
		t->tag = tag;
		t->created = tag != NULL &&
			(strncmp(tag, "CREATE ", 7) == 0 || strncmp(tag, "ALTER ", 6) == 0);
		if (t->type != NULL && strcmp(t->type, "index") == 0)
			continue;			/* indexes change no body's meaning */
		result = lappend(result, t);
	}
	ExecDropSingleTupleTableSlot(slot);
	tuplestore_end(rsinfo.setResult);
	FreeExprContext(econtext, true);
	return result;
}

Datum
sg_ddl_command_end(PG_FUNCTION_ARGS)
{
	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"%s\" must be fired as an event trigger",
						"schema_guard._ddl_command_end")));

	if (!sg_should_handle())
	{
		sg_dropped = NIL;
		PG_RETURN_VOID();
	}
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
	List	   *store = NIL;
	List	   *remember = NIL;
	ListCell   *lc;
	ListCell   *lc2;
	MemoryContext work;
	MemoryContext old;
	SgEntry		entry;
	bool		judge;

	sg_enter(&entry, NULL);
	work = AllocSetContextCreate(CurrentMemoryContext, "schema_guard command",
								 ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(work);

	{
		List	   *commands = sg_read_commands();

		touched = list_concat(list_copy(sg_dropped), commands);
		touched = list_concat(touched,
							  sg_altered_columns(trigdata->parsetree, commands));
	}
	sg_dropped = NIL;

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
		foreach(lc, sg_script_fns)
		{
			Oid			fn = lfirst_oid(lc);

			if (OidIsValid(extension) &&
				getExtensionOfObject(ProcedureRelationId, fn) == extension)
				members = list_append_unique_oid(members, fn);
			else
				affected = list_append_unique_oid(affected, fn);
		}
		touched = list_concat(touched, sg_script_touched);
		sg_script_fns = NIL;
		sg_script_touched = NIL;
	}

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
		const char *path = sg_default_session_path(fn);
		List	   *analyses = list_member_oid(same_definition, fn) ?
			sg_stored_if_current(fn, path) : NIL;

		if (analyses != NIL)
			unchanged = lappend_oid(unchanged, fn);
		else
			analyses = sg_analyze_new_function(fn, path);
		sg_lock_references(analyses, fn, &analyses);
		store = lappend(store, analyses);
	}
	foreach(lc, members)
		store = lappend(store, sg_analyze_function(lfirst_oid(lc),
												   sg_default_session_path(lfirst_oid(lc))));
	foreach(lc, affected)
	{
		Oid			fn = lfirst_oid(lc);
		List	   *before = sg_catalog_load_function(fn);

		befores = lappend(befores, before);
		store = lappend(store, sg_analyze_function(fn, sg_session_path(before, fn)));
	}
	created_after = sg_created_after(created_names, touched, store);

	/* Functions whose bodies are new: report their problems. */
	forboth(lc, subjects, lc2, store)
	{
		Oid			fn = lfirst_oid(lc);
		ListCell   *lc3;

		foreach(lc3, (List *) lfirst(lc2))
		{
			SgAnalysis *a = (SgAnalysis *) lfirst(lc3);
			ListCell   *lc4;

			foreach(lc4, a->refs)
			{
				SgRef	   *ref = (SgRef *) lfirst(lc4);

				if (ref->severity == SG_ERROR &&
					!sg_created_at_run_time(ref, a, created_after))
					problem_lines = list_append_unique(problem_lines,
													   makeString(psprintf("%s: %s%s.",
																		   sg_unit_prefix(fn, ref->line),
																		   ref->message,
																		   sg_trigger_suffix(a->tg))));
			}
		}
	}

	/* Functions the command may have broken. */
	forboth(lc, affected, lc2, befores)
	{
		Oid			fn = lfirst_oid(lc);
		List	   *before = (List *) lfirst(lc2);
		List	   *after = (List *) list_nth(store, list_length(subjects) +
											  list_length(members) +
											  foreach_current_index(lc));
		List	   *baseline = sg_error_slots(before, created_names, true, NIL);
		List	   *breaks = NIL;
		ListCell   *lc3;

		if (sg_owner_irrelevant(trigdata->parsetree, touched, fn))
			continue;

		foreach(lc3, after)
		{
			SgAnalysis *a = (SgAnalysis *) lfirst(lc3);
			bool		had_unit = false;
			ListCell   *lc4;

			foreach(lc4, before)
			{
				if (((SgAnalysis *) lfirst(lc4))->tg == a->tg)
					had_unit = true;
			}

			foreach(lc4, a->refs)
			{
				SgRef	   *ref = (SgRef *) lfirst(lc4);
				SgSlot		slot;

				if (ref->severity != SG_ERROR ||
					(sg_created_at_run_time(ref, a, created_after) &&
					 !sg_resolved_before(before, a->tg, ref)))
					continue;
				if (!had_unit)
				{
					/* a trigger created by this command */
					if (sg_oid_member(new_triggers, a->tg))
						problem_lines = list_append_unique(problem_lines,
														   makeString(psprintf("%s: %s%s.",
																			   sg_unit_prefix(fn, ref->line),
																			   ref->message,
																			   sg_trigger_suffix(a->tg))));
					continue;
				}
				slot.tg = a->tg;
				slot.line = ref->line;
				slot.cls = sg_slot_class(ref);
				if (sg_slot_member(baseline, &slot))
					continue;
				{
					SgBreak    *b = palloc0(sizeof(SgBreak));

					b->fn = fn;
					b->slot = slot;
					b->text = sg_describe_break(fn, a->tg, ref, before, touched);
					breaks = lappend(breaks, b);
					break_lines = list_append_unique(break_lines,
													 makeString(b->text));
				}
			}
		}
		if (breaks != NIL)
		{
			SgFound    *found = palloc(sizeof(SgFound));

			found->fn = fn;
			found->baseline = baseline;
			found->breaks = breaks;
			remember = lappend(remember, found);
		}
	}

	if (break_lines != NIL && judge)
	{
		char	   *message = sg_command_message(trigdata->parsetree,
												 trigdata->tag, touched);
		char	   *detail = sg_detail(break_lines);

		if (sg_mode == SG_MODE_WARN)
			ereport(WARNING,
					(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
					 errmsg("%s", message),
					 errdetail("%s", detail),
					 errhint("schema_guard.mode is \"warn\", so the change was made; schema_guard.validate() lists what is broken.")));
		else if (!sg_fixable_later())
			ereport(ERROR,
					(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
					 errmsg("%s", message),
					 errdetail("%s", detail),
					 errhint("Change or drop these functions first, or make the change and fix them in one transaction. To break them on purpose, a superuser can SET schema_guard.mode = warn.")));
		else
		{
			ereport(WARNING,
					(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
					 errmsg("%s", message),
					 errdetail("%s", detail),
					 errhint("The transaction will be refused at COMMIT unless these functions are fixed before then.")));
			foreach(lc, remember)
			{
				SgFound    *found = (SgFound *) lfirst(lc);

				sg_remember(found->fn, found->baseline, found->breaks,
							message);
			}
		}
	}

	if (problem_lines != NIL && judge &&
		sg_function_check != SG_FUNCTION_CHECK_OFF)
		sg_report_new_problems(problem_lines,
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
		char	   *name = NULL;
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
			if (!t->dropped)
				name = get_func_name(objid);
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

			if (!t->dropped && isAnyTempNamespace(get_rel_namespace(objid)))
				continue;
			sg_add_units_fns(affected, sg_catalog_users_of_object(classid, objid));
			if (!t->dropped && (reltype = get_rel_type_id(objid)) != InvalidOid)
				sg_add_units_fns(affected, sg_catalog_users_of_object(TypeRelationId, reltype));
			if (t->addr.objectSubId == 0 && !t->dropped &&
				get_rel_relkind(objid) == RELKIND_INDEX)
				continue;
			if (!t->dropped)
				name = get_rel_name(objid);
		}
		else if (classid == TypeRelationId)
		{
			if (!t->dropped && isAnyTempNamespace(sg_type_namespace(objid)))
				continue;
			sg_add_units_fns(affected, sg_catalog_users_of_object(classid, objid));
			if (!t->dropped)
				name = sg_type_name(objid);
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
			if (!t->dropped)
				name = sg_object_name_of(&t->addr);
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
		if (name != NULL && t->created && !calls_resolve_alike)
			sg_add_units_fns(affected, sg_catalog_users_of_name(name));
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
 * Is the command ALTER ... OWNER TO of this function, which is SECURITY
 * INVOKER?  Then it runs as its caller ("$user" included) whoever owns
 * it: what its analysis (made as the owner) sees differently is no break.
 */
static bool
sg_owner_irrelevant(Node *parsetree, List *touched, Oid fn)
{
	ListCell   *lc;

	if (parsetree == NULL || !IsA(parsetree, AlterOwnerStmt))
		return false;
	foreach(lc, touched)
	{
		SgTouched  *t = (SgTouched *) lfirst(lc);
		HeapTuple	tup;
		bool		invoker;

		if (t->addr.classId != ProcedureRelationId || t->addr.objectId != fn)
			continue;
		tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(fn));
		if (!HeapTupleIsValid(tup))
			return false;
		invoker = !((Form_pg_proc) GETSTRUCT(tup))->prosecdef;
		ReleaseSysCache(tup);
		return invoker;
	}
	return false;
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

/*
 * The stored analyses of a function replaced by the definition they
 * describe (sg_collect_units() found it in "same_definition"), if they are
 * complete and were made from a session with the same search_path: then
 * no new analysis is needed (a migration tool re-applying every function,
 * say).  Else NIL.
 */
static List *
sg_stored_if_current(Oid fn, const char *session_path)
{
	List	   *stored = sg_catalog_load_function(fn);
	List	   *units = sg_function_units(fn);
	ListCell   *lc;

	if (stored == NIL || list_length(stored) != list_length(units))
		return NIL;
	foreach(lc, stored)
	{
		SgAnalysis *a = (SgAnalysis *) lfirst(lc);
		SgUnit	   *u = (SgUnit *) list_nth(units, foreach_current_index(lc));

		if (a->tg != u->tg || strcmp(a->session_path, session_path) != 0)
			return NIL;
	}
	return stored;
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
 * further down was there all along, not made by the command.  A relation
 * another function creates at run time excuses a missing one, except at
 * the slots of "breaks" (SgBreak *): there it was a table that existed.
 */
static List *
sg_error_slots(List *analyses, List *created_names, bool baseline,
			   List *breaks)
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
				 (sg_created_at_run_time(ref, a, created_names) &&
				  !sg_break_at(breaks, a->tg, ref))) &&
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

/* "Function public.f() line 3" */
static char *
sg_unit_prefix(Oid fn, int line)
{
	char		prokind = get_func_prokind(fn);
	const char *what = prokind == PROKIND_PROCEDURE ? "Procedure" : "Function";

	if (line > 0)
		return psprintf("%s %s line %d", what, sg_function_identity(fn), line);
	return psprintf("%s %s", what, sg_function_identity(fn));
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

/* The old reference on the failing line that best says what broke. */
static SgRef *
sg_best_reference(List *old_analyses, Oid tg, int line, List *touched,
				  SgTouched **best_touched)
{
	SgRef	   *best = NULL;
	int			best_score = -1;
	ListCell   *lc;

	*best_touched = NULL;
	foreach(lc, old_analyses)
	{
		SgAnalysis *a = (SgAnalysis *) lfirst(lc);
		ListCell   *lc2;

		if (a->tg != tg)
			continue;
		foreach(lc2, a->refs)
		{
			SgRef	   *ref = (SgRef *) lfirst(lc2);
			ListCell   *lc3;

			if (ref->severity != SG_OK || ref->line != line ||
				!OidIsValid(ref->target.objectId) ||
				ref->access == SG_ACCESS_TRIGGER)
				continue;
			foreach(lc3, touched)
			{
				SgTouched  *t = (SgTouched *) lfirst(lc3);

				if (t->addr.classId != ref->target.classId ||
					t->addr.objectId != ref->target.objectId)
					continue;
				if (t->addr.objectSubId != 0 &&
					t->addr.objectSubId != ref->target.objectSubId)
					continue;

				/*
				 * Prefer a reference at the level the command touched: the
				 * column for a dropped or altered column, the table for a
				 * dropped table; and a use over a declaration.
				 */
				{
					int			score;

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
		}
	}
	if (best != NULL)
		return best;

	/*
	 * The command touched something the statement reaches only indirectly
	 * (a schema it renamed, say): name the statement's first reference.
	 */
	foreach(lc, old_analyses)
	{
		SgAnalysis *a = (SgAnalysis *) lfirst(lc);
		ListCell   *lc2;

		if (a->tg != tg)
			continue;
		foreach(lc2, a->refs)
		{
			SgRef	   *ref = (SgRef *) lfirst(lc2);

			if (ref->severity == SG_OK && ref->line == line &&
				OidIsValid(ref->target.objectId) &&
				ref->access != SG_ACCESS_TRIGGER &&
				(best == NULL || (best->kind == SG_KIND_COLUMN &&
								  ref->kind != SG_KIND_COLUMN)))
				best = ref;
		}
	}
	return best;
}

/*
 * Say what a broken statement does with what the command touched:
 * "Function public.f() line 2 inserts into table public.jobs; it runs from
 * trigger t on public.docs."  Falls back to the error itself.
 */
static char *
sg_describe_break(Oid fn, Oid tg, SgRef *failure, List *old_analyses,
				  List *touched)
{
	SgTouched  *t;
	SgRef	   *best = sg_best_reference(old_analyses, tg, failure->line,
										 touched, &t);
	const char *type = (t != NULL && t->addr.objectSubId == 0 && t->type) ?
	t->type : NULL;
	char	   *what;

	if (failure->check != NULL && strcmp(failure->check, SG_CHECK_NOT_NULL) == 0)
	{
		ObjectAddress table = failure->target;
		char	   *identity;

		table.objectSubId = 0;
		identity = OidIsValid(table.objectId) ? sg_object_identity(&table) : NULL;
		what = psprintf("inserts into table %s without a value for NOT NULL column %s",
						identity ? identity : "?",
						quote_identifier(failure->name ? failure->name : "?"));
	}
	else if (best == NULL)
		what = psprintf("fails: %s", failure->message);
	else if (best->kind == SG_KIND_FIELD)
		what = psprintf("%s %s",
						best->access == SG_ACCESS_UPDATE ? "assigns" : "reads",
						best->written);
	else if (best->kind == SG_KIND_COLUMN)
		what = psprintf("%s column %s",
						best->access == SG_ACCESS_TYPE ? "uses the type of" :
						sg_access_verb(best->access, best->kind),
						best->written);
	else if (best->kind == SG_KIND_FUNCTION)
		what = psprintf("calls %s %s", type ? type : "function", best->written);
	else if (best->kind == SG_KIND_TYPE)
		what = psprintf("uses %s %s", type ? type : "type", best->written);
	else if (best->access == SG_ACCESS_TYPE)
		what = psprintf("uses the row type of %s %s",
						type ? type : "relation", best->written);
	else if (type != NULL && strcmp(type, "sequence") == 0)
		what = psprintf("uses sequence %s", best->written);
	else
		what = psprintf("%s %s %s", sg_access_verb(best->access, best->kind),
						type ? type : "relation", best->written);

	return psprintf("%s %s%s.", sg_unit_prefix(fn, failure->line), what,
					sg_trigger_suffix(tg));
}

/* DETAIL text: one sentence a line, at most SG_MAX_DETAIL_LINES. */
static char *
sg_detail(List *lines)
{
	StringInfoData buf;
	ListCell   *lc;
	int			n = 0;

	initStringInfo(&buf);
	foreach(lc, lines)
	{
		if (n == SG_MAX_DETAIL_LINES)
		{
			appendStringInfo(&buf, "\nand %d more (schema_guard.validate() lists them all).",
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
 * The primary message, in PostgreSQL's words for a refused drop:
 * cannot drop table "jobs" because functions use it.
 */
static char *
sg_command_message(Node *parsetree, CommandTag tag, List *touched)
{
	if (parsetree == NULL)
		return psprintf("cannot execute %s because it would break functions",
						GetCommandTagName(tag));

	switch (nodeTag(parsetree))
	{
		case T_DropStmt:
			{
				DropStmt   *stmt = (DropStmt *) parsetree;

				if (list_length(stmt->objects) == 1)
					return psprintf("cannot drop %s \"%s\" because functions use it",
									sg_object_word(stmt->removeType),
									sg_object_name(linitial(stmt->objects)));
				return psprintf("cannot drop these %s because functions use them",
								sg_plural(sg_object_word(stmt->removeType)));
			}
		case T_DropOwnedStmt:
			return pstrdup("cannot drop the objects owned by these roles because functions use them");
		case T_AlterTableStmt:
			{
				AlterTableStmt *stmt = (AlterTableStmt *) parsetree;
				const char *rel = stmt->relation->relname;
				bool		type = stmt->objtype == OBJECT_TYPE;
				const char *col = type ? "attribute" : "column";
				const char *tab = type ? "type" : "table";

				if (list_length(stmt->cmds) == 1)
				{
					AlterTableCmd *cmd = linitial_node(AlterTableCmd, stmt->cmds);

					switch (cmd->subtype)
					{
						case AT_DropColumn:
							return psprintf("cannot drop %s \"%s\" of %s \"%s\" because functions use it",
											col, cmd->name, tab, rel);
						case AT_AlterColumnType:
							return psprintf("cannot change the type of %s \"%s\" of %s \"%s\" because functions use it",
											col, cmd->name, tab, rel);
						case AT_AddColumn:
							if (type)
								break;
							return psprintf("cannot add column \"%s\" to table \"%s\" because functions insert into the table without it",
											((ColumnDef *) cmd->def)->colname, rel);
						case AT_SetNotNull:
							return psprintf("cannot make column \"%s\" of table \"%s\" NOT NULL because functions insert into the table without it",
											cmd->name, rel);
						case AT_ColumnDefault:
							if (cmd->def == NULL)
								return psprintf("cannot drop the default of column \"%s\" of table \"%s\" because functions insert into the table without it",
												cmd->name, rel);
							break;
						default:
							break;
					}
				}
				return psprintf("cannot alter %s \"%s\" because it would break functions that use it",
								sg_object_word(stmt->objtype), rel);
			}
		case T_RenameStmt:
			{
				RenameStmt *stmt = (RenameStmt *) parsetree;

				if (stmt->renameType == OBJECT_COLUMN && stmt->relation)
					return psprintf("cannot rename column \"%s\" of %s \"%s\" because functions use it",
									stmt->subname, sg_object_word(stmt->relationType),
									stmt->relation->relname);
				if (stmt->renameType == OBJECT_ATTRIBUTE && stmt->relation)
					return psprintf("cannot rename attribute \"%s\" of type \"%s\" because functions use it",
									stmt->subname, stmt->relation->relname);
				if (stmt->relation != NULL)
					return psprintf("cannot rename %s \"%s\" because functions use it",
									sg_object_word(stmt->renameType),
									stmt->relation->relname);
				if (stmt->renameType == OBJECT_SCHEMA)
					return psprintf("cannot rename schema \"%s\" because functions use objects in it",
									stmt->subname);
				return psprintf("cannot rename %s \"%s\" because functions use it",
								sg_object_word(stmt->renameType),
								sg_object_name(stmt->object));
			}
		case T_CreateFunctionStmt:
			{
				CreateFunctionStmt *stmt = (CreateFunctionStmt *) parsetree;

				return psprintf("cannot create %s \"%s\" because calls in other functions would no longer resolve",
								stmt->is_procedure ? "procedure" : "function",
								strVal(llast(stmt->funcname)));
			}
		case T_AlterEnumStmt:
			{
				AlterEnumStmt *stmt = (AlterEnumStmt *) parsetree;

				if (stmt->oldVal != NULL)
					return psprintf("cannot rename value \"%s\" of type \"%s\" because functions use it",
									stmt->oldVal, strVal(llast(stmt->typeName)));
			}
			break;
		case T_AlterObjectSchemaStmt:
			{
				AlterObjectSchemaStmt *stmt = (AlterObjectSchemaStmt *) parsetree;

				return psprintf("cannot move %s \"%s\" to schema \"%s\" because functions use it",
								sg_object_word(stmt->objectType),
								stmt->relation ? stmt->relation->relname :
								sg_object_name(stmt->object),
								stmt->newschema);
			}
		default:
			break;
	}
	(void) touched;
	return psprintf("cannot execute %s because it would break functions",
					GetCommandTagName(tag));
}

/*
 * Lock what a new body references, so that a concurrent DROP either waits
 * for this transaction (and then sees its references) or has already
 * committed (and then the body is analysed again here).
 */
static void
sg_lock_references(List *analyses, Oid fn, List **analyses_out)
{
	bool		vanished = false;
	ListCell   *lc;

	foreach(lc, analyses)
	{
		SgAnalysis *a = (SgAnalysis *) lfirst(lc);
		ListCell   *lc2;

		foreach(lc2, a->refs)
		{
			SgRef	   *ref = (SgRef *) lfirst(lc2);
			Oid			objid = ref->target.objectId;

			if (ref->severity != SG_OK || !OidIsValid(objid) ||
				ref->access == SG_ACCESS_CREATE)
				continue;
			if (ref->target.classId == RelationRelationId)
			{
				LockRelationOid(objid, AccessShareLock);
				if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(objid)))
					vanished = true;
			}
			else if (ref->target.classId == ProcedureRelationId)
			{
				LockDatabaseObject(ProcedureRelationId, objid, 0, AccessShareLock);
				if (!SearchSysCacheExists1(PROCOID, ObjectIdGetDatum(objid)))
					vanished = true;
			}
			else if (ref->target.classId == TypeRelationId)
			{
				LockDatabaseObject(TypeRelationId, objid, 0, AccessShareLock);
				if (!SearchSysCacheExists1(TYPEOID, ObjectIdGetDatum(objid)))
					vanished = true;
			}
		}
	}
	*analyses_out = vanished ?
		sg_analyze_function(fn, sg_default_session_path(fn)) : analyses;
}

/* A new body or trigger with problems: WARNING, or ERROR if so set. */
static void
sg_report_new_problems(List *lines, const char *what)
{
	ereport(sg_function_check == SG_FUNCTION_CHECK_ERROR ? ERROR : WARNING,
			(errcode(ERRCODE_UNDEFINED_OBJECT),
			 errmsg("%s body will fail when it runs", what),
			 errdetail("%s", sg_detail(lines)),
			 errhint(sg_function_check == SG_FUNCTION_CHECK_ERROR ?
					 "Create the objects it uses first, or set schema_guard.function_check to warning." :
					 "Create the objects it uses, or fix the body; schema_guard.validate() keeps reporting it until then.")));
}

/* ---------------------------------------------------------------------
 * Transactions
 * ---------------------------------------------------------------------
 */

/* Remember a function broken inside a transaction block. */
static void
sg_remember(Oid fn, List *baseline, List *breaks, const char *message)
{
	MemoryContext old = MemoryContextSwitchTo(TopTransactionContext);
	SgPendingFn *p = NULL;
	ListCell   *lc;

	foreach(lc, sg_pending)
	{
		if (((SgPendingFn *) lfirst(lc))->fn == fn)
			p = (SgPendingFn *) lfirst(lc);
	}
	if (p == NULL)
	{
		p = palloc0(sizeof(SgPendingFn));
		p->fn = fn;
		foreach(lc, baseline)
		{
			SgSlot	   *s = palloc(sizeof(SgSlot));

			*s = *(SgSlot *) lfirst(lc);
			p->baseline = lappend(p->baseline, s);
		}
		p->message = pstrdup(message);
		sg_pending = lappend(sg_pending, p);
	}
	foreach(lc, breaks)
	{
		SgBreak    *b = palloc(sizeof(SgBreak));

		*b = *(SgBreak *) lfirst(lc);
		b->text = pstrdup(b->text);
		b->subid = GetCurrentSubTransactionId();
		p->breaks = lappend(p->breaks, b);
	}
	p->definition = sg_current_definition(fn);
	MemoryContextSwitchTo(old);
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
		sg_script_touched = lappend(sg_script_touched, t);
	}
	MemoryContextSwitchTo(old);
}

/*
 * Before COMMIT or PREPARE: refuse the transaction if a function broken
 * earlier in it now has an error it did not have before its first break.
 */
static void
sg_verdict(void)
{
	List	   *lines = NIL;
	const char *message = NULL;
	List	   *created_names;
	ListCell   *lc;

	PushActiveSnapshot(GetTransactionSnapshot());
	created_names = sg_catalog_runtime_created_names();
	foreach(lc, sg_pending)
	{
		SgPendingFn *p = (SgPendingFn *) lfirst(lc);
		List	   *now;
		ListCell   *lc2;

		if (!sg_function_is_analysable(p->fn))
			continue;			/* dropped since: gone, not broken */
		now = sg_analyze_function(p->fn,
								  sg_session_path(sg_catalog_load_function(p->fn),
												  p->fn));

		/*
		 * Where a statement broke, a relation created at run time is no
		 * excuse: it used a table that was there.  Unless the function was
		 * replaced since, by a body that means to use the created one.
		 */
		foreach(lc2, sg_error_slots(now, created_names, false,
									sg_current_definition(p->fn) == p->definition ?
									p->breaks : NIL))
		{
			SgSlot	   *slot = (SgSlot *) lfirst(lc2);
			ListCell   *lc3;
			char	   *text = NULL;

			if (sg_slot_member(p->baseline, slot))
				continue;
			foreach(lc3, p->breaks)
			{
				SgBreak    *b = (SgBreak *) lfirst(lc3);

				if (b->slot.tg == slot->tg && b->slot.line == slot->line &&
					b->slot.cls == slot->cls)
					text = b->text;
			}
			if (text == NULL)
				text = psprintf("%s fails%s.", sg_unit_prefix(p->fn, slot->line),
								sg_trigger_suffix(slot->tg));
			lines = list_append_unique(lines, makeString(text));
			if (message == NULL)
				message = p->message;
		}
	}
	PopActiveSnapshot();

	sg_pending = NIL;
	if (lines == NIL)
		return;
	ereport(ERROR,
			(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
			 errmsg("%s", message),
			 errdetail("%s", sg_detail(lines)),
			 errhint("The transaction was rolled back. Fix these functions in the same transaction before COMMIT; to break them on purpose, a superuser can SET schema_guard.mode = warn.")));
}

static void
sg_xact_callback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_PRE_COMMIT:
		case XACT_EVENT_PRE_PREPARE:
			if (sg_pending != NIL && sg_mode == SG_MODE_ENFORCE)
				sg_verdict();
			sg_pending = NIL;
			break;
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PREPARE:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_PARALLEL_ABORT:
			sg_forget_caller();
			sg_pending = NIL;
			sg_script_fns = NIL;
			sg_script_touched = NIL;
			sg_dropped = NIL;
			sg_dropped_cxt = NULL;
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
