# tokenwarden — the two commands a newcomer needs: `make demo` and `make test`.
# Both first make sure the C libraries the build links against are installed.

SWIFT        ?= swift
APT_PACKAGES := libsqlite3-dev libsystemd-dev pkg-config
BIN          := .build/debug/tokenwarden

.PHONY: demo test build deps clean

## demo: build, then run the daemon against the built-in simulated providers.
demo: deps
	$(SWIFT) build --product tokenwarden
	$(BIN) demo

## test: build everything once, then run the whole test suite.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

build: deps
	$(SWIFT) build

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

clean:
	rm -rf .build
