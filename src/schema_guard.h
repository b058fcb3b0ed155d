/*-------------------------------------------------------------------------
 *
 * schema_guard.h
 *	  Declarations shared by the parts of schema_guard.
 *
 * The extension is built in four layers:
 *
 *	engine		reads a function body (PL/pgSQL or SQL) and lists what it
 *				references, resolved the way it resolves at run time, and the
 *				problems found on the way (engine.c, engine_plpgsql.c,
 *				engine_sql.c, collect.c, engine_writes.c);
 *	catalog		stores those lists in schema_guard.analysis and
 *				schema_guard.reference, and finds them again by referenced
 *				object or by name (catalog.c);
 *	guard		event triggers and transaction callbacks that judge DDL
 *				(guard.c);
 *	report		the SQL-callable functions: validate(), dependencies(),
 *				dependents() (report.c).
 *
 * An analysis "unit" is one function, analysed once; or, for a trigger
 * function, once per trigger that calls it, so that NEW and OLD have the
 * row type of that trigger's table.
 *
 *-------------------------------------------------------------------------
 */
#ifndef SCHEMA_GUARD_H
#define SCHEMA_GUARD_H

#include "postgres.h"

#include "catalog/objectaddress.h"
#include "nodes/pg_list.h"
#include "access/htup.h"

/* What a reference row is about (schema_guard.reference.kind). */
#define SG_KIND_RELATION		'r'
#define SG_KIND_COLUMN			'c'
#define SG_KIND_FUNCTION		'f'
#define SG_KIND_TYPE			't'
#define SG_KIND_FIELD			'n'		/* NEW.x or OLD.x of a trigger */
#define SG_KIND_OBJECT			'o'		/* another object a constant names
										 * ('cfg'::regconfig, ...), or a
										 * write relies on (an INSTEAD OF
										 * trigger, a DO INSTEAD rule, an
										 * ON CONFLICT arbiter index, the
										 * constraint ON CONSTRAINT names) */
#define SG_KIND_PROBLEM			'p'		/* a finding tied to no object */
#define SG_KIND_NAME			'w'		/* a name a body that does not compile
										 * mentions: creating an object of
										 * that name analyses it again */

/* What the body does with it (schema_guard.reference.access). */
#define SG_ACCESS_READ			'r'
#define SG_ACCESS_INSERT		'i'
#define SG_ACCESS_UPDATE		'u'
#define SG_ACCESS_DELETE		'd'
#define SG_ACCESS_CALL			'x'
#define SG_ACCESS_TYPE			't'
#define SG_ACCESS_TRIGGER		'g'		/* the table whose trigger runs it */
#define SG_ACCESS_CREATE		'c'		/* the body creates it at run time */
#define SG_ACCESS_NONE			'-'

/*
 * Severity (schema_guard.reference.severity).  A reference that resolves
 * is SG_OK; anything else is a finding.  'error' means certain to fail
 * when that code runs; whatever the analysis cannot be sure of is at most
 * a warning.
 */
#define SG_OK					'o'
#define SG_ERROR				'e'
#define SG_WARNING				'w'
#define SG_INFO					'i'

/* Stable check identifiers, as validate() reports them. */
#define SG_CHECK_MISSING_RELATION	"missing_relation"
#define SG_CHECK_MISSING_COLUMN		"missing_column"
#define SG_CHECK_MISSING_FUNCTION	"missing_function"
#define SG_CHECK_MISSING_TYPE		"missing_type"
#define SG_CHECK_MISSING_FIELD		"missing_trigger_field"
#define SG_CHECK_RECORD_FIELD		"missing_record_field"
#define SG_CHECK_AMBIGUOUS			"ambiguous_reference"
#define SG_CHECK_TYPE_MISMATCH		"type_mismatch"
#define SG_CHECK_INVALID_VALUE		"invalid_value"
#define SG_CHECK_INVALID_STATEMENT	"invalid_statement"
#define SG_CHECK_NOT_NULL			"insert_misses_not_null"
#define SG_CHECK_COMPILE			"does_not_compile"
#define SG_CHECK_DYNAMIC_SQL		"dynamic_sql"
#define SG_CHECK_SEARCH_PATH		"search_path_changed"
#define SG_CHECK_RECORD_TYPE		"unknown_record_type"
#define SG_CHECK_TEMP_RELATION		"temporary_relation"
#define SG_CHECK_RUNTIME_RELATION	"relation_created_at_run_time"
#define SG_CHECK_ANALYSIS_FAILED	"analysis_failed"

/* One reference, or one finding, of a body. */
typedef struct SgRef
{
	char		kind;			/* SG_KIND_* */
	char		access;			/* SG_ACCESS_* */
	char		severity;		/* SG_OK or the finding's severity */
	int			line;			/* line in the body, 1-based; 0 if unknown */
	ObjectAddress target;		/* what it resolves to; objectId 0 if not */
	char	   *name;			/* unqualified name, the key for look-ups by
								 * name when objects are created; or NULL */
	char	   *written;		/* the reference as a reader sees it */
	const char *check;			/* SG_CHECK_* for a finding, else NULL */
	char	   *message;		/* finding's message, else NULL */
	char	   *hint;			/* finding's hint, or NULL */
} SgRef;

/* The result of analysing one unit. */
typedef struct SgAnalysis
{
	Oid			fn;				/* pg_proc OID */
	Oid			tg;				/* pg_trigger OID, or InvalidOid */
	int64		definition;		/* sg_proc_definition() of the analysed
								 * pg_proc row */
	char	   *search_path;	/* names were resolved with this path */
	char	   *session_path;	/* the path used when the function sets
								 * none: the creating session's */
	int64		interface;		/* sg_proc_interface() of the same row */
	bool		incomplete;		/* statements were left out: a table they
								 * use was locked (engine.c) */
	List	   *refs;			/* of SgRef */
	bool		refs_hashed;	/* refs_hash and findings are set
								 * (catalog.c) */
	int64		refs_hash;		/* a hash of the rows refs are stored as */
	int			findings;		/* refs that are findings, or relations
								 * created at run time */
} SgAnalysis;

/*
 * A relation some body creates at run time, and which function: its name,
 * and "schema.name" where it is created (pg_temp for a temporary one).
 */
typedef struct SgCreated
{
	char	   *name;
	char	   *written;
	Oid			fn;
} SgCreated;

/* A unit's key. */
typedef struct SgUnit
{
	Oid			fn;
	Oid			tg;
} SgUnit;

/* GUC variables (schema_guard.c) */
typedef enum SgMode
{
	SG_MODE_OFF,
	SG_MODE_WARN,
	SG_MODE_ENFORCE
} SgMode;

typedef enum SgFunctionCheck
{
	SG_FUNCTION_CHECK_OFF,
	SG_FUNCTION_CHECK_WARNING,
	SG_FUNCTION_CHECK_ERROR
} SgFunctionCheck;

extern int	sg_mode;
extern int	sg_function_check;
extern bool sg_analysing;		/* a body is being analysed: its notices
								 * are not the caller's */

/* schema_guard.c: entering and leaving schema_guard's C entry points */
typedef struct SgEntry
{
	int			nestlevel;		/* GUC nest level of our search_path */
	char	   *saved_path;		/* caller path of an enclosing entry */
} SgEntry;

extern void sg_enter(SgEntry *entry, const char *caller_path);
extern void sg_leave(SgEntry *entry);
extern const char *sg_caller_search_path(void);
extern void sg_forget_caller(void);
extern char *sg_entry_state(void);
extern void sg_restore_entry_state(char *state);

/* engine.c */
extern bool sg_function_is_analysable(Oid fn);
extern void sg_bound_caches(void);
extern List *sg_function_units(Oid fn);
extern SgAnalysis *sg_analyze_unit(Oid fn, Oid tg, const char *session_path);
extern SgAnalysis *sg_analysis_findings(const SgAnalysis *a);
extern List *sg_analyze_function(Oid fn, const char *session_path);
extern List *sg_analyze_function_nowait(Oid fn, const char *session_path);
extern List *sg_analyze_new_function(Oid fn, const char *session_path);
extern int64 sg_proc_definition(HeapTuple proctup);
extern int64 sg_proc_interface(HeapTuple proctup);
extern bool sg_analysis_is_current(Oid fn, int64 definition);
extern const char *sg_session_path(List *analyses, Oid fn);
extern const char *sg_default_session_path(Oid fn);
extern const char *sg_member_session_path(Oid fn);
extern List *sg_extension_member_functions(void);
extern void sg_forget_extension_members(void);
extern Oid	sg_trigger_function(Oid tg);
extern Oid	sg_trigger_relation(Oid tg);
extern char *sg_type_name(Oid typid);

/* catalog.c */
typedef struct SgStoredFunction SgStoredFunction;

extern SgStoredFunction *sg_catalog_read_function(Oid fn);
extern Oid	sg_stored_function_oid(SgStoredFunction *stored);
extern bool sg_stored_definition_is(SgStoredFunction *stored,
									int64 definition);
extern bool sg_stored_interface_is(SgStoredFunction *stored,
								   int64 interface);
extern List *sg_stored_findings_if_current(SgStoredFunction *stored,
										   List *units,
										   const char *session_path);
extern void sg_catalog_replace_function(Oid fn, List *analyses,
										SgStoredFunction *stored);
extern bool sg_catalog_any_pending(void);
extern void sg_catalog_forget_function(Oid fn);
extern void sg_catalog_forget_unit(Oid fn, Oid tg);
extern List *sg_catalog_load_function(Oid fn);
extern List *sg_catalog_users_of_object(Oid classid, Oid objid);
extern List *sg_catalog_users_of_name(const char *name);
extern List *sg_catalog_users_in_schema(Oid nspid);
extern List *sg_catalog_users_of_trigger(Oid tg);
extern List *sg_catalog_pending(void);
extern List *sg_catalog_load_findings(void);
extern List *sg_catalog_function_oids(void);
extern char *sg_catalog_session_path(Oid fn);
extern char *sg_creation_key(Oid fn);
extern char *sg_catalog_recorded_path(Oid fn);
extern void sg_catalog_record_path(Oid fn, const char *path);
extern void sg_catalog_forget_path(const char *key);
extern bool sg_catalog_path_is_recorded(const char *key);
extern void sg_catalog_rekey_path(const char *old_key, Oid fn);
extern void sg_catalog_mark_pending(Oid fn);
extern void sg_catalog_enum_value_added(void);
extern void sg_catalog_before_commit(void);
extern void sg_catalog_transaction_ended(void);
extern bool sg_catalog_catch_up(bool nowait, List **analysed);
extern int	sg_catalog_rebuild(void);
extern void sg_catalog_start(void);
extern bool sg_catalog_is_ready(void);
extern bool sg_catalog_clean(void);
extern void sg_catalog_extensions_changed(void);
extern void sg_catalog_invalidate(void);
extern List *sg_catalog_runtime_created_names(void);

/* guard.c */
extern void sg_guard_init(void);
extern bool sg_command_in_progress(void);
extern void sg_catalog_init(void);
extern void sg_engine_init(void);
extern Oid	sg_catalog_extension_oid(void);
extern Oid	sg_catalog_extension_owner(void);

/* The user and security context to go back to (sg_run_as_owner()). */
typedef struct SgSavedUser
{
	Oid			userid;
	int			sec_context;
} SgSavedUser;

extern void sg_run_as_owner(SgSavedUser *saved);
extern void sg_restore_user(const SgSavedUser *saved);

/* report.c and shared text helpers */
extern char *sg_function_identity(Oid fn);
extern char *sg_trigger_identity(Oid tg);
extern const char *sg_severity_name(char severity);
extern const char *sg_kind_name(char kind);
extern const char *sg_access_name(char access);
extern bool sg_created_at_run_time(SgRef *ref, SgAnalysis *a, List *created);
extern void sg_adjust_runtime_created(SgRef *ref, SgAnalysis *a,
									  List *created);

#endif							/* SCHEMA_GUARD_H */
