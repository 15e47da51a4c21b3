# Sourced by scripts/run and scripts/test: find Python 3.11+, make .venv, install the pinned requirements.
# Usage: source scripts/_setup.sh REQUIREMENTS_FILE
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

find_python() {
  for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "Python 3.11 or newer is needed; set PYTHON=/path/to/python3.11" >&2
  return 1
}

requirements="$1"
if [ ! -x .venv/bin/python ]; then
  python_bin=$(find_python)
  echo "==> Creating the virtual environment .venv with $python_bin"
  "$python_bin" -m venv .venv
fi
# Install only when the requirements changed since the last install (a stamp file keeps their checksum).
stamp=".venv/.installed-$(basename "$requirements")"
checksum=$(cat requirements*.txt | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$checksum" ]; then
  echo "==> Installing $requirements"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"
  echo "$checksum" > "$stamp"
fi
export PATH="$PWD/.venv/bin:$PATH"
