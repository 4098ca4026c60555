# Shared by scripts/start and scripts/test (sourced, not run): the virtual environment,
# and installing the project into it only when pyproject.toml changed since last time.

# Activate the environment already active, else .venv/ (created on first use).
use_venv() {
  if [ -z "${VIRTUAL_ENV:-}" ]; then
    if [ ! -x .venv/bin/python ]; then
      "${PYTHON:-python3}" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
        echo "Tremplin demande Python 3.11 ou plus récent : PYTHON=python3.11 $0" >&2
        exit 1
      }
      "${PYTHON:-python3}" -m venv .venv
    fi
    # shellcheck disable=SC1091
    . .venv/bin/activate
  fi
}

# What an install depends on: pyproject.toml and where the project is (an editable
# install points at this folder).
install_fingerprint() {
  printf '%s %s\n' "$(sha256sum pyproject.toml | cut -d' ' -f1)" "$PWD"
}

# install_once STAMP COMMAND...: run COMMAND unless STAMP says it already ran for this
# pyproject.toml; then no network is needed and nothing is reinstalled.
install_once() {
  local stamp=$1
  shift
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(install_fingerprint)" ]; then
    return 0
  fi
  "$@"
  install_fingerprint >"$stamp"
}
