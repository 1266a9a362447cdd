# cloudpatch.ssm: `make demo` (the workshop on the local sandbox) and `make test` (every test, offline).
# Both start from nothing: a project-local virtualenv in .venv, and the ansible_collections layouts
# the tools need under .build. Nothing is written outside the checkout.

PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
BUILD := $(CURDIR)/.build
# ansible-playbook and pytest: the checkout itself, reached through a symlink
COLLECTIONS := $(BUILD)/collections
# ansible-test refuses symlinks: a copy of the collection with amazon.aws beside it
SANITY_ROOT := $(BUILD)/sanity/ansible_collections
SANITY_TREE := $(SANITY_ROOT)/cloudpatch/ssm
# ansible-test and ansible-lint keep their caches and virtualenvs here, not in the user's home
TOOL_HOME := $(BUILD)/home
SITE_PACKAGES = $(shell $(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')

export PATH := $(BIN):$(PATH)
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export PYTHONPATH := $(COLLECTIONS)$(if $(PYTHONPATH),:$(PYTHONPATH))
export ANSIBLE_LOCALHOST_WARNING := False
export ANSIBLE_INVENTORY_UNPARSED_WARNING := False
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# What goes into the sanity copy: the collection as Galaxy would build it, plus its tests.
SANITY_EXCLUDES := sandbox|bench|tools|\.ci|conftest\.py|pytest\.ini|Makefile|requirements-test\.txt

.PHONY: demo test venv layout units sandbox-tests integration sanity lint bench clean

demo: layout
	@$(BIN)/python tools/run_with_sandbox.py -- \
	  $(BIN)/ansible-playbook -i playbooks/inventory.yml playbooks/baselines_overview.yml

test: sandbox-tests units integration sanity lint

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-test.txt
	touch $@

layout: venv
	@mkdir -p $(COLLECTIONS)/ansible_collections/cloudpatch
	@ln -sfn $(CURDIR) $(COLLECTIONS)/ansible_collections/cloudpatch/ssm

# Two workers: each starts its own sandbox, and the machines this runs on have two cores.
sandbox-tests: layout
	$(BIN)/python -m pytest -q -n 2 sandbox/tests

units: layout
	$(BIN)/python -m pytest -q tests/unit

integration: layout
	$(BIN)/python -m pytest -q -n 2 tests/integration

sanity: layout
	@# Keep tests/output (ansible-test's virtualenvs) between runs; replace everything else.
	@mkdir -p $(SANITY_TREE) $(SANITY_ROOT)/amazon $(TOOL_HOME)/.ansible/test/cache
	@find $(SANITY_TREE) -mindepth 1 -maxdepth 1 ! -name tests ! -name .git -exec rm -rf {} +
	@find $(SANITY_TREE)/tests -mindepth 1 -maxdepth 1 ! -name output -exec rm -rf {} + 2>/dev/null || true
	@# The copy is its own git repository: inside the checkout, ansible-test would see it as ignored.
	@test -d $(SANITY_TREE)/.git || git init --quiet $(SANITY_TREE)
	@git ls-files --cached --others --exclude-standard -z \
	  | grep -zvE '^($(SANITY_EXCLUDES))(/|$$)' \
	  | xargs -0 cp --parents --no-dereference -t $(SANITY_TREE)
	@rm -rf $(SANITY_ROOT)/amazon/aws && cp -r $(SITE_PACKAGES)/ansible_collections/amazon/aws $(SANITY_ROOT)/amazon/aws
	@cp tools/get_pip_offline.py $(TOOL_HOME)/.ansible/test/cache/get_pip_24_2.py
	cd $(SANITY_TREE) && HOME=$(TOOL_HOME) $(BIN)/ansible-test sanity --venv --python 3.11 --color no

lint: layout
	XDG_CACHE_HOME=$(BUILD)/cache $(BIN)/ansible-lint

bench: layout
	$(BIN)/python bench/sandbox_throughput.py

clean:
	rm -rf $(BUILD) tests/output .pytest_cache
