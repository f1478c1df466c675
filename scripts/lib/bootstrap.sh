# shellcheck shell=bash
# Make (or reuse) the project's virtualenv at <repo>/.venv and put it first on PATH.
#
#   source scripts/lib/bootstrap.sh
#
# - Creates .venv with Python 3.11 (`python3.11`, or `python3` when that is 3.11).
# - Runs `pip install -e '.[dev]'` only when pyproject.toml changed since the last successful
#   install: the sha256 of pyproject.toml is kept in .venv/.steelyard-pyproject.sha256.
#   Delete that file to force a reinstall.
# - A venv made by another Python (or whose interpreter has vanished, e.g. a removed pyenv
#   version) is rebuilt.
# - Concurrent runs in the same checkout are serialised with flock, so two `scripts/test`
#   started at once do not pip-install into the same venv together.
#
# Safe to source from an interactive shell: it does not change shell options and only returns
# non-zero on failure (callers running under `set -e` stop there).

_steelyard_bootstrap() {
    local root venv stamp lock_fd="" rc
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)" || return 1
    venv="$root/.venv"
    stamp="$venv/.steelyard-pyproject.sha256"

    # Serialise with other runs in this checkout. The lock is taken on the repo directory
    # itself, so no lock file is left behind (flock works on a read-only fd of a directory).
    if command -v flock >/dev/null 2>&1; then
        exec {lock_fd}<"$root" && flock "$lock_fd" || return 1
    fi

    _steelyard_bootstrap_inner "$root" "$venv" "$stamp"
    rc=$?

    if [[ -n "$lock_fd" ]]; then
        exec {lock_fd}<&-
    fi
    return "$rc"
}

# Is "$1" a Python 3.11 interpreter that runs?
_steelyard_is_py311() {
    "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' >/dev/null 2>&1
}

_steelyard_bootstrap_inner() {
    local root="$1" venv="$2" stamp="$3" py="" candidate want have=""

    # Fast path for the venv: the interpreter link must resolve (-x follows symlinks) and
    # pyvenv.cfg must say 3.11. This avoids starting Python just to check.
    if [[ ! -x "$venv/bin/python" ]] \
        || ! grep -Eq '^version(_info)? *= *3\.11\.' "$venv/pyvenv.cfg" 2>/dev/null; then
        for candidate in python3.11 python3; do
            # `command -v` alone is not enough: a pyenv shim exists even when the version
            # behind it is not installed, so actually run it.
            if command -v "$candidate" >/dev/null 2>&1 && _steelyard_is_py311 "$candidate"; then
                py="$candidate"
                break
            fi
        done
        if [[ -z "$py" ]]; then
            echo "bootstrap: Python 3.11 not found (tried python3.11, python3)." >&2
            echo "bootstrap: install it, e.g. 'pyenv install 3.11' or 'apt-get install python3.11-venv'." >&2
            return 1
        fi
        if [[ -e "$venv" ]]; then
            echo "bootstrap: $venv is not a working Python 3.11 venv; rebuilding it." >&2
        fi
        echo "bootstrap: creating .venv with $(command -v "$py") ($("$py" -V 2>&1))" >&2
        # --clear empties a half-made or foreign venv; the new one has no stamp, so we install.
        "$py" -m venv --clear "$venv" || {
            echo "bootstrap: 'python -m venv' failed (on Debian's own python: apt-get install python3.11-venv)." >&2
            return 1
        }
    fi

    if command -v sha256sum >/dev/null 2>&1; then
        want="$(sha256sum "$root/pyproject.toml")" || return 1
        want="${want%% *}"
    else
        want="$("$venv/bin/python" -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' "$root/pyproject.toml")" || return 1
    fi
    [[ -f "$stamp" ]] && have="$(<"$stamp")"

    if [[ "$want" != "$have" ]]; then
        echo "bootstrap: pyproject.toml changed; running pip install -e '.[dev]' ..." >&2
        # -q keeps it quiet; errors still go to stderr. The stamp is written only on success,
        # so a failed install is retried next time. One warning is dropped from stderr: pip
        # prints it for every package when pip.conf lists a local index folder that does not
        # exist (as on our dev/CI machines), burying anything useful.
        (
            cd "$root" || exit 1
            set -o pipefail
            "$venv/bin/python" -m pip install -q --disable-pip-version-check -e '.[dev]' 2>&1 >&3 3>&- \
                | { grep -v -F 'is ignored: it is neither a file nor a directory' || true; } >&2
        ) 3>&1 || {
            echo "bootstrap: pip install failed (see above)." >&2
            return 1
        }
        printf '%s\n' "$want" >"$stamp" || return 1
    fi
    _steelyard_browser
    return 0
}

# The console's browser test (tests/console/test_browser.py) drives Debian's chromium, since
# Playwright's own browser download cannot work here: installed once when missing, only as root
# with apt-get (and a CJK font for its screenshots). A failure is not fatal: that test skips.
_steelyard_browser() {
    command -v chromium >/dev/null 2>&1 && return 0
    [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1 || return 0
    echo "bootstrap: installing chromium for the console's browser test (apt-get) ..." >&2
    local packages=(chromium fonts-wqy-zenhei)
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${packages[@]}" >/dev/null 2>&1 \
        || { apt-get update -q >/dev/null 2>&1 \
            && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${packages[@]}" >/dev/null 2>&1; } \
        || echo "bootstrap: could not install chromium; tests/console/test_browser.py will skip." >&2
    return 0
}

# `return` when sourced, `exit` when run as a script.
_steelyard_bootstrap || return 1 2>/dev/null || exit 1
unset -f _steelyard_bootstrap _steelyard_bootstrap_inner _steelyard_is_py311 _steelyard_browser

# Activate: the tools (ruff, mypy, lint-imports, pytest, steelyard) come from the venv.
export VIRTUAL_ENV
VIRTUAL_ENV="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)/.venv"
case ":$PATH:" in
    *":$VIRTUAL_ENV/bin:"*) ;;
    *) export PATH="$VIRTUAL_ENV/bin:$PATH" ;;
esac
unset PYTHONHOME
