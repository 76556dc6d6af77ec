# Shortcuts for ./dev, the project's entry point (see ./dev help).
#   make run ARGS='--windowed'      make test PYTEST_ARGS='-k config -x'

.DEFAULT_GOAL := run
ARGS        ?=
PYTEST_ARGS ?=

.PHONY: run test lint bench schema clean distclean

run:
	./dev run $(ARGS)

test:
	./dev test $(PYTEST_ARGS)

lint:
	./dev lint

bench:
	./dev bench

schema:
	./dev schema

# Build outputs and caches; keeps .venv (see distclean).
clean:
	rm -rf build dist .pytest_cache .ruff_cache .mypy_cache
	find . -path ./.venv -prune -o \
		\( -name __pycache__ -o -name '*.egg-info' \) -prune -exec rm -rf {} +

distclean: clean
	rm -rf .venv
