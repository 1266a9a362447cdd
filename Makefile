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
# The documentation site (`make docs`) and the release artifacts (`make release`).
DOCS := $(BUILD)/docs
RELEASE := $(BUILD)/release
# The version being released is galaxy.yml's (read when a recipe needs it, after the venv exists).
GALAXY_VERSION = $$($(BIN)/python -c 'import yaml; print(yaml.safe_load(open("galaxy.yml"))["version"])')
# Records in changelogs/changelog.yaml, under galaxy.yml's version, every fragment not yet there and the
# modules and plugins whose version_added is that version, takes in the fragments edited since, and
# writes CHANGELOG.md. tests/docs/test_changelog.py runs this same command.
CHANGELOG_RELEASE = $(BIN)/antsibull-changelog release --reload-plugins --refresh-fragments without-archives --version $(GALAXY_VERSION)

export PATH := $(BIN):$(PATH)
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export PYTHONPATH := $(COLLECTIONS)$(if $(PYTHONPATH),:$(PYTHONPATH))
export ANSIBLE_LOCALHOST_WARNING := False
export ANSIBLE_INVENTORY_UNPARSED_WARNING := False
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# Every play here runs on the controller: pipelining spares each task the temporary-file round trip.
export ANSIBLE_PIPELINING := True
# Python keeps the bytecode of what it compiles (our plugins, the sandbox, pytest's rewritten tests) in
# __pycache__ (ignored by git, ansible-galaxy and the sanity copy), where a machine that sets
# PYTHONDONTWRITEBYTECODE would compile everything again in every process.
unexport PYTHONDONTWRITEBYTECODE

# What goes into the sanity copy: the collection as Galaxy would build it, plus its tests.
SANITY_EXCLUDES := sandbox|bench|tools|\.ci|conftest\.py|pytest\.ini|Makefile|requirements-test\.txt

.PHONY: demo test test-integration-lane test-pytest-lane test-molecule-lane test-awx-lane test-static-lane venv layout units sandbox-tests integration browser molecule \
	iam-policy sanity lint bench clean aws-lane test-aws test-aws-cleanup docs docs-lint changelog release awx ee-context

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

# Five lanes at once on the two cores, so that both cores stay busy until the end: integration (two
# workers), the other pytest suites, molecule, the AWX jobs (molecule and the AWX jobs are mostly waiting on
# the sandbox's simulated agents and on ansible-playbook's start-up), and sanity, lint and the docs lint.
# Measured on 731e013 with four lanes (molecule then the AWX jobs in one): static 431 s, pytest 497 s,
# integration 578 s, molecule + AWX 645 s. Then the IAM policy check, which reads the operations
# integration, molecule and the AWX jobs recorded.
# Each lane says when it ended, counted from the lanes' start: which lane holds the wall time up.
test: layout
	@LANES_STARTED=$$(date +%s) $(MAKE) --no-print-directory -j5 --output-sync=target test-integration-lane test-pytest-lane test-molecule-lane test-awx-lane test-static-lane
	@$(MAKE) --no-print-directory iam-policy

LANE_ENDED = echo "== $@ ended $$(( $$(date +%s) - $${LANES_STARTED:-$$(date +%s)} )) s after the lanes started"

test-integration-lane:
	@$(MAKE) --no-print-directory integration
	@$(LANE_ENDED)

test-pytest-lane:
	@$(MAKE) --no-print-directory sandbox-tests units aws-lane
	@$(LANE_ENDED)

test-molecule-lane:
	@$(MAKE) --no-print-directory molecule
	@$(LANE_ENDED)

test-awx-lane:
	@$(MAKE) --no-print-directory awx
	@$(LANE_ENDED)

test-static-lane:
	@$(MAKE) --no-print-directory sanity lint docs-lint
	@$(LANE_ENDED)

venv: $(VENV)/.installed $(AMAZON_AWS)/MANIFEST.json

# requirements.txt says what users may have (ranges); constraints.txt pins the versions tested here.
$(VENV)/.installed: requirements.txt requirements-test.txt constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-test.txt -c constraints.txt
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
	@# worksteal: a worker that runs out of tests takes some of the other's, so a minutes-long test
	@# (the fleet playbooks, the roles' bad input) near the end does not leave one core idle.
	CLOUDPATCH_SANDBOX_OPERATIONS_DIR=$(OPERATIONS)/integration $(BIN)/python -m pytest -q -n 2 --dist worksteal --durations=10 tests/integration

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

# AWX / Automation Platform (tests/awx): `ansible-builder create` on meta/execution-environment.yml and the
# context it writes; collections/requirements.yml installed offline as a project sync would; the workshop as an
# AWX job through ansible-runner (private data dir project/, inventory/, env/) against a sandbox.
# Two workers, a file each at a time: the AWX job (the longest, about 100 s) beside the other two files.
awx: layout
	@rm -rf $(OPERATIONS)/awx
	CLOUDPATCH_SANDBOX_OPERATIONS_DIR=$(OPERATIONS)/awx $(BIN)/python -m pytest -q -n 2 --dist loadfile --durations=5 tests/awx

# The execution environment's build context in .build/ee/context, with the collection built from this checkout
# (.build/ee/cloudpatch-ssm.tar.gz, which the definition copies in); then, with a container engine,
#   ansible-builder build -f meta/execution-environment.yml -t cloudpatch-ssm-ee   (or podman/docker build the context)
EE_DIR := $(BUILD)/ee
ee-context: layout
	@rm -rf $(EE_DIR) && mkdir -p $(EE_DIR)/dist
	$(BIN)/ansible-galaxy collection build --output-path $(EE_DIR)/dist $(CURDIR)
	@cp $(EE_DIR)/dist/cloudpatch-ssm-*.tar.gz $(EE_DIR)/cloudpatch-ssm.tar.gz
	$(BIN)/ansible-builder create -f meta/execution-environment.yml --context $(EE_DIR)/context --output-filename Containerfile

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
	@# A run stopped before its destroy step leaves its sandbox and PID file: stop it by that PID, or the
	@# next create would skip starting one (its `creates:`) and wait on a port nobody serves.
	@if [ -f $(BUILD)/molecule-sandbox.pid ]; then kill $$(cat $(BUILD)/molecule-sandbox.pid) 2>/dev/null || true; \
	  rm -f $(BUILD)/molecule-sandbox.pid; fi
	@# An absolute async dir: with HOME moved, async_status would look under the user's passwd home for the
	@# results the async wrapper wrote under HOME ("could not find job": the prerequisites role's stack waits).
	cd $(CURDIR) && HOME=$(TOOL_HOME) ANSIBLE_ASYNC_DIR=$(TOOL_HOME)/.ansible_async CLOUDPATCH_SANDBOX_OPERATIONS_DIR=$(OPERATIONS)/molecule \
	  CLOUDPATCH_SANDBOX_PORT=$$($(BIN)/python -c 'from sandbox.testing.process import free_port; print(free_port())') \
	  $(BIN)/molecule test --all --shared-state --no-command-borders

# docs/iam-policy.json against every operation the integration, molecule and AWX runs made.
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

# The documentation site, offline: antsibull-docs writes the reStructuredText of every module, plugin
# and role the installed collection has (from DOCUMENTATION/EXAMPLES/RETURN and meta/argument_specs.yml),
# docs/sphinx adds the front page and the README, and Sphinx turns it into HTML; any warning fails.
docs: layout
	@# antsibull-docs writes only into a directory that no one else can write to.
	@rm -rf $(DOCS) && mkdir -p $(DOCS)/rst && chmod 0755 $(DOCS) $(DOCS)/rst
	$(BIN)/antsibull-docs --config-file docs/sphinx/antsibull-docs.cfg collection --use-current --fail-on-error \
	  --cleanup everything --dest-dir $(DOCS)/rst cloudpatch.ssm
	@# A markup error does not stop antsibull-docs: it writes "ERROR while parsing" into the page.
	@if grep -rn 'ERROR while parsing' $(DOCS)/rst; then echo "make docs: markup errors (above)" >&2; exit 1; fi
	@cp docs/sphinx/index.rst $(DOCS)/rst/index.rst
	$(BIN)/python docs/sphinx/readme_page.py --readme README.md --galaxy galaxy.yml --dest $(DOCS)/rst/readme.rst
	$(BIN)/sphinx-build -b html -c docs/sphinx -W --keep-going -q -d $(DOCS)/doctrees $(DOCS)/rst $(DOCS)/html
	@echo "documentation: $(DOCS)/html/index.html"

# Part of `make test` (the static lane): antsibull-docs' collection-docs lint (schema, markup and rstcheck
# of every plugin's and role's documentation), then tests/docs: the changelog fragments' lint
# (test_changelog.py, which also runs `make changelog` on a copy), ansible-doc renders everything
# without a warning, CHANGELOG.md is what changelog.yaml generates, and the site.
# References to other collections are checked against the installed ones (`all`): with `dependent`,
# antsibull-docs copies amazon.aws with `git ls-files` from .build, which git ignores, so it finds none.
docs-lint: layout
	$(BIN)/antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs all \
	  --disallow-unknown-collection-refs .
	$(BIN)/python -m pytest -q tests/docs

# The changelog brought up to date with the fragments (CHANGELOG_RELEASE above); the fragments stay
# where they are (keep_fragments in changelogs/config.yaml).
changelog: layout
	$(BIN)/antsibull-changelog lint
	$(CHANGELOG_RELEASE)

# The changelog of galaxy.yml's version dated today, and the Galaxy tarball in .build/release.
# Nothing is committed or tagged: the release manager reviews, commits and tags.
release: layout
	$(BIN)/antsibull-changelog lint
	$(CHANGELOG_RELEASE) --update-existing
	@rm -rf $(RELEASE) && mkdir -p $(RELEASE)
	$(BIN)/ansible-galaxy collection build --force --output-path $(RELEASE) .
	@ls -l $(RELEASE)

bench: layout
	$(BIN)/python bench/sandbox_throughput.py

clean:
	rm -rf $(BUILD) tests/output .pytest_cache
