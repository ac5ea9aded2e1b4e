#!/usr/bin/env bash
# Set up the app on this machine: Debian libraries Qt needs, then a virtualenv in .venv
# with the app and its test tools. Safe to run again; it only adds what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-system-deps.sh
python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]"
# PySide6 compiles its start-up helpers from an archive inside libshiboken at every start
# (about 40 ms). Unpacked once with its documented switch, SBK_EMBED=0, they load as
# cached bytecode instead. Run after every install so the files match the installed version.
SBK_EMBED=0 .venv/bin/python -c "import shiboken6"
# Bytecode for those helpers and the app, written now: where PYTHONDONTWRITEBYTECODE is set,
# Python would otherwise compile them again at every start.
.venv/bin/python -m compileall -q -j 0 observer ui \
  "$(.venv/bin/python -c 'import os, shiboken6; print(os.path.dirname(shiboken6.__file__))')/files.dir"
