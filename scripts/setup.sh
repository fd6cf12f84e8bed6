#!/usr/bin/env bash
# Set up the coach on Debian, Ubuntu or Raspberry Pi OS: system packages, a virtual
# environment in .venv, and the coach itself. Safe to run again; it only adds what is missing.
#   scripts/setup.sh          what you need to use the coach, by voice or typing
#   scripts/setup.sh --dev    also what the tests need (pytest, hypothesis, ruff, mypy, a
#                             PulseAudio server for virtual devices, a small Vosk model)
set -euo pipefail
cd "$(dirname "$0")/.."

extras="[voice]"
[[ "${1:-}" == "--dev" ]] && extras="[dev]"

say() { printf 'setup: %s\n' "$*"; }

as_root() {
    if [[ $(id -u) -eq 0 ]]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else say "need root for: $*  (install sudo, or run this as root)"; exit 1
    fi
}

apt_install() {
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$package")
    done
    ((${#missing[@]})) || return 0
    if ! command -v apt-get >/dev/null; then
        say "please install these with your package manager: ${missing[*]}"
        exit 1
    fi
    say "installing ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
}

find_python() {
    for candidate in python3.13 python3.12 python3.11 python3; do
        if command -v "$candidate" >/dev/null &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"; return 0
        fi
    done
    return 1
}

python=$(find_python) || { apt_install python3 python3-venv; python=$(find_python); } || {
    say "the coach needs Python 3.11 or newer; please install it and run this again"; exit 1; }
version=$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
if ! "$python" -c 'import venv, ensurepip' 2>/dev/null; then
    apt_install "python${version}-venv"
fi

# Voice: espeak-ng speaks (through pyttsx3), PortAudio reaches the sound card.
if command -v apt-get >/dev/null; then
    apt_install espeak-ng libportaudio2
fi
# The tests also need a PulseAudio server with virtual devices (scripts/pulse-test-server.sh),
# sox and espeak-ng to make test speech, Graphviz to draw `coach dialogs graph --out`, and
# pocketsphinx-testdata for its recordings of people reading (LibriVox, public domain).
if [[ "$extras" == "[dev]" ]]; then
    apt_install pulseaudio pulseaudio-utils libasound2-plugins sox graphviz pocketsphinx-testdata
fi

if [[ ! -x .venv/bin/python ]]; then
    say "creating the virtual environment in .venv"
    "$python" -m venv .venv
fi
stamp=".venv/.installed${extras}"
if [[ ! -f "$stamp" || pyproject.toml -nt "$stamp" ]]; then
    say "installing the coach and its libraries"
    .venv/bin/python -m pip install -q --upgrade pip
    # PocketSphinx has no ready-made wheel for some Pythons (3.12 on ARM); pip then builds it,
    # which needs a C compiler and the Python headers.
    wheel=$(.venv/bin/python -m pip install -q --dry-run --no-deps --only-binary=:all: \
        "pocketsphinx>=5.0" 2>&1 || true)
    if [[ "$wheel" == *"No matching distribution"* ]]; then
        say "PocketSphinx has no ready-made build for Python $version here: installing a C" \
            "compiler and the Python headers to build it (a few minutes, once)"
        apt_install build-essential "python${version}-dev"
    fi
    .venv/bin/python -m pip install -q -e ".${extras}"
    touch "$stamp"
fi
say "ready: run .venv/bin/coach (or .venv/bin/coach --text to type)"
