# bookstore. On a fresh Debian bookworm machine these two commands do all the set-up:
#   make run    install what is missing, build, start PostgreSQL + the service + nginx, print the URL;
#               Ctrl-C stops everything
#   make test   the same set-up on the test ports, then every test suite; the test stack is stopped
#               at the end, pass or fail
# Other targets: build, stop, status, bench, fmt, fmt-check, clean, distclean.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

BUILD_DIR ?= build
ASAN_BUILD_DIR ?= build-asan
# Optimised with debug info: what runs and what is benchmarked is what is tested.
BUILD_TYPE ?= RelWithDebInfo
# Extra cmake arguments, e.g. make test CMAKE_ARGS=-DCMAKE_CXX_COMPILER_LAUNCHER=ccache
CMAKE_ARGS ?=

# -DBOOKSTORE_ONLY= resets a partial-build filter a developer may have left in the cache.
CMAKE_MAIN = cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) \
	-DBOOKSTORE_WERROR=ON -DBOOKSTORE_ONLY= $(CMAKE_ARGS)
# The sanitizer build needs only the unit tests; -O1 keeps it quick to build and still fast to run.
CMAKE_ASAN = cmake -S . -B $(ASAN_BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug \
	-DCMAKE_CXX_FLAGS_DEBUG="-g -O1" \
	-DBOOKSTORE_WERROR=ON -DBOOKSTORE_SANITIZE=ON \
	-DBOOKSTORE_BENCH=OFF -DBOOKSTORE_ONLY= $(CMAKE_ARGS)

FORMAT_DIRS := src tests bench tools
FORMAT_FILES = $(shell find $(FORMAT_DIRS) -type f \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' -o -name '*.cc' \) 2>/dev/null)

.PHONY: run test deps build build-service build-asan stop status bench fmt fmt-check clean distclean

## make run: everything up in the foreground (scripts/devstack up run); Ctrl-C or TERM stops it all.
run: build-service
	@BOOKSTORE_BIN=$(abspath $(BUILD_DIR))/bookstore scripts/devstack up run

## make test: every test suite on the test stack (ports 18080/18081/55433); see scripts/run-tests.
test: build build-asan
	@BUILD_DIR=$(BUILD_DIR) ASAN_BUILD_DIR=$(ASAN_BUILD_DIR) scripts/run-tests

deps:
	@scripts/setup-deps

build: deps
	@$(CMAKE_MAIN) >/dev/null
	ninja -C $(BUILD_DIR)

build-service: deps
	@$(CMAKE_MAIN) >/dev/null
	ninja -C $(BUILD_DIR) bookstore

build-asan: deps
	@$(CMAKE_ASAN) >/dev/null
	ninja -C $(ASAN_BUILD_DIR) unit_tests

stop:
	@scripts/devstack stop run
	@scripts/devstack stop test

status:
	-@scripts/devstack status run
	-@scripts/devstack status test

## make bench: benchmark figures (scripts/bench, written with the benchmark work).
bench: build
	@if [ -x scripts/bench ]; then BUILD_DIR=$(BUILD_DIR) scripts/bench; else echo "make bench: scripts/bench does not exist yet" >&2; exit 1; fi

fmt:
	@clang-format -i $(FORMAT_FILES)

fmt-check:
	@clang-format --dry-run --Werror $(FORMAT_FILES)

## make clean: build directories only; the databases under var/ are kept.
clean:
	rm -rf $(BUILD_DIR) $(ASAN_BUILD_DIR)

## make distclean: also the stacks' data and logs (var/run, var/test) and node_modules.
distclean: stop clean
	rm -rf var/run var/test node_modules
	rm -rf /tmp/bookstore-$$(printf '%s' "$(CURDIR)" | md5sum | cut -c1-10)
