# The two commands of a fresh machine. Both install what they need first.
.PHONY: run test bench demo

run:
	@scripts/setup.sh run
	.venv/bin/python -m tracker seed --if-empty
	.venv/bin/python -m tracker.server

test:
	@scripts/setup.sh test
	# the layers and no-cycle contracts of .importlinter (issue 18): an upward import fails the build
	.venv/bin/lint-imports --no-cache
	.venv/bin/python -m pytest

bench:
	@scripts/setup.sh run
	.venv/bin/python bench/ingest.py
	.venv/bin/python bench/render.py
	.venv/bin/python bench/catalogue_change.py
	.venv/bin/python bench/load.py
	.venv/bin/python bench/publish.py
