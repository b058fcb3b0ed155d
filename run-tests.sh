#!/usr/bin/env bash
#
# run-tests.sh: install what is needed, build, install, start a scratch
# cluster, and run every test: pg_regress (sql/, expected/), isolation
# specs (specs/), pgTAP (test/pgtap/, with pg_prove) and the shell tests
# (test/shell/, with prove).  Exits non-zero if any fails.

. "$(dirname "$0")/scripts/setup.sh"
sg_require_root "$@"
sg_install_packages
sg_build
sg_start_cluster
cd "$SG_ROOT"

status=0
sg_log "pg_regress and isolation tests"
if ! make -s PG_CONFIG="$SG_PG_BIN/pg_config" installcheck; then
    status=1
    for f in regression.diffs output_iso/regression.diffs; do
        [ -f "$f" ] && cat "$f"
    done
fi

sg_log "pgTAP tests"
psql -qX -d postgres -c "DROP DATABASE IF EXISTS schema_guard_tap" \
    -c "CREATE DATABASE schema_guard_tap" >/dev/null
psql -qX -d schema_guard_tap -c "CREATE EXTENSION pgtap" >/dev/null
pg_prove -d schema_guard_tap test/pgtap/*.sql || status=1

sg_log "shell tests"
prove test/shell/*.sh || status=1

[ "$status" -eq 0 ] && sg_log "all tests passed" || sg_log "some tests FAILED"
exit "$status"
