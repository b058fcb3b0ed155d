#!/usr/bin/env bash
#
# bench/run.sh: the schema_guard benchmark.
#
# Generates the bench schema (bench/generate.py), loads it into a template
# database, clones it into identical databases -- sg_bench_guarded
# (CREATE EXTENSION schema_guard) and sg_bench_unguarded (without) -- and
# measures, in this one run, schema_guard against its peers:
#
#   * plpgsql_check_function() over every PL/pgSQL function and every
#     trigger with its table, vs schema_guard's analysis of the same
#     database: every function analysed in memory (validate() in a
#     read-only transaction right after CREATE EXTENSION), the first and
#     second validate() after CREATE EXTENSION (the first analyses and
#     stores every function), rebuild() (over the catalog DDL kept, and
#     over one whose every row was altered, so that it writes them all
#     again), and validate() after a rebuild (first and second call);
#   * backend memory (private RssAnon, sampled from /proc while each
#     statement runs) and memory after every 1,000 functions analysed;
#   * DDL latency with pgbench, guarded vs unguarded database (and vs a
#     third clone with three event triggers that do nothing: the floor
#     of any event-trigger guard);
#   * the time to refuse a DROP TABLE of a referenced table;
#   * where guarded DDL spends its time (auto_explain of schema_guard's
#     internal queries), and the first DDL after CREATE EXTENSION.
#
# It prints measurements and ratios; it never fails on a threshold.
#
# Environment:
#   SCALE=1            schema size (1 = 2,000 tables, 10,000 functions,
#                      2,000 trigger functions); SCALE=0.1 for a quick run
#   REPEAT=5           fresh-session runs of each analysis measurement
#   PGBENCH_TX=300     transactions per pgbench run (at most 1500)
#   PGBENCH_ROUNDS=5   pgbench rounds per DDL test; each round runs the
#                      guarded, unguarded and no-op-event-trigger databases
#                      in a rotating order; the median round is reported
#   DROP_ATTEMPTS=9    refused DROP TABLE attempts (median reported)
#   USE_CLUSTER=0      1: use the running cluster named by PGHOST, PGPORT,
#                      PGUSER (a superuser) instead of a throwaway one
#   KEEP=0             1: keep the benchmark databases afterwards
#   SEED=15            generator seed
#
# Run as root (the throwaway cluster runs as postgres), for example
#   bench/run.sh                 full scale, throwaway cluster
#   SCALE=0.1 REPEAT=1 bench/run.sh

set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SCALE=${SCALE:-1}
REPEAT=${REPEAT:-5}
PGBENCH_TX=${PGBENCH_TX:-300}
PGBENCH_ROUNDS=${PGBENCH_ROUNDS:-5}
DROP_ATTEMPTS=${DROP_ATTEMPTS:-9}
USE_CLUSTER=${USE_CLUSTER:-0}
KEEP=${KEEP:-0}
SEED=${SEED:-15}

DB_T=sg_bench_template
DB_G=sg_bench_guarded
DB_U=sg_bench_unguarded
DB_C=sg_bench_catchup
DB_F=sg_bench_noop_triggers
DB_X=sg_bench_runtime

if [ "$PGBENCH_TX" -gt 1500 ]; then
    echo "PGBENCH_TX must be at most 1500 (ADD/DROP COLUMN uses up attribute numbers)" >&2
    exit 2
fi

# --------------------------------------------------------------------------
# Cluster
# --------------------------------------------------------------------------

if [ "$USE_CLUSTER" = 1 ]; then
    PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
    export PATH="$PG_BIN:$PATH"
    log() { printf '==> %s\n' "$*" >&2; }
else
    # shellcheck source=../scripts/setup.sh
    . "$BENCH_DIR/../scripts/setup.sh"
    sg_require_root "$@"
    log() { sg_log "$@"; }
    sg_start_cluster
    PG_BIN=$SG_PG_BIN
    # one statement analyses every function of the schema; its locks on
    # every table must fit, at any scale
    psql -X -q -d postgres -c "ALTER SYSTEM SET max_locks_per_transaction = 512" >/dev/null
    su postgres -s /bin/sh -c "$PG_BIN/pg_ctl -D $SG_CLUSTER/data -l $SG_CLUSTER/log -w restart >/dev/null"
fi

SHAREDIR=$("$PG_BIN/pg_config" --sharedir)
for ext in schema_guard plpgsql_check; do
    if [ ! -f "$SHAREDIR/extension/$ext.control" ]; then
        echo "extension $ext is not installed in $SHAREDIR (build and install schema_guard; apt-get install postgresql-15-plpgsql-check)" >&2
        exit 2
    fi
done

PKGLIBDIR=$("$PG_BIN/pg_config" --pkglibdir)
so_id() { md5sum "$PKGLIBDIR/schema_guard.so" | cut -c1-12; }
SO_START=$(so_id)
SO_START_TIME=$(date -r "$PKGLIBDIR/schema_guard.so" '+%Y-%m-%d %H:%M:%S')

WORK=$(mktemp -d /tmp/sg_bench.XXXXXX)
chmod 755 "$WORK"
cleanup() {
    if [ "$KEEP" != 1 ]; then
        for db in $DB_G $DB_U $DB_F $DB_C $DB_X $DB_T; do
            psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
        done
    fi
    [ "$KEEP" = 1 ] && echo "work files kept in $WORK" >&2 || rm -rf "$WORK"
    if [ "$USE_CLUSTER" != 1 ]; then sg_stop_cluster; fi
}
trap cleanup EXIT

q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$@"; }

# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
maximum() { tr ' ' '\n' | grep -v '^$' | sort -g | tail -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b+0 == 0) print "nan"; else printf "%.3f", a/b }'; }
fmt() { awk -v a="$1" 'BEGIN { printf "%.1f", a }'; }
verdict() {  # value op target -> met / MISSED
    awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN {
        ok = (op == "<=") ? (v <= t) : (v < t);
        print (v == "nan") ? "n/a" : (ok ? "met" : "MISSED") }'
}
kb_mb() { awk -v a="$1" 'BEGIN { printf "%.1f", a/1024 }'; }

# run_measured DB TAG SQL...: run the statements in one fresh session,
# timing each with psql's \timing and sampling the backend's memory.
# Leaves $WORK/TAG/times (ms, one a line), $WORK/TAG/mem (memwatch
# phases), $WORK/TAG/result (query output), $WORK/TAG/ctx.
run_measured() {
    local db=$1 tag=$2 d i=1 w
    shift 2
    d=$WORK/$tag
    rm -rf "$d"
    mkdir -p "$d"
    {
        echo '\set ON_ERROR_STOP 1'
        echo "\\o $d/pid"
        echo 'SELECT pg_backend_pid();'
        echo "\\o $d/result"
        echo "\\! while [ ! -e $d/ready ]; do sleep 0.01; done"
        echo '\timing on'
        echo "\\! touch $d/mark.0"
        for sql in "$@"; do
            echo "$sql"
            echo "\\! touch $d/mark.$i"
            i=$((i + 1))
        done
        echo '\timing off'
        echo "\\o $d/ctx"
        echo 'SELECT sum(total_bytes) FROM pg_backend_memory_contexts;'
    } >"$d/script.sql"
    python3 "$BENCH_DIR/memwatch.py" "$d" >"$d/mem" &
    w=$!
    if ! psql -X -q -At -d "$db" -f "$d/script.sql" >"$d/out" 2>"$d/err"; then
        cat "$d/err" >&2
        wait "$w" || true
        return 1
    fi
    wait "$w"
    grep '^Time:' "$d/out" | awk '{print $2}' >"$d/times"
}
t_of() { sed -n "${2}p" "$WORK/$1/times"; }          # TAG N -> ms of statement N
mem_of() {                                           # TAG PHASE FIELD -> value
    grep "^phase=$2 " "$WORK/$1/mem" | tr ' ' '\n' | sed -n "s/^$3=//p"
}

# The same units for both tools: every PL/pgSQL function of the bench
# schema (not of an extension) with relid 0, and every trigger whose
# function is PL/pgSQL with its table.
UNITS_SQL="
    SELECT p.oid AS fn, 0::oid AS rel
      FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
     WHERE l.lanname = 'plpgsql' AND p.prorettype <> 'trigger'::regtype
       AND p.oid >= 16384
       AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                          AND d.objid = p.oid AND d.deptype = 'e')
    UNION ALL
    SELECT t.tgfoid, t.tgrelid
      FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
      JOIN pg_language l ON l.oid = p.prolang
     WHERE NOT t.tgisinternal AND l.lanname = 'plpgsql'
       AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                          AND d.objid = p.oid AND d.deptype = 'e')"
PC_SQL="SELECT count(*) AS units, sum(m.n) AS messages, sum(m.e) AS errors
  FROM ($UNITS_SQL) AS u,
       LATERAL (SELECT count(*) AS n, count(*) FILTER (WHERE x LIKE 'error%') AS e
                  FROM plpgsql_check_function(u.fn, u.rel) AS x) AS m;"
VALIDATE_SQL="SELECT count(*) FROM schema_guard.validate();"
REBUILD_SQL="SELECT schema_guard.rebuild();"

# --------------------------------------------------------------------------
# Schema and databases
# --------------------------------------------------------------------------

log "generating the schema (SCALE=$SCALE)"
python3 "$BENCH_DIR/generate.py" --scale "$SCALE" --seed "$SEED" -o "$WORK/schema.sql"

for db in $DB_G $DB_U $DB_F $DB_C $DB_X $DB_T; do
    q postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null
done
q postgres -c "CREATE DATABASE $DB_T" >/dev/null
log "loading the schema ($(du -h "$WORK/schema.sql" | cut -f1))"
t0=$(date +%s.%N)
q "$DB_T" -f "$WORK/schema.sql" >/dev/null
LOAD_S=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b-a }')
q "$DB_T" -c "VACUUM ANALYZE" >/dev/null
for db in $DB_G $DB_U $DB_F $DB_C $DB_X; do
    q postgres -c "CREATE DATABASE $db TEMPLATE $DB_T" >/dev/null
done
q "$DB_U" -c "CREATE EXTENSION plpgsql_check" >/dev/null
# the floor for any event-trigger guard: the unguarded database plus three
# event triggers that do nothing
q "$DB_F" -c "CREATE EXTENSION plpgsql_check" >/dev/null
q "$DB_F" >/dev/null <<'SQL'
CREATE FUNCTION public.bench_noop_event_trigger() RETURNS event_trigger
LANGUAGE plpgsql AS $$ BEGIN END $$;
CREATE EVENT TRIGGER bench_noop_start ON ddl_command_start
    EXECUTE FUNCTION public.bench_noop_event_trigger();
CREATE EVENT TRIGGER bench_noop_drop ON sql_drop
    EXECUTE FUNCTION public.bench_noop_event_trigger();
CREATE EVENT TRIGGER bench_noop_end ON ddl_command_end
    EXECUTE FUNCTION public.bench_noop_event_trigger();
SQL
q "$DB_G" -c "CREATE EXTENSION plpgsql_check" >/dev/null
CREATE_EXT_MS=$(q "$DB_G" -c '\timing on' -c "CREATE EXTENSION schema_guard" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p')

read -r N_TABLES N_PLPGSQL N_SQL N_PROC N_TRGFN N_TRG N_SHARED <<<"$(q "$DB_U" -F ' ' -c "
    SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind = 'r' AND n.nspname IN ('app','sales','stock','billing','crm','public')),
           count(*) FILTER (WHERE l.lanname = 'plpgsql' AND p.prorettype <> 'trigger'::regtype AND p.prokind = 'f'),
           count(*) FILTER (WHERE l.lanname = 'sql'),
           count(*) FILTER (WHERE p.prokind = 'p'),
           count(*) FILTER (WHERE p.prorettype = 'trigger'::regtype),
           (SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal),
           (SELECT count(*) FROM (SELECT tgfoid FROM pg_trigger WHERE NOT tgisinternal
                                   GROUP BY 1 HAVING count(*) > 1) s)
      FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
     WHERE p.oid >= 16384 AND l.lanname IN ('plpgsql', 'sql')
       AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                          AND d.objid = p.oid AND d.deptype = 'e')")"
N_UNITS=$(q "$DB_U" -c "SELECT count(*) FROM ($UNITS_SQL) u")
N_FUNCS=$((N_PLPGSQL + N_SQL + N_PROC + N_TRGFN))

# --------------------------------------------------------------------------
# Analysis: plpgsql_check vs cold validate(), rebuild(), validate()
# --------------------------------------------------------------------------

MEM_R="" COLD1_R="" COLD2_R="" REBUILD_R="" RESTALE_R="" WARM1_R="" WARM2_R=""
PC_MS="" MEM_MS="" COLD1_MS="" COLD2_MS="" REBUILD_MS="" RESTALE_MS="" WARM1_MS="" WARM2_MS=""
PC_PEAK="" MEM_PEAK="" COLD_PEAK="" REBUILD_PEAK="" WARM_PEAK="" PC_HWM="" COLD_HWM="" REBUILD_HWM=""
PENDING_COLD=$(q "$DB_G" -c "SELECT count(*) FROM schema_guard.pending_analysis")

for r in $(seq 1 "$REPEAT"); do
    log "analysis round $r/$REPEAT: plpgsql_check, cold validate()"
    run_measured "$DB_U" "pc_a$r" "$PC_SQL"
    PC_MS="$PC_MS $(t_of "pc_a$r" 1)"
    pc_round=$(t_of "pc_a$r" 1)
    PC_PEAK="$PC_PEAK $(mem_of "pc_a$r" 0 peak_anon_kb)"
    PC_HWM="$PC_HWM $(mem_of "pc_a$r" 0 hwm_kb)"
    # every round starts right after CREATE EXTENSION: nothing analysed yet
    if [ "$r" -gt 1 ]; then
        q "$DB_G" -c "DROP EXTENSION schema_guard" -c "CREATE EXTENSION schema_guard" >/dev/null
    fi
    # the engine alone: a read-only transaction cannot store, so validate()
    # analyses every function in memory
    run_measured "$DB_G" "mem$r" "SET default_transaction_read_only = on;" "$VALIDATE_SQL"
    MEM_MS="$MEM_MS $(t_of "mem$r" 2)"
    MEM_R="$MEM_R $(ratio "$(t_of "mem$r" 2)" "$pc_round")"
    MEM_PEAK="$MEM_PEAK $(mem_of "mem$r" 1 peak_anon_kb)"
    # the first validate() analyses and stores every function (as the
    # first DDL would); the second reads the stored analyses
    run_measured "$DB_G" "cold$r" "$VALIDATE_SQL" "$VALIDATE_SQL"
    COLD1_MS="$COLD1_MS $(t_of "cold$r" 1)"
    COLD2_MS="$COLD2_MS $(t_of "cold$r" 2)"
    COLD1_R="$COLD1_R $(ratio "$(t_of "cold$r" 1)" "$pc_round")"
    COLD2_R="$COLD2_R $(ratio "$(t_of "cold$r" 2)" "$pc_round")"
    COLD_PEAK="$COLD_PEAK $(mem_of "cold$r" 0 peak_anon_kb) $(mem_of "cold$r" 1 peak_anon_kb)"
    COLD_HWM="$COLD_HWM $(mem_of "cold$r" 0 hwm_kb) $(mem_of "cold$r" 1 hwm_kb)"
done
read -r PC_UNITS PC_MSGS PC_ERRORS <<<"$(tr '|' ' ' <"$WORK/pc_a1/result" | awk 'NF==3' | tail -1)"
COLD_FINDINGS=$(q "$DB_G" -F ' ' -c "SELECT severity, \"check\", count(*) FROM schema_guard.validate() GROUP BY 1, 2 ORDER BY 1, 2")

for r in $(seq 1 "$REPEAT"); do
    log "analysis round $r/$REPEAT: rebuild(), validate() twice, plpgsql_check"
    run_measured "$DB_G" "rebuild$r" "$REBUILD_SQL"
    REBUILD_MS="$REBUILD_MS $(t_of "rebuild$r" 1)"
    REBUILD_PEAK="$REBUILD_PEAK $(mem_of "rebuild$r" 0 peak_anon_kb)"
    REBUILD_HWM="$REBUILD_HWM $(mem_of "rebuild$r" 0 hwm_kb)"
    # rebuild() writes only rows that differ from its analysis; with every
    # stored row altered first, it writes the whole catalog again
    q "$DB_G" -c "UPDATE schema_guard.reference SET line = -1 - line" \
              -c "UPDATE schema_guard.analysis SET definition = definition # 1" \
              -c "VACUUM ANALYZE schema_guard.reference, schema_guard.analysis" >/dev/null
    run_measured "$DB_G" "restale$r" "$REBUILD_SQL"
    RESTALE_MS="$RESTALE_MS $(t_of "restale$r" 1)"
    REBUILD_PEAK="$REBUILD_PEAK $(mem_of "restale$r" 0 peak_anon_kb)"
    # clear the dead rows the rebuild left, as autovacuum would
    q "$DB_G" -c "VACUUM ANALYZE schema_guard.reference, schema_guard.analysis" >/dev/null
    run_measured "$DB_G" "warm$r" "$VALIDATE_SQL" "$VALIDATE_SQL"
    WARM1_MS="$WARM1_MS $(t_of "warm$r" 1)"
    WARM2_MS="$WARM2_MS $(t_of "warm$r" 2)"
    WARM_PEAK="$WARM_PEAK $(mem_of "warm$r" 0 peak_anon_kb) $(mem_of "warm$r" 1 peak_anon_kb)"
    run_measured "$DB_U" "pc_b$r" "$PC_SQL"
    PC_MS="$PC_MS $(t_of "pc_b$r" 1)"
    pc_round=$(t_of "pc_b$r" 1)
    REBUILD_R="$REBUILD_R $(ratio "$(t_of "rebuild$r" 1)" "$pc_round")"
    RESTALE_R="$RESTALE_R $(ratio "$(t_of "restale$r" 1)" "$pc_round")"
    WARM1_R="$WARM1_R $(ratio "$(t_of "warm$r" 1)" "$pc_round")"
    WARM2_R="$WARM2_R $(ratio "$(t_of "warm$r" 2)" "$pc_round")"
    PC_PEAK="$PC_PEAK $(mem_of "pc_b$r" 0 peak_anon_kb)"
    PC_HWM="$PC_HWM $(mem_of "pc_b$r" 0 hwm_kb)"
done
SG_UNITS=$(q "$DB_G" -c "SELECT count(*) FROM schema_guard.analysis")
SG_REBUILD_FNS=$(grep -E '^[0-9]+$' "$WORK/rebuild1/result" | tail -1)
REFS=$(q "$DB_G" -c "SELECT count(*) FROM schema_guard.reference")
WARM_FINDINGS=$(q "$DB_G" -F ' ' -c "SELECT severity, \"check\", count(*) FROM schema_guard.validate() GROUP BY 1, 2 ORDER BY 1, 2")

PC_MED=$(echo "$PC_MS" | median)
MEM_MED=$(echo "$MEM_MS" | median)
COLD1_MED=$(echo "$COLD1_MS" | median)
COLD2_MED=$(echo "$COLD2_MS" | median)
REBUILD_MED=$(echo "$REBUILD_MS" | median)
RESTALE_MED=$(echo "$RESTALE_MS" | median)
WARM1_MED=$(echo "$WARM1_MS" | median)
WARM2_MED=$(echo "$WARM2_MS" | median)
R_MEM=$(echo "$MEM_R" | median | awk '{printf "%.3f", $1}')
R_COLD=$(echo "$COLD1_R" | median | awk '{printf "%.3f", $1}')
R_COLD2=$(echo "$COLD2_R" | median | awk '{printf "%.3f", $1}')
R_REBUILD=$(echo "$REBUILD_R" | median | awk '{printf "%.3f", $1}')
R_RESTALE=$(echo "$RESTALE_R" | median | awk '{printf "%.3f", $1}')
R_WARM1=$(echo "$WARM1_R" | median | awk '{printf "%.3f", $1}')
R_WARM2=$(echo "$WARM2_R" | median | awk '{printf "%.3f", $1}')

# --------------------------------------------------------------------------
# Memory after every 1,000 functions analysed, one backend each
# --------------------------------------------------------------------------

# Functions come in two halves, every other one by OID: the first half
# warms the relation and catalog caches on (nearly) every table and type;
# the second half is as many functions again, none analysed before, over
# tables already cached, so that its growth is what each further function
# adds.  "cache_kb" is PL/pgSQL's function cache (TopMemoryContext, where
# it keeps a struct per compiled function, and its hash table).
log "memory per 1,000 functions: schema_guard.dependencies() over every function"
MEMLOOP_BODY="
    s := pg_read_file('/proc/self/status');
    RAISE NOTICE 'memstep n=% half=% anon_kb=% rss_kb=% ctx_kb=% cache_kb=% ms=% plpgsql_ms=%', i, r.half,
        substring(s from 'RssAnon:\s+([0-9]+)'), substring(s from 'VmRSS:\s+([0-9]+)'),
        (SELECT sum(total_bytes) / 1024 FROM pg_backend_memory_contexts),
        (SELECT sum(used_bytes) / 1024 FROM pg_backend_memory_contexts
          WHERE name IN ('TopMemoryContext', 'PLpgSQL function hash')),
        round(extract(epoch from clock_timestamp() - t0) * 1000), round(pl_ms);"
q "$DB_G" -c "
DO \$\$
DECLARE
    r record; i int := 0; total int; n bigint; s text;
    t0 timestamptz := clock_timestamp(); t1 timestamptz; pl_ms float8 := 0;
BEGIN
    SELECT count(*) INTO total FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
     WHERE l.lanname IN ('plpgsql', 'sql') AND p.oid >= 16384
       AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                          AND d.objid = p.oid AND d.deptype = 'e');
    SELECT 0 AS half INTO r;
    $MEMLOOP_BODY
    FOR r IN SELECT f.oid, f.lanname, 1 + (f.rn % 2 = 0)::int AS half, f.rn
               FROM (SELECT p.oid, l.lanname, row_number() OVER (ORDER BY p.oid) AS rn
                       FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
                      WHERE l.lanname IN ('plpgsql', 'sql') AND p.oid >= 16384
                        AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                                           AND d.objid = p.oid AND d.deptype = 'e')) f
              ORDER BY f.rn % 2 = 0, f.oid
    LOOP
        t1 := clock_timestamp();
        SELECT count(*) INTO n FROM schema_guard.dependencies(r.oid::regprocedure);
        IF r.lanname = 'plpgsql' THEN
            pl_ms := pl_ms + extract(epoch from clock_timestamp() - t1) * 1000;
        END IF;
        i := i + 1;
        IF i % 1000 = 0 OR i = total OR i = (total + 1) / 2 THEN
            $MEMLOOP_BODY
        END IF;
    END LOOP;
END
\$\$;" 2>&1 | sed -n 's/.*memstep //p' >"$WORK/memsteps_sg"

log "memory per 1,000 units: plpgsql_check_function() over the same PL/pgSQL units"
q "$DB_U" -c "
DO \$\$
DECLARE
    r record; i int := 0; total int; n bigint; s text;
    t0 timestamptz := clock_timestamp(); pl_ms float8 := 0;
BEGIN
    SELECT count(*) INTO total FROM ($UNITS_SQL) u;
    SELECT 0 AS half INTO r;
    $MEMLOOP_BODY
    FOR r IN SELECT u.*, 1 + (u.rn % 2 = 0)::int AS half
               FROM (SELECT u.*, row_number() OVER (ORDER BY fn, rel) AS rn
                       FROM ($UNITS_SQL) u) u
              ORDER BY u.rn % 2 = 0, fn, rel LOOP
        SELECT count(*) INTO n FROM plpgsql_check_function(r.fn, r.rel);
        i := i + 1;
        IF i % 1000 = 0 OR i = total OR i = (total + 1) / 2 THEN
            pl_ms := extract(epoch from clock_timestamp() - t0) * 1000;
            $MEMLOOP_BODY
        END IF;
    END LOOP;
END
\$\$;" 2>&1 | sed -n 's/.*memstep //p' >"$WORK/memsteps_pc"

field() { tr ' ' '\n' | sed -n "s/^$1=//p"; }
SG_LOOP_PL_MS=$(tail -1 "$WORK/memsteps_sg" | field plpgsql_ms)
SG_LOOP_MS=$(tail -1 "$WORK/memsteps_sg" | field ms)
PC_LOOP_MS=$(tail -1 "$WORK/memsteps_pc" | field ms)
# growth per 1,000 functions over the second half (from the last sample of
# the first half to the last one): RssAnon, and PL/pgSQL's function cache
# over the whole loop
mem_growth() {
    awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
           if (NR == 1) { c0 = v["cache_kb"]; n0 = v["n"] }
           if (v["half"] == 1) { a = v["anon_kb"]; an = v["n"] }
           z = v["anon_kb"]; zn = v["n"]; cz = v["cache_kb"]; if (v["anon_kb"] > pk) pk = v["anon_kb"] }
         END { if (zn > an && an > 0)
                   printf "%.1f %d %d %d %.1f\n", (z - a) * 1000 / (zn - an), a, z, pk, (cz - c0) * 1000 / (zn - n0);
               else print "nan 0 0 0 nan" }' "$1"
}
read -r SG_GROWTH SG_A2 SG_AZ SG_APK SG_CACHE <<<"$(mem_growth "$WORK/memsteps_sg")"
read -r PC_GROWTH PC_A2 PC_AZ PC_APK PC_CACHE <<<"$(mem_growth "$WORK/memsteps_pc")"

# --------------------------------------------------------------------------
# DDL latency: pgbench, guarded vs unguarded
# --------------------------------------------------------------------------

ARCHIVES=($(q "$DB_G" -c "SELECT c.oid::regclass FROM pg_class c WHERE c.relkind = 'r' AND c.relname LIKE 'archive\\_%' ORDER BY c.oid"))
ARCHIVE_REFS=$(q "$DB_G" -c "SELECT count(*) FROM schema_guard.reference r JOIN pg_class c ON c.oid = r.objid
                                WHERE r.classid = 'pg_class'::regclass AND c.relname LIKE 'archive\\_%'")
read -r T1 T2 <<<"$(q "$DB_G" -F ' ' -c "
    SELECT min(c.oid::regclass::text), max(c.oid::regclass::text) FROM (
        SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind = 'r' AND n.nspname = 'sales' AND c.relname !~ '^archive_'
         ORDER BY c.oid LIMIT 2) s JOIN pg_class c ON c.oid = s.oid")"
if [ "${#ARCHIVES[@]}" -lt $((PGBENCH_ROUNDS + 2)) ]; then
    echo "not enough unreferenced tables for $PGBENCH_ROUNDS rounds" >&2
    exit 1
fi

cat >"$WORK/ddl_create_drop.sql" <<'SQL'
CREATE TABLE public.bench_ddl_tmp (id bigint PRIMARY KEY, name text, amount numeric(12,2), created_at timestamptz NOT NULL DEFAULT now());
DROP TABLE public.bench_ddl_tmp;
SQL
for k in $(seq 0 $((PGBENCH_ROUNDS + 1))); do
    cat >"$WORK/ddl_column_$k.sql" <<SQL
ALTER TABLE ${ARCHIVES[$k]} ADD COLUMN bench_extra integer;
ALTER TABLE ${ARCHIVES[$k]} DROP COLUMN bench_extra;
SQL
done
FUNC_BODY="CREATE OR REPLACE FUNCTION public.bench_ddl_unused(p_id bigint) RETURNS bigint
LANGUAGE plpgsql AS \$fn\$
DECLARE
    v_cnt bigint;
BEGIN
    SELECT count(*) INTO v_cnt
      FROM $T1 AS a
      JOIN $T2 AS b ON b.id = a.id
     WHERE a.status = 'new' AND a.id >= p_id;
    UPDATE $T1 SET updated_at = now() WHERE id = p_id;
    RETURN v_cnt;
END
\$fn\$;"
echo "$FUNC_BODY" >"$WORK/ddl_replace_function.sql"
# the same function, its body changed at every statement (two versions in
# turn): nothing stored can be reused, the new body is analysed and stored
FUNC_BODY_2=$(echo "$FUNC_BODY" | sed 's/a.id >= p_id/a.id > p_id/')
printf '%s\n' "$FUNC_BODY" "$FUNC_BODY_2" >"$WORK/ddl_replace_changed.sql"
# the peer's way of checking a new body, unguarded: the same two versions,
# each checked by plpgsql_check_function() once it is created
CHECK_NEW="SELECT * FROM plpgsql_check_function('public.bench_ddl_unused(bigint)');"
printf '%s\n' "$FUNC_BODY" "$CHECK_NEW" "$FUNC_BODY_2" "$CHECK_NEW" >"$WORK/ddl_replace_checked.sql"
for db in $DB_G $DB_U $DB_F; do
    q "$db" -f "$WORK/ddl_replace_function.sql" >/dev/null
    q "$db" -c "VACUUM ANALYZE" >/dev/null
done

# pgbench_run DB SCRIPT TX -> "avg stmt1 stmt2" (ms)
pgbench_run() {
    pgbench -n -r -t "$3" -f "$2" "$1" 2>&1 | awk '
        /^latency average/ { avg = $4 }
        /^statement latencies/ { st = 1; next }
        st && NF >= 2 && $1 ~ /^[0-9.]+$/ { lat = lat " " $1 }
        END { print avg lat }'
}

declare -A DDL
TESTS="create_drop column replace_function replace_changed"
log "DDL latency warm-up"
for db in $DB_G $DB_U $DB_F; do
    pgbench_run "$db" "$WORK/ddl_create_drop.sql" 20 >/dev/null
    pgbench_run "$db" "$WORK/ddl_column_$((PGBENCH_ROUNDS + 1)).sql" 20 >/dev/null
    pgbench_run "$db" "$WORK/ddl_replace_function.sql" 20 >/dev/null
    pgbench_run "$db" "$WORK/ddl_replace_changed.sql" 20 >/dev/null
done
pgbench_run "$DB_U" "$WORK/ddl_replace_checked.sql" 20 >/dev/null
# every round starts from the same state: catalogs vacuumed (the CREATE
# and DROP of earlier rounds leave dead rows), nothing left to checkpoint
settle() {
    local db
    for db in $DB_G $DB_U $DB_F; do
        q "$db" -c "VACUUM pg_catalog.pg_class, pg_catalog.pg_attribute, pg_catalog.pg_type,
                           pg_catalog.pg_depend, pg_catalog.pg_index, pg_catalog.pg_constraint,
                           pg_catalog.pg_attrdef, pg_catalog.pg_proc, pg_catalog.pg_sequence,
                           pg_catalog.pg_statistic, pg_catalog.pg_description" >/dev/null
    done
    q "$DB_G" -c "VACUUM schema_guard.reference, schema_guard.analysis, schema_guard.pending_analysis,
                         schema_guard.creation_path" >/dev/null
    q postgres -c "CHECKPOINT" >/dev/null
}
for r in $(seq 1 "$PGBENCH_ROUNDS"); do
    log "DDL latency round $r/$PGBENCH_ROUNDS (pgbench -t $PGBENCH_TX)"
    settle
    case $((r % 3)) in
    1) order="$DB_G $DB_U $DB_F" ;;
    2) order="$DB_U $DB_F $DB_G" ;;
    0) order="$DB_F $DB_G $DB_U" ;;
    esac
    for t in $TESTS; do
        case $t in
        create_drop) script=$WORK/ddl_create_drop.sql ;;
        column) script=$WORK/ddl_column_$r.sql ;;
        replace_function) script=$WORK/ddl_replace_function.sql ;;
        replace_changed) script=$WORK/ddl_replace_changed.sql ;;
        esac
        for db in $order; do
            DDL[$t,$db,$r]=$(pgbench_run "$db" "$script" "$PGBENCH_TX")
        done
    done
    # the peer only where it is installed, without schema_guard
    DDL[replace_checked,$DB_U,$r]=$(pgbench_run "$DB_U" "$WORK/ddl_replace_checked.sql" "$PGBENCH_TX")
done
# ddl_med TEST DB COLUMN -> median over rounds (column 1 = transaction, 2.. = statements)
ddl_med() {
    local r vals=""
    for r in $(seq 1 "$PGBENCH_ROUNDS"); do
        vals="$vals $(echo "${DDL[$1,$2,$r]}" | awk -v c="$3" '{print $c}')"
    done
    echo "$vals" | median
}
# ddl_paired TEST_A DB_A TEST_B DB_B [COLUMN] -> median over rounds of A / B
# in the same round (paired, so that drift between rounds cancels)
ddl_paired() {
    local r vals=""
    for r in $(seq 1 "$PGBENCH_ROUNDS"); do
        vals="$vals $(ratio "$(echo "${DDL[$1,$2,$r]}" | awk -v c="${5:-1}" '{print $c}')" \
                            "$(echo "${DDL[$3,$4,$r]}" | awk -v c="${5:-1}" '{print $c}')")"
    done
    echo "$vals" | median | awk '{printf "%.3f", $1}'
}
# ddl_ratio TEST DB COLUMN -> ddl_paired against the unguarded database
ddl_ratio() { ddl_paired "$1" "$2" "$1" "$DB_U" "$3"; }

# --------------------------------------------------------------------------
# Refusing a DROP of a referenced table
# --------------------------------------------------------------------------

# a table 3-6 functions use and that PostgreSQL itself would drop: no
# view, foreign key or function signature depends on it (tried in the
# unguarded database, rolled back)
DROP_T="" DROP_NFN=""
while read -r cand n; do
    if q "$DB_U" -c "BEGIN" -c "DROP TABLE $cand" -c "ROLLBACK" >/dev/null 2>&1; then
        DROP_T=$cand DROP_NFN=$n
        break
    fi
done <<<"$(q "$DB_G" -F ' ' -c "
    SELECT c.oid::regclass, r.n
      FROM pg_class c
      JOIN (SELECT objid, count(DISTINCT fn) AS n FROM schema_guard.reference
             WHERE classid = 'pg_class'::regclass AND severity = 'o' GROUP BY objid) r
        ON r.objid = c.oid
     WHERE c.relkind = 'r' AND r.n BETWEEN 3 AND 6
       AND NOT EXISTS (SELECT FROM pg_depend d
                        WHERE ((d.refclassid = 'pg_class'::regclass AND d.refobjid = c.oid)
                               OR (d.refclassid = 'pg_type'::regclass AND d.refobjid = c.reltype))
                          AND d.deptype = 'n')
     ORDER BY r.n DESC, c.oid LIMIT 20")"
if [ -z "$DROP_T" ]; then
    echo "no table that only functions use was found" >&2
    exit 1
fi
log "refusing DROP TABLE $DROP_T ($DROP_NFN functions use it), $DROP_ATTEMPTS attempts"
{
    echo '\set VERBOSITY terse'
    echo '\timing on'
    for i in $(seq 1 "$DROP_ATTEMPTS"); do echo "DROP TABLE $DROP_T;"; done
} >"$WORK/drop.sql"
psql -X -q -d "$DB_G" -f "$WORK/drop.sql" >"$WORK/drop.out" 2>"$WORK/drop.err" || true
DROP_MS=$(sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' "$WORK/drop.out" | tr '\n' ' ')
DROP_FIRST=$(echo "$DROP_MS" | awk '{print $1}')
DROP_MED=$(echo "$DROP_MS" | median)
DROP_MAX=$(echo "$DROP_MS" | maximum)
DROP_ERR=$(grep -m1 'ERROR' "$WORK/drop.err" | sed 's/^psql:[^ ]*: //' || echo "(no error: the DROP was not refused)")
case $DROP_ERR in
*"other objects depend on it"*) DROP_BY="PostgreSQL itself (not a schema_guard refusal)" ;;
*ERROR*) DROP_BY="schema_guard" ;;
*) DROP_BY="nobody" ;;
esac
DROP_CODE=$(psql -X -q -d "$DB_G" -c "\\set VERBOSITY verbose" -c "DROP TABLE $DROP_T" 2>&1 | sed -n 's/^ERROR: *\([0-9A-Z]\{5\}\):.*/\1/p' | head -1 || true)
STILL_THERE=$(q "$DB_G" -c "SELECT to_regclass('$DROP_T') IS NOT NULL")
# the same DROP without schema_guard, rolled back
{
    echo '\timing on'
    for i in $(seq 1 "$DROP_ATTEMPTS"); do echo "BEGIN;"; echo "DROP TABLE $DROP_T;"; echo "ROLLBACK;"; done
} >"$WORK/drop_u.sql"
psql -X -q -d "$DB_U" -f "$WORK/drop_u.sql" >"$WORK/drop_u.out" 2>&1 || true
DROP_U_MED=$(awk '/^Time:/ { n++; if (n % 3 == 2) print $2 }' "$WORK/drop_u.out" | median)

# --------------------------------------------------------------------------
# Where guarded DDL time goes: schema_guard's internal queries (auto_explain)
# --------------------------------------------------------------------------

# diag TAG SQL: run SQL once to warm the session, then again with every
# nested statement explained; keep the statement's time and the internal
# queries, slowest first
diag() {
    {
        echo '\set ON_ERROR_STOP 0'
        echo "$2"
        echo "LOAD 'auto_explain';"
        echo 'SET auto_explain.log_min_duration = 0;'
        echo 'SET auto_explain.log_nested_statements = on;'
        echo 'SET auto_explain.log_analyze = on;'
        echo 'SET auto_explain.log_level = notice;'
        echo 'SET client_min_messages = notice;'
        echo '\timing on'
        echo "$2"
    } >"$WORK/diag_$1.sql"
    psql -X -q -d "$DB_G" -f "$WORK/diag_$1.sql" >"$WORK/diag_$1.out" 2>&1 || true
    awk '/NOTICE:  duration: [0-9.]+ ms  plan:/ { d = $0; sub(/.*duration: /, "", d); sub(/ ms.*/, "", d)
                                                  getline; sub(/^[[:space:]]*Query Text: /, ""); printf "%.3f\t%s\n", d, $0 }' \
        "$WORK/diag_$1.out" | sort -t"$(printf '\t')" -k1,1gr >"$WORK/diag_$1.queries"
}
log "where guarded DDL time goes (auto_explain of schema_guard's queries)"
diag replace "$FUNC_BODY"
diag column "ALTER TABLE ${ARCHIVES[$((PGBENCH_ROUNDS + 1))]} ADD COLUMN bench_diag integer;
ALTER TABLE ${ARCHIVES[$((PGBENCH_ROUNDS + 1))]} DROP COLUMN bench_diag;"
diag create_drop "$(cat "$WORK/ddl_create_drop.sql")"
diag drop "DROP TABLE $DROP_T;"

# --------------------------------------------------------------------------
# First DDL after CREATE EXTENSION (analyses every function, once)
# --------------------------------------------------------------------------

log "first DDL after CREATE EXTENSION (catch-up)"
q "$DB_C" -c "CREATE EXTENSION schema_guard" >/dev/null
CATCHUP_MS=$(q "$DB_C" -c '\timing on' -c "CREATE TABLE public.bench_first_ddl (id int)" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p')
q postgres -c "DROP DATABASE $DB_C" >/dev/null

# --------------------------------------------------------------------------
# The generated code runs (a clone without schema_guard, after the
# measurements): every function and procedure called, every trigger fired
# --------------------------------------------------------------------------

log "runtime check: calling every generated function, firing every trigger"
RUNTIME=$(q "$DB_X" -f "$BENCH_DIR/runtime_check.sql" 2>&1 | sed -n 's/.*runtime: //p')
q postgres -c "DROP DATABASE $DB_X" >/dev/null

# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------

hr() { printf '%s\n' "------------------------------------------------------------------------------------------"; }
row() { printf '%-44s %12s %12s %9s\n' "$@"; }
ms3() { echo "$1" | tr ' ' '\n' | grep -v '^$' | awk '{printf "%s%.0f", (NR>1?"/":""), $1}'; }

echo
echo "schema_guard benchmark  $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo)"
echo "server: $(q postgres -c 'SHOW server_version'); plpgsql_check $(q "$DB_U" -c "SELECT extversion FROM pg_extension WHERE extname = 'plpgsql_check'"); schema_guard at $(git -C "$BENCH_DIR/.." rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$BENCH_DIR/.." diff --quiet HEAD -- src 2>/dev/null || echo ' (+ uncommitted changes in src/)')"
SO_END=$(so_id)
echo "schema_guard.so: md5 $SO_START, installed $SO_START_TIME$([ "$SO_START" = "$SO_END" ] || echo "; WARNING: it was reinstalled during this run (md5 now $SO_END): figures mix two builds, run again")"
echo "settings: SCALE=$SCALE REPEAT=$REPEAT PGBENCH_TX=$PGBENCH_TX PGBENCH_ROUNDS=$PGBENCH_ROUNDS DROP_ATTEMPTS=$DROP_ATTEMPTS SEED=$SEED"
echo "schema: $N_TABLES tables; $N_FUNCS functions = $N_PLPGSQL PL/pgSQL + $N_SQL SQL + $N_PROC procedures + $N_TRGFN trigger functions;"
echo "        $N_TRG triggers ($N_SHARED trigger functions shared by two tables); loaded in ${LOAD_S} s"
echo "runtime check: $RUNTIME"
echo "plpgsql_check units (PL/pgSQL functions + triggers with their table): $N_UNITS"
echo "schema_guard units (every PL/pgSQL and SQL function, trigger functions once per trigger): $SG_UNITS; rebuild() analysed $SG_REBUILD_FNS functions; $REFS reference rows"
echo "CREATE EXTENSION schema_guard on the loaded schema: $(fmt "$CREATE_EXT_MS") ms ($PENDING_COLD functions left for later analysis)"
echo
echo "1. Whole-schema analysis (ms: median of runs, each in a fresh session; runs listed)"
echo "   vs pc = median over rounds of the run's time / plpgsql_check's time in the same round"
hr
row "measurement" "median ms" "per unit ms" "vs pc"
hr
row "plpgsql_check over $N_UNITS units" "$(fmt "$PC_MED")" "$(awk -v a="$PC_MED" -v n="$N_UNITS" 'BEGIN{printf "%.3f", a/n}')" "1"
row "schema_guard.rebuild(), $SG_UNITS units" "$(fmt "$REBUILD_MED")" "$(awk -v a="$REBUILD_MED" -v n="$SG_UNITS" 'BEGIN{printf "%.3f", a/n}')" "$R_REBUILD"
row "rebuild(), every stored row altered first" "$(fmt "$RESTALE_MED")" "$(awk -v a="$RESTALE_MED" -v n="$SG_UNITS" 'BEGIN{printf "%.3f", a/n}')" "$R_RESTALE"
row "every function analysed in memory" "$(fmt "$MEM_MED")" "$(awk -v a="$MEM_MED" -v n="$SG_UNITS" 'BEGIN{printf "%.3f", a/n}')" "$R_MEM"
row "validate(), 1st after CREATE EXTENSION" "$(fmt "$COLD1_MED")" "$(awk -v a="$COLD1_MED" -v n="$SG_UNITS" 'BEGIN{printf "%.3f", a/n}')" "$R_COLD"
row "validate(), 2nd after CREATE EXTENSION" "$(fmt "$COLD2_MED")" "" "$R_COLD2"
row "validate(), 1st call after rebuild()" "$(fmt "$WARM1_MED")" "" "$R_WARM1"
row "validate(), 2nd call, no DDL in between" "$(fmt "$WARM2_MED")" "" "$R_WARM2"
hr
echo "rebuild(): analyses every function and compares with the stored catalog, which DDL kept up to date: writes nothing"
echo "rebuild(), every stored row altered first: deletes and writes every row again"
echo "every function analysed in memory: validate() in a read-only transaction right after CREATE EXTENSION"
echo "1st validate() after CREATE EXTENSION: analyses and stores every function, as the first DDL would"
echo "runs (ms): plpgsql_check $(ms3 "$PC_MS"); in memory $(ms3 "$MEM_MS"); rebuild $(ms3 "$REBUILD_MS"), altered rows $(ms3 "$RESTALE_MS"); validate after CREATE EXTENSION $(ms3 "$COLD1_MS") then $(ms3 "$COLD2_MS");"
echo "           validate after rebuild $(ms3 "$WARM1_MS") then $(ms3 "$WARM2_MS")"
echo "plpgsql_check reported $PC_MSGS messages ($PC_ERRORS errors) over $PC_UNITS units"
echo "validate() on the fresh schema (cold):"
echo "$COLD_FINDINGS" | sed 's/^/    /'
if [ "$COLD_FINDINGS" != "$WARM_FINDINGS" ]; then
    echo "validate() after rebuild() differs:"
    echo "$WARM_FINDINGS" | sed 's/^/    /'
fi
echo
echo "2. Same PL/pgSQL functions, one call per function in one backend (DO loop)"
hr
row "schema_guard.dependencies(), PL/pgSQL only" "$(fmt "$SG_LOOP_PL_MS")" "$(awk -v a="$SG_LOOP_PL_MS" -v n="$N_UNITS" 'BEGIN{printf "%.3f", a/n}')" "$(ratio "$SG_LOOP_PL_MS" "$PC_LOOP_MS")"
row "schema_guard.dependencies(), all functions" "$(fmt "$SG_LOOP_MS")" "" ""
row "plpgsql_check_function(), same units" "$(fmt "$PC_LOOP_MS")" "$(awk -v a="$PC_LOOP_MS" -v n="$N_UNITS" 'BEGIN{printf "%.3f", a/n}')" "1"
hr
echo
echo "3. Backend memory (private RssAnon sampled every 5 ms from /proc/<pid>/status; MB)"
hr
printf '%-44s %12s %12s\n' "statement" "peak anon" "peak VmHWM"
hr
printf '%-44s %12s %12s\n' "plpgsql_check over all units" "$(kb_mb "$(echo "$PC_PEAK" | maximum)")" "$(kb_mb "$(echo "$PC_HWM" | maximum)")"
printf '%-44s %12s %12s\n' "schema_guard.rebuild()" "$(kb_mb "$(echo "$REBUILD_PEAK" | maximum)")" "$(kb_mb "$(echo "$REBUILD_HWM" | maximum)")"
printf '%-44s %12s %12s\n' "every function analysed in memory" "$(kb_mb "$(echo "$MEM_PEAK" | maximum)")" ""
printf '%-44s %12s %12s\n' "validate() after CREATE EXTENSION" "$(kb_mb "$(echo "$COLD_PEAK" | maximum)")" "$(kb_mb "$(echo "$COLD_HWM" | maximum)")"
printf '%-44s %12s %12s\n' "validate(), after rebuild()" "$(kb_mb "$(echo "$WARM_PEAK" | maximum)")" ""
hr
echo "RssAnon during the first rebuild(), at each tenth of its run (MB):"
echo "    $(mem_of rebuild1 0 deciles_anon_kb | tr ',' '\n' | awk '{printf "%.1f ", $1/1024}')"
echo "RssAnon during the first validate() after CREATE EXTENSION, at each tenth of its run (MB):"
echo "    $(mem_of cold1 0 deciles_anon_kb | tr ',' '\n' | awk '{printf "%.1f ", $1/1024}')"
echo "memory after every 1,000 functions analysed, first the odd-numbered half, then the even-numbered one"
echo "(half / RssAnon MB / memory contexts MB / PL/pgSQL function cache MB / elapsed s):"
awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    printf "    schema_guard  n=%-6d %d %7.1f %7.1f %7.1f %7.1f\n", v["n"], v["half"], v["anon_kb"]/1024, v["ctx_kb"]/1024, v["cache_kb"]/1024, v["ms"]/1000 }' "$WORK/memsteps_sg"
awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    printf "    plpgsql_check n=%-6d %d %7.1f %7.1f %7.1f %7.1f\n", v["n"], v["half"], v["anon_kb"]/1024, v["ctx_kb"]/1024, v["cache_kb"]/1024, v["ms"]/1000 }' "$WORK/memsteps_pc"
echo "RssAnon growth over the second half, per 1,000 functions: schema_guard $SG_GROWTH KB, plpgsql_check $PC_GROWTH KB"
echo "PL/pgSQL function cache growth over the whole loop, per 1,000 functions: schema_guard $SG_CACHE KB, plpgsql_check $PC_CACHE KB"
echo
echo "4. DDL latency, pgbench -n -r -t $PGBENCH_TX, one connection; median of $PGBENCH_ROUNDS rounds (ms);"
echo "   ratio = median over rounds of the round's latency / the unguarded latency of the same round"
hr
printf '%-44s %10s %10s %8s %10s %8s\n' "statement" "guarded" "unguarded" "ratio" "no-op ETs" "ratio"
hr
for t in $TESTS; do
    case $t in
    create_drop) names=("CREATE TABLE + DROP TABLE (transaction)" "  CREATE TABLE (unrelated)" "  DROP TABLE (unrelated)") ;;
    column) names=("ADD COLUMN + DROP COLUMN (2 transactions)" "  ALTER TABLE ADD COLUMN (unreferenced)" "  ALTER TABLE DROP COLUMN (unreferenced)") ;;
    replace_function) names=("CREATE OR REPLACE FUNCTION (uncalled)") ;;
    replace_changed) names=("CREATE OR REPLACE, body changed (2 a tx)" "  1st version" "  2nd version") ;;
    esac
    for c in $(seq 1 ${#names[@]}); do
        g=$(ddl_med "$t" "$DB_G" "$c")
        u=$(ddl_med "$t" "$DB_U" "$c")
        f=$(ddl_med "$t" "$DB_F" "$c")
        gr=$(ddl_ratio "$t" "$DB_G" "$c")
        printf '%-44s %10.3f %10.3f %8s %10.3f %8s\n' "${names[$((c - 1))]}" "$g" "$u" "$gr" "$f" "$(ddl_ratio "$t" "$DB_F" "$c")"
        eval "DDL_${t}_${c}_RATIO=$gr"
    done
done
hr
echo "unreferenced tables altered: ${ARCHIVES[*]:1:$PGBENCH_ROUNDS} ($ARCHIVE_REFS references to archive tables in the catalog)"
echo "no-op ETs: the unguarded database plus three event triggers that do nothing (PL/pgSQL), the floor of any event-trigger guard"
echo "rounds (guarded/unguarded/no-op ETs transaction latency, ms):"
for t in $TESTS; do
    line="    $t:"
    for r in $(seq 1 "$PGBENCH_ROUNDS"); do
        line="$line $(echo "${DDL[$t,$DB_G,$r]}" | awk '{print $1}')/$(echo "${DDL[$t,$DB_U,$r]}" | awk '{print $1}')/$(echo "${DDL[$t,$DB_F,$r]}" | awk '{print $1}')"
    done
    echo "$line"
done
# the guarded replacement against the unguarded one followed by the peer's
# check of the new body, paired by round
CHECKED_MED=$(ddl_med replace_checked "$DB_U" 1)
CHECKED_U_RATIO=$(ddl_paired replace_checked "$DB_U" replace_changed "$DB_U")
CHECKED_G_RATIO=$(ddl_paired replace_changed "$DB_G" replace_checked "$DB_U")
echo "the peer checking each new body: unguarded, each CREATE OR REPLACE of the changed body followed by"
echo "    plpgsql_check_function() on it: $(awk -v a="$CHECKED_MED" 'BEGIN { printf "%.3f", a }') ms a tx, ${CHECKED_U_RATIO}x the replacements alone;"
echo "    schema_guard's guarded replacements take ${CHECKED_G_RATIO}x that"
echo "    rounds (ms): $(for r in $(seq 1 "$PGBENCH_ROUNDS"); do echo "${DDL[replace_checked,$DB_U,$r]}" | awk '{printf "%s ", $1}'; done)"
echo "first DDL after CREATE EXTENSION (analyses the $PENDING_COLD waiting functions): $(fmt "$CATCHUP_MS") ms"
echo
echo "5. Refusing DROP TABLE $DROP_T (used by $DROP_NFN functions), $DROP_ATTEMPTS attempts in one session (psql \\timing)"
hr
echo "    attempts (ms): $DROP_MS"
echo "    first $(fmt "$DROP_FIRST") ms, median $(fmt "$DROP_MED") ms, max $(fmt "$DROP_MAX") ms; SQLSTATE ${DROP_CODE:-?}; refused by $DROP_BY; table still there: $STILL_THERE"
echo "    $DROP_ERR" | cut -c1-150
echo "    the same DROP TABLE without schema_guard (BEGIN; DROP; ROLLBACK): median $(fmt "$DROP_U_MED") ms"
hr
echo
echo "6. Where guarded DDL time goes: schema_guard's internal queries, second run in a session (auto_explain, ms)"
hr
for k in replace column create_drop drop; do
    case $k in
    replace) what="CREATE OR REPLACE FUNCTION (uncalled)" ;;
    column) what="ADD COLUMN + DROP COLUMN (unreferenced)" ;;
    create_drop) what="CREATE TABLE + DROP TABLE (unrelated)" ;;
    drop) what="refused DROP TABLE $DROP_T" ;;
    esac
    stmt_ms=$(sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' "$WORK/diag_$k.out" | awk '{s += $1} END {printf "%.2f", s}')
    read -r nq sq <<<"$(awk -F'\t' '{n++; s += $1} END {printf "%d %.2f", n, s}' "$WORK/diag_$k.queries")"
    echo "  $what: statement(s) ${stmt_ms} ms, $nq internal queries ${sq} ms; slowest:"
    head -3 "$WORK/diag_$k.queries" | awk -F'\t' '{printf "    %8.3f  %s\n", $1, substr($2, 1, 100)}'
done
hr
echo
echo "SUMMARY (target -> measured)"
hr
R_LOOP=$(ratio "$SG_LOOP_PL_MS" "$PC_LOOP_MS")
PEAK_ALL=$(echo "$REBUILD_PEAK $MEM_PEAK $COLD_PEAK $WARM_PEAK" | maximum)
summ() { printf '%-62s %-16s %s\n' "$1" "$2" "$3"; }
summ "engine: every function analysed in memory <= 0.5x" "${R_MEM}x" "$(verdict "$R_MEM" "<=" 0.5)"
summ "engine: rebuild() (analysed, compared with the catalog) <= 0.5x" "${R_REBUILD}x" "$(verdict "$R_REBUILD" "<=" 0.5)"
summ "  rebuild(), every stored row altered (worst case, no target)" "${R_RESTALE}x" ""
summ "engine: same PL/pgSQL units, one call each <= 0.5x" "${R_LOOP}x" "$(verdict "$R_LOOP" "<=" 0.5)"
summ "engine: memory flat (RssAnon growth per 1,000 fns, 2nd half)" "${SG_GROWTH} KB" "$(verdict "${SG_GROWTH#-}" "<=" 1024) (<= 1 MB/1,000)"
summ "  PL/pgSQL function cache growth per 1,000 fns" "${SG_CACHE} KB" "(plpgsql_check ${PC_CACHE} KB)"
summ "validate() 1st after CREATE EXTENSION (stores) <= 0.5x" "${R_COLD}x" "$(verdict "$R_COLD" "<=" 0.5)"
summ "validate() after rebuild(), 1st call <= 0.5x" "${R_WARM1}x" "$(verdict "$R_WARM1" "<=" 0.5)"
summ "validate() 2nd call, no DDL between <= 0.1x (after rebuild)" "${R_WARM2}x" "$(verdict "$R_WARM2" "<=" 0.1)"
summ "validate() 2nd after CREATE EXTENSION <= 0.1x" "${R_COLD2}x" "$(verdict "$R_COLD2" "<=" 0.1)"
summ "backend memory peak < 100 MB (RssAnon, rebuild/validate)" "$(kb_mb "$PEAK_ALL") MB" "$(verdict "$(kb_mb "$PEAK_ALL")" "<" 100)"
summ "CREATE TABLE + DROP TABLE unrelated <= 1.5x" "${DDL_create_drop_1_RATIO}x" "$(verdict "$DDL_create_drop_1_RATIO" "<=" 1.5)"
summ "  CREATE TABLE <= 1.5x" "${DDL_create_drop_2_RATIO}x" "$(verdict "$DDL_create_drop_2_RATIO" "<=" 1.5)"
summ "  DROP TABLE <= 1.5x" "${DDL_create_drop_3_RATIO}x" "$(verdict "$DDL_create_drop_3_RATIO" "<=" 1.5)"
summ "ADD COLUMN, unreferenced table <= 1.5x" "${DDL_column_2_RATIO}x" "$(verdict "$DDL_column_2_RATIO" "<=" 1.5)"
summ "DROP COLUMN, unreferenced table <= 1.5x" "${DDL_column_3_RATIO}x" "$(verdict "$DDL_column_3_RATIO" "<=" 1.5)"
summ "CREATE OR REPLACE FUNCTION, uncalled, same body <= 1.5x" "${DDL_replace_function_1_RATIO}x" "$(verdict "$DDL_replace_function_1_RATIO" "<=" 1.5)"
summ "CREATE OR REPLACE FUNCTION, uncalled, body changed <= 1.5x" "${DDL_replace_changed_1_RATIO}x" "$(verdict "$DDL_replace_changed_1_RATIO" "<=" 1.5)"
summ "  the same / unguarded + plpgsql_check_function() (no target)" "${CHECKED_G_RATIO}x" ""
summ "refusing a referenced DROP TABLE <= 50 ms (median)" "$(fmt "$DROP_MED") ms" "$(verdict "$DROP_MED" "<=" 50)"
hr
