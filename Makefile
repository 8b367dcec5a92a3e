# tokenwarden — the two commands a newcomer needs: `make demo` and `make test`.
# Both first make sure the C libraries the build links against are installed.

SWIFT        ?= swift
APT_PACKAGES := libsqlite3-dev libsystemd-dev pkg-config
BIN          := .build/debug/tokenwarden

PREFIX       ?= /usr
DESTDIR      ?=
# install builds a release binary; CONFIG=debug installs the debug build (tests use it: faster).
CONFIG       ?= release
SYSCONFDIR   ?= /etc
# Release builds: the Swift runtime linked in, and lld (shipped with the Swift toolchain) writing
# packed relative relocations (DT_RELR, glibc >= 2.36): the relocation table the loader reads at
# start shrinks from 3.3 MiB to 48 KiB, and the idle daemon holds about 2 MiB less (docs/benchmarks.md).
# --no-export-dynamic undoes the -export-dynamic of the toolchain's static-stdlib-args.lnk: nothing
# looks up tokenwarden's own symbols at run time (crash backtraces read the file's symbol table;
# the packaged binary is stripped, its symbols are in tokenwarden-dbgsym),
# and exporting all 48,935 made the loader map 4.5 MiB of symbol tables and search them at each
# start: idle RSS 3.2 MiB less, `--version` 9.8 to 8.1 ms (docs/benchmarks.md, issue 20).
RELEASE      := -c release --static-swift-stdlib -Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs \
                -Xlinker --no-export-dynamic

.PHONY: demo test build deps bench install install-files deb clean

## demo: build, then run the daemon against the built-in simulated providers.
demo: deps
	$(SWIFT) build --product tokenwarden
	$(BIN) demo

## test: the format lint (.swift-format: 4 spaces, 150 columns; lowerCamelCase is not enforced because
## wire-format structs mirror the vendors' JSON names) and the import check, then build everything
## once and run the whole test suite. The package test boots the .deb under a real systemd in a
## container, so the test run also needs Debian's systemd-container; mail notifications go through a real
## MTA (msmtp-mta's sendmail) to a real SMTP server on loopback (python3-aiosmtpd); the alert rules
## and the metrics the daemon writes are checked by promtool (Debian's prometheus); the HTML report is
## loaded in a real headless Chromium (its screenshot read with python3-pil); the .deb is checked by
## lintian, stripped with binutils, and its -dbgsym symbols found by gdb; the man page is rendered by man-db.
## The upgrade test starts from the previous release's package, built once from its git tree into
## build/previous (packaging/debian/build-previous; a first run adds about 9 minutes on 2 cores).
test: APT_PACKAGES += systemd-container msmtp-mta python3-aiosmtpd prometheus chromium python3-pil lintian binutils gdb man-db
test: deps
	$(SWIFT) format lint --strict --recursive Sources Tests Benchmarks
	scripts/check-imports
	$(SWIFT) build --build-tests --explicit-target-dependency-import-check error
	SWIFT="$(SWIFT)" packaging/debian/build-previous build/previous
	$(SWIFT) test --skip-build

build: deps
	$(SWIFT) build

## bench: release builds of tokenwarden and the fetch-only limit, JSONReader against JSONDecoder
## (Benchmarks/JSONDecoding), then scripts/bench/bench.py
## (5 to 20 minutes, as fast as the machine is; BENCH_ARGS="--quick" checks the harness in one, BENCH_ARGS="--only sync" one part).
bench: deps
	@python3 -c "import requests" 2>/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-requests; \
	  else echo "the Python baseline needs requests: sudo apt-get install -y python3-requests"; exit 1; fi; }
	$(SWIFT) build $(RELEASE) --product tokenwarden
	$(SWIFT) build $(RELEASE) --product tokenwarden-fetch-only
	$(SWIFT) build $(RELEASE) --product tokenwarden-json-bench
	.build/release/tokenwarden-json-bench
	python3 scripts/bench/bench.py $(BENCH_ARGS)

## deps: install the Debian packages the build needs, when missing (as root; otherwise say how).
deps:
	@missing=""; \
	for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "tokenwarden needs these Debian packages:$$missing"; \
	    echo "install them with: sudo apt-get install -y$$missing"; \
	    exit 1; \
	  fi; \
	fi

## install: a release build, then install-files.
install: deps
	$(SWIFT) build $(if $(filter release,$(CONFIG)),$(RELEASE),-c $(CONFIG)) --product tokenwarden
	$(MAKE) install-files BINARY=.build/$(CONFIG)/tokenwarden

## install-files: BINARY, the unit, sysusers/tmpfiles snippets, journal catalog, man page, shell
## completions; the example config and policies only where no file is there yet.
BINARY       ?= .build/$(CONFIG)/tokenwarden
install-files:
	install -D -m 0755 $(BINARY) $(DESTDIR)$(PREFIX)/bin/tokenwarden
	install -d -m 0755 $(DESTDIR)$(PREFIX)/lib/systemd/system
	sed 's#/usr/bin/tokenwarden#$(PREFIX)/bin/tokenwarden#; s#/etc/tokenwarden#$(SYSCONFDIR)/tokenwarden#g' \
	  packaging/systemd/tokenwarden.service > $(DESTDIR)$(PREFIX)/lib/systemd/system/tokenwarden.service
	chmod 0644 $(DESTDIR)$(PREFIX)/lib/systemd/system/tokenwarden.service
	install -D -m 0644 packaging/sysusers.d/tokenwarden.conf $(DESTDIR)$(PREFIX)/lib/sysusers.d/tokenwarden.conf
	install -D -m 0644 packaging/tmpfiles.d/tokenwarden.conf $(DESTDIR)$(PREFIX)/lib/tmpfiles.d/tokenwarden.conf
	install -D -m 0644 packaging/journald/tokenwarden.catalog $(DESTDIR)$(PREFIX)/lib/systemd/catalog/tokenwarden.catalog
	install -D -m 0644 packaging/systemd/deliver-owner.conf $(DESTDIR)$(PREFIX)/share/doc/tokenwarden/examples/deliver-owner.conf
	install -D -m 0644 packaging/systemd/metrics-textfile.conf $(DESTDIR)$(PREFIX)/share/doc/tokenwarden/examples/metrics-textfile.conf
	install -D -m 0644 packaging/prometheus/tokenwarden.rules.yml $(DESTDIR)$(PREFIX)/share/tokenwarden/prometheus/tokenwarden.rules.yml
	install -D -m 0644 packaging/prometheus/tokenwarden.rules.test.yml $(DESTDIR)$(PREFIX)/share/tokenwarden/prometheus/tokenwarden.rules.test.yml
	install -d -m 0755 $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	  $(DESTDIR)$(PREFIX)/share/zsh/vendor-completions $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	$(BINARY) manual > $(DESTDIR)$(PREFIX)/share/man/man1/tokenwarden.1
	gzip -9nf $(DESTDIR)$(PREFIX)/share/man/man1/tokenwarden.1
	$(BINARY) manual --page tokenwarden.toml > $(DESTDIR)$(PREFIX)/share/man/man5/tokenwarden.toml.5
	gzip -9nf $(DESTDIR)$(PREFIX)/share/man/man5/tokenwarden.toml.5
	$(BINARY) manual --page tokenwarden-policies > $(DESTDIR)$(PREFIX)/share/man/man5/tokenwarden-policies.5
	gzip -9nf $(DESTDIR)$(PREFIX)/share/man/man5/tokenwarden-policies.5
	$(BINARY) --generate-completion-script bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/tokenwarden
	sed -i "1{/^#!/d}" $(DESTDIR)$(PREFIX)/share/bash-completion/completions/tokenwarden
	$(BINARY) --generate-completion-script zsh > $(DESTDIR)$(PREFIX)/share/zsh/vendor-completions/_tokenwarden
	$(BINARY) --generate-completion-script fish > $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/tokenwarden.fish
	install -d -m 0750 $(DESTDIR)$(SYSCONFDIR)/tokenwarden/policies.d
	[ -e $(DESTDIR)$(SYSCONFDIR)/tokenwarden/tokenwarden.toml ] || \
	  install -m 0640 packaging/examples/tokenwarden.toml $(DESTDIR)$(SYSCONFDIR)/tokenwarden/tokenwarden.toml
	for f in packaging/examples/policies.d/*.toml; do \
	  [ -e $(DESTDIR)$(SYSCONFDIR)/tokenwarden/policies.d/$$(basename $$f) ] || \
	    install -m 0640 $$f $(DESTDIR)$(SYSCONFDIR)/tokenwarden/policies.d/; \
	done

## deb: a release build packed as build/tokenwarden_VERSION_ARCH.deb and its
## build/tokenwarden-dbgsym_VERSION_ARCH.deb (see packaging/debian/build-deb).
deb: APT_PACKAGES += binutils
deb: deps
	$(SWIFT) build $(RELEASE) --product tokenwarden
	packaging/debian/build-deb .build/release/tokenwarden build

clean:
	rm -rf .build
