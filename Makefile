# schema_guard: refuse DDL that breaks functions and triggers.

MODULE_big = schema_guard
OBJS = \
	src/schema_guard.o \
	src/engine.o \
	src/engine_plpgsql.o \
	src/engine_branches.o \
	src/engine_sql.o \
	src/engine_writes.o \
	src/collect.o \
	src/catalog.o \
	src/guard.o \
	src/report.o
PGFILEDESC = "schema_guard - refuse DDL that breaks functions and triggers"

EXTENSION = schema_guard
DATA = schema_guard--1.0.sql

PG_CPPFLAGS = -Isrc

# pg_regress: sql/<name>.sql against expected/<name>.out, one file per
# construct or DDL family.  Isolation specs: specs/<name>.spec.
REGRESS = $(sort $(basename $(notdir $(wildcard sql/*.sql))))
REGRESS_OPTS = --encoding=UTF8
ISOLATION = $(sort $(basename $(notdir $(wildcard specs/*.spec))))
ISOLATION_OPTS = --encoding=UTF8
EXTRA_CLEAN = output_iso

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# every object depends on the shared headers (PGXS tracks no dependencies)
$(OBJS): src/schema_guard.h src/engine.h src/compat.h
