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
# amazon.aws, taken from this release of the `ansible` package (no Galaxy here; see tools/install_amazon_aws.py)
ANSIBLE_PACKAGE_VERSION := 12.3.0
AMAZON_AWS := $(COLLECTIONS)/ansible_collections/amazon/aws
# Every distinct AWS operation the integration and molecule runs made, per run: tests/iam_policy reads them.
OPERATIONS := $(BUILD)/operations

export PATH := $(BIN):$(PATH)
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export PYTHONPATH := $(COLLECTIONS)$(if $(PYTHONPATH),:$(PYTHONPATH))
export ANSIBLE_LOCALHOST_WARNING := False
export ANSIBLE_INVENTORY_UNPARSED_WARNING := False
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# Every play here runs on the controller: pipelining spares each task the temporary-file round trip.
export ANSIBLE_PIPELINING := True

# What goes into the sanity copy: the collection as Galaxy would build it, plus its tests.
SANITY_EXCLUDES := sandbox|bench|tools|\.ci|conftest\.py|pytest\.ini|Makefile|requirements-test\.txt

.PHONY: demo test test-pytest-lane test-static-lane venv layout units sandbox-tests integration browser molecule \
	iam-policy sanity lint bench clean aws-lane test-aws test-aws-cleanup

# The workshop end to end on a sandbox started for it (stopped by PID afterwards): workshop.yml writes
# reports/ssm-workshop.csv and reports/dashboard.html and (workshop_schedule) schedules patching in
# maintenance windows, then teardown.yml removes what it created.
DEMO_PLAYBOOK := $(BIN)/ansible-playbook -i playbooks/inventory.yml
demo: layout
	@mkdir -p reports
	@ANSIBLE_CALLBACK_RESULT_FORMAT=yaml $(BIN)/python tools/run_with_sandbox.py -- sh -c '\
	  echo "== 1/2 playbooks/workshop.yml: prerequisites, baseline, groups, dashboard, scan, dashboard, export, install, dashboard, schedule"; \
	  $(DEMO_PLAYBOOK) playbooks/workshop.yml -e workshop_schedule=true || exit $$?; \
	  echo "== reports written:"; ls -l reports/ssm-workshop.csv reports/dashboard.html || exit 1; \
	  echo "== 2/2 playbooks/teardown.yml: patch groups deregistered, baseline deleted, log bucket emptied, stack deleted"; \
	  $(DEMO_PLAYBOOK) playbooks/teardown.yml'

# Three lanes at once on the two cores: the pytest suites (two workers), molecule, and sanity then lint.
# Molecule spends most of its time waiting on the sandbox's simulated agents (about 1.5 CPU-minutes in
# 4 minutes), so it runs beside the other two instead of before them. Then the IAM policy check, which
# reads the operations both integration and molecule recorded.
test: layout
	@$(MAKE) --no-print-directory -j3 --output-sync=target test-pytest-lane molecule test-static-lane
	@$(MAKE) --no-print-directory iam-policy

test-pytest-lane:
	@$(MAKE) --no-print-directory sandbox-tests units integration aws-lane

test-static-lane:
	@$(MAKE) --no-print-directory sanity lint

venv: $(VENV)/.installed $(AMAZON_AWS)/MANIFEST.json

$(VENV)/.installed: requirements.txt requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-test.txt
	touch $@

$(AMAZON_AWS)/MANIFEST.json: $(VENV)/.installed tools/install_amazon_aws.py
	$(BIN)/python tools/install_amazon_aws.py --ansible $(ANSIBLE_PACKAGE_VERSION) --dest $(COLLECTIONS)

layout: venv
	@mkdir -p $(COLLECTIONS)/ansible_collections/cloudpatch
	@ln -sfn $(CURDIR) $(COLLECTIONS)/ansible_collections/cloudpatch/ssm

# Two workers: each starts its own sandbox, and the machines this runs on have two cores.
sandbox-tests: layout
	$(BIN)/python -m pytest -q -n 2 --durations=10 sandbox/tests

units: layout
	$(BIN)/python -m pytest -q tests/unit

integration: layout browser
	@rm -rf $(OPERATIONS)/integration
	CLOUDPATCH_SANDBOX_OPERATIONS_DIR=$(OPERATIONS)/integration $(BIN)/python -m pytest -q -n 2 --durations=10 tests/integration

# The real-AWS lane (tests/aws_lane) on a sandbox: the same playbook and assertions as `make test-aws`,
# only the endpoint differs. Not recorded for iam-policy: the lane's own calls (its stack, its
# cleanup) are granted by tests/aws_lane/iam-policy.json, which its own test checks.
aws-lane: layout
	$(BIN)/python -m pytest -q -n 1 tests/aws_lane

# The same lane against the account of your credentials (boto3's chain; AWS_REGION or
# AWS_DEFAULT_REGION) once CLOUDPATCH_TEST_AWS=1 says so; without it, or without a region or
# credentials, or with an endpoint set, it refuses (exit 2) before anything starts.
# tests/aws_lane/README.md: what it creates, costs and needs.
AWS_LANE_PREFLIGHT := $(PYTHON) tests/aws_lane/lane_tools.py preflight --env-only
test-aws:
	@$(AWS_LANE_PREFLIGHT)
	@$(MAKE) --no-print-directory layout
	@$(BIN)/python tests/aws_lane/lane_tools.py preflight
	CLOUDPATCH_LANE_TARGET=aws $(BIN)/python -m pytest -q -p no:cacheprovider tests/aws_lane

# What an interrupted run left (stacks, baselines and their patch groups, associations, buckets and
# their objects), found by the cloudpatch-test-run tag or the cptest- run prefix, each deletion listed.
test-aws-cleanup:
	@$(AWS_LANE_PREFLIGHT)
	@$(MAKE) --no-print-directory layout
	@$(BIN)/python tests/aws_lane/lane_tools.py preflight
	$(BIN)/python tests/aws_lane/lane_tools.py cleanup

# The compliance dashboard test opens the HTML report in Debian's headless Chromium.
browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) \
	  || echo "chromium could not be installed: the HTML dashboard test will be skipped"

# Molecule (extensions/molecule): the default scenario starts a sandbox on a free port and stops it by
# PID; each role's scenario (converge, idempotence, verify) runs against it on localhost.
molecule: layout
	@# Fresh scenario state: with --shared-state only the default scenario is destroyed, so a role
	@# scenario's "prepared" flag would otherwise survive into the next run and skip its prepare.
	@mkdir -p $(TOOL_HOME) && rm -rf $(TOOL_HOME)/.ansible/tmp/molecule.*
	@rm -rf $(OPERATIONS)/molecule
	cd $(CURDIR) && HOME=$(TOOL_HOME) CLOUDPATCH_SANDBOX_OPERATIONS_DIR=$(OPERATIONS)/molecule \
	  CLOUDPATCH_SANDBOX_PORT=$$($(BIN)/python -c 'from sandbox.testing.process import free_port; print(free_port())') \
	  $(BIN)/molecule test --all --shared-state --no-command-borders

# docs/iam-policy.json against every operation the integration and molecule runs made.
iam-policy: layout
	$(BIN)/python -m pytest -q tests/iam_policy

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
	@rm -rf $(SANITY_ROOT)/amazon/aws && cp -r $(AMAZON_AWS) $(SANITY_ROOT)/amazon/aws
	@cp tools/get_pip_offline.py $(TOOL_HOME)/.ansible/test/cache/get_pip_24_2.py
	cd $(SANITY_TREE) && HOME=$(TOOL_HOME) $(BIN)/ansible-test sanity --venv --python 3.11 --color no

lint: layout
	XDG_CACHE_HOME=$(BUILD)/cache $(BIN)/ansible-lint

bench: layout
	$(BIN)/python bench/sandbox_throughput.py

clean:
	rm -rf $(BUILD) tests/output .pytest_cache
