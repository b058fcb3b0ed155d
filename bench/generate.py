#!/usr/bin/env python3
"""
bench/generate.py: write the schema_guard benchmark schema as SQL.

The schema is deterministic (same parameters and seed, same bytes) and
sized by parameters.  At scale 1 it has

  * 2,000 tables of about 8 columns in six schemas: application tables
    (bigserial keys, foreign keys to earlier tables, enum columns), audit
    tables the trigger functions write to, and "archive" tables that no
    function references (the runner alters those);
  * a few views, stand-alone sequences and enum types;
  * 10,000 PL/pgSQL and SQL functions (and some procedures) of varied
    shapes: selects with joins and subqueries, inserts, updates, deletes
    and upserts, loops over queries, exception blocks, calls to other
    generated functions, nextval(), %TYPE and %ROWTYPE declarations,
    CASE, RETURN QUERY, dynamic EXECUTE, SET search_path;
  * 2,000 trigger functions with a trigger each, a tenth of them shared
    by a second table.

Every function is valid: SQL bodies are checked by PostgreSQL as they are
created (check_function_bodies), and PL/pgSQL bodies only use objects and
columns that exist, with matching types.

Usage: generate.py [--scale S] [--tables N] [--functions N]
                   [--trigger-functions N] [--shared F] [--seed N] [-o FILE]
"""

import argparse
import random
import sys

SCHEMAS = ["app", "sales", "stock", "billing", "crm", "public"]
NOUNS = ["orders", "customers", "items", "invoices", "payments", "shipments",
         "products", "accounts", "events", "tickets", "contracts", "notes",
         "vendors", "batches", "returns", "quotes"]
VERBS = ["get", "count", "update", "sync", "load", "calc", "check", "apply",
         "refresh", "close", "import", "merge", "touch", "score", "route"]

# Optional columns: name -> (type, constraint clause)
OPTIONAL_COLUMNS = [
    ("name", "text", ""),
    ("amount", "numeric(12,2)", " NOT NULL DEFAULT 0"),
    ("qty", "integer", ""),
    ("note", "text", ""),
    ("flag", "boolean", " NOT NULL DEFAULT false"),
    ("code", "varchar(32)", ""),
    ("score", "double precision", ""),
    ("due_date", "date", ""),
    ("email", "text", ""),
    ("payload", "jsonb", ""),
]

ENUMS = [
    ("app.order_state", ["draft", "open", "paid", "shipped", "closed"]),
    ("app.priority", ["low", "normal", "high", "urgent"]),
    ("app.channel", ["web", "store", "phone", "partner"]),
]


def value_for(coltype, var="p_id"):
    """An expression of the column's type, computed from a bigint."""
    if coltype == "text":
        return "'item ' || %s" % var
    if coltype.startswith("numeric"):
        return "round(%s * 1.25, 2)" % var
    if coltype == "integer":
        return "(%s %% 1000)::integer" % var
    if coltype == "boolean":
        return "(%s %% 2 = 0)" % var
    if coltype.startswith("varchar"):
        return "left(md5(%s::text), 32)" % var
    if coltype == "double precision":
        return "%s::double precision / 7" % var
    if coltype == "date":
        return "current_date + (%s %% 30)::integer" % var
    if coltype == "jsonb":
        return "jsonb_build_object('id', %s)" % var
    if coltype == "bigint":
        return var
    if coltype == "timestamptz":
        return "now()"
    for name, labels in ENUMS:
        if coltype == name:
            return "'%s'::%s" % (labels[1], name)
    raise ValueError(coltype)


class Table:
    def __init__(self, schema, name, kind):
        self.schema = schema
        self.name = name
        self.kind = kind            # main | audit | archive
        self.cols = []              # (name, type)
        self.parent = None
        self.view = None

    @property
    def qname(self):
        return "%s.%s" % (self.schema, self.name)

    def col(self, name):
        for c, t in self.cols:
            if c == name:
                return t
        return None

    def optional(self):
        return [(c, t) for c, t in self.cols
                if c not in ("id", "status", "created_at", "updated_at", "parent_id")]


class Func:
    def __init__(self, index, schema, name, lang, rettype, nargs, kind="f"):
        self.index = index
        self.schema = schema
        self.name = name
        self.lang = lang
        self.rettype = rettype      # bigint integer text numeric boolean void table setof:<t>
        self.nargs = nargs
        self.kind = kind            # f | p

    @property
    def qname(self):
        return "%s.%s" % (self.schema, self.name)

    @property
    def scalar(self):
        return self.kind == "f" and self.rettype in (
            "bigint", "integer", "text", "numeric", "boolean")


class Body:
    """A PL/pgSQL body under construction."""

    def __init__(self, gen, fn, path):
        self.gen = gen
        self.fn = fn
        self.path = path            # schemas names resolve in, unqualified
        self.decls = []
        self.stmts = []
        self.k = 0

    def var(self, prefix):
        self.k += 1
        return "%s_%d" % (prefix, self.k)

    def t(self, table):
        if table.schema in self.path:
            return table.name
        return table.qname

    def seq(self, table):
        if table.schema in self.path:
            return "%s_id_seq" % table.name
        return "%s.%s_id_seq" % (table.schema, table.name)

    def add(self, *lines):
        self.stmts.extend(lines)


class Generator:
    def __init__(self, args):
        self.args = args
        self.rnd = random.Random(args.seed)
        self.out = []
        self.tables = []
        self.main = []
        self.audit = []
        self.archive = []
        self.funcs = []
        self.seqs = []

    def emit(self, text):
        self.out.append(text)

    # ------------------------------------------------------------------
    # Tables, views, sequences, types
    # ------------------------------------------------------------------

    def make_tables(self):
        n = self.args.tables
        n_audit = max(2, n // 40)
        n_archive = max(8, n // 50)
        n_main = max(4, n - n_audit - n_archive)
        rnd = self.rnd
        for i in range(n_audit):
            t = Table("app", "audit_log_%d" % i, "audit")
            t.cols = [("id", "bigint"), ("tbl", "text"), ("op", "text"),
                      ("row_id", "bigint"), ("data", "jsonb"),
                      ("at", "timestamptz")]
            self.audit.append(t)
        for i in range(n_main):
            schema = SCHEMAS[i % len(SCHEMAS)]
            noun = NOUNS[rnd.randrange(len(NOUNS))]
            t = Table(schema, "%s_%d" % (noun, i), "main")
            t.cols = [("id", "bigint"), ("status", "text"),
                      ("created_at", "timestamptz"), ("updated_at", "timestamptz")]
            for c, ty, _ in rnd.sample(OPTIONAL_COLUMNS, rnd.randint(3, 5)):
                t.cols.append((c, ty))
            if rnd.random() < 0.12:
                t.cols.append(("state", ENUMS[rnd.randrange(len(ENUMS))][0]))
            t.idx = i
            if self.main and rnd.random() < 0.3:
                t.parent = rnd.choice(self.main[-200:])
                t.cols.append(("parent_id", "bigint"))
            self.main.append(t)
        for i in range(n_archive):
            schema = SCHEMAS[i % len(SCHEMAS)]
            t = Table(schema, "archive_%d" % i, "archive")
            t.cols = [("id", "bigint"), ("status", "text"),
                      ("created_at", "timestamptz"), ("updated_at", "timestamptz"),
                      ("name", "text"), ("amount", "numeric(12,2)"),
                      ("payload", "jsonb"), ("note", "text")]
            self.archive.append(t)
        self.tables = self.audit + self.main + self.archive
        for i, t in enumerate(self.main):
            if i % 25 == 7:
                t.view = "%s.v_%s" % (t.schema, t.name)
        for i in range(max(2, n // 40)):
            self.seqs.append("%s.ticket_seq_%d" % (SCHEMAS[i % len(SCHEMAS)], i))

    def write_schema(self):
        a = self.args
        self.emit("-- schema_guard benchmark schema, generated by bench/generate.py")
        self.emit("-- tables=%d functions=%d trigger_functions=%d shared=%.2f seed=%d"
                  % (a.tables, a.functions, a.trigger_functions, a.shared, a.seed))
        self.emit("SET client_min_messages = warning;")
        self.emit("SET check_function_bodies = on;")
        for s in SCHEMAS:
            if s != "public":
                self.emit("CREATE SCHEMA %s;" % s)
        for name, labels in ENUMS:
            self.emit("CREATE TYPE %s AS ENUM (%s);"
                      % (name, ", ".join("'%s'" % x for x in labels)))
        for s in self.seqs:
            self.emit("CREATE SEQUENCE %s;" % s)
        for t in self.tables:
            self.emit(self.table_ddl(t))
        for t in self.main:
            if t.view:
                cols = ", ".join(c for c, _ in t.cols[:5])
                self.emit("CREATE VIEW %s AS SELECT %s FROM %s WHERE status <> 'deleted';"
                          % (t.view, cols, t.qname))

    def table_ddl(self, t):
        lines = []
        for c, ty in t.cols:
            if c == "id":
                lines.append("id bigserial PRIMARY KEY")
            elif c == "status":
                lines.append("status text NOT NULL DEFAULT 'new'")
            elif c == "created_at":
                lines.append("created_at timestamptz NOT NULL DEFAULT now()")
            elif c == "at":
                lines.append("at timestamptz NOT NULL DEFAULT now()")
            elif c == "parent_id":
                lines.append("parent_id bigint REFERENCES %s (id)" % t.parent.qname)
            elif c == "state":
                enum = dict(ENUMS)[ty]
                lines.append("state %s NOT NULL DEFAULT '%s'" % (ty, enum[0]))
            else:
                extra = ""
                for oc, oty, ocons in OPTIONAL_COLUMNS:
                    if oc == c:
                        extra = ocons
                lines.append("%s %s%s" % (c, ty, extra))
        ddl = "CREATE TABLE %s (\n    %s\n);" % (t.qname, ",\n    ".join(lines))
        if t.kind == "main" and t.parent is not None:
            ddl += "\nCREATE INDEX ON %s (parent_id);" % t.qname
        return ddl

    # ------------------------------------------------------------------
    # Functions
    # ------------------------------------------------------------------

    def plan_functions(self):
        rnd = self.rnd
        n = self.args.functions
        for i in range(n):
            schema = SCHEMAS[rnd.randrange(len(SCHEMAS))]
            lang = "sql" if rnd.random() < 0.3 else "plpgsql"
            kind = "p" if lang == "plpgsql" and rnd.random() < 0.03 else "f"
            if kind == "p":
                rettype = "void"
            elif lang == "sql":
                rettype = rnd.choice(["bigint", "bigint", "text", "boolean",
                                      "numeric", "integer", "setof", "table"])
            else:
                rettype = rnd.choice(["bigint", "integer", "text", "numeric",
                                      "boolean", "void", "void", "table", "setof"])
            name = "%s_%s_%d" % (VERBS[rnd.randrange(len(VERBS))],
                                 NOUNS[rnd.randrange(len(NOUNS))], i)
            nargs = 2 if rnd.random() < 0.3 else 1
            self.funcs.append(Func(i, schema, name, lang, rettype, nargs, kind))

    def pick_table(self, schema):
        rnd = self.rnd
        if rnd.random() < 0.7:
            cands = self.main[SCHEMAS.index(schema)::len(SCHEMAS)] or self.main
            return rnd.choice(cands)
        return rnd.choice(self.main)

    def signature(self, f):
        args = "p_id bigint" if f.nargs == 1 else "p_id bigint, p_limit integer DEFAULT 10"
        return "%s(%s)" % (f.qname, args)

    def returns(self, f, home):
        if f.kind == "p":
            return ""
        if f.rettype == "table":
            return " RETURNS TABLE (o_id bigint, o_status text, o_created timestamptz)"
        if f.rettype.startswith("setof"):
            return " RETURNS SETOF %s" % home.qname
        return " RETURNS %s" % f.rettype

    def limit(self, f):
        return "p_limit" if f.nargs == 2 else str(self.rnd.choice([10, 20, 50, 100]))

    def write_functions(self):
        for f in self.funcs:
            if f.lang == "sql":
                self.emit(self.sql_function(f))
            else:
                self.emit(self.plpgsql_function(f))

    # --- SQL functions ------------------------------------------------

    def sql_function(self, f):
        rnd = self.rnd
        home = self.pick_table(f.schema)
        other = self.pick_table(f.schema)
        if f.rettype.startswith("setof"):
            f.rettype = "setof:" + home.qname
        p = rnd.choice(["$1", "p_id"])
        num = self.num_col(home)
        earlier = [g for g in self.funcs[max(0, f.index - 400):f.index]
                   if g.scalar and g.rettype == f.rettype]
        shapes = {
            "bigint": ["join_count", "insert_returning", "cte_count", "call", "delete_cte"],
            "integer": ["join_count_int", "update_count"],
            "text": ["status_exists", "call", "scalar_sub"],
            "boolean": ["update_exists", "exists", "call"],
            "numeric": ["sum", "call"],
        }
        if f.rettype in ("table",) or f.rettype.startswith("setof"):
            shape = "rows"
        else:
            shape = rnd.choice(shapes[f.rettype])
        if shape == "call" and not earlier:
            shape = shapes[f.rettype][0]
        H, O = home.qname, other.qname
        jcol = "parent_id" if home.parent is not None else "id"
        if shape in ("join_count", "join_count_int"):
            cast = "::integer" if shape == "join_count_int" else ""
            body = ("SELECT count(*)%s\n  FROM %s AS a\n  JOIN %s AS b ON b.id = a.%s\n"
                    " WHERE a.status = 'new' AND a.id > %s\n"
                    "   AND b.created_at > now() - interval '30 days'"
                    % (cast, H, O, jcol, p))
        elif shape == "insert_returning":
            cols, vals = self.insert_values(home, p)
            body = "INSERT INTO %s (%s)\nVALUES (%s)\nRETURNING id" % (H, cols, vals)
        elif shape == "cte_count":
            body = ("WITH recent AS (\n    SELECT id, status FROM %s\n"
                    "     WHERE created_at > now() - interval '1 day' AND id >= %s\n)\n"
                    "SELECT count(*)\n  FROM recent AS r\n  JOIN %s AS o ON o.id = r.id\n"
                    " WHERE r.status <> 'deleted'" % (H, p, O))
        elif shape == "delete_cte":
            body = ("WITH gone AS (\n    DELETE FROM %s WHERE id = %s AND status = 'cancelled'\n"
                    "    RETURNING id\n)\nSELECT count(*) FROM gone" % (H, p))
        elif shape == "update_count":
            body = ("UPDATE %s SET updated_at = now(), status = 'seen' WHERE id = %s;\n"
                    "SELECT count(*)::integer FROM %s WHERE status = 'seen' AND id >= %s"
                    % (H, p, H, p))
        elif shape == "status_exists":
            body = ("SELECT a.status\n  FROM %s AS a\n WHERE a.id = %s\n"
                    "   AND EXISTS (SELECT 1 FROM %s AS b WHERE b.id = a.id AND b.status <> 'deleted')"
                    % (H, p, O))
        elif shape == "scalar_sub":
            body = ("SELECT coalesce((SELECT max(b.status) FROM %s AS b WHERE b.id IN\n"
                    "        (SELECT a.id FROM %s AS a WHERE a.id >= %s ORDER BY a.id LIMIT 10)), 'none')"
                    % (O, H, p))
        elif shape == "update_exists":
            body = ("UPDATE %s SET status = 'checked', updated_at = now() WHERE id = %s;\n"
                    "SELECT EXISTS (SELECT 1 FROM %s WHERE id = %s AND status = 'checked')"
                    % (H, p, H, p))
        elif shape == "exists":
            body = ("SELECT EXISTS (SELECT 1 FROM %s AS a JOIN %s AS b ON b.id = a.id\n"
                    "                WHERE a.id = %s AND a.status IN ('new', 'open'))" % (H, O, p))
        elif shape == "sum":
            body = ("SELECT coalesce(sum(a.%s), 0)::numeric\n  FROM %s AS a\n WHERE a.id >= %s AND a.status <> 'void'"
                    % (num, H, p))
        elif shape == "call":
            g = rnd.choice(earlier)
            body = "SELECT %s(%s)" % (g.qname, p)
        elif shape == "rows":
            if f.rettype == "table":
                body = ("SELECT a.id, a.status, a.created_at\n  FROM %s AS a\n"
                        " WHERE a.id >= %s AND a.status <> 'deleted'\n ORDER BY a.id\n LIMIT %s"
                        % (H, p, self.limit(f)))
            else:
                body = ("SELECT *\n  FROM %s\n WHERE id >= %s\n ORDER BY id\n LIMIT %s"
                        % (H, p, self.limit(f)))
        vol = "VOLATILE" if shape in ("insert_returning", "delete_cte", "update_count",
                                      "update_exists") else "STABLE"
        return ("CREATE FUNCTION %s%s\nLANGUAGE sql %s\nAS $fn$\n%s\n$fn$;"
                % (self.signature(f), self.returns(f, home), vol, body))

    def num_col(self, t):
        for c in ("amount", "qty", "score"):
            if t.col(c):
                return c
        return "id"

    def insert_values(self, t, p, with_id=None):
        cols = ["status"]
        vals = ["'new'"]
        if with_id:
            cols.insert(0, "id")
            vals.insert(0, with_id)
        for c, ty in t.optional()[:3]:
            cols.append(c)
            vals.append(value_for(ty, p))
        return ", ".join(cols), ", ".join(vals)

    # --- PL/pgSQL functions ---------------------------------------------

    def plpgsql_function(self, f):
        rnd = self.rnd
        home = self.pick_table(f.schema)
        if f.rettype == "setof":
            f.rettype = "setof:" + home.qname
        set_path = f.schema != "public" and rnd.random() < 0.15
        if set_path:
            path = [f.schema, "public"]
        else:
            path = ["public"]
        b = Body(self, f, path)
        r = rnd.random()
        nblocks = 1 if r < 0.35 else 2 if r < 0.65 else 3 if r < 0.82 else \
            rnd.randint(4, 6) if r < 0.97 else rnd.randint(12, 30)
        blocks = [self.b_lookup, self.b_count_join, self.b_loop_update,
                  self.b_insert_seq, self.b_exception, self.b_delete_diag,
                  self.b_call, self.b_call, self.b_dynamic, self.b_subquery_update,
                  self.b_rowtype_case, self.b_upsert, self.b_while, self.b_view,
                  self.b_iterate_function, self.b_enum]
        for _ in range(nblocks):
            t = home if rnd.random() < 0.5 else self.pick_table(f.schema)
            rnd.choice(blocks)(b, t)
        self.b_return(b, home)
        decl = ""
        if b.decls:
            decl = "DECLARE\n" + "".join("    %s\n" % d for d in b.decls)
        body = "".join("    %s\n" % s for s in b.stmts)
        setclause = "\nSET search_path = %s, public" % f.schema if set_path else ""
        what = "PROCEDURE" if f.kind == "p" else "FUNCTION"
        comment = "-- %s: generated %s over %s\n" % (f.name, f.rettype.split(":")[0], home.name)
        return ("CREATE %s %s%s\nLANGUAGE plpgsql%s\nAS $fn$\n%s%sBEGIN\n%sEND\n$fn$;"
                % (what, self.signature(f), self.returns(f, home), setclause,
                   comment, decl, body))

    def b_lookup(self, b, t):
        v = b.var("v_status")
        b.decls.append("%s %s.status%%TYPE;" % (v, b.t(t)))
        b.add("SELECT x.status INTO %s FROM %s AS x WHERE x.id = p_id;" % (v, b.t(t)),
              "IF NOT FOUND THEN",
              "    RAISE NOTICE 'row %% not found in %s', p_id;" % t.name,
              "ELSIF %s = 'blocked' THEN" % v,
              "    RAISE EXCEPTION 'row % is blocked', p_id USING ERRCODE = 'check_violation';",
              "END IF;")

    def b_count_join(self, b, t):
        o = self.pick_table(b.fn.schema)
        v = b.var("v_cnt")
        jcol = "parent_id" if t.parent is not None else "id"
        b.decls.append("%s bigint;" % v)
        b.add("SELECT count(*) INTO %s" % v,
              "  FROM %s AS a" % b.t(t),
              "  JOIN %s AS c ON c.id = a.%s" % (b.t(o), jcol),
              " WHERE a.status = 'new'",
              "   AND c.created_at > now() - interval '7 days'",
              "   AND a.id IN (SELECT d.id FROM %s AS d WHERE d.id >= p_id);" % b.t(t),
              "IF %s > 1000 THEN" % v,
              "    RAISE NOTICE 'backlog of %% new rows', %s;" % v,
              "END IF;")

    def b_loop_update(self, b, t):
        r = b.var("r")
        n = b.var("n")
        b.decls.append("%s record;" % r)
        b.decls.append("%s integer := 0;" % n)
        num = self.num_col(t)
        if num == "id":
            num = "status"
        b.add("FOR %s IN SELECT x.id, x.%s FROM %s AS x" % (r, num, b.t(t)),
              "          WHERE x.status = 'new' AND x.id > p_id ORDER BY x.id LIMIT %s" % self.limit(b.fn),
              "LOOP",
              "    UPDATE %s SET status = 'done', updated_at = now() WHERE id = %s.id;" % (b.t(t), r),
              "    %s := %s + 1;" % (n, n),
              "END LOOP;")

    def b_insert_seq(self, b, t):
        v = b.var("v_new_id")
        b.decls.append("%s bigint;" % v)
        b.add("%s := nextval('%s');" % (v, b.seq(t)))
        cols, vals = self.insert_values(t, "p_id", with_id=v)
        b.add("INSERT INTO %s (%s)" % (b.t(t), cols),
              "     VALUES (%s);" % vals)
        if self.rnd.random() < 0.3:
            s = self.rnd.choice(self.seqs)
            w = b.var("v_ticket")
            b.decls.append("%s bigint := nextval('%s');" % (w, s))
            b.add("RAISE DEBUG 'ticket %% for row %%', %s, %s;" % (w, v))

    def b_exception(self, b, t):
        num = self.num_col(t)
        ty = t.col(num)
        b.add("BEGIN",
              "    UPDATE %s SET %s = %s, updated_at = now()" % (b.t(t), num, value_for(ty)),
              "     WHERE id = p_id;",
              "EXCEPTION",
              "    WHEN check_violation OR not_null_violation THEN",
              "        RAISE WARNING 'could not update %% in %s: %%', p_id, SQLERRM;" % t.name,
              "    WHEN unique_violation THEN",
              "        NULL;",
              "END;")

    def b_delete_diag(self, b, t):
        n = b.var("v_deleted")
        a = self.rnd.choice(self.audit)
        b.decls.append("%s integer;" % n)
        b.add("DELETE FROM %s WHERE id = p_id AND status = 'cancelled';" % b.t(t),
              "GET DIAGNOSTICS %s = ROW_COUNT;" % n,
              "IF %s > 0 THEN" % n,
              "    INSERT INTO %s (tbl, op, row_id) VALUES ('%s', 'delete', p_id);" % (b.t(a), t.name),
              "END IF;")

    def b_call(self, b, t):
        rnd = self.rnd
        # calls go to functions generated earlier, so that no call chain
        # is recursive when the functions run
        if b.fn.index == 0:
            return self.b_lookup(b, t)
        g = self.funcs[rnd.randrange(b.fn.index)]
        if g.kind == "p":
            b.add("CALL %s(p_id);" % g.qname)
        elif g.scalar and rnd.random() < 0.7:
            v = b.var("v_res")
            b.decls.append("%s %s;" % (v, g.rettype))
            b.add("%s := %s(p_id);" % (v, g.qname))
            if g.rettype in ("bigint", "integer", "numeric"):
                b.add("IF %s IS NULL OR %s < 0 THEN" % (v, v),
                      "    RAISE NOTICE 'unexpected result %% from %s', %s;" % (g.name, v),
                      "END IF;")
            else:
                b.add("RAISE DEBUG '%s returned %%', %s;" % (g.name, v))
        else:
            b.add("PERFORM %s(p_id);" % g.qname)

    def b_dynamic(self, b, t):
        v = b.var("v_dyn")
        tb = b.var("v_table")
        b.decls.append("%s bigint;" % v)
        b.decls.append("%s text := '%s';" % (tb, t.name))
        b.add("EXECUTE format('SELECT count(*) FROM %%I.%%I WHERE id >= $1', '%s', %s)" % (t.schema, tb),
              "   INTO %s" % v,
              "  USING p_id;",
              "IF %s > 0 THEN" % v,
              "    PERFORM pg_notify('bench_rows', %s || ':' || %s);" % (tb, v),
              "END IF;")

    def b_subquery_update(self, b, t):
        o = self.pick_table(b.fn.schema)
        b.add("UPDATE %s AS x" % b.t(t),
              "   SET status = 'linked', updated_at = now()",
              " WHERE x.id = p_id",
              "   AND EXISTS (SELECT 1 FROM %s AS y WHERE y.id = x.id AND y.status <> 'deleted');" % b.t(o))

    def b_rowtype_case(self, b, t):
        v = b.var("v_row")
        b.decls.append("%s %s%%ROWTYPE;" % (v, b.t(t)))
        opt = t.optional()
        c, ty = opt[0]
        b.add("SELECT * INTO %s FROM %s WHERE id = p_id;" % (v, b.t(t)),
              "CASE %s.status" % v,
              "    WHEN 'new' THEN",
              "        UPDATE %s SET status = 'open', %s = %s WHERE id = %s.id;"
              % (b.t(t), c, value_for(ty, v + ".id"), v),
              "    WHEN 'open', 'pending' THEN",
              "        RAISE NOTICE 'row %% created at %%', %s.id, %s.created_at;" % (v, v),
              "    ELSE",
              "        NULL;",
              "END CASE;")

    def b_upsert(self, b, t):
        # keys far above what the sequences hand out
        cols, vals = self.insert_values(t, "p_id", with_id="p_id + 1000000000")
        b.add("INSERT INTO %s AS x (%s)" % (b.t(t), cols),
              "VALUES (%s)" % vals,
              "ON CONFLICT (id) DO UPDATE",
              "   SET status = EXCLUDED.status, updated_at = now()",
              " WHERE x.status <> 'locked';")

    def b_while(self, b, t):
        i = b.var("v_i")
        tot = b.var("v_total")
        num = self.num_col(t)
        b.decls.append("%s integer := 0;" % i)
        b.decls.append("%s numeric := 0;" % tot)
        b.add("WHILE %s < 3 LOOP" % i,
              "    %s := %s + coalesce((SELECT sum(z.%s) FROM %s AS z WHERE z.id = p_id + %s), 0);"
              % (tot, tot, num, b.t(t), i),
              "    %s := %s + 1;" % (i, i),
              "END LOOP;")

    def b_view(self, b, t):
        views = [x for x in self.main if x.view]
        if not views:
            return self.b_lookup(b, t)
        v = self.rnd.choice(views)
        n = b.var("v_seen")
        b.decls.append("%s bigint;" % n)
        b.add("SELECT count(*) INTO %s FROM %s AS w WHERE w.id BETWEEN p_id AND p_id + 100;" % (n, v.view),
              "RAISE DEBUG '%% visible rows near %%', %s, p_id;" % n)

    def b_iterate_function(self, b, t):
        rows = [g for g in self.funcs[:b.fn.index] if g.rettype == "table"]
        if not rows:
            return self.b_lookup(b, t)
        g = self.rnd.choice(rows)
        r = b.var("r")
        n = b.var("n")
        b.decls.append("%s record;" % r)
        b.decls.append("%s integer := 0;" % n)
        b.add("FOR %s IN SELECT * FROM %s(p_id) LOOP" % (r, g.qname),
              "    IF %s.o_status = 'new' THEN" % r,
              "        %s := %s + 1;" % (n, n),
              "    END IF;",
              "END LOOP;")

    def b_enum(self, b, t):
        name, labels = ENUMS[self.rnd.randrange(len(ENUMS))]
        v = b.var("v_state")
        b.decls.append("%s %s := '%s'::%s;" % (v, name, labels[0], name))
        b.add("IF %s < '%s'::%s THEN" % (v, labels[2], name),
              "    %s := '%s'::%s;" % (v, labels[1], name),
              "END IF;")

    def b_return(self, b, t):
        f = b.fn
        rt = f.rettype
        if f.kind == "p" or rt == "void":
            if self.rnd.random() < 0.5:
                b.add("UPDATE %s SET updated_at = now() WHERE id = p_id;" % b.t(t))
            return
        v = b.var("v_ret")
        if rt == "bigint":
            b.decls.append("%s bigint;" % v)
            b.add("SELECT count(*) INTO %s FROM %s WHERE id >= p_id;" % (v, b.t(t)),
                  "RETURN %s;" % v)
        elif rt == "integer":
            b.decls.append("%s integer;" % v)
            b.add("SELECT count(*)::integer INTO %s FROM %s WHERE status = 'new';" % (v, b.t(t)),
                  "RETURN coalesce(%s, 0);" % v)
        elif rt == "text":
            b.decls.append("%s text;" % v)
            b.add("SELECT x.status INTO %s FROM %s AS x WHERE x.id = p_id;" % (v, b.t(t)),
                  "RETURN coalesce(%s, 'missing');" % v)
        elif rt == "numeric":
            b.decls.append("%s numeric;" % v)
            b.add("SELECT coalesce(sum(x.%s), 0) INTO %s FROM %s AS x WHERE x.id >= p_id;"
                  % (self.num_col(t), v, b.t(t)),
                  "RETURN %s;" % v)
        elif rt == "boolean":
            b.add("RETURN EXISTS (SELECT 1 FROM %s AS x WHERE x.id = p_id AND x.status <> 'deleted');"
                  % b.t(t))
        elif rt == "table":
            b.add("RETURN QUERY",
                  "    SELECT x.id, x.status, x.created_at FROM %s AS x" % b.t(t),
                  "     WHERE x.id >= p_id ORDER BY x.id LIMIT %s;" % self.limit(f))
        elif rt.startswith("setof:"):
            # the home table of a SETOF function is fixed by its RETURNS
            home = rt.split(":", 1)[1]
            b.add("RETURN QUERY SELECT * FROM %s WHERE id >= p_id ORDER BY id LIMIT %s;"
                  % (home, self.limit(f)))

    # ------------------------------------------------------------------
    # Trigger functions and triggers
    # ------------------------------------------------------------------

    def write_triggers(self):
        rnd = self.rnd
        n = self.args.trigger_functions
        triggered = [t for t in self.main]
        for i in range(n):
            t = triggered[i % len(triggered)]
            shared = rnd.random() < self.args.shared
            second = None
            if shared:
                second = triggered[(i * 7 + 3) % len(triggered)]
                if second is t:
                    second = None
            kind = rnd.choice(["audit", "stamp", "check", "propagate", "defaults"])
            if kind == "propagate" and t.parent is None and t.idx == 0:
                kind = "audit"
            if second is not None and kind not in ("audit", "stamp"):
                kind = "audit"
            fname = "%s.trg_%s_%s_%d" % (t.schema, t.name, kind, i)
            self.emit(self.trigger_function(fname, kind, t))
            timing = "AFTER" if kind in ("audit", "propagate") else "BEFORE"
            events = {"audit": "INSERT OR UPDATE OR DELETE", "stamp": "INSERT OR UPDATE",
                      "check": "INSERT OR UPDATE", "propagate": "INSERT OR UPDATE",
                      "defaults": "INSERT"}[kind]
            for tab in [t] + ([second] if second is not None else []):
                self.emit("CREATE TRIGGER tg_%s_%d %s %s ON %s\n    FOR EACH ROW EXECUTE FUNCTION %s();"
                          % (kind, i, timing, events, tab.qname, fname))

    def trigger_function(self, fname, kind, t):
        rnd = self.rnd
        lines = []
        decls = []
        if kind == "audit":
            a = rnd.choice(self.audit)
            lines += ["IF TG_OP = 'DELETE' THEN",
                      "    INSERT INTO %s (tbl, op, row_id)" % a.qname,
                      "    VALUES (TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, TG_OP, OLD.id);",
                      "    RETURN OLD;",
                      "END IF;",
                      "INSERT INTO %s (tbl, op, row_id, data)" % a.qname,
                      "VALUES (TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, TG_OP, NEW.id, to_jsonb(NEW));",
                      "RETURN NEW;"]
        elif kind == "stamp":
            lines += ["NEW.updated_at := now();",
                      "IF TG_OP = 'INSERT' AND NEW.status IS NULL THEN",
                      "    NEW.status := 'new';",
                      "ELSIF TG_OP = 'UPDATE' AND OLD.status = 'closed' AND NEW.status <> 'closed' THEN",
                      "    RAISE EXCEPTION 'row % of % is closed', OLD.id, TG_TABLE_NAME;",
                      "END IF;",
                      "RETURN NEW;"]
        elif kind == "check":
            c, ty = t.optional()[0]
            num = self.num_col(t)
            if num != "id":
                lines += ["IF NEW.%s < 0 THEN" % num,
                          "    RAISE EXCEPTION '%s must not be negative (row %%)', NEW.id" % num,
                          "        USING ERRCODE = 'check_violation';",
                          "END IF;"]
            lines += ["IF NEW.%s IS NULL THEN" % c,
                      "    NEW.%s := %s;" % (c, value_for(ty, "NEW.id")),
                      "END IF;",
                      "RETURN NEW;"]
        elif kind == "propagate":
            # an earlier table: triggers that write to other tables never
            # fire each other in a cycle
            o = t.parent if t.parent is not None else rnd.choice(self.main[:t.idx])
            lines += ["UPDATE %s AS p" % o.qname,
                      "   SET updated_at = now()",
                      " WHERE p.id = NEW.%s" % ("parent_id" if t.parent is not None else "id"),
                      "   AND p.status <> 'closed';",
                      "RETURN NULL;"]
        elif kind == "defaults":
            decls.append("v_count bigint;")
            lines += ["IF NEW.id IS NULL THEN",
                      "    NEW.id := nextval('%s_id_seq');" % t.qname,
                      "END IF;",
                      "SELECT count(*) INTO v_count FROM %s WHERE status = 'new';" % t.qname,
                      "IF v_count > 1000000 THEN",
                      "    RAISE WARNING 'backlog of %% rows in %s', v_count;" % t.name,
                      "END IF;",
                      "RETURN NEW;"]
        decl = ("DECLARE\n" + "".join("    %s\n" % d for d in decls)) if decls else ""
        return ("CREATE FUNCTION %s() RETURNS trigger\nLANGUAGE plpgsql\nAS $fn$\n%sBEGIN\n%sEND\n$fn$;"
                % (fname, decl, "".join("    %s\n" % l for l in lines)))

    def run(self):
        self.make_tables()
        self.write_schema()
        self.plan_functions()
        self.write_functions()
        self.write_triggers()
        return "\n".join(self.out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=1.0,
                    help="multiply the default sizes (default 1)")
    ap.add_argument("--tables", type=int, help="tables (default 2000 x scale)")
    ap.add_argument("--functions", type=int,
                    help="PL/pgSQL and SQL functions (default 10000 x scale)")
    ap.add_argument("--trigger-functions", type=int,
                    help="trigger functions, one trigger each (default 2000 x scale)")
    ap.add_argument("--shared", type=float, default=0.1,
                    help="fraction of trigger functions also used by a second table")
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("-o", "--output", help="file to write (default stdout)")
    args = ap.parse_args()
    if args.tables is None:
        args.tables = max(20, int(round(2000 * args.scale)))
    if args.functions is None:
        args.functions = max(10, int(round(10000 * args.scale)))
    if args.trigger_functions is None:
        args.trigger_functions = max(2, int(round(2000 * args.scale)))
    sql = Generator(args).run()
    if args.output:
        with open(args.output, "w") as fh:
            fh.write(sql)
    else:
        sys.stdout.write(sql)


if __name__ == "__main__":
    main()
