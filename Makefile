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
# Link line, kept short for start-up time (each shared library costs the dynamic loader
# mapping and relocation at every run):
# - libcurl is not linked: plugin/base/curl_lazy.c dlopen()s libcurl.so.4 on the first
#   network call, so its ~35 dependencies are never loaded for rendering;
# - libarchive (only its tar reader and gzip filter are used), libyaml, zlib and libcrypto
#   are linked statically where Debian ships their .a files (STATIC_LIBS=0 links them
#   shared); what remains is libc, libm and (only if used) cJSON.  Of libcrypto only the
#   SHA-1/256/512 block functions are linked: keys, certificates, ciphers and signatures
#   go through plugin/base/crypto_lazy.c, which dlopen()s libcrypto.so.3 on first use.
STATIC_LIBS ?= 1
static_a = $(filter /%,$(shell $(CC) -print-file-name=lib$(1).a 2>/dev/null))
ifeq ($(STATIC_LIBS),1)
ifneq ($(and $(call static_a,archive),$(call static_a,yaml),$(call static_a,z),$(call static_a,crypto)),)
PKG_LIBS   := -Wl,-Bstatic -larchive -lyaml -lz -lcrypto -Wl,-Bdynamic \
	$(shell pkg-config --libs libcjson 2>/dev/null)
endif
endif
ifndef PKG_LIBS
PKG_LIBS   := $(shell pkg-config --libs $(filter-out libcurl,$(PKGS)) 2>/dev/null)
endif
LDFLAGS_OPT ?= -Wl,-O1 -Wl,--as-needed -Wl,--hash-style=gnu
# Position-independent executable by default (address randomisation matters for a tool that
# holds cluster credentials), with its ~19,000 relative relocations (mostly libcrypto's method
# tables) packed as RELR so the loader applies them quickly.  PIE=0 builds a position-dependent
# executable: ~0.3 ms sooner start and ~0.4 MiB less memory, for benchmarking.
PIE ?= 1
comma := ,
PIE_CFLAGS  := $(if $(filter 1,$(PIE)),,-fno-pie)
PIE_LDFLAGS := $(if $(filter 1,$(PIE)),-Wl$(comma)-z$(comma)pack-relative-relocs,-no-pie)
CFLAGS_ALL  = -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) $(PIE_CFLAGS) $(PKG_CFLAGS) $(EXTRA_CFLAGS) \
	-DARC_VERSION='"$(VERSION)"' -DARC_COMMIT='"$(COMMIT)"'
# No -lm: libc has the few math functions the code calls (ldexp, modf); libm.so would be one more
# library to map and relocate at every start (0.3-0.8 MiB of memory).
LDLIBS_ALL  = $(PIE_LDFLAGS) $(LDFLAGS_OPT) $(PKG_LIBS) -lpthread -ldl $(EXTRA_LDFLAGS)

B ?= build
LIB_SRC  := $(filter-out plugin/main.c,$(shell find plugin -name '*.c' | sort))
LIB_OBJ  := $(LIB_SRC:%.c=$(B)/%.o) $(B)/bundled_chart.o $(B)/runner_templates.o
CHART_FILES := $(shell find chart -type f 2>/dev/null | sort)
TEMPLATE_FILES := $(sort $(wildcard templates/*))
UNIT_SRC := $(sort $(wildcard tests/unit/*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/unit/%)
CONF_BIN := $(B)/tests/conformance/runner
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_REPLAY := $(FUZZ_SRC:tests/fuzz/%.c=$(B)/tests/fuzz/replay_%)
BIN ?= kubectl-arc

.PHONY: check all deps test unit conformance conformance-live conformance-regen asan e2e-asan valgrind \
	e2e fuzz bench clean install dist demo

all: $(BIN)

deps:
	@sh tests/deps.sh

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

# The bundled chart: packed reproducibly (sorted, fixed times and owners) and embedded as the
# plain tar: chart/load.c then reads the files where they lie in the binary, with nothing to
# inflate (0.2 ms a run) and nothing copied.  bundled_chart.tgz (gzip -n) is the same tar
# compressed, for helm in bench/.
$(B)/bundled_chart.tar: $(CHART_FILES)
	@mkdir -p $(dir $@)
	tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
		--transform 's,^chart,actions-runner-controller,' -cf $@ chart

$(B)/bundled_chart.tgz: $(B)/bundled_chart.tar
	gzip -n -9 < $< > $@

$(B)/tools/bin2c: tools/bin2c.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -o $@ $<

$(B)/bundled_chart.c: $(B)/bundled_chart.tar $(B)/tools/bin2c
	$(B)/tools/bin2c $< $@ arc_bundled_chart

$(B)/bundled_chart.o: $(B)/bundled_chart.c
	$(CC) -c -O0 -o $@ $<

# The runner spec templates (templates/*): one blob of "NAME\nSIZE\n" + bytes per file, embedded.
$(B)/runner_templates.bin: $(TEMPLATE_FILES)
	@mkdir -p $(dir $@)
	@for f in $(TEMPLATE_FILES); do printf '%s\n%s\n' "$${f#templates/}" "$$(wc -c < $$f | tr -d ' ')"; \
		cat $$f; done > $@

$(B)/runner_templates.c: $(B)/runner_templates.bin $(B)/tools/bin2c
	$(B)/tools/bin2c $< $@ arc_runner_tpl_blob

$(B)/runner_templates.o: $(B)/runner_templates.c
	$(CC) -c -O0 -o $@ $<

$(B)/libarc.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(B)/plugin/main.o $(B)/libarc.a
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL)

# Unit tests that check certificates and keys with OpenSSL itself link the shared libcrypto (the
# static one's members would clash with plugin/base/crypto_lazy.c's forwarders); --as-needed
# drops it from the others.
$(B)/tests/unit/%: tests/unit/%.c $(B)/libarc.a tests/unit/tap.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Iplugin -o $@ $< $(B)/libarc.a $(PIE_LDFLAGS) $(LDFLAGS_OPT) -lcrypto $(LDLIBS_ALL)

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
	$(MAKE) B=build-asan BIN=build-asan/kubectl-arc OPT="$(ASAN_OPT)" test

# The whole suite, as CI runs it: the cluster-free suite, the live diff against the real helm,
# the same suite under ASan+UBSan, and the end-to-end tests against a real control plane.
# Each part ends with its own "N passed, N failed" line; the first failing part stops it.
check:
	$(MAKE) test
	$(MAKE) conformance-live
	$(MAKE) asan
	$(MAKE) e2e

valgrind: $(UNIT_BIN) $(CONF_BIN)
	@B=$(B) VALGRIND=1 sh tests/run.sh unit conformance

clean:
	rm -rf build build-asan build-fuzz $(BIN)

install: $(BIN)
	install -D -m 0755 $(BIN) $(DESTDIR)$(or $(PREFIX),/usr/local)/bin/kubectl-arc

-include $(LIB_OBJ:.o=.d) $(B)/plugin/main.d

# libFuzzer: build each harness with clang (ASan+UBSan) and run it FUZZ_SECONDS (default 60)
# seconds; FUZZ="yaml chart" runs only fuzz_yaml and fuzz_chart; FUZZ_FLAGS adds libFuzzer flags.
# Seeds come from tests/fuzz/corpus/<harness> (and tests/fuzz/<harness>.dict when present); new
# inputs go to build-fuzz/corpus/<harness>, crashes to build-fuzz/artifacts/, logs to
# build-fuzz/logs/.  Prints one line per harness: executions, coverage (edges), features, corpus.
FUZZ_SECONDS ?= 60
FUZZ ?=
FUZZ_FLAGS ?=
FUZZ_HARNESSES := $(if $(FUZZ),$(addprefix fuzz_,$(patsubst fuzz_%,%,$(FUZZ))),$(FUZZ_SRC:tests/fuzz/%.c=%))
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -Iplugin $(PKG_CFLAGS)
fuzz:
	$(MAKE) B=build-fuzz CC=clang WARN="-Wall -Wextra -Wno-unused-parameter" \
		OPT="-O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined \
		-fno-sanitize-recover=undefined" build-fuzz/libarc.a
	@mkdir -p build-fuzz/artifacts build-fuzz/logs
	@failed=""; for h in $(FUZZ_HARNESSES); do \
		[ -f tests/fuzz/$$h.c ] || { echo "fuzz: no harness tests/fuzz/$$h.c"; exit 2; }; \
		clang $(FUZZ_CFLAGS) tests/fuzz/$$h.c build-fuzz/libarc.a $(LDLIBS_ALL) -o build-fuzz/$$h || exit 1; \
		mkdir -p build-fuzz/corpus/$$h; \
		dict=; [ -f tests/fuzz/$$h.dict ] && dict=-dict=tests/fuzz/$$h.dict; \
		log=build-fuzz/logs/$$h.log; \
		UBSAN_OPTIONS=print_stacktrace=1 build-fuzz/$$h -max_total_time=$(FUZZ_SECONDS) -timeout=20 \
			-rss_limit_mb=2048 -malloc_limit_mb=1024 -print_final_stats=1 $$dict $(FUZZ_FLAGS) \
			-artifact_prefix=build-fuzz/artifacts/$$h- \
			build-fuzz/corpus/$$h tests/fuzz/corpus/$$h >$$log 2>&1 </dev/null; rc=$$?; \
		execs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $$log); \
		cov=$$(grep -E '^#[0-9]+.*cov: ' $$log | tail -1 | \
			sed -E 's/.*cov: ([0-9]+) ft: ([0-9]+) corp: ([0-9]+).*/cov \1  ft \2  corpus \3/'); \
		printf 'fuzz: %-16s %10s execs in %ss  %s%s\n' $$h "$${execs:-?}" $(FUZZ_SECONDS) "$$cov" \
			"$$( [ $$rc -eq 0 ] || echo "  FAILED (exit $$rc, see $$log)")"; \
		if [ $$rc -ne 0 ]; then \
			grep -E 'ERROR: |SUMMARY: |^artifact_prefix|Test unit written' $$log | head -5; failed="$$failed $$h"; \
		fi; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: failed:$$failed"; exit 1; fi

# End-to-end tests against a real control plane (tests/e2e/README.md): builds the cluster
# binaries once (cached), starts one cluster for every tests/e2e/t*.sh, ends with "N passed, N failed".
e2e: $(BIN)
	@sh tests/e2e/cluster/build.sh >/dev/null
	@ARC=$(CURDIR)/$(BIN) sh tests/e2e/run.sh

# The end-to-end suite with the ASan+UBSan build of kubectl-arc (leak checking on).  Sanitizer
# reports go to files rather than to the tests' stderr, and exit codes no test expects (ASan 97,
# LeakSanitizer 98); the run fails if any report was written, whatever the tests concluded.
# t0080 (valgrind) skips itself: valgrind cannot run a sanitizer build.
ASAN_OPT := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
e2e-asan:
	$(MAKE) B=build-asan BIN=build-asan/kubectl-arc OPT="$(ASAN_OPT)" build-asan/kubectl-arc
	@sh tests/e2e/cluster/build.sh >/dev/null
	@rm -rf build-asan/e2e-reports && mkdir -p build-asan/e2e-reports
	@ARC=$(CURDIR)/build-asan/kubectl-arc ARC_E2E_SANITIZER=1 \
		ASAN_OPTIONS=exitcode=97:detect_leaks=1:log_path=$(CURDIR)/build-asan/e2e-reports/asan \
		LSAN_OPTIONS=exitcode=98 \
		UBSAN_OPTIONS=print_stacktrace=1:log_path=$(CURDIR)/build-asan/e2e-reports/ubsan \
		sh tests/e2e/run.sh; rc=$$?; \
	n=$$(ls build-asan/e2e-reports | wc -l); \
	echo "e2e-asan: $$n sanitizer report(s) in build-asan/e2e-reports"; \
	for f in build-asan/e2e-reports/*; do [ -f "$$f" ] && head -20 "$$f"; done; \
	[ $$rc -eq 0 ] && [ $$n -eq 0 ]

# --- distribution: man page, release tarballs + krew manifest, plugin installation ---------
# `make man`: build/kubectl-arc.1 from the command and option tables (kubectl-arc __man).
# `make dist`: dist/kubectl-arc_vVERSION_linux_{amd64,arm64}.tar.gz, dist/SHA256SUMS and
#   plugins/arc.yaml (krew) filled in with them (scripts/dist.sh; DIST_ARCHES, DIST_URL,
#   HOMEPAGE, DIST_MANIFEST, DIST_STRICT=1 to fail when a platform cannot be built).
# `make dist-deps`: the arm64 cross compiler and Debian's arm64 -dev packages (multiarch).
# `make install-plugin`: kubectl-arc, kubectl_complete-arc and the man page under
#   $(DESTDIR)$(PREFIX), and, when helm is found (HELM=… to choose, HELM= to skip), the
#   Helm plugin from this checkout (bin/kubectl-arc).
.PHONY: man dist dist-deps install-plugin
MAN_PAGE := $(B)/kubectl-arc.1
DIST_DIR ?= dist
DIST_ARCHES ?= amd64 arm64
DIST_MANIFEST ?= plugins/arc.yaml
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
HELM ?= $(shell command -v helm 2>/dev/null)

man: $(MAN_PAGE)
	@echo "man: $(MAN_PAGE) (man -l $(MAN_PAGE))"

$(MAN_PAGE): $(BIN)
	@mkdir -p $(dir $@)
	SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) $(if $(filter /%,$(BIN)),,./)$(BIN) __man > $@.tmp && mv $@.tmp $@

dist: $(MAN_PAGE)
	@VERSION=$(VERSION) COMMIT=$(COMMIT) MAKE="$(MAKE)" DIST_DIR=$(DIST_DIR) DIST_ARCHES="$(DIST_ARCHES)" \
		DIST_MANIFEST=$(DIST_MANIFEST) MAN_PAGE=$(MAN_PAGE) SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) \
		sh scripts/dist.sh

dist-deps:
	@SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	dpkg --print-foreign-architectures | grep -qx arm64 || $$SUDO dpkg --add-architecture arm64; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
		gcc-aarch64-linux-gnu libc6-dev-arm64-cross libyaml-dev:arm64 libcjson-dev:arm64 \
		zlib1g-dev:arm64 libarchive-dev:arm64 libssl-dev:arm64 libcurl4-openssl-dev:arm64

install-plugin: $(BIN) $(MAN_PAGE)
	install -D -m 0755 $(BIN) $(DESTDIR)$(or $(PREFIX),/usr/local)/bin/kubectl-arc
	install -D -m 0755 scripts/kubectl_complete-arc $(DESTDIR)$(or $(PREFIX),/usr/local)/bin/kubectl_complete-arc
	install -D -m 0644 $(MAN_PAGE) $(DESTDIR)$(or $(PREFIX),/usr/local)/share/man/man1/kubectl-arc.1
	@if [ -n "$(HELM)" ]; then \
		install -D -m 0755 $(BIN) bin/kubectl-arc && \
		if "$(HELM)" plugin list 2>/dev/null | grep -q '^arc[[:space:]]'; then \
			echo "helm plugin arc: already installed (bin/kubectl-arc refreshed)"; \
		else "$(HELM)" plugin install "$(CURDIR)"; fi; \
	else echo "install-plugin: no helm found: skipped the Helm plugin (HELM=/path/to/helm to add it)"; fi

# --- the demo: kubectl-arc end to end on a local real control plane (scripts/demo.sh) ---------
# `make demo`: builds (once, cached; needs Go the first time) and starts tests/e2e/cluster,
#   installs ARC with the stand-in cert-manager and a dummy token, creates a GPU runner and an
#   autoscaled runner, lists them; the cluster keeps running.  `make demo-down` removes it.
.PHONY: demo-down
demo: $(BIN)
	@ARC=$(abspath $(BIN)) sh scripts/demo.sh up

demo-down:
	@sh scripts/demo.sh down
