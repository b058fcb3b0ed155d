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
	bool		in_point;		/* a point is being analysed */
	bool		cur_parsed;		/* and its text parsed */
	SgRawScan  *last_scan;		/* the last point analysed, valid until the */
	SgPoint    *last_point;		/* next one: where its names are */

	void	   *plpgsql;		/* engine_plpgsql.c state */
} SgUnitState;

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
extern int	sg_statement_start(const char *src, int location);
extern char sg_point_severity(SgPoint *pc, int sqlerrcode, char severity,
							  char **note);
extern bool sg_user_object(Oid oid);
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

/* engine_plpgsql.c */
extern void sg_plpgsql_init(void);
extern void sg_plpgsql_analyze(SgUnitState *us);
extern void sg_plpgsql_finish(SgUnitState *us);
extern void sg_plpgsql_release(SgUnitState *us);
extern bool sg_plpgsql_target_missing(SgUnitState *us, PLAssignStmt *stmt);
extern bool sg_plpgsql_field_failure(SgUnitState *us, SgRawScan *scan,
									 const char **check, char *kind,
									 char *severity, const char **name,
									 char **written, char **message);

/* engine_sql.c */
extern void sg_sql_analyze(SgUnitState *us);

#endif							/* SG_ENGINE_H */
