#!/usr/bin/env bash
#
# run-demo.sh: install what is needed, build, install, start a scratch
# cluster, and replay the processing_jobs incident: the DROP TABLE that
# breaks a trigger is refused, and validate() reports what is broken.

. "$(dirname "$0")/scripts/setup.sh"
sg_require_root "$@"
sg_install_packages
sg_build
sg_start_cluster
psql -X -q -d postgres -c "CREATE DATABASE schema_guard_demo" >/dev/null
psql -X -d schema_guard_demo -f "$SG_ROOT/demo/incident.sql"
