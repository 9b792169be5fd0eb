# Panmusic POS: the two commands a newcomer needs, on a fresh Debian 12 machine.
#   make run    build and open the app in sandbox mode (no Iamport account, no internet needed)
#   make test   install what is missing and run every test (lints, unit, integration, UI, end to end, bundle)
SHELL := /bin/bash
export CARGO_TARGET_DIR ?= $(HOME)/.cache/panmusic-pos/target

.PHONY: run test setup ui app bundle bench

run: setup ui
	cargo run -p panmusic-pos --locked -- --sandbox $(ARGS)

test:
	scripts/test.sh

setup:
	scripts/setup.sh

ui: setup
	npm --prefix ui run --silent build

app: ui
	cargo build -p panmusic-pos --locked

bundle: setup
	scripts/bundle-test.sh

bench:
	cargo run --release -p iamport --example bench
	cargo run --release -p iamport-sandbox --example bench
