# kubectl-arc — build, test, e2e, bench, fuzz, dist, install.
# Dependencies are found with pkg-config; `make deps` installs them on Debian.

PKGS      := libcurl yaml-0.1 libcjson zlib libarchive libcrypto
CC        ?= cc
VERSION   ?= $(shell git describe --tags --exact-match 2>/dev/null | sed "s/^v//" || true)
VERSION   := $(or $(VERSION),0.1.0-dev)
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
LIB_OBJ  := $(LIB_SRC:%.c=$(B)/%.o) $(B)/bundled_chart.o
CHART_FILES := $(shell find chart -type f 2>/dev/null | sort)
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

# The bundled chart: packed reproducibly (sorted, fixed times and owners, gzip -n) and embedded.
$(B)/bundled_chart.tgz: $(CHART_FILES)
	@mkdir -p $(dir $@)
	tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
		--transform 's,^chart,actions-runner-controller,' -cf - chart | gzip -n -9 > $@

$(B)/tools/bin2c: tools/bin2c.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -o $@ $<

$(B)/bundled_chart.c: $(B)/bundled_chart.tgz $(B)/tools/bin2c
	$(B)/tools/bin2c $< $@ arc_bundled_chart

$(B)/bundled_chart.o: $(B)/bundled_chart.c
	$(CC) -c -O0 -o $@ $<

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

# libFuzzer: build each harness with clang and run it FUZZ_SECONDS (default 60) seconds.
# New inputs go to build-fuzz/corpus/<harness>; crashes to build-fuzz/artifacts/.
FUZZ_SECONDS ?= 60
FUZZ_HARNESSES := $(FUZZ_SRC:tests/fuzz/%.c=%)
fuzz:
	$(MAKE) B=build-fuzz CC=clang WARN="-Wall -Wextra -Wno-unused-parameter" \
		OPT="-O1 -g -fsanitize=fuzzer-no-link,address,undefined" build-fuzz/libarc.a
	@mkdir -p build-fuzz/artifacts
	@for h in $(FUZZ_HARNESSES); do \
		clang -std=c11 -D_GNU_SOURCE -O1 -g -fsanitize=fuzzer,address,undefined -Iplugin $(PKG_CFLAGS) \
			tests/fuzz/$$h.c build-fuzz/libarc.a $(LDLIBS_ALL) -o build-fuzz/$$h || exit 1; \
		mkdir -p build-fuzz/corpus/$$h; \
		echo "fuzz: $$h for $(FUZZ_SECONDS)s"; \
		build-fuzz/$$h -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
			-artifact_prefix=build-fuzz/artifacts/$$h- -print_final_stats=1 \
			build-fuzz/corpus/$$h tests/fuzz/corpus/$$h 2>&1 | grep -E 'stat::number_of_executed_units|cov:|ERROR|SUMMARY' | tail -3 || exit 1; \
	done

# End-to-end tests against a real control plane (tests/e2e/README.md): builds the cluster
# binaries once (cached), starts one cluster for every tests/e2e/t*.sh, ends with "N passed, N failed".
e2e: $(BIN)
	@sh tests/e2e/cluster/build.sh >/dev/null
	@ARC=$(CURDIR)/$(BIN) sh tests/e2e/run.sh
