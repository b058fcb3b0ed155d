# schema_guard: refuse DDL that breaks functions and triggers.

MODULE_big = schema_guard
OBJS = \
	src/schema_guard.o \
	src/engine.o \
	src/engine_plpgsql.o \
	src/engine_sql.o \
	src/collect.o \
	src/catalog.o \
	src/guard.o \
	src/report.o
PGFILEDESC = "schema_guard - refuse DDL that breaks functions and triggers"

EXTENSION = schema_guard
DATA = schema_guard--1.0.sql

PG_CPPFLAGS = -Isrc

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)
