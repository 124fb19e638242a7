# Thi Đua — the two commands: `make run` and `make test`. Everything else is a helper for them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
WORKERS ?= 3
# pytest-xdist processes, one per core; TEST_WORKERS=0 runs the suite in one process
TEST_WORKERS ?= auto
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test setup install migrate demo demo-reset static lint format bench clean help

help:
	@echo "make run    — cài đặt, nạp dữ liệu mẫu và chạy ứng dụng tại http://127.0.0.1:$(PORT)"
	@echo "make test   — cài đặt và chạy toàn bộ bộ kiểm thử"
	@echo "make bench  — chạy các phép đo hiệu năng (in JSON từng dòng)"
	@echo "make demo-reset — xóa sạch và nạp lại dữ liệu trình diễn (không cài lại; CSDL khác SQLite cần CONFIRM=yes)"

$(BIN)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

install: $(BIN)/.installed

var/secret_key:
	mkdir -p var
	umask 077 && $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $@

setup: install var/secret_key
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0

# Empty the demo database, migrate and load the demo again, without reinstalling the venv.
demo-reset:
	$(BIN)/python manage.py reset_demo $(if $(filter yes,$(CONFIRM)),--yes)

run: setup
	@$(BIN)/python manage.py demo_accounts
	@echo "Thi Đua đang chạy tại http://127.0.0.1:$(PORT) (Ctrl+C để dừng)"
	SECRET_KEY_FILE=var/secret_key BIN=$(BIN) bin/serve \
		--bind 127.0.0.1:$(PORT) --workers $(WORKERS) --access-logfile - --error-logfile -

test: install
	$(BIN)/ruff check .
	$(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/run.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
