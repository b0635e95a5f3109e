# kubectl-arc — build, test, e2e, bench, fuzz, dist, install.
# Dependencies are found with pkg-config; `make deps` installs them on Debian.

PKGS      := libcurl yaml-0.1 libcjson zlib libarchive libcrypto
CC        ?= cc
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo 0.0.0-dev)
COMMIT    ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)

WARN := -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes -Wvla \
	-Wwrite-strings -Wpointer-arith -Wold-style-definition \
	-Wshadow=local -Wformat-security -Wno-unused-parameter
OPT  ?= -O2 -g
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS_ALL  = -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) $(PKG_CFLAGS) $(EXTRA_CFLAGS) \
	-DARC_VERSION='"$(VERSION)"' -DARC_COMMIT='"$(COMMIT)"'
LDLIBS_ALL  = $(PKG_LIBS) -lm -lpthread $(EXTRA_LDFLAGS)

B ?= build
LIB_SRC  := $(filter-out plugin/main.c,$(shell find plugin -name '*.c' | sort))
LIB_OBJ  := $(LIB_SRC:%.c=$(B)/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/unit/%)
CONF_BIN := $(B)/tests/conformance/runner
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_REPLAY := $(FUZZ_SRC:tests/fuzz/%.c=$(B)/tests/fuzz/replay_%)
BIN ?= kubectl-arc

.PHONY: all deps test unit conformance conformance-live conformance-regen asan valgrind \
	e2e fuzz bench clean install dist demo

all: $(BIN)

deps:
	@sh tests/deps.sh

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

$(B)/libarc.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(B)/plugin/main.o $(B)/libarc.a
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL)

$(B)/tests/unit/%: tests/unit/%.c $(B)/libarc.a tests/unit/tap.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Iplugin -o $@ $< $(B)/libarc.a $(LDLIBS_ALL)

$(CONF_BIN): tests/conformance/runner.c $(B)/libarc.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Iplugin -o $@ $< $(B)/libarc.a $(LDLIBS_ALL)

$(B)/tests/fuzz/replay_%: tests/fuzz/%.c tests/fuzz/replay.c $(B)/libarc.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Iplugin -o $@ $< tests/fuzz/replay.c $(B)/libarc.a $(LDLIBS_ALL)

# Everything that needs no cluster; ends with "N passed, N failed".
test: $(BIN) $(UNIT_BIN) $(CONF_BIN) $(FUZZ_REPLAY)
	@B=$(B) BIN=./$(BIN) sh tests/run.sh

unit: $(UNIT_BIN)
	@B=$(B) sh tests/run.sh unit

conformance: $(CONF_BIN)
	@B=$(B) sh tests/run.sh conformance

# Re-render every conformance case with the real helm and diff.
conformance-live: $(CONF_BIN)
	@B=$(B) sh tests/conformance/live.sh

# Regenerate expected outputs from the real helm (rewrites tests/conformance/cases/*.test).
conformance-regen:
	@sh tests/conformance/regen.sh

asan:
	$(MAKE) B=build-asan BIN=build-asan/kubectl-arc OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" test

valgrind: $(UNIT_BIN) $(CONF_BIN)
	@B=$(B) VALGRIND=1 sh tests/run.sh unit conformance

clean:
	rm -rf build build-asan build-fuzz $(BIN)

install: $(BIN)
	install -D -m 0755 $(BIN) $(DESTDIR)$(or $(PREFIX),/usr/local)/bin/kubectl-arc

-include $(LIB_OBJ:.o=.d) $(B)/plugin/main.d
