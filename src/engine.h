/*-------------------------------------------------------------------------
 *
 * engine.h
 *	  State shared by the files of the reference engine.
 *
 * The engine analyses one unit (a function, or a trigger function for one
 * trigger) inside one subtransaction.  Each SQL statement or expression of
 * the body is an "analysis point", numbered in the order the walk meets it.
 * When a point fails, the subtransaction is rolled back, the failure is
 * recorded, and the walk starts again, skipping the points already done,
 * so that one broken statement never hides the others.
 *
 *-------------------------------------------------------------------------
 */
#ifndef SG_ENGINE_H
#define SG_ENGINE_H

#include "postgres.h"

#include "access/htup.h"
#include "catalog/pg_proc.h"
#include "nodes/params.h"
#include "nodes/parsenodes.h"
#include "utils/elog.h"
#include "utils/queryenvironment.h"

#include "plpgsql.h"
#include "schema_guard.h"

/* How the text of one analysis point is to be understood. */
typedef struct SgPoint
{
	const char *src;			/* text the parse locations point into */
	int			base_line;		/* body line of src's first character */
	int			mode;			/* RawParseMode, for a single expression */
	ParserSetupHook setup;		/* parameter hooks, or NULL */
	void	   *setup_arg;
	QueryEnvironment *queryenv; /* transition tables, or NULL */
	List	   *handlers;		/* PLpgSQL_exception_block * protecting this
								 * point, innermost first */
	const char *uncertain;		/* why failures here are not certain, or NULL */
	struct SgRawScan *scan;		/* the statement being analysed, whose names
								 * may make failures uncertain too (found
								 * when one is recorded), or NULL */
	struct SgUnitState *unit;	/* with scan: the unit analysed */
	const int  *body_lines;		/* offsets of the body's line starts, and */
	int			body_nlines;	/* how many: when body_offset >= 0, lines */
	int			body_offset;	/* come from src's offset in the body */
	bool		dynamic;		/* text of a constant EXECUTE */
} SgPoint;

/* The access of a change that renames or moves something: its old name. */
#define SG_CHANGE_RENAME		'm'

/* What a raw parse tree names, with locations. */
typedef struct SgRawName
{
	char		category;		/* SG_KIND_RELATION, _COLUMN, _FUNCTION,
								 * _TYPE, or 's' for a string constant */
	const char *name;			/* last part of the name */
	List	   *names;			/* the whole name, as String nodes */
	int			location;		/* byte offset in the point's text */
	char		access;			/* for relations: what the statement does */
	const char *alias;			/* for relations: the alias, if any */
	bool		removes;		/* a utility statement renames or drops it */
} SgRawName;

typedef struct SgRawScan
{
	List	   *items;			/* SgRawName * */
	List	   *cte_names;		/* char *: WITH names are never tables */
	List	   *changes;		/* SgRawName *: relations, types and
								 * functions the statement creates (access
								 * SG_ACCESS_CREATE), alters (_UPDATE),
								 * renames or moves (SG_CHANGE_RENAME, the
								 * old name) or drops (_DELETE); a temporary
								 * relation's name starts with pg_temp */
	bool		sets_search_path;	/* SET search_path or set_config() */
	bool		utility;		/* a statement parse analysis does not check */
	int			stmt_line;		/* body line where the statement starts */
} SgRawScan;

/*
 * What a trigger unit knows of its trigger: the values PL/pgSQL's TG_
 * variables have whenever the function runs from it.
 */
typedef struct SgTriggerFacts
{
	int16		type;			/* pg_trigger.tgtype: events, level, timing */
	Oid			relid;			/* TG_RELID */
	char	   *name;			/* TG_NAME */
	char	   *relname;		/* TG_TABLE_NAME, TG_RELNAME */
	char	   *schema;			/* TG_TABLE_SCHEMA */
	int			nargs;			/* TG_NARGS */
	char	  **args;			/* TG_ARGV */
} SgTriggerFacts;

/*
 * Something the body changes when it runs (a statement's SgRawName noted
 * for the rest of the analysis).  Relations and types share one name
 * space (a table is also a row type).
 */
typedef struct SgChange
{
	char		category;		/* SG_KIND_RELATION, _TYPE or _FUNCTION */
	char		access;			/* SG_ACCESS_CREATE, _UPDATE, _DELETE or
								 * SG_CHANGE_RENAME */
	bool		temp;			/* a temporary relation it creates */
	char	   *name;			/* last part of the name */
	int			point;			/* the analysis point of the statement */
	int			line;
} SgChange;

/* Analysis of one unit in progress. */
typedef struct SgUnitState
{
	Oid			fn;
	Oid			tg;
	HeapTuple	proctup;
	Form_pg_proc proc;
	char	   *prosrc;
	Oid			trigrel;		/* table of the trigger, or InvalidOid */
	char	   *trig_newtable;	/* transition table names, or NULL */
	char	   *trig_oldtable;
	SgTriggerFacts *trigger;	/* the trigger of the unit, or NULL */
	bool		dml_trigger;	/* the function returns trigger */
	bool		polymorphic;	/* argument types are stand-ins */
	bool		cached_compile_current; /* PL/pgSQL's cached compile is of
										 * the current definition */
	bool		changes_search_path;	/* the body sets its own path */
	int			search_path_line;
	bool		pins_datestyle; /* the function has SET DateStyle */
	bool		changes_datestyle;	/* the body sets DateStyle itself */
	bool		caller_schema;	/* "$user" in the path of a SECURITY INVOKER
								 * function: the caller's schema */
	List	   *role_schemas;	/* OIDs of schemas named like a role, once
								 * caller_schema needed them */
	bool		role_schemas_read;
	List	   *changes;		/* SgChange *: what the body changes */
	List	   *ddl_failures;	/* (SgRef *, relation name) pairs: utility
								 * statements' missing relations and
								 * columns */
	int		   *line_starts;	/* offsets where the body's lines start */
	int			nlines;
	List	   *refs;			/* SgRef * */

	MemoryContext cxt;			/* lives as long as the unit */
	MemoryContext point_cxt;	/* reset at every point */

	/* restart loop */
	int			point;			/* number of the point being visited */
	int			resume_from;	/* points before this are done */
	int			failed_point;	/* point to record a failure for, or 0 */
	ErrorData  *failed_error;
	bool		failed_parsed;	/* its text parsed before it failed */
	bool		failed_rewriting;	/* it failed in the rewriter */
	bool		in_point;		/* a point is being analysed */
	bool		incomplete;		/* points were left out: a lock not had */
	bool		cur_parsed;		/* and its text parsed */
	bool		rewriting;		/* and the rewriter has its statement */
	SgRawScan  *last_scan;		/* the last point analysed, valid until the */
	SgPoint    *last_point;		/* next one: where its names are */
	int			parsed_point;	/* the last point sg_point_parse() parsed, */
	List	   *parsed;			/* and what it parsed: later passes reuse it */

	void	   *plpgsql;		/* engine_plpgsql.c state */
} SgUnitState;

/*
 * engine_branches.c: what a branch condition says for the unit.  The
 * outcomes a condition can have (a set of SG_OUT_*) are known per value
 * TG_OP can have (a "world"); code behind a condition is uncertain for the
 * SG_WHY_* reasons of its undecided parts.
 */
#define SG_OUT_TRUE		0x01
#define SG_OUT_FALSE	0x02
#define SG_OUT_NULL		0x04
#define SG_OUT_ANY		(SG_OUT_TRUE | SG_OUT_FALSE | SG_OUT_NULL)

#define SG_WHY_VERSION	0x01	/* it tests the server version */
#define SG_WHY_EXISTS	0x02	/* whether an object or a column exists */
#define SG_WHY_TRIGGER	0x04	/* the trigger, in a way not evaluated */

#define SG_MAX_WORLDS	4		/* INSERT, UPDATE, DELETE, TRUNCATE */

typedef struct SgCondition
{
	uint8		outcomes[SG_MAX_WORLDS];	/* 0 beyond the unit's worlds */
	uint8		why;
} SgCondition;

/* What conditions are evaluated with. */
typedef struct SgCondEnv
{
	const SgTriggerFacts *trigger;	/* NULL: the TG_ values are unknown */
	int			nworlds;
	const char *ops[SG_MAX_WORLDS]; /* TG_OP in each world, or NULL */
	PLpgSQL_datum **datums;		/* the variables of the body */
	int			ndatums;
	int			new_varno;		/* NEW and OLD, or -1 */
	int			old_varno;
	uint8	   *datum_why;		/* per variable: SG_WHY_* of the values
								 * assigned to it */
	Node	  **case_values;	/* per variable: the test expression of the
								 * simple CASE it is the variable of */
} SgCondEnv;

extern void sg_condition_env_init(SgCondEnv *env,
								  const SgTriggerFacts *trigger);
extern void sg_condition_unknown(const SgCondEnv *env, SgCondition *cond);
extern void sg_condition_eval(const SgCondEnv *env, Query *query,
							  SgCondition *cond);
extern bool sg_condition_may_hold(const SgCondEnv *env,
								  const SgCondition *cond);
extern bool sg_condition_always_holds(const SgCondEnv *env,
									  const SgCondition *cond);
extern uint8 sg_query_why(const SgCondEnv *env, Query *query);
extern List *sg_one_row_values(Query *query);
extern const char *sg_why_text(uint8 why);

/* engine.c */
extern bool sg_point_enter(SgUnitState *us, SgPoint *pc, RawStmt *raw);
extern Query *sg_point_analyze(SgUnitState *us, SgPoint *pc, RawStmt *raw);
extern List *sg_point_parse(SgUnitState *us, SgPoint *pc);
extern SgRef *sg_add_ref(SgUnitState *us, char kind, char access, int line,
						 Oid classid, Oid objid, int32 subid,
						 const char *name, const char *written);
extern SgRef *sg_add_finding(SgUnitState *us, char kind, char severity,
							 int line, const char *check, const char *name,
							 const char *written, const char *message,
							 const char *hint);
extern int	sg_line_at(SgPoint *pc, int location);
extern int	sg_body_line_start(SgUnitState *us, int line);
extern void sg_point_use_body_lines(SgUnitState *us, SgPoint *pc);
extern int	sg_statement_start(const char *src, int location);
extern char sg_point_severity(SgPoint *pc, int sqlerrcode, char severity,
							  char **note);
extern bool sg_user_object(Oid oid);
extern bool sg_relation_is_temp(Oid relid);
extern int	sg_item_line(SgPoint *pc, SgRawScan *scan, SgRawName *item);
extern Oid	sg_resolve_relation(SgUnitState *us, SgPoint *pc,
								SgRawScan *scan, SgRawName *item);
extern void sg_resolve_column(SgUnitState *us, SgPoint *pc, SgRawScan *scan,
							  SgRawName *item, Oid relid);
extern bool sg_name_created_by_body(SgUnitState *us, const char *name);

/* collect.c */
extern void sg_raw_scan(Node *stmt, SgRawScan *scan);
extern SgRawName *sg_raw_find(SgRawScan *scan, char category,
							  const char *name);
extern SgRawName *sg_raw_at(SgRawScan *scan, int location);
extern void sg_collect_query(SgUnitState *us, SgPoint *pc, SgRawScan *scan,
							 Query *query);
extern void sg_refuse_temp_relations(SgPoint *pc, SgRawScan *scan,
									 Query *query);
extern void sg_collect_utility(SgUnitState *us, SgPoint *pc,
							   SgRawScan *scan, Node *stmt);
extern void sg_type_use(SgUnitState *us, Oid typid, int line);

/* engine_writes.c */
extern void sg_check_writes(SgUnitState *us, SgPoint *pc, SgRawScan *scan,
							Query *query);

/* engine_plpgsql.c */
extern void sg_plpgsql_init(void);
extern void sg_plpgsql_analyze(SgUnitState *us);
extern void sg_plpgsql_finish(SgUnitState *us);
extern void sg_plpgsql_release(SgUnitState *us);
extern bool sg_plpgsql_target_missing(SgUnitState *us, PLAssignStmt *stmt);
extern bool sg_plpgsql_handler_reraises(PLpgSQL_exception *handler,
										int *sqlerrcode);
extern bool sg_plpgsql_field_failure(SgUnitState *us, SgRawScan *scan,
									 const char **check, char *kind,
									 char *severity, const char **name,
									 char **written, char **message);

/* engine_sql.c */
extern void sg_sql_analyze(SgUnitState *us);

#endif							/* SG_ENGINE_H */
