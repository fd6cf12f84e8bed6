#!/usr/bin/env bash
# Install the coach as a smart speaker on Raspberry Pi OS (Debian bookworm, arm64), from this
# folder. Safe to run again: each step only adds or changes what is missing or out of date.
#
#   scripts/install-pi.sh                 as the person the speaker runs for (asks sudo when needed)
#   sudo scripts/install-pi.sh            the same, for the person who ran sudo
#   sudo scripts/install-pi.sh --user NAME
#
# It installs the system packages (through scripts/setup.sh, which also makes .venv and
# installs the coach with its voice libraries), adds the person to the `audio` group,
# downloads the small English Vosk model where it can (PocketSphinx, which comes with the
# coach, is used otherwise), installs a systemd user unit that starts `coach speaker` at
# boot and restarts it after a failure, and ends with `coach doctor`.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd -P)

unit_name="coach-speaker.service"
template="$repo/scripts/pi/coach-speaker.service"
model=small-en-us

usage() {
    cat <<EOF
Usage: scripts/install-pi.sh [--user NAME] [--no-service] [--no-model] [--help]

Installs the coach as a smart speaker on Raspberry Pi OS (Debian bookworm, arm64):
system packages, .venv with the coach, the audio group, the small English Vosk model
(if it can be downloaded), a systemd user service running '.venv/bin/coach speaker'
at boot, and a final 'coach doctor'. Run it from the coach's folder; run it again at
any time (after 'git pull', say): it only changes what is missing or out of date.

  --user NAME    the person the speaker runs as (default: you, or whoever ran sudo)
  --no-service   skip the systemd service (in a chroot, a container or CI)
  --no-model     skip the Vosk model download; PocketSphinx is used
  --help         show this help

COACH_VOSK_SHA256=HEX pins the model archive's SHA-256 (otherwise it is trusted over
HTTPS, and its SHA-256 is printed so you can pin it next time).
EOF
}

say() { printf 'install-pi: %s\n' "$*"; }
# fail WHAT-HAPPENED WHAT-TO-DO
fail() {
    printf 'install-pi: %s\n' "$1" >&2
    [[ -n "${2:-}" ]] && printf 'install-pi:   -> %s\n' "$2" >&2
    exit 1
}

user=""
service=1
want_model=1
while (($#)); do
    case "$1" in
        --user)
            [[ -n "${2:-}" ]] || fail "--user needs a name." "For example: --user pi"
            user=$2; shift 2 ;;
        --user=*) user=${1#--user=}; shift ;;
        --no-service) service=0; shift ;;
        --no-model) want_model=0; shift ;;
        -h|--help) usage; exit 0 ;;
        *) fail "unknown option '$1'." "See scripts/install-pi.sh --help" ;;
    esac
done

# --- Who and where ----------------------------------------------------------------------

if ! command -v apt-get >/dev/null || ! command -v dpkg-query >/dev/null; then
    fail "this installer is for Raspberry Pi OS and other Debian systems (no apt-get here)." \
        "Elsewhere, follow README.md: scripts/setup.sh, or pip install '.[voice]'."
fi
arch=$(dpkg --print-architecture)
if [[ "$arch" != arm64 ]]; then
    say "note: this machine is $arch; the installer is made for arm64 Raspberry Pi OS, carrying on."
fi

if [[ -z "$user" ]]; then
    if [[ $(id -u) -ne 0 ]]; then user=$(id -un)
    elif [[ -n "${SUDO_USER:-}" && "${SUDO_USER}" != root ]]; then user=$SUDO_USER
    else
        fail "running as root, so I do not know who the speaker is for." \
            "Give the person's login name: scripts/install-pi.sh --user pi"
    fi
fi
id "$user" >/dev/null 2>&1 || fail "there is no user called '$user' on this machine." \
    "Create one (sudo adduser $user) or give another with --user NAME."
[[ "$user" != root ]] || fail "the speaker should not run as root." \
    "Give an ordinary login with --user NAME (on a Pi, the one you log in with)."
uid=$(id -u "$user")
home=$(getent passwd "$user" | cut -d: -f6)

if [[ $service -eq 1 && ! -d /run/systemd/system ]]; then
    fail "systemd is not running here (a chroot or a container?), so the service cannot be set up." \
        "Run this on the Pi itself, or add --no-service to install everything else."
fi

as_root() {
    if [[ $(id -u) -eq 0 ]]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else fail "need root for: $*" "Run this again with sudo, or as root with --user $user."
    fi
}

# Run a command as USER (with their HOME), whoever runs this script.
as_user() {
    local who=$1; shift
    local who_home
    who_home=$(getent passwd "$who" | cut -d: -f6)
    if [[ $(id -un) == "$who" ]]; then "$@"
    else as_root runuser -u "$who" -- env HOME="$who_home" USER="$who" LOGNAME="$who" "$@"
    fi
}

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

apt_install() {
    local missing=() package
    for package in "$@"; do installed "$package" || missing+=("$package"); done
    ((${#missing[@]})) || return 0
    say "installing ${missing[*]}"
    as_root apt-get update -qq || fail "apt-get update failed (see above)." \
        "Check the network and /etc/apt/sources.list, then run this again."
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null ||
        fail "could not install ${missing[*]} (see above)." \
            "Fix what apt-get says (try: sudo apt-get install ${missing[*]}), then run this again."
}

# --- 1. System packages -------------------------------------------------------------------
# scripts/setup.sh's own packages (Python with venv, espeak-ng, PortAudio) are installed here
# first, so setup.sh can then run as the folder's owner and never needs root itself.
# alsa-utils gives arecord, aplay and alsamixer to check the microphone. The speaker needs a
# sound server in the person's session: PipeWire, as on Raspberry Pi OS desktop (Lite has
# none), unless PulseAudio is already installed.
say "1/6 system packages"
packages=(python3 python3-venv espeak-ng libportaudio2 alsa-utils)
if installed pulseaudio; then
    packages+=(pulseaudio-utils libasound2-plugins)
else
    packages+=(pipewire pipewire-pulse pipewire-alsa wireplumber pulseaudio-utils)
fi
apt_install "${packages[@]}"
say "system packages are in place"

# --- 2. The coach in .venv (scripts/setup.sh) ----------------------------------------------
say "2/6 the coach and its voice libraries in $repo/.venv (scripts/setup.sh)"
owner=$(stat -c %U "$repo")
if [[ "$owner" != "$(id -un)" && $(id -u) -ne 0 ]]; then
    fail "$repo belongs to $owner, so I cannot install into it as $(id -un)." \
        "Run this as $owner, or with sudo."
fi
as_user "$owner" scripts/setup.sh ||
    fail "scripts/setup.sh failed (see above), so the coach is not installed." \
        "Fix what it says, then run scripts/install-pi.sh again."
coach="$repo/.venv/bin/coach"
as_user "$user" test -x "$coach" ||
    fail "$user cannot run $coach (a folder on the way is private to $owner?)." \
        "Put the coach's folder somewhere $user can read, such as $home, and run this again."

# --- 3. The audio group ------------------------------------------------------------------
say "3/6 audio group"
regrouped=0
if id -nG "$user" | tr ' ' '\n' | grep -qx audio; then
    say "$user is already in the audio group"
else
    as_root usermod -aG audio "$user" ||
        fail "could not add $user to the audio group." "Run: sudo usermod -aG audio $user"
    regrouped=1
    say "added $user to the audio group (it takes effect from their next login, or a reboot)"
fi

# --- 4. Speech model -----------------------------------------------------------------------
say "4/6 speech recognition"
model_new=0
has_vosk_english() {
    as_user "$user" "$repo/.venv/bin/python" -c '
import sys
from coach.voice.models import list_models
sys.exit(0 if any(m.name == sys.argv[1] for m in list_models()) else 1)' "$model" 2>/dev/null
}
if [[ $want_model -eq 0 ]]; then
    say "skipped the Vosk model (--no-model): the coach uses PocketSphinx, which came with it"
elif has_vosk_english; then
    say "the Vosk English model ($model) is already installed; the coach uses it"
else
    if [[ -n "${COACH_VOSK_SHA256:-}" ]]; then check=(--sha256 "$COACH_VOSK_SHA256")
    else check=(--trust)
    fi
    say "downloading the small English Vosk model (about 40 MB)..."
    if output=$(as_user "$user" "$coach" models download "$model" "${check[@]}" 2>&1); then
        [[ -n "$output" ]] && printf '%s\n' "$output" | sed 's/^/install-pi:   /'
        say "installed the Vosk English model ($model); the coach uses it"
        model_new=1
    else
        reason=$(printf '%s\n' "$output" | grep -v '^\s*$' | head -n 1 | sed 's/^coach: //')
        say "could not download the Vosk model: ${reason:-no reason given}"
        say "the coach uses PocketSphinx, which came with it (fine for yes/no, numbers and"
        say "commands). To add Vosk later, once online: $coach models download $model --trust"
    fi
fi

# --- 5. The service ----------------------------------------------------------------------
say "5/6 start at boot"
unit_dir="$home/.config/systemd/user"
unit="$unit_dir/$unit_name"

# systemctl --user for $user: directly when we are them, else through their manager (root).
user_systemctl() {
    if [[ $(id -u) -eq "$uid" ]]; then
        XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/run/user/$uid}" systemctl --user "$@"
    else
        as_root systemctl --user -M "$user@" "$@"
    fi
}

render_unit() {
    local systemd_version
    systemd_version=$(systemctl --version 2>/dev/null | awk 'NR == 1 { print $2 + 0 }')
    if [[ ${systemd_version:-0} -ge 254 ]]; then
        sed -e "s|@COACH@|$coach|g" -e "s|@REPO@|$repo|g" "$template"
    else  # no RestartSteps yet: a steady delay instead of a growing one
        sed -e "s|@COACH@|$coach|g" -e "s|@REPO@|$repo|g" \
            -e 's|^RestartSec=5s$|RestartSec=15s|' -e '/^RestartSteps=/d' \
            -e '/^RestartMaxDelaySec=/d' "$template"
    fi
}

# True if the coach's code or dialogs changed after the running speaker started (git pull).
code_changed_since_start() {
    local started
    started=$(user_systemctl show -p ExecMainStartTimestamp --value "$unit_name" 2>/dev/null) || return 1
    started=$(date -d "$started" +%s 2>/dev/null) || return 1
    [[ -n "$(find coach pyproject.toml -name __pycache__ -prune -o \
        -newermt "@$started" -print -quit 2>/dev/null)" ]]
}

if [[ $service -eq 0 ]]; then
    say "skipped the systemd service (--no-service); start the speaker by hand with: $coach speaker"
else
    if ! as_user "$user" "$coach" speaker --help >/dev/null 2>&1; then
        say "warning: this version of the coach has no 'coach speaker' yet, so the service will"
        say "  keep failing and retrying until it does. Update the folder (git pull) and run this again."
    fi
    new_unit=$(mktemp)
    trap 'rm -f "$new_unit"' EXIT
    render_unit >"$new_unit"
    changed=0
    if [[ -f "$unit" ]] && cmp -s "$new_unit" "$unit"; then
        say "the service file $unit is up to date"
    else
        as_user "$user" mkdir -p "$unit_dir"
        as_user "$user" tee "$unit" <"$new_unit" >/dev/null ||
            fail "could not write $unit." "Check that $user owns $home/.config."
        changed=1
        say "wrote the service file $unit"
    fi
    if [[ -e "/var/lib/systemd/linger/$user" ]]; then
        say "lingering is on for $user: their services run from boot, without a login"
    else
        as_root loginctl enable-linger "$user" ||
            fail "could not turn on lingering for $user." "Run: sudo loginctl enable-linger $user"
        say "turned on lingering for $user, so the speaker starts at boot without a login"
    fi
    # Lingering starts the person's service manager at boot; make sure it runs now too.
    if ! systemctl is-active --quiet "user@$uid.service"; then
        as_root systemctl start "user@$uid.service" ||
            fail "could not start $user's service manager (user@$uid.service)." \
                "Reboot once (sudo reboot) and run this again."
    fi
    user_systemctl daemon-reload ||
        fail "could not reach $user's service manager (systemctl --user)." \
            "Reboot once (sudo reboot) and run this again."
    user_systemctl enable "$unit_name" >/dev/null 2>&1 ||
        fail "could not enable $unit_name." "Run: systemctl --user enable $unit_name (as $user)"
    why=""
    if ! user_systemctl is-active --quiet "$unit_name"; then why="it was not running"
    elif [[ $changed -eq 1 ]]; then why="its service file changed"
    elif [[ $regrouped -eq 1 ]]; then why="to join the audio group"
    elif [[ $model_new -eq 1 ]]; then why="to use the new Vosk model"
    elif code_changed_since_start; then why="the coach's files changed since it started"
    fi
    if [[ -n "$why" ]]; then
        user_systemctl restart "$unit_name" ||
            fail "could not start $unit_name." "See: journalctl --user -u coach-speaker (as $user)"
        say "(re)started $unit_name ($why)"
    else
        say "$unit_name is enabled and running the coach as it is now"
    fi
    sleep 3
    if user_systemctl is-active --quiet "$unit_name"; then
        say "the speaker is running; it starts at boot and restarts after a failure"
    else
        state=$(user_systemctl is-active "$unit_name" 2>/dev/null || true)
        say "the speaker service is not running yet (${state:-unknown}); it retries on its own."
        say "  See why in its log (below), and fix what coach doctor says at the end."
    fi
    say "  logs:    journalctl --user -u coach-speaker -f   (as $user; or: sudo journalctl --user-unit coach-speaker)"
    say "  stop:    systemctl --user stop coach-speaker      turn off: systemctl --user disable --now coach-speaker"
    if [[ $regrouped -eq 1 ]]; then
        say "reboot once (sudo reboot) so the service runs with the audio group"
    fi
fi

# --- 6. Check --------------------------------------------------------------------------
say "6/6 coach doctor"
doctor_env=()
[[ -d "/run/user/$uid" ]] && doctor_env=(XDG_RUNTIME_DIR="/run/user/$uid")
if as_user "$user" env "${doctor_env[@]}" "$coach" doctor; then
    say "done: the coach is installed and every check passed"
else
    say "done: the coach is installed, but coach doctor found the problems above. Fix what it"
    say "says and check again with: $coach doctor   (typing works meanwhile: $coach --text)"
fi
