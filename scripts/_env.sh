# Shared by scripts/demo and scripts/test: find Python ≥ 3.12 and install into .venv.
# Sourced, not run. Honours $PYTHON if set.

find_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3.14 python3.13 python3.12 python3 python; do
        [ -n "$candidate" ] || continue
        if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then
            command -v "$candidate"
            return 0
        fi
    done
    # pyenv keeps interpreters it has not activated under its root; use one if present.
    local root
    root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
    for candidate in "$root"/versions/3.1[2-9]*/bin/python3; do
        if [ -x "$candidate" ] && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then
            echo "$candidate"
            return 0
        fi
    done
    echo "Northline needs Python 3.12 or newer; none found (set PYTHON=/path/to/python3.12)." >&2
    return 1
}

install_venv() {  # $1: the extras to install, e.g. "" or "[dev]"
    local python
    if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
        python=$(find_python) || return 1
        echo "→ creating .venv with $("$python" --version)" >&2
        rm -rf .venv
        "$python" -m venv .venv
    fi
    echo "→ installing Northline$1 into .venv (pinned by constraints.txt)" >&2
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null
    .venv/bin/python -m pip install --quiet --disable-pip-version-check \
        -c constraints.txt -e ".$1"
}
